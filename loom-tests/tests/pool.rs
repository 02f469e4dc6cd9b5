//! Loom models of ringq-pool's drain, abort and panic promises, over the
//! pool's real code (its `sync` shim switches to loom, and so does ringq's).
//!
//! Each model asserts the accounting identity: every accepted job ends
//! exactly once, as completed, panicked or cancelled. A lost wake-up (a
//! worker that never sees the close, a `wait_idle` that never returns)
//! shows up as a loom deadlock. Bounds are next to each model; executions
//! and run times (release build, 2-vCPU machine) are in loom-tests/README.md.
#![cfg(loom)]

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom_tests::model;
use ringq_pool::{JobError, Pool};

fn counting_job(ran: &Arc<AtomicUsize>) -> impl FnOnce() + Send + 'static {
    let ran = ran.clone();
    move || {
        ran.fetch_add(1, Ordering::SeqCst);
    }
}

/// Silences the default panic hook: the panic model panics on purpose in
/// every execution.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// Pool model 1: drain. One worker, capacity 1, two jobs (the second
/// submit blocks until the worker takes the first); shutdown runs both.
/// Bound 3 (executions and time: loom-tests/README.md).
#[test]
fn shutdown_drains_every_job() {
    model(3, || {
        let pool = Pool::new(1, 1);
        let ran = Arc::new(AtomicUsize::new(0));
        pool.execute(counting_job(&ran)).unwrap();
        pool.execute(counting_job(&ran)).unwrap();
        let report = pool.shutdown();
        assert_eq!(
            (report.completed, report.panicked, report.cancelled),
            (2, 0, 0)
        );
        assert_eq!(ran.load(Ordering::SeqCst), 2);
    });
}

/// Pool model 2: `wait_idle` with two workers: it returns only once both
/// jobs are counted, and the identity holds with nothing queued or active.
/// Bound 1 (three threads; at bound 2 the waiter-list spin lock exceeds
/// loom's branch limit, as in the queue models).
#[test]
fn wait_idle_sees_every_finished_job() {
    model(1, || {
        let pool = Pool::new(2, 1);
        let ran = Arc::new(AtomicUsize::new(0));
        pool.execute(counting_job(&ran)).unwrap();
        pool.execute(counting_job(&ran)).unwrap();
        pool.wait_idle();
        let s = pool.stats();
        assert_eq!((s.completed, s.queued, s.active), (2, 0, 0), "{s:?}");
        assert_eq!(ran.load(Ordering::SeqCst), 2);
        drop(pool);
    });
}

/// Pool model 3: abort racing the worker. Every job either ran or came
/// back, never both, and running what came back completes the count.
/// Bound 3.
#[test]
fn abort_accounts_for_every_job() {
    model(3, || {
        let pool = Pool::new(1, 2);
        let ran = Arc::new(AtomicUsize::new(0));
        pool.execute(counting_job(&ran)).unwrap();
        pool.execute(counting_job(&ran)).unwrap();
        let aborted = pool.abort();
        let r = aborted.report;
        assert_eq!(r.completed + r.panicked + r.cancelled, 2, "{r:?}");
        assert_eq!(aborted.pending.len(), r.cancelled);
        assert_eq!(ran.load(Ordering::SeqCst), r.completed);
        for job in aborted.pending {
            job.run();
        }
        assert_eq!(ran.load(Ordering::SeqCst), 2);
    });
}

/// Pool model 4: a panicking job does not kill the worker: the job after
/// it still runs, and the counts say one of each. Bound 3.
#[test]
fn a_panic_is_counted_and_the_worker_survives() {
    quiet_panics();
    model(3, || {
        let pool = Pool::new(1, 1);
        let ran = Arc::new(AtomicUsize::new(0));
        pool.execute(|| panic!("job fails")).unwrap();
        pool.execute(counting_job(&ran)).unwrap();
        let report = pool.shutdown();
        assert_eq!(
            (report.completed, report.panicked, report.cancelled),
            (1, 1, 0)
        );
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    });
}

/// Pool model 5: a handle cancelled while its job races the worker: the
/// job either ran (`cancel` returned false and `join` has the value) or
/// never will (`cancel` returned true and `join` says cancelled), and the
/// pool counts it once either way. Bound 3.
#[test]
fn handle_cancel_races_the_worker() {
    model(3, || {
        let pool = Pool::new(1, 1);
        let h = pool.submit(|| 7).unwrap();
        let cancelled = h.cancel();
        match h.join() {
            Ok(7) => assert!(!cancelled),
            Err(JobError::Cancelled) => assert!(cancelled),
            other => panic!("{other:?}"),
        }
        let r = pool.shutdown();
        assert_eq!(r.completed + r.cancelled, 1, "{r:?}");
        assert_eq!(r.cancelled, usize::from(cancelled));
    });
}

