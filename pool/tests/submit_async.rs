//! `Pool::execute_async` / `submit_async`: waiting for room without
//! blocking the executor; a withdrawn or dropped future either left its job
//! accepted or dropped it unrun, and the counters agree.
//!
//! Seen failing (2026-12-03): with `Admission::cancel` not taking the
//! count back for a withdrawn job, the cancel/drop test's identity breaks
//! and the stress test's `wait_idle` never returns (its watchdog fires).

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use common::{assert_identity, occupy_workers, watchdog};
use ringq_pool::{Backend, ExecuteAsync, Job, Pool, Rejected, RingqBackend, SubmitAsync};
use static_assertions::assert_impl_all;

assert_impl_all!(ExecuteAsync<'static, fn()>: Send, Unpin, std::fmt::Debug);
assert_impl_all!(SubmitAsync<'static, fn() -> u8, u8>: Send, Unpin, std::fmt::Debug);

/// A waker that does nothing (`Waker::noop` is newer than the MSRV).
struct Noop;

impl std::task::Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

fn poll_once<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    let waker = Waker::from(Arc::new(Noop));
    Pin::new(f).poll(&mut Context::from_waker(&waker))
}

#[test]
fn both_resolve_when_there_is_room() {
    let pool = Pool::new(2, 8);
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    pollster::block_on(pool.execute_async(move || {
        r.fetch_add(1, Ordering::SeqCst);
    }))
    .unwrap();
    let h = pollster::block_on(pool.submit_async(|| 7)).unwrap();
    assert_eq!(pollster::block_on(h).unwrap(), 7);
    pool.wait_idle();
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert_eq!(pool.stats().completed, 2);
}

#[test]
#[cfg(not(any(loom, shuttle)))] // tokio is not a dependency there
#[cfg_attr(miri, ignore = "tokio's runtime is too slow under miri")]
fn a_full_queue_keeps_it_pending_and_counted_then_room_wakes_it() {
    watchdog(60, "room wakes the submit", || {
        let pool = Arc::new(Pool::new(1, 1));
        let gate = occupy_workers(&pool, 1);
        pool.execute(|| ()).unwrap(); // full
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let p = pool.clone();
        rt.block_on(async move {
            let mut submit = p.submit_async(|| "late");
            assert!(poll_once(&mut submit).is_pending());
            // Counted as accepted (queued) while it waits, as a blocked
            // submit is.
            let s = p.stats();
            assert_identity(&s, 3);
            assert_eq!(s.queued, 2, "{s:?}");
            drop(gate); // the worker frees a slot; the pop wakes the task
            let handle = submit.await.unwrap();
            assert_eq!(handle.await.unwrap(), "late");
        });
        pool.wait_idle();
        assert_eq!(pool.stats().completed, 3);
    });
}

#[test]
#[cfg(not(any(loom, shuttle)))] // tokio is not a dependency there
#[cfg_attr(miri, ignore = "tokio's runtime is too slow under miri")]
fn a_close_while_waiting_hands_the_closure_back_uncounted() {
    watchdog(60, "close wakes the submit", || {
        let pool = Arc::new(Pool::new(1, 1));
        let gate = occupy_workers(&pool, 1);
        pool.execute(|| ()).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let p = pool.clone();
        let rejected = rt.block_on(async move {
            let hit = Arc::new(AtomicUsize::new(0));
            let h = hit.clone();
            let mut exec = p.execute_async(move || {
                h.fetch_add(9, Ordering::SeqCst);
            });
            assert!(poll_once(&mut exec).is_pending());
            let closer = p.clone();
            std::thread::spawn(move || closer.close());
            (exec.await, hit)
        });
        match rejected {
            (Err(Rejected::Closed(f)), hit) => {
                assert_eq!(hit.load(Ordering::SeqCst), 0);
                f();
                assert_eq!(hit.load(Ordering::SeqCst), 9);
            }
            (other, _) => panic!("{other:?}"),
        }
        assert_identity(&pool.stats(), 2);
        drop(gate);
        pool.wait_idle();
        assert_eq!(pool.stats().completed, 2);
    });
}

#[test]
fn cancel_or_drop_while_waiting_leaves_the_job_unrun_and_uncounted() {
    let pool = Pool::new(1, 1);
    let gate = occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let mut exec = pool.execute_async(move || {
        r.fetch_add(1, Ordering::SeqCst);
    });
    assert!(poll_once(&mut exec).is_pending());
    assert_identity(&pool.stats(), 3);
    let f = exec.cancel().expect("it never entered the queue");
    assert!(exec.cancel().is_none());
    drop(exec);
    assert_identity(&pool.stats(), 2);

    let r = ran.clone();
    let mut submit = pool.submit_async(move || {
        r.fetch_add(1, Ordering::SeqCst);
    });
    assert!(poll_once(&mut submit).is_pending());
    drop(submit);
    assert_identity(&pool.stats(), 2);

    drop(gate);
    pool.wait_idle();
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    f();
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert_eq!(pool.stats().completed, 2);
}

#[test]
fn a_withdrawal_after_acceptance_says_so_and_the_next_poll_resolves() {
    let pool = Pool::new(1, 4);
    let mut submit = pool.submit_async(|| 3);
    let handle = match poll_once(&mut submit) {
        Poll::Ready(Ok(h)) => h,
        other => panic!("room, so accepted at once: {other:?}"),
    };
    assert!(submit.cancel().is_none());
    assert_eq!(handle.join().unwrap(), 3);
}

#[test]
fn a_closed_pool_rejects_at_once() {
    let pool = Pool::new(1, 4);
    pool.close();
    match pollster::block_on(pool.submit_async(|| 1)) {
        Err(Rejected::Closed(f)) => assert_eq!(f(), 1),
        other => panic!("{other:?}"),
    }
    assert_identity(&pool.stats(), 0);
}

#[test]
fn a_hand_off_pool_takes_it_once_a_worker_waits() {
    watchdog(60, "hand-off async submit", || {
        let pool = Pool::new(2, 0);
        let h = pollster::block_on(pool.submit_async(|| 11)).unwrap();
        assert_eq!(h.join().unwrap(), 11);
        pool.wait_idle();
        assert_eq!(pool.stats().completed, 1);
    });
}

/// A backend that does not override `push_async`: the default busy poll.
struct NoAsync(RingqBackend);

impl Backend for NoAsync {
    fn with_capacity(capacity: usize) -> Result<Self, ringq::CapacityError> {
        RingqBackend::with_capacity(capacity).map(NoAsync)
    }
    fn push(&self, job: Job) -> Result<(), Job> {
        self.0.push(job)
    }
    fn try_push(&self, job: Job) -> Result<(), ringq::TryPushError<Job>> {
        self.0.try_push(job)
    }
    fn push_timeout(
        &self,
        job: Job,
        timeout: Duration,
    ) -> Result<(), ringq::PushTimeoutError<Job>> {
        self.0.push_timeout(job, timeout)
    }
    fn pop(&self) -> Option<Job> {
        self.0.pop()
    }
    fn try_pop(&self) -> Option<Job> {
        self.0.try_pop()
    }
    fn close(&self) -> bool {
        self.0.close()
    }
    fn is_closed(&self) -> bool {
        self.0.is_closed()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

#[test]
fn the_default_push_async_of_a_backend_waits_by_polling() {
    watchdog(60, "default push_async", || {
        let pool = Arc::new(
            Pool::builder()
                .workers(1)
                .capacity(1)
                .backend::<NoAsync>()
                .build()
                .unwrap(),
        );
        let gate = occupy_workers(&pool, 1);
        pool.execute(|| ()).unwrap();
        let mut exec = pool.execute_async(|| ());
        assert!(poll_once(&mut exec).is_pending());
        drop(gate);
        pollster::block_on(exec).unwrap();
        pool.wait_idle();
        assert_eq!(pool.stats().completed, 3);
    });
}

#[test]
#[cfg(not(any(loom, shuttle)))] // tokio is not a dependency there
#[cfg_attr(miri, ignore = "tokio's runtime is too slow under miri")]
fn many_tasks_with_timeouts_run_each_accepted_job_exactly_once() {
    use common::{scaled, RunLedger};
    use ringq_pool::JobError;

    watchdog(120, "async submit stress", || {
        let (tasks, per) = (8, scaled(2_000, 30));
        let pool = Arc::new(Pool::new(2, 4));
        let ledger = RunLedger::new(tasks * per);
        let accepted = Arc::new(AtomicUsize::new(0));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut joins = Vec::new();
            for t in 0..tasks {
                let (pool, ledger, accepted) = (pool.clone(), ledger.clone(), accepted.clone());
                joins.push(tokio::spawn(async move {
                    for i in 0..per {
                        let (ledger, id) = (ledger.clone(), t * per + i);
                        let submit = pool.submit_async(move || ledger.ran(id));
                        // Some give up while the queue is full: their job
                        // must then never run.
                        let limit = Duration::from_micros(if i % 4 == 0 { 1 } else { 50_000 });
                        match tokio::time::timeout(limit, submit).await {
                            Ok(Ok(handle)) => {
                                accepted.fetch_add(1, Ordering::SeqCst);
                                if i % 2 == 0 {
                                    match handle.await {
                                        Ok(()) => {}
                                        Err(JobError::Cancelled) => panic!("nothing cancels"),
                                        Err(e) => panic!("{e:?}"),
                                    }
                                }
                            }
                            Ok(Err(rejected)) => panic!("the pool is open: {rejected:?}"),
                            Err(_elapsed) => {}
                        }
                    }
                }));
            }
            for j in joins {
                j.await.unwrap();
            }
        });
        pool.wait_idle();
        let s = pool.stats();
        let ran = ledger.ran_at_most_once();
        // Every job the counters call accepted ran once, including ones
        // whose future was dropped after the push took it.
        assert_eq!(s.completed, ran, "{s:?}");
        assert!(ran >= accepted.load(Ordering::SeqCst), "{ran} ran");
        assert_identity(&s, ran);
        // Futures that resolved `Ok` ran, by the ledger's ids:
        for id in 0..tasks * per {
            assert!(ledger.count(id) <= 1);
        }
    });
}
