//! Measures what a consumer blocked on an empty queue costs: one thread sits
//! in `pop()` for a second while the main thread sleeps, and the process's CPU
//! time over that second is printed (Linux: read from /proc/self/stat).
//!
//! ```text
//! cargo run --release -p ringq --example idle_cpu
//! ```

use std::thread;
use std::time::{Duration, Instant};

/// User + system CPU time of this process, in clock ticks (usually 10 ms).
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn main() {
    let q = ringq::Queue::<u64>::new(16);
    thread::scope(|s| {
        let consumer = s.spawn(|| q.pop());
        // Let it get past its spin and yield phases (tens of microseconds).
        thread::sleep(Duration::from_millis(50));
        let (Some(before), start) = (cpu_ticks(), Instant::now()) else {
            println!("no /proc/self/stat here; nothing measured");
            q.close();
            return;
        };
        thread::sleep(Duration::from_secs(1));
        let after = cpu_ticks().unwrap_or(before);
        let wall = start.elapsed().as_secs_f64();
        // Assume the usual 100 ticks per second (USER_HZ).
        let cpu = (after - before) as f64 / 100.0;
        println!(
            "consumer parked in pop() for {wall:.2} s used {cpu:.2} s of CPU ({:.1}% of a core; resolution 10 ms)",
            100.0 * cpu / wall
        );
        q.push(1).unwrap();
        assert_eq!(consumer.join().unwrap(), Ok(1));
    });
}
