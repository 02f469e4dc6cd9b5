//! A pool driven by the input: submits, `try_execute`, panicking jobs,
//! handle cancels, `close`, `set_workers` on a resizable set (keep-alive
//! 0), scopes, broadcasts, a hand-off queue (capacity 0), and an ending by
//! `abort`, `shutdown` or `shutdown_timeout`. Every accepted job must end
//! exactly once: completed, panicked, or cancelled (its handle cancelled
//! it, or abort returned it).
#![no_main]

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use ringq_pool::{JobError, Pool, ResizeError};
use ringq_fuzz::Input;

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
        match input.below(9) {
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
