//! Shuttle tests of ringq-pool: four workers with `abort` and `shutdown`
//! racing `execute`, under shuttle's random and PCT schedulers.
#![cfg(shuttle)]

use ringq_pool::Pool;
use shuttle::sync::Mutex;
use shuttle::thread;
use shuttle_tests::check;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Jobs each submitting thread offers.
const JOBS: usize = 3;

/// A job that records its id in `ran`.
fn job(ran: &Arc<Mutex<Vec<usize>>>, id: usize) -> impl FnOnce() + Send + 'static {
    let ran = ran.clone();
    move || ran.lock().unwrap().push(id)
}

/// Two threads execute jobs into a 4-worker pool while the main thread
/// closes it and then shuts it down: every job is either rejected (the
/// closure comes back) or ran exactly once, and the report counts each.
#[test]
fn shutdown_races_execute() {
    check(10000, || {
        let pool = Arc::new(Pool::new(4, 2));
        let ran = Arc::new(Mutex::new(Vec::new()));
        let rejected = Arc::new(AtomicUsize::new(0));
        let submitters: Vec<_> = (0..2)
            .map(|s| {
                let (pool, ran, rejected) = (pool.clone(), ran.clone(), rejected.clone());
                thread::spawn(move || {
                    for i in 0..JOBS {
                        if pool.execute(job(&ran, s * 100 + i)).is_err() {
                            rejected.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        pool.close();
        for s in submitters {
            s.join().unwrap();
        }
        let report = Arc::into_inner(pool).unwrap().shutdown();
        let mut ran = ran.lock().unwrap().clone();
        ran.sort_unstable();
        ran.dedup();
        let rejected = rejected.load(Ordering::Relaxed);
        assert_eq!(
            ran.len() + rejected,
            2 * JOBS,
            "a job was lost or ran twice"
        );
        assert_eq!(
            (report.completed, report.panicked, report.cancelled),
            (ran.len(), 0, 0)
        );
    });
}

/// Two threads execute jobs into a 4-worker pool while the main thread
/// aborts it. `abort` takes the pool by value, so the submitters reach it
/// through a lock the aborting thread takes it out of: their calls race the
/// workers and each other, and the abort races the workers and the
/// submitters' next attempt. Every job ran exactly once, came back from
/// `abort` (and runs here), or was refused; the report agrees.
#[test]
fn abort_races_execute() {
    check(10000, || {
        let slot = Arc::new(Mutex::new(Some(Pool::new(4, 2))));
        let ran = Arc::new(Mutex::new(Vec::new()));
        let refused = Arc::new(AtomicUsize::new(0));
        let submitters: Vec<_> = (0..2)
            .map(|s| {
                let (slot, ran, refused) = (slot.clone(), ran.clone(), refused.clone());
                thread::spawn(move || {
                    for i in 0..JOBS {
                        let guard = slot.lock().unwrap();
                        let accepted = match guard.as_ref() {
                            Some(pool) => pool.try_execute(job(&ran, s * 100 + i)).is_ok(),
                            None => false,
                        };
                        drop(guard);
                        if !accepted {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                        thread::yield_now();
                    }
                })
            })
            .collect();
        thread::yield_now();
        let pool = slot.lock().unwrap().take().unwrap();
        let aborted = pool.abort();
        let ran_by_pool = ran.lock().unwrap().len();
        let r = aborted.report;
        assert_eq!((r.completed, r.panicked), (ran_by_pool, 0), "{r:?}");
        assert_eq!(aborted.pending.len(), r.cancelled, "{r:?}");
        for pending in aborted.pending {
            pending.run();
        }
        for s in submitters {
            s.join().unwrap();
        }
        let mut ran = ran.lock().unwrap().clone();
        let total = ran.len();
        ran.sort_unstable();
        ran.dedup();
        assert_eq!(ran.len(), total, "a job ran twice");
        assert_eq!(
            total + refused.load(Ordering::Relaxed),
            2 * JOBS,
            "a job was lost"
        );
    });
}
