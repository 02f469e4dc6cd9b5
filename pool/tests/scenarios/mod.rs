//! The pool's stress scenarios, generic over the [`Backend`]: the pool's
//! own `tests/stress.rs` runs them over ringq, and the benchmark crate's
//! `tests/backends.rs` over the crossbeam and `std::sync::mpsc` adapters it
//! compares against (`scenario_tests!(Backend)` makes the tests).
#![allow(dead_code)] // each test binary uses a subset

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use crate::common::{assert_identity, scaled, RunLedger};
use ringq_pool::{Backend, Pool};

/// One `#[test]` per scenario, over backend `$backend`.
macro_rules! scenario_tests {
    ($backend:ty) => {
        #[test]
        fn tiny_jobs_capacity_1() {
            crate::scenarios::tiny_jobs_from_three_submitters::<$backend>();
        }
        #[test]
        fn abort_races() {
            crate::scenarios::abort_racing_submitters_and_workers::<$backend>();
        }
        #[test]
        fn panics() {
            crate::scenarios::one_job_in_ten_panics::<$backend>();
        }
        #[test]
        fn nested() {
            crate::scenarios::wait_idle_while_jobs_submit_jobs::<$backend>();
        }
        #[test]
        fn close_rules() {
            crate::scenarios::close_wakes_blocked_submitters_and_wins_over_full::<$backend>();
        }
        #[test]
        fn timeout_edges() {
            crate::scenarios::timeouts_at_the_edges::<$backend>();
        }
        #[test]
        fn group_cancel() {
            crate::scenarios::a_group_spawn_on_a_full_queue_is_cancellable::<$backend>();
        }
    };
}

pub fn pool<B: Backend>(workers: usize, capacity: usize) -> Pool {
    Pool::builder()
        .workers(workers)
        .capacity(capacity)
        .backend::<B>()
        .build()
        .unwrap()
}

/// `execute_timeout` at the edges, on every backend: `ZERO` on an idle,
/// empty pool tries once and succeeds, `Duration::MAX` means no deadline
/// (not an `Instant` overflow), and a closed pool answers `Closed` whatever
/// the timeout; the accepted count stays exact throughout.
pub fn timeouts_at_the_edges<B: Backend>() {
    use std::time::Duration;
    let pool = pool::<B>(1, 1);
    pool.execute_timeout(|| (), Duration::ZERO).unwrap();
    pool.wait_idle();
    pool.execute_timeout(|| (), Duration::MAX).unwrap();
    pool.wait_idle();
    let gate = crate::common::occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap(); // full now
    assert!(pool
        .execute_timeout(|| (), Duration::ZERO)
        .unwrap_err()
        .is_full());
    pool.close();
    for timeout in [Duration::ZERO, Duration::from_millis(1), Duration::MAX] {
        assert!(pool
            .execute_timeout(|| (), timeout)
            .unwrap_err()
            .is_closed());
    }
    assert_identity(&pool.stats(), 4);
    drop(gate);
    let r = pool.shutdown();
    assert_eq!((r.completed, r.panicked, r.cancelled), (4, 0, 0));
}

/// A group spawn blocked on a full queue returns `Cancelled` once the
/// group is cancelled, on every backend (the default `push_cancellable`
/// polls in 1 ms slices).
pub fn a_group_spawn_on_a_full_queue_is_cancellable<B: Backend>() {
    let pool = pool::<B>(1, 1);
    let gate = crate::common::occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap();
    let group = pool.group::<()>();
    thread::scope(|s| {
        let spawner = s.spawn(|| group.spawn(|_| Ok(())));
        group.cancel();
        let r = spawner.join().unwrap();
        assert!(matches!(r, Err(ringq_pool::GroupError::Cancelled)), "{r:?}");
    });
    drop(group);
    drop(gate);
    let r = pool.shutdown();
    assert_eq!((r.completed, r.panicked, r.cancelled), (2, 0, 0));
}

/// The close rules hold on every backend, including those whose blocked
/// send close cannot wake directly: a submitter blocked on a full queue gets
/// `Closed` back, a closed pool answers `Closed` even when full, and the job
/// queued before the close still runs.
pub fn close_wakes_blocked_submitters_and_wins_over_full<B: Backend>() {
    let pool = pool::<B>(1, 1);
    let gate = crate::common::occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap();
    assert!(pool.try_execute(|| ()).unwrap_err().is_full());
    thread::scope(|s| {
        let blocked = s.spawn(|| pool.execute(|| ()));
        thread::sleep(std::time::Duration::from_millis(20));
        pool.close();
        assert!(blocked.join().unwrap().unwrap_err().is_closed());
    });
    assert!(pool.try_execute(|| ()).unwrap_err().is_closed());
    assert!(pool
        .execute_timeout(|| (), std::time::Duration::from_millis(5))
        .unwrap_err()
        .is_closed());
    gate.open();
    let report = pool.shutdown();
    assert_eq!((report.completed, report.cancelled), (2, 0));
}

