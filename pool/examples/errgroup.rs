//! Go's errgroup with a limit: at most 3 "downloads" in flight; the first
//! failure cancels the others.
//!
//! `cargo run --release -p ringq-pool --example errgroup`

use std::time::Duration;

use ringq_pool::{GroupError, Pool};

fn main() {
    let pool = Pool::new(8, 64);
    let group = pool.group::<String>().limit(3);
    for id in 0..20u32 {
        let spawned = group.spawn(move |token| {
            for _chunk in 0..10 {
                if token.is_cancelled() {
                    return Ok(()); // a sibling failed: give up quietly
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            if id == 7 {
                return Err(format!("download {id}: connection reset"));
            }
            Ok(())
        });
        if spawned.is_err() {
            println!("download {id} not started: the group already failed");
            break;
        }
    }
    match group.wait() {
        Ok(()) => println!("all downloads finished"),
        Err(GroupError::Failed(e)) => println!("group failed: {e}"),
        Err(other) => println!("group failed: {other}"),
    }
}
