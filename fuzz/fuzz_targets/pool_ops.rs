//! A pool driven by the input: submits, `try_execute`, panicking jobs,
//! handle cancels, `close`, and an ending by `abort` or `shutdown`. Every
//! accepted job must end exactly once: completed, panicked, or cancelled
//! (its handle cancelled it, or abort returned it).
#![no_main]

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use ringq_pool::{JobError, Pool};
use ringq_fuzz::Input;

const WORKER_PREFIX: &str = "quiet-pool";

fuzz_target!(|data: &[u8]| {
    ringq_fuzz::abort_on_panic_except_threads_named(WORKER_PREFIX);
    let mut input = Input::new(data);
    let pool = Pool::builder()
        .workers(input.between(1, 2))
        .capacity(input.between(1, 4))
        .name(WORKER_PREFIX)
        .build()
        .unwrap();
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
        match input.below(6) {
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
            _ => {
                if input.below(4) == 0 {
                    pool.close();
                }
            }
        }
    }
    let report = if input.below(2) == 0 {
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
    } else {
        pool.shutdown()
    };
    assert_eq!(
        report.completed + report.panicked + report.cancelled,
        accepted.len(),
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