/// Pool model 6: the abort rule. The worker sits in a job that waits for
/// the pool's token; a job queued behind it must come back from `abort`,
/// never run, whichever of the worker and `abort` takes it from the queue.
/// Bound 3.
/// Catches: a worker that ignores `aborting` (runs what it pops after the
/// abort began); the accounting-only model 3 does not.
#[test]
fn abort_hands_back_the_job_queued_behind_a_running_one() {
    model(3, || {
        let pool = Pool::new(1, 2);
        let token = pool.token().clone();
        let ran = Arc::new(AtomicUsize::new(0));
        pool.execute(move || {
            while !token.is_cancelled() {
                loom::thread::yield_now();
            }
        })
        .unwrap();
        let h = pool.submit(counting_job(&ran)).unwrap();
        let aborted = pool.abort();
        assert_eq!(ran.load(Ordering::SeqCst), 0, "the queued job ran");
        // The waiting job too, if the worker had not taken it yet.
        assert!(matches!(aborted.pending.len(), 1 | 2));
        let r = aborted.report;
        assert_eq!((r.completed + r.cancelled, r.panicked), (2, 0), "{r:?}");
        drop(aborted.pending);
        assert!(matches!(h.join(), Err(JobError::Cancelled)));
    });
}

/// Pool model: `join_timeout` races the job's completion. Without a clock
/// (loom) the bounded wait re-checks once and times out; either it saw the
/// result, or it hands the handle back and a later `join` gets the result:
/// never lost, never both.
/// Bound 3.
#[test]
fn join_timeout_races_completion() {
    model(3, || {
        let pool = Pool::new(1, 1);
        let handle = pool.submit(|| 7u8).unwrap();
        let result = match handle.join_timeout(std::time::Duration::from_millis(1)) {
            Ok(result) => result,
            Err(timed_out) => timed_out.0.join(),
        };
        assert_eq!(result.ok(), Some(7));
        let report = pool.shutdown();
        assert_eq!(
            (report.completed, report.panicked, report.cancelled),
            (1, 0, 0)
        );
    });
}

/// Pool model 8: a hand-off pool (capacity 0). One worker, two jobs: each
/// submit waits until the worker takes its job; a `try_execute` in between
/// either hands its job to the waiting worker or gets it back as full.
/// Shutdown counts every accepted job once.
/// Bound 3.
#[test]
fn hand_off_pool_counts_every_job() {
    model(3, || {
        let pool = Pool::new(1, 0);
        let ran = Arc::new(AtomicUsize::new(0));
        pool.execute(counting_job(&ran)).unwrap();
        let extra = usize::from(pool.try_execute(counting_job(&ran)).is_ok());
        pool.execute(counting_job(&ran)).unwrap();
        let s = pool.stats();
        assert_eq!(s.completed + s.queued + s.active, 2 + extra, "{s:?}");
        let report = pool.shutdown();
        assert_eq!(
            (report.completed, report.panicked, report.cancelled),
            (2 + extra, 0, 0)
        );
        assert_eq!(ran.load(Ordering::SeqCst), 2 + extra);
    });
}

/// Pool model 9: scoped jobs borrow a local. Two scoped jobs (one worker,
/// capacity 1) each write their own loom `UnsafeCell` on the caller's
/// stack; after `scope` returns the caller reads both. Had `scope`
/// returned before a job ended, loom would report the unsynchronized
/// access (or the read would miss the write).
/// Two cells a scope's jobs write, one each.
struct Cells([loom::cell::UnsafeCell<usize>; 2]);

// SAFETY: job `i` writes only cell `i`, and the caller reads the cells only
// after `scope` returned; loom checks exactly that claim.
unsafe impl Sync for Cells {}

#[test]
fn scope_returns_only_after_its_jobs() {
    use loom::cell::UnsafeCell;
    model(3, || {
        let pool = Pool::new(1, 1);
        let cells = Cells([UnsafeCell::new(0usize), UnsafeCell::new(0usize)]);
        pool.scope(|s| {
            for i in 0..2 {
                let cells = &cells;
                // SAFETY: each job writes only its own cell (see `Cells`).
                s.execute(move || cells.0[i].with_mut(|p| unsafe { *p = i + 1 }))
                    .unwrap();
            }
        });
        // SAFETY: the scope has joined both writers.
        let seen: Vec<usize> = cells.0.iter().map(|c| c.with(|p| unsafe { *p })).collect();
        assert_eq!(seen, [1, 2]);
        drop(pool);
    });
}

