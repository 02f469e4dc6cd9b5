//! A worker pool: jobs with results, backpressure, scoped jobs over local
//! data, a worker set that grows under load, and a bounded shutdown.
//!
//! `cargo run --release -p ringq-pool --example worker_pool`

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ringq_pool::Pool;

fn main() {
    let pool = Pool::builder()
        .workers(2) // kept while idle
        .max_workers(4) // grown to while every worker is busy and jobs wait
        .keep_alive(Duration::from_millis(50)) // then idle extras leave
        .capacity(16) // submit blocks while 16 jobs wait: memory stays bounded
        .name("hash")
        .build()
        .expect("start the pool");
    let handles: Vec<_> = (0..100u64)
        .map(|i| {
            pool.submit(move || (0..10_000u64).fold(i, |h, x| h.rotate_left(5) ^ x))
                .expect("the pool is open")
        })
        .collect();
    let combined = handles
        .into_iter()
        .map(|h| h.join().expect("no job panics"))
        .fold(0u64, u64::wrapping_add);

    // Scoped jobs borrow `data` and `sum` from this stack frame.
    let data: Vec<u64> = (1..=10_000).collect();
    let sum = AtomicU64::new(0);
    pool.scope(|s| {
        for chunk in data.chunks(1_000) {
            let sum = &sum;
            s.execute(move || {
                sum.fetch_add(chunk.iter().sum::<u64>(), Ordering::Relaxed);
            })
            .expect("the pool is open");
        }
    });
    assert_eq!(sum.into_inner(), 50_005_000);

    // One call on every worker (2 to 4 of them, as the load had it).
    let workers = pool.broadcast(|index| index).expect("the pool is open");

    let report = pool
        .shutdown_timeout(Duration::from_secs(10))
        .expect("every job ends well within 10 s");
    println!(
        "110 jobs and a broadcast to {} workers: checksum {combined:#x}; completed {}, panicked {}, cancelled {}",
        workers.len(),
        report.completed,
        report.panicked,
        report.cancelled
    );
    // 100 submitted, 10 scoped, one broadcast call per worker.
    assert_eq!(report.completed, 110 + workers.len());
}
