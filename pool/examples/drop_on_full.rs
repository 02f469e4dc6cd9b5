//! Load shedding: `try_execute` never blocks; when the queue is full the
//! job comes back and we drop it (counting it), or run it ourselves.
//!
//! `cargo run --release -p ringq-pool --example drop_on_full`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ringq_pool::{Pool, Rejected};

fn main() {
    let pool = Pool::new(1, 4);
    let handled = Arc::new(AtomicUsize::new(0));
    let (mut dropped, mut inline) = (0, 0);
    for event in 0..200u32 {
        let handled = handled.clone();
        let job = move || {
            std::thread::sleep(Duration::from_micros(200)); // slow consumer
            handled.fetch_add(1, Ordering::Relaxed);
        };
        match pool.try_execute(job) {
            Ok(()) => {}
            // Every tenth event is important: the caller runs it.
            Err(Rejected::Full(job)) if event % 10 == 0 => {
                job();
                inline += 1;
            }
            Err(Rejected::Full(_)) => dropped += 1,
            Err(Rejected::Closed(_)) => unreachable!("nobody closes the pool"),
        }
    }
    let report = pool.shutdown();
    println!(
        "200 events: {} ran on the pool, {inline} inline, {dropped} dropped",
        report.completed
    );
    assert_eq!(report.completed + inline + dropped, 200);
    assert_eq!(handled.load(Ordering::Relaxed), report.completed + inline);
}
