//! Many jobs from many threads: every accepted job ends exactly once, and
//! the counters say so. The scenarios (`scenarios/mod.rs`) are generic over
//! the backend; here they run over ringq.

mod common;
#[macro_use]
mod scenarios;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use common::scaled;
use ringq_pool::RingqBackend;
use scenarios::pool;

scenario_tests!(RingqBackend);

#[test]
fn drain_on_drop_runs_every_queued_job() {
    let ran = Arc::new(AtomicUsize::new(0));
    let jobs = scaled(5_000, 30);
    {
        let pool = pool::<RingqBackend>(2, 8);
        for _ in 0..jobs {
            let ran = ran.clone();
            pool.execute(move || {
                ran.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        }
    }
    assert_eq!(ran.load(Ordering::SeqCst), jobs);
}

#[test]
fn close_races_blocked_submitters() {
    for _ in 0..scaled(50, 3) {
        let pool = pool::<RingqBackend>(1, 1);
        let accepted = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    while !stop.load(Ordering::SeqCst) {
                        match pool.execute(|| ()) {
                            Ok(()) => accepted.fetch_add(1, Ordering::SeqCst),
                            Err(r) => {
                                assert!(r.is_closed());
                                break;
                            }
                        };
                    }
                });
            }
            thread::yield_now();
            pool.close();
            stop.store(true, Ordering::SeqCst);
        });
        let report = pool.shutdown();
        assert_eq!(report.completed, accepted.load(Ordering::SeqCst));
    }
}
