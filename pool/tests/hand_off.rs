//! Capacity 0: a hand-off pool (Java's `SynchronousQueue` executor), where
//! each job goes straight from its submitter to an idle worker.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::{assert_identity, occupy_workers, scaled, watchdog, RunLedger};
use ringq_pool::{Pool, Rejected};

fn hand_off(workers: usize) -> Pool {
    Pool::builder()
        .workers(workers)
        .capacity(0)
        .build()
        .unwrap()
}

/// Three submitters race 2 workers: every job runs exactly once and the
/// counters say so.
#[test]
fn every_job_from_racing_submitters_runs_once() {
    watchdog(60, "hand-off stress", || {
        let per = scaled(3_000, 20);
        let ledger = RunLedger::new(3 * per);
        let pool = hand_off(2);
        assert_eq!(pool.stats().capacity, 0);
        thread::scope(|s| {
            for t in 0..3 {
                let (pool, ledger) = (&pool, ledger.clone());
                s.spawn(move || {
                    for i in 0..per {
                        let ledger = ledger.clone();
                        let id = t * per + i;
                        // Alternate blocking and non-blocking submits; a
                        // refused try hands the job back and blocks.
                        let job = move || ledger.ran(id);
                        if i % 2 == 0 {
                            pool.execute(job).unwrap();
                        } else if let Err(r) = pool.try_execute(job) {
                            assert!(r.is_full());
                            pool.execute(r.into_inner()).unwrap();
                        }
                    }
                });
            }
        });
        let report = pool.shutdown();
        assert_eq!(ledger.ran_at_most_once(), 3 * per);
        assert_eq!((report.completed, report.cancelled), (3 * per, 0));
    });
}

/// With every worker busy there is nowhere to hand a job: `try_execute`
/// says full at once. Once a worker waits, a `try_execute` gets through.
#[test]
fn try_execute_needs_an_idle_worker() {
    let pool = hand_off(1);
    let gate = occupy_workers(&pool, 1);
    let r = pool.try_execute(|| ());
    assert!(matches!(r, Err(Rejected::Full(_))), "{r:?}");
    drop(gate);
    // The worker becomes idle and waits; then the hand-off succeeds.
    let deadline = Instant::now() + Duration::from_secs(if cfg!(miri) { 600 } else { 10 });
    let mut job = || ();
    loop {
        match pool.try_execute(job) {
            Ok(()) => break,
            Err(r) => {
                assert!(r.is_full());
                job = r.into_inner();
                assert!(Instant::now() < deadline, "no idle worker took the job");
                thread::yield_now();
            }
        }
    }
    let report = pool.shutdown();
    assert_eq!(report.completed, 2);
}

/// A submitter waiting for a worker is woken by `close` with its job back,
/// and `submit_timeout` gives up when no worker comes; the accounting stays
/// exact throughout.
#[test]
fn close_and_timeouts_hand_the_job_back() {
    let pool = hand_off(1);
    let gate = occupy_workers(&pool, 1);
    let r = pool.submit_timeout(|| 1, Duration::from_millis(5));
    assert!(matches!(r, Err(Rejected::Full(_))), "{r:?}");
    thread::scope(|s| {
        let blocked = s.spawn(|| pool.execute(|| ()));
        thread::sleep(Duration::from_millis(10));
        assert_identity(&pool.stats(), 2);
        pool.close();
        assert!(blocked.join().unwrap().unwrap_err().is_closed());
    });
    assert_identity(&pool.stats(), 1);
    drop(gate);
    let report = pool.shutdown();
    assert_eq!((report.completed, report.cancelled), (1, 0));
}

/// `abort` on a hand-off pool: nothing is queued, so nothing is handed back;
/// a submitter that was waiting gets its job back as `Closed`.
#[test]
fn abort_has_nothing_queued_to_hand_back() {
    let pool = hand_off(1);
    let gate = occupy_workers(&pool, 1);
    let pool = std::sync::Arc::new(pool);
    let waiting = {
        let pool = pool.clone();
        thread::spawn(move || pool.execute(|| ()))
    };
    // The submitter holds a clone until it returns; abort needs the pool.
    thread::sleep(Duration::from_millis(10));
    pool.close();
    assert!(waiting.join().unwrap().unwrap_err().is_closed());
    drop(gate);
    let aborted = std::sync::Arc::into_inner(pool).unwrap().abort();
    assert!(aborted.pending.is_empty());
    assert_eq!(aborted.report.completed, 1);
}
