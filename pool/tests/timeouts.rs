//! Bounded waits: `JobHandle::join_timeout`, `Pool::wait_idle_timeout`,
//! `Pool::shutdown_timeout`.

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

/// A job that never finishes (until the test lets it go): the bounded
/// shutdown gives up, says exactly what is left, and `detach` returns at
/// once; the quick jobs all ran.
#[test]
fn shutdown_timeout_gives_up_on_a_job_that_never_finishes() {
    let pool = Pool::new(2, 16);
    let (go_tx, go) = mpsc::channel::<()>();
    // (Bounded, so that a failed assertion below, which drops the pool and
    // so waits for this job, cannot hang the test.)
    pool.execute(move || {
        let _ = go.recv_timeout(Duration::from_secs(60));
    })
    .unwrap();
    for _ in 0..5 {
        pool.execute(|| ()).unwrap();
    }
    // The quick jobs end first (miri is slow enough to need the wait).
    while pool.stats().completed < 5 {
        std::thread::yield_now();
    }
    let late = pool
        .shutdown_timeout(Duration::from_millis(50))
        .unwrap_err();
    let left = late.stats();
    assert_eq!(
        (left.queued, left.active, left.completed),
        (0, 1, 5),
        "{left:?}"
    );
    assert_eq!(
        late.to_string(),
        "the pool did not finish in time: 0 jobs queued, 1 running"
    );
    assert!(format!("{late:?}").starts_with("ShutdownTimeout { stats: Stats {"));
    // Still closed while it drains.
    let pool = late.into_pool();
    assert!(pool.execute(|| ()).unwrap_err().is_closed());
    let late = pool.shutdown_timeout(Duration::ZERO).unwrap_err();
    let report = late.detach();
    assert_eq!((report.completed, report.cancelled), (5, 0));
    go_tx.send(()).unwrap();
}

/// After a timed-out shutdown, `abort` takes the jobs still queued back.
#[test]
fn a_timed_out_shutdown_can_still_abort() {
    let pool = Pool::new(1, 16);
    let gate = occupy_workers(&pool, 1);
    for _ in 0..3 {
        pool.execute(|| ()).unwrap();
    }
    let late = pool.shutdown_timeout(Duration::from_millis(5)).unwrap_err();
    assert_eq!((late.stats().queued, late.stats().active), (3, 1));
    let pool = late.into_pool();
    let token = pool.token().clone();
    let aborting = std::thread::spawn(move || pool.abort());
    // abort cancels the token and joins: open the gate once it has begun.
    while !token.is_cancelled() {
        std::thread::yield_now();
    }
    drop(gate);
    let aborted = aborting.join().unwrap();
    assert_eq!(aborted.pending.len(), 3);
    assert_eq!((aborted.report.completed, aborted.report.cancelled), (1, 3));
}

/// Submitters race the close (the shutdown itself owns the pool, so it
/// cannot race them), then a bounded shutdown of 0 or 500 µs: every accepted
/// job is accounted for, whether it finished in time (`Ok`) or was retried
/// after a timeout, and the snapshot of a timeout satisfies the identity.
#[test]
fn shutdown_timeout_races_submitters() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    for round in 0..common::scaled(20, 2) {
        let pool = Arc::new(Pool::new(2, 4));
        let accepted = Arc::new(AtomicUsize::new(0));
        let submitters: Vec<_> = (0..3)
            .map(|_| {
                let (pool, accepted) = (pool.clone(), accepted.clone());
                std::thread::spawn(move || loop {
                    match pool.execute(std::thread::yield_now) {
                        Ok(()) => accepted.fetch_add(1, Ordering::SeqCst),
                        Err(r) => {
                            assert!(r.is_closed());
                            break;
                        }
                    };
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(1));
        pool.close();
        for s in submitters {
            s.join().unwrap();
        }
        let pool = Arc::into_inner(pool).unwrap();
        let timeout = Duration::from_micros(if round % 2 == 0 { 0 } else { 500 });
        let report = match pool.shutdown_timeout(timeout) {
            Ok(report) => report,
            Err(late) => {
                let s = late.stats();
                common::assert_identity(&s, accepted.load(Ordering::SeqCst));
                late.into_pool().shutdown()
            }
        };
        assert_eq!(report.completed, accepted.load(Ordering::SeqCst));
    }
}