/// 4 workers, capacity 1, 100,000 tiny jobs from 3 submitter threads.
pub fn tiny_jobs_from_three_submitters<B: Backend>() {
    let jobs = scaled(100_000, 60);
    let pool = pool::<B>(4, 1);
    let ledger = RunLedger::new(jobs);
    thread::scope(|s| {
        for t in 0..3 {
            let (pool, ledger) = (&pool, &ledger);
            s.spawn(move || {
                for id in (t..jobs).step_by(3) {
                    let ledger = ledger.clone();
                    pool.execute(move || ledger.ran(id)).unwrap();
                }
            });
        }
    });
    let report = pool.shutdown();
    assert_eq!(ledger.ran_at_most_once(), jobs);
    assert_eq!(
        (report.completed, report.panicked, report.cancelled),
        (jobs, 0, 0)
    );
}

/// The abort races the workers and the submitters' last jobs: submitters
/// share the pool through an `Arc` and the aborting thread takes it back
/// (`Arc::try_unwrap`) the moment the last of them lets go, while workers
/// are still popping. (`abort` takes `self`, so a submit cannot overlap the
/// abort call itself; `close_races_blocked_submitters` covers that race for
/// `close`.) Every accepted job either ran once or came back once.
pub fn abort_racing_submitters_and_workers<B: Backend>() {
    for round in 0..scaled(20, 2) {
        let pool = Arc::new(pool::<B>(2, 1 + round % 4));
        let ids = scaled(4_000, 40);
        let ledger = RunLedger::new(ids);
        let next = Arc::new(AtomicUsize::new(0));
        let submitters: Vec<_> = (0..2)
            .map(|_| {
                let (pool, ledger, next) = (pool.clone(), ledger.clone(), next.clone());
                thread::spawn(move || {
                    let mut accepted = 0;
                    loop {
                        let id = next.fetch_add(1, Ordering::SeqCst);
                        if id >= ids {
                            return accepted;
                        }
                        let ledger = ledger.clone();
                        pool.execute(move || ledger.ran(id)).unwrap();
                        accepted += 1;
                    }
                })
            })
            .collect();
        let mut shared = pool;
        let pool = loop {
            match Arc::try_unwrap(shared) {
                Ok(pool) => break pool,
                Err(still_shared) => {
                    shared = still_shared;
                    thread::yield_now();
                }
            }
        };
        let result = pool.abort();
        let accepted: usize = submitters.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(accepted, ids);
        let ran = ledger.ran_at_most_once();
        assert_eq!(result.report.completed, ran);
        assert_eq!(result.report.completed + result.report.cancelled, accepted);
        assert_eq!(result.pending.len(), result.report.cancelled);
        // Running what came back completes the picture: every accepted id
        // ran exactly once.
        for job in result.pending {
            job.run();
        }
        assert_eq!(ledger.ran_at_most_once(), accepted);
    }
}

/// Panics in 10% of jobs: workers survive and the counts match.
pub fn one_job_in_ten_panics<B: Backend>() {
    let jobs = scaled(20_000, 50);
    let pool = pool::<B>(3, 16);
    for i in 0..jobs {
        pool.execute(move || {
            if i % 10 == 0 {
                panic!("job {i} fails on purpose");
            }
        })
        .unwrap();
    }
    pool.wait_idle();
    let s = pool.stats();
    assert_identity(&s, jobs);
    assert_eq!(s.panicked, jobs.div_ceil(10));
    assert_eq!(s.completed, jobs - jobs.div_ceil(10));
    // Every worker is still there to take new work.
    assert_eq!(pool.submit(|| 1).unwrap().join().unwrap(), 1);
}

/// `wait_idle` while jobs keep arriving from inside jobs: it returns only
/// once the whole tree has run.
pub fn wait_idle_while_jobs_submit_jobs<B: Backend>() {
    let pool = Arc::new(pool::<B>(2, 64));
    let ran = Arc::new(AtomicUsize::new(0));
    let depth = scaled(6, 3) as u32;
    fn spawn_tree(pool: &Arc<Pool>, ran: &Arc<AtomicUsize>, depth: u32) {
        let (p, r) = (pool.clone(), ran.clone());
        // From inside jobs use try_execute and run inline when full: a
        // blocking execute from every worker on a full queue would deadlock.
        let job = move || {
            r.fetch_add(1, Ordering::SeqCst);
            if depth > 0 {
                spawn_tree(&p, &r, depth - 1);
                spawn_tree(&p, &r, depth - 1);
            }
        };
        if let Err(rejected) = pool.try_execute(job) {
            (rejected.into_inner())();
        }
    }
    for _ in 0..scaled(5, 1) {
        ran.store(0, Ordering::SeqCst);
        spawn_tree(&pool, &ran, depth);
        pool.wait_idle();
        assert_eq!(ran.load(Ordering::SeqCst), (1 << (depth + 1)) - 1);
        let s = pool.stats();
        assert_eq!((s.queued, s.active), (0, 0), "{s:?}");
    }
}
