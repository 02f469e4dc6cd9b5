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

/// A result that counts its drops, so a result taken *and* dropped by the
/// set (or neither) shows.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A completion set of three jobs on two workers, dropped by the main
/// thread after taking at most one result, while the workers run and
/// deliver: every job either ran (its result taken once, or dropped once
/// by the set) or was cancelled unrun, none starts after the drop
/// returned; the report agrees.
#[test]
fn completions_drop_races_delivery() {
    check(10000, || {
        let pool = Pool::new(2, 4);
        let ran = Arc::new(AtomicUsize::new(0));
        let drops = Arc::new(AtomicUsize::new(0));
        // Set once the set's drop has returned: a job that starts after
        // that must have been cancelled, so one that runs and sees it
        // panics (and the report shows a panic).
        let gone = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut taken = Vec::new();
        {
            let mut set = pool.completions();
            for _ in 0..3 {
                let (ran, drops, gone) = (ran.clone(), drops.clone(), gone.clone());
                set.spawn(move || {
                    assert!(
                        !gone.load(Ordering::SeqCst),
                        "a job started after its set dropped"
                    );
                    ran.fetch_add(1, Ordering::SeqCst);
                    Counted(drops)
                })
                .unwrap();
            }
            if let Ok(Ok(c)) = set.try_next() {
                taken.push(c);
            }
            thread::yield_now();
        } // the set drops: unstarted jobs are cancelled
        gone.store(true, Ordering::SeqCst);
        let report = pool.shutdown();
        let ran = ran.load(Ordering::SeqCst);
        assert_eq!(
            (report.completed, report.panicked, report.cancelled),
            (ran, 0, 3 - ran),
            "{report:?}"
        );
        // Every result that was made is dropped exactly once: by us (the
        // one taken, still held) or by the set and its jobs.
        assert_eq!(
            drops.load(Ordering::SeqCst) + taken.len(),
            ran,
            "a result leaked or dropped twice"
        );
        drop(taken);
    });
}

/// Polls a future once with a waker that does nothing.
fn poll_once<F: std::future::Future + Unpin>(f: &mut F) -> std::task::Poll<F::Output> {
    struct Noop;
    impl std::task::Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    let waker = std::task::Waker::from(Arc::new(Noop));
    std::pin::Pin::new(f).poll(&mut std::task::Context::from_waker(&waker))
}

/// An async submit to a hand-off pool (capacity 0), polled once and then
/// withdrawn, while the one worker becomes idle and may take the pending
/// job in between: the job ran if and only if the withdrawal said it was
/// accepted, and `wait_idle` waits for it then.
#[test]
fn async_submit_withdrawal_races_a_hand_off() {
    check(10000, || {
        let pool = Pool::new(1, 0);
        let ran = Arc::new(AtomicUsize::new(0));
        let r = ran.clone();
        let mut exec = pool.execute_async(move || {
            r.fetch_add(1, Ordering::SeqCst);
        });
        let accepted = match poll_once(&mut exec) {
            std::task::Poll::Ready(result) => {
                result.unwrap();
                true
            }
            std::task::Poll::Pending => {
                thread::yield_now();
                exec.cancel().is_none()
            }
        };
        drop(exec);
        pool.wait_idle();
        assert_eq!(ran.load(Ordering::SeqCst), usize::from(accepted));
        let s = pool.stats();
        assert_eq!(
            (s.completed, s.queued, s.active),
            (usize::from(accepted), 0, 0),
            "{s:?}"
        );
    });
}
