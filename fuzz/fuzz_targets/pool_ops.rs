//! A pool driven by the input: submits, `try_execute`, panicking jobs,
//! handle cancels and `join_timeout`, `close`, `set_workers` on a
//! resizable set (keep-alive 0), scopes, broadcasts, caller-runs submits
//! (`Wait::RunHere`), async submits polled once and withdrawn, completion
//! sets drained or dropped, value groups (`group_results`), a semaphore's
//! `acquire_many`, a hand-off queue (capacity 0), and an ending by
//! `abort`, `shutdown` or `shutdown_timeout`. Every accepted job must end
//! exactly once: completed, panicked, or cancelled (its handle cancelled
//! it, its set was dropped, or abort returned it).
#![no_main]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use ringq_pool::{GroupError, JobError, JoinTimeout, Pool, ResizeError, Semaphore, Wait};
use ringq_fuzz::Input;

struct Noop;

impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

/// Polls `f` once with a waker that does nothing.
fn poll_once<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    let waker = Waker::from(Arc::new(Noop));
    Pin::new(f).poll(&mut Context::from_waker(&waker))
}

const WORKER_PREFIX: &str = "quiet-pool";

fuzz_target!(|data: &[u8]| {
    ringq_fuzz::abort_on_panic_except_threads_named(WORKER_PREFIX);
    let mut input = Input::new(data);
    let workers = input.between(1, 2);
    let max_workers = workers + input.below(3);
    let pool = Pool::builder()
        .workers(workers)
        .max_workers(max_workers)
        .keep_alive(std::time::Duration::ZERO)
        .capacity(input.below(5))
        .name(WORKER_PREFIX)
        .build()
        .unwrap();
    // Jobs of scopes and broadcasts: they count in the report too.
    let mut others = 0;
    let ops = input.between(1, 48);
    let runs: Arc<Vec<AtomicU8>> = Arc::new((0..ops).map(|_| AtomicU8::new(0)).collect());
    let permits = input.between(1, 4);
    let sem = Semaphore::new(permits);
    let mut accepted = Vec::new();
    let mut handles = Vec::new();
    let mut cancelled_by_handle = Vec::new();
    for id in 0..ops {
        let job = {
            let runs = runs.clone();
            let panics = input.below(8) == 0;
            move || {
                runs[id].fetch_add(1, Ordering::SeqCst);
                if panics {
                    panic!("job {id} panics on purpose");
                }
            }
        };
        match input.below(16) {
            0 | 1 => {
                if pool.try_execute(job).is_ok() {
                    accepted.push(id);
                }
            }
            2 | 3 => {
                if let Ok(h) = pool.submit(job) {
                    accepted.push(id);
                    handles.push((id, h));
                }
            }
            4 => {
                if let Some((hid, h)) = handles.pop() {
                    if h.cancel() {
                        cancelled_by_handle.push(hid);
                    }
                    handles.push((hid, h));
                }
            }
            9 => {
                // `join_timeout(0)`: a result if it has ended, else the
                // handle back.
                if let Some((hid, h)) = handles.pop() {
                    match h.join_timeout(Duration::ZERO) {
                        Ok(Ok(())) | Ok(Err(JobError::Panicked(_))) => {
                            assert_eq!(runs[hid].load(Ordering::SeqCst), 1, "job {hid}");
                        }
                        Ok(Err(JobError::Cancelled)) => {
                            assert_eq!(runs[hid].load(Ordering::SeqCst), 0, "job {hid}");
                        }
                        Err(JoinTimeout(h)) => handles.push((hid, h)),
                    }
                }
            }
            10 => {
                // Caller runs on a full queue: on a quiet thread, since the
                // job may panic there (isolated, but the panic hook sees it).
                let ok = std::thread::scope(|s| {
                    std::thread::Builder::new()
                        .name(format!("{WORKER_PREFIX}-caller"))
                        .spawn_scoped(s, || pool.execute_with(job, Wait::RunHere).is_ok())
                        .unwrap()
                        .join()
                        .unwrap()
                });
                if ok {
                    accepted.push(id);
                }
            }
            11 => {
                // An async submit polled once: accepted at once, or pending
                // and then withdrawn (the closure comes back, never runs).
                let mut submit = pool.submit_async(job);
                match poll_once(&mut submit) {
                    Poll::Ready(Ok(h)) => {
                        accepted.push(id);
                        handles.push((id, h));
                    }
                    Poll::Ready(Err(rejected)) => assert!(rejected.is_closed()),
                    // Withdrawn while pending, unless a worker took it off
                    // a hand-off push meanwhile: then the next poll gives
                    // its handle at once.
                    Poll::Pending => match submit.cancel() {
                        Some(f) => drop(f),
                        None => match poll_once(&mut submit) {
                            Poll::Ready(Ok(h)) => {
                                accepted.push(id);
                                handles.push((id, h));
                            }
                            other => panic!("an accepted submit polled again: {other:?}"),
                        },
                    },
                }
            }
            12 => {
                let mut exec = pool.execute_async(job);
                match poll_once(&mut exec) {
                    Poll::Ready(Ok(())) => accepted.push(id),
                    Poll::Ready(Err(rejected)) => assert!(rejected.is_closed()),
                    // Dropped pending: a hand-off push may have been taken
                    // by a worker meanwhile, so `cancel` says which.
                    Poll::Pending => {
                        if exec.cancel().is_none() {
                            accepted.push(id);
                        }
                    }
                }
            }
            13 => {
                // A completion set: this job and a few more, then drained
                // (each result once) or dropped (what has not started is
                // cancelled). A panic comes back as its job's result.
                let mut set = pool.completions::<usize>();
                let mut spawned = 0;
                if set.try_spawn(move || { job(); id }).is_ok() {
                    accepted.push(id);
                    spawned += 1;
                }
                for extra in 0..input.below(3) {
                    if set.try_spawn(move || extra).is_ok() {
                        spawned += 1;
                        others += 1;
                    }
                }
                assert_eq!(set.len(), spawned);
                if input.below(2) == 0 {
                    let mut got = 0;
                    for r in set.by_ref() {
                        match r {
                            Ok(_) | Err(JobError::Panicked(_)) => got += 1,
                            Err(JobError::Cancelled) => unreachable!("nothing cancels a live set's jobs"),
                        }
                    }
                    assert_eq!(got, spawned, "a completion set lost or duplicated a result");
                }
            }
            14 => {
                // A value group: results in spawn order, or the first error.
                let group = pool.group_results::<usize, usize>();
                let n = input.below(4);
                let fail_at = input.below(6);
                let mut spawned = Vec::new();
                for k in 0..n {
                    if group.try_spawn(move |_| if k == fail_at { Err(k) } else { Ok(k) }).is_ok() {
                        spawned.push(k);
                        others += 1;
                    }
                }
                match group.results() {
                    Ok(values) => {
                        assert_eq!(values, spawned);
                        assert!(!spawned.contains(&fail_at));
                    }
                    Err(GroupError::Failed(k)) => assert!(spawned.contains(&k) && k == fail_at),
                    Err(e) => panic!("group_results: {e:?}"),
                }
            }
            15 => {
                // `acquire_many`: all or none, and every permit comes back.
                let total = permits;
                let k = input.between(1, total);
                let held = sem.try_acquire_many(k);
                match &held {
                    Some(p) => assert_eq!((p.count(), sem.available()), (k, total - k)),
                    None => unreachable!("nothing else holds permits"),
                }
                assert!(sem.try_acquire_many(total - k + 1).is_none());
                assert_eq!(sem.available(), total - k, "a failed acquire_many kept permits");
                let more = sem.acquire_many_timeout(total - k, Duration::ZERO);
                assert_eq!(more.as_ref().map_or(0, |p| p.count()), total - k);
                drop((held, more));
                assert_eq!(sem.available(), total);
            }
            5 => {
                if input.below(4) == 0 {
                    pool.close();
                }
            }
            6 => match pool.set_workers(input.between(1, max_workers)) {
                Ok(()) | Err(ResizeError::Closed) => {}
                Err(e) => panic!("set_workers: {e}"),
            },
            7 => {
                let n = input.between(1, 3);
                let ran = std::sync::atomic::AtomicUsize::new(0);
                let mut queued = 0;
                pool.scope(|s| {
                    for _ in 0..n {
                        if s.try_execute(|| {
                            ran.fetch_add(1, Ordering::SeqCst);
                        })
                        .is_ok()
                        {
                            queued += 1;
                        }
                    }
                });
                assert_eq!(ran.load(Ordering::SeqCst), queued, "a scope returned early");
                others += queued;
            }
            _ => {
                if let Ok(calls) = pool.broadcast(|i| i) {
                    let mut seen = calls.clone();
                    seen.dedup();
                    assert_eq!(seen, calls, "a worker took two broadcast calls");
                    others += calls.len();
                }
            }
        }
    }
    let ending = input.below(3);
    let report = if ending == 0 {
        let aborted = pool.abort();
        let keep: Vec<bool> = aborted.pending.iter().map(|_| input.below(2) == 0).collect();
        // Run half of what came back, on a "quiet" thread since a plain
        // job's panic propagates to whoever runs it; drop the rest
        // (cancelled).
        std::thread::Builder::new()
            .name(format!("{WORKER_PREFIX}-caller"))
            .spawn(move || {
                for (job, keep) in aborted.pending.into_iter().zip(keep) {
                    if keep {
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run()));
                    }
                }
            })
            .unwrap()
            .join()
            .unwrap();
        aborted.report
    } else if ending == 1 {
        pool.shutdown()
    } else {
        match pool.shutdown_timeout(std::time::Duration::ZERO) {
            Ok(report) => report,
            Err(late) => late.into_pool().shutdown(),
        }
    };
    assert_eq!(
        report.completed + report.panicked + report.cancelled,
        accepted.len() + others,
        "{report:?}"
    );
    for (id, h) in handles {
        let ran = runs[id].load(Ordering::SeqCst);
        match h.join() {
            Ok(()) | Err(JobError::Panicked(_)) => assert_eq!(ran, 1, "job {id}"),
            Err(JobError::Cancelled) => assert_eq!(ran, 0, "job {id}"),
        }
    }
    for id in cancelled_by_handle {
        assert_eq!(runs[id].load(Ordering::SeqCst), 0, "cancelled job {id} ran");
    }
    for (id, r) in runs.iter().enumerate() {
        assert!(r.load(Ordering::SeqCst) <= 1, "job {id} ran twice");
        if !accepted.contains(&id) {
            assert_eq!(r.load(Ordering::SeqCst), 0, "rejected job {id} ran");
        }
    }
});