/// Pool model 10: the resizable set. Core 1, max 2, keep-alive 0 (under
/// loom every deadline has passed, so an idle extra worker retires at its
/// first empty wait). The second submit may find the worker busy and the
/// first job still queued, and start a second worker; an idle one retires
/// while the second job arrives or is taken. Every job
/// runs once, the set never drops below the core size while a job waits,
/// and shutdown joins every worker ever started.
/// Bound 1 (three threads: at bound 2 the waiter-list spin lock exceeds
/// loom's branch limit, as in the other three-thread models).
#[test]
fn keep_alive_retirement_races_a_job() {
    model(1, || {
        let pool = Pool::builder()
            .workers(1)
            .max_workers(2)
            .keep_alive(std::time::Duration::ZERO)
            .capacity(1)
            .build()
            .unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        for _ in 0..2 {
            pool.execute(counting_job(&ran)).unwrap();
        }
        let s = pool.stats();
        assert!(s.workers >= 1 && s.workers <= 2, "{s:?}");
        let report = pool.shutdown();
        assert_eq!(
            (report.completed, report.panicked, report.cancelled),
            (2, 0, 0)
        );
        assert_eq!(ran.load(Ordering::SeqCst), 2);
    });
}

/// Pool model 11: `set_workers` shrinking the set (2 to 1, keep-alive 0)
/// while a job is submitted: a woken idle worker retires while the other
/// takes the job; the job runs once and shutdown joins both threads.
/// Bound 1, for the same reason as model 10.
#[test]
fn set_workers_shrink_races_a_job() {
    model(1, || {
        let pool = Pool::builder()
            .workers(2)
            .keep_alive(std::time::Duration::ZERO)
            .capacity(1)
            .build()
            .unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        pool.set_workers(1).unwrap();
        pool.execute(counting_job(&ran)).unwrap();
        let report = pool.shutdown();
        assert_eq!((report.completed, report.cancelled), (1, 0));
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    });
}

/// Counts its drops (a loom atomic): a job result that must be dropped
/// exactly once, by whoever holds it last.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Pool model 12: `join` racing the job's completion (the handle's
/// one-shot, `pool/src/job/oneshot.rs`): the joiner registers its thread
/// and parks while the worker stores the result and looks for a waiter;
/// the joiner gets the result (a heap value, so loom checks the cell's
/// hand-over) and is never left parked. Bound 3.
#[test]
fn join_races_completion() {
    model(3, || {
        let pool = Pool::new(1, 1);
        let h = pool.submit(|| String::from("seven")).unwrap();
        assert_eq!(h.join().unwrap(), "seven");
        let r = pool.shutdown();
        assert_eq!((r.completed, r.panicked, r.cancelled), (1, 0, 0));
    });
}

/// Pool model 13: a handle dropped on another thread while its job
/// completes: the result is dropped exactly once, whichever side lets go
/// last, and the job counts once. Bound 3.
#[test]
fn dropped_handle_races_completion() {
    model(3, || {
        let pool = Pool::new(1, 1);
        let drops = Arc::new(AtomicUsize::new(0));
        let result = DropCount(drops.clone());
        let h = pool.submit(move || result).unwrap();
        loom::thread::spawn(move || drop(h)).join().unwrap();
        let r = pool.shutdown();
        assert_eq!((r.completed, r.cancelled), (1, 0));
        assert_eq!(
            drops.load(Ordering::SeqCst),
            1,
            "the result leaked or dropped twice"
        );
    });
}

/// A waker that only counts (a std atomic: outside the model).
struct Count(std::sync::atomic::AtomicUsize);

impl std::task::Wake for Count {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Pool model 14: a handle's waker replaced between polls. The first poll
/// registers a counting waker; the second (loom's `block_on`, with its own
/// waker) must be the one the job's end wakes: a one-shot that kept the
/// first waker would leave `block_on` parked forever (a loom deadlock).
/// Bound 3.
#[test]
fn a_replaced_waker_is_the_one_woken() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    model(3, || {
        let pool = Pool::new(1, 1);
        let mut h = pool.submit(|| 5u8).unwrap();
        let first = Waker::from(std::sync::Arc::new(Count(Default::default())));
        let got = match std::pin::Pin::new(&mut h).poll(&mut Context::from_waker(&first)) {
            Poll::Ready(r) => r,
            Poll::Pending => loom::future::block_on(&mut h),
        };
        assert_eq!(got.ok(), Some(5));
        let r = pool.shutdown();
        assert_eq!(r.completed, 1);
    });
}
