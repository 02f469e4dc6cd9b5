//! Bounded waits: `JobHandle::join_timeout`, `Pool::wait_idle_timeout`.

mod common;

use std::sync::{mpsc, Arc};
use std::time::Duration;

use common::occupy_workers;
use ringq_pool::{JobError, Pool};

#[test]
fn join_timeout_hands_the_handle_back_until_the_job_ends() {
    let pool = Pool::new(1, 4);
    let (go_tx, go) = mpsc::channel::<()>();
    let handle = pool
        .submit(move || {
            go.recv().unwrap();
            "done"
        })
        .unwrap();
    let timed_out = handle.join_timeout(Duration::from_millis(20)).unwrap_err();
    assert_eq!(timed_out.to_string(), "the job did not finish in time");
    // (queued or running, as the scheduler had it)
    assert!(format!("{timed_out:?}").starts_with("JoinTimeout(JobHandle { state: "));
    let handle = timed_out.0;
    assert!(!handle.is_finished());
    go_tx.send(()).unwrap();
    // A timeout too large for `Instant` is no deadline.
    assert_eq!(handle.join_timeout(Duration::MAX).unwrap().unwrap(), "done");
}

#[test]
fn join_timeout_reports_a_cancelled_or_panicked_job_at_once() {
    let pool = Pool::new(1, 4);
    let gate = occupy_workers(&pool, 1);
    let queued = pool.submit(|| 1).unwrap();
    assert!(queued.cancel());
    assert!(matches!(
        queued.join_timeout(Duration::ZERO),
        Ok(Err(JobError::Cancelled))
    ));
    gate.open();
    let boom = pool.submit(|| -> u8 { panic!("boom") }).unwrap();
    assert!(matches!(
        boom.join_timeout(Duration::from_secs(60)),
        Ok(Err(JobError::Panicked(_)))
    ));
}

#[test]
fn wait_idle_timeout_says_whether_the_pool_went_idle() {
    let pool = Arc::new(Pool::new(2, 4));
    let gate = occupy_workers(&pool, 1);
    assert!(!pool.wait_idle_timeout(Duration::from_millis(20)));
    gate.open();
    assert!(pool.wait_idle_timeout(Duration::from_secs(60)));
    assert!(pool.wait_idle_timeout(Duration::ZERO), "idle stays idle");
    // From inside a job: a panic, not a hang (as `wait_idle`).
    let inner = pool.clone();
    let h = pool
        .submit(move || inner.wait_idle_timeout(Duration::from_secs(1)))
        .unwrap();
    match h.join() {
        Err(JobError::Panicked(p)) => assert!(p.message().contains("would wait for itself")),
        other => panic!(
            "expected the in-job call to panic, got {:?}",
            other.map(|_| ())
        ),
    }
}

/// A submitter blocked on a full queue returns its closure when the token
/// fires from another thread; the closure never runs, the pool never
/// counted it.
#[test]
fn a_cancel_frees_a_blocked_submitter_with_its_closure() {
    use ringq_pool::{CancelToken, Rejected};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread;

    let pool = Pool::new(1, 1);
    let gate = occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap(); // fills the queue
    let stop = CancelToken::new();
    let ran = Arc::new(AtomicBool::new(false));
    thread::scope(|s| {
        let canceller = s.spawn(|| {
            thread::sleep(Duration::from_millis(20)); // let it block
            stop.cancel();
        });
        let flag = ran.clone();
        match pool.submit_cancellable(move || flag.store(true, Ordering::SeqCst), &stop) {
            Err(Rejected::Full(f)) => drop(f),
            other => panic!(
                "expected Full, got {}",
                if other.is_ok() { "Ok" } else { "Closed" }
            ),
        }
        canceller.join().unwrap();
    });
    gate.open();
    let report = pool.shutdown();
    assert_eq!(
        (report.completed, report.panicked, report.cancelled),
        (2, 0, 0)
    );
    assert!(!ran.load(Ordering::SeqCst), "the refused closure never ran");
}
