//! A worker pool: jobs with results, backpressure, and a clean shutdown.
//!
//! `cargo run --release -p ringq-pool --example worker_pool`

use ringq_pool::Pool;

fn main() {
    let pool = Pool::builder()
        .workers(4)
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
    let report = pool.shutdown();
    println!(
        "100 jobs: checksum {combined:#x}; completed {}, panicked {}, cancelled {}",
        report.completed, report.panicked, report.cancelled
    );
    assert_eq!(report.completed, 100);
}
