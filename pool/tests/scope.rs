//! Scoped jobs (`Pool::scope`) and `Pool::broadcast`.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use common::{scaled, watchdog, RunLedger};
use ringq_pool::{panic_message, Pool, Rejected};

/// Jobs borrow a local vector and a local counter; when `scope` returns,
/// every job has run and the pool counted it.
#[test]
fn scoped_jobs_borrow_the_callers_stack() {
    let pool = Pool::new(3, 4); // a small queue: execute blocks sometimes
    let data: Vec<usize> = (0..scaled(2_000, 40)).collect();
    let sum = AtomicUsize::new(0);
    let out = pool.scope(|s| {
        for x in &data {
            let sum = &sum;
            s.execute(move || {
                sum.fetch_add(*x, Ordering::Relaxed);
            })
            .unwrap();
        }
        "scope result"
    });
    assert_eq!(out, "scope result");
    let n = data.len();
    assert_eq!(sum.load(Ordering::Relaxed), n * (n - 1) / 2);
    pool.wait_idle();
    assert_eq!(pool.stats().completed, n);
}

/// A job's panic resumes in the caller, but only after every other job of
/// the scope has ended (the slow ones included).
#[test]
fn a_job_panic_resumes_after_every_job_ended() {
    let pool = Pool::new(2, 8);
    let finished = AtomicUsize::new(0);
    let caught = catch_unwind(AssertUnwindSafe(|| {
        pool.scope(|s| {
            s.execute(|| panic!("first")).unwrap();
            for _ in 0..4 {
                s.execute(|| {
                    thread::sleep(Duration::from_millis(2));
                    finished.fetch_add(1, Ordering::SeqCst);
                })
                .unwrap();
            }
        })
    }));
    assert_eq!(panic_message(caught.unwrap_err().as_ref()), "first");
    assert_eq!(finished.load(Ordering::SeqCst), 4);
    pool.wait_idle();
    let s = pool.stats();
    assert_eq!((s.completed, s.panicked), (4, 1));
}

/// A panic of the scope's own closure also waits for the jobs, and wins over
/// a job's panic.
#[test]
fn a_panic_in_the_scope_closure_waits_for_the_jobs() {
    let pool = Pool::new(2, 8);
    let finished = AtomicUsize::new(0);
    let caught = catch_unwind(AssertUnwindSafe(|| {
        pool.scope(|s| {
            s.execute(|| {
                thread::sleep(Duration::from_millis(5));
                finished.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
            s.execute(|| panic!("job")).unwrap();
            panic!("closure");
        })
    }));
    assert_eq!(panic_message(caught.unwrap_err().as_ref()), "closure");
    assert_eq!(finished.load(Ordering::SeqCst), 1);
}

/// Scoped jobs can spawn more jobs into the same scope; the scope waits
/// for those too.
#[test]
fn nested_spawns_are_waited_for() {
    let pool = Pool::new(2, 64);
    let ran = AtomicUsize::new(0);
    pool.scope(|s| {
        for _ in 0..4 {
            let ran = &ran;
            s.execute(move || {
                for _ in 0..4 {
                    // try: a job must not block on a full queue.
                    let job = move || {
                        ran.fetch_add(1, Ordering::SeqCst);
                    };
                    if let Err(r) = s.try_execute(job) {
                        (r.into_inner())();
                    }
                }
            })
            .unwrap();
        }
    });
    assert_eq!(ran.load(Ordering::SeqCst), 16);
}

/// On a closed pool the closure comes back, with its borrow intact.
#[test]
fn a_closed_pool_hands_the_closure_back() {
    let pool = Pool::new(1, 4);
    pool.close();
    let mut hits = 0;
    pool.scope(|s| {
        let r = s.execute(|| hits += 1);
        match r {
            Err(Rejected::Closed(f)) => f(),
            other => panic!("{:?}", other.map_err(|r| r.is_full())),
        }
    });
    assert_eq!(hits, 1);
}

/// A hand-off pool (capacity 0) runs scoped jobs too.
#[test]
fn scopes_work_on_a_hand_off_pool() {
    let pool = Pool::builder().workers(2).capacity(0).build().unwrap();
    let hits = AtomicUsize::new(0);
    pool.scope(|s| {
        for _ in 0..scaled(100, 10) {
            s.execute(|| {
                hits.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        }
    });
    assert_eq!(hits.load(Ordering::SeqCst), scaled(100, 10));
}

/// Four threads run scopes on one pool at once, one job in seven panicking:
/// each scope sees exactly its own jobs end (the ledger: each ran once, and
/// had ended when its scope returned), each gets a panic back iff one of
/// its jobs panicked, and the pool counts them all.
#[test]
fn scopes_race_with_panics() {
    watchdog(120, "scopes racing", || {
        let pool = Pool::new(2, 8);
        let per = scaled(400, 14);
        let rounds = scaled(5, 1);
        let ledger = RunLedger::new(4 * rounds * per);
        let panics = Mutex::new(0usize);
        thread::scope(|t| {
            for thread_no in 0..4 {
                let (pool, ledger, panics) = (&pool, &ledger, &panics);
                t.spawn(move || {
                    for round in 0..rounds {
                        let base = (thread_no * rounds + round) * per;
                        let r = catch_unwind(AssertUnwindSafe(|| {
                            pool.scope(|s| {
                                for i in 0..per {
                                    s.execute(move || {
                                        ledger.ran(base + i);
                                        if (base + i) % 7 == 3 {
                                            panic!("job {}", base + i);
                                        }
                                    })
                                    .unwrap();
                                }
                            })
                        }));
                        for i in 0..per {
                            assert_eq!(ledger.count(base + i), 1, "job {} not ended", base + i);
                        }
                        let expected = (base..base + per).any(|id| id % 7 == 3);
                        assert_eq!(r.is_err(), expected);
                        *panics.lock().unwrap() +=
                            (base..base + per).filter(|id| id % 7 == 3).count();
                    }
                });
            }
        });
        pool.wait_idle();
        let s = pool.stats();
        assert_eq!(s.completed + s.panicked, 4 * rounds * per);
        assert_eq!(s.panicked, panics.into_inner().unwrap());
        assert_eq!(ledger.ran_at_most_once(), 4 * rounds * per);
    });
}

/// `broadcast` reaches every worker once: results in index order, each
/// from the worker of that name; a thread-local set by one broadcast is
/// seen by the next on every worker.
#[test]
fn broadcast_runs_once_on_every_worker() {
    thread_local! {
        static WARM: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }
    let pool = Pool::builder()
        .workers(4)
        .capacity(8)
        .name("b")
        .build()
        .unwrap();
    let names = pool
        .broadcast(|i| (i, thread::current().name().unwrap().to_owned()))
        .unwrap();
    let expected: Vec<_> = (0..4).map(|i| (i, format!("b-{i}"))).collect();
    assert_eq!(names, expected);
    pool.broadcast(|i| WARM.with(|w| w.set(i + 100))).unwrap();
    let warm = pool.broadcast(|i| (i, WARM.with(|w| w.get()))).unwrap();
    assert_eq!(warm, (0..4).map(|i| (i, i + 100)).collect::<Vec<_>>());
}

/// A closed pool hands `f` back; a panic in `f` comes back to the caller.
#[test]
fn broadcast_on_a_closed_pool_and_with_a_panic() {
    let pool = Pool::new(2, 4);
    let caught = catch_unwind(AssertUnwindSafe(|| {
        pool.broadcast(|i| {
            if i == 1 {
                panic!("worker one");
            }
        })
    }));
    assert_eq!(panic_message(caught.unwrap_err().as_ref()), "worker one");
    pool.close();
    let calls = AtomicUsize::new(0);
    let r = pool.broadcast(|_| calls.fetch_add(1, Ordering::SeqCst));
    assert!(matches!(r, Err(Rejected::Closed(_))));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

/// From one of the pool's own jobs, `broadcast` panics with a message
/// instead of deadlocking.
#[test]
fn broadcast_from_a_job_panics_with_a_message() {
    let pool = std::sync::Arc::new(Pool::new(2, 4));
    let inner = pool.clone();
    let err = pool
        .submit(move || inner.broadcast(|_| ()).map(drop).ok())
        .unwrap()
        .join()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("broadcast called from one of the pool's own jobs"),
        "{err}"
    );
}

/// Broadcasts from three threads race each other and a stream of plain
/// jobs: each reaches every worker once, and none deadlocks.
#[test]
fn broadcasts_race_each_other_and_plain_jobs() {
    watchdog(120, "broadcasts racing", || {
        let pool = Pool::new(3, 4);
        let rounds = scaled(100, 3);
        let plain = AtomicUsize::new(0);
        thread::scope(|t| {
            for _ in 0..3 {
                t.spawn(|| {
                    for _ in 0..rounds {
                        let seen = pool.broadcast(|i| i).unwrap();
                        assert_eq!(seen, [0, 1, 2]);
                    }
                });
            }
            t.spawn(|| {
                for _ in 0..rounds * 10 {
                    pool.scope(|s| {
                        s.execute(|| {
                            plain.fetch_add(1, Ordering::SeqCst);
                        })
                        .unwrap();
                    });
                }
            });
        });
        assert_eq!(plain.load(Ordering::SeqCst), rounds * 10);
        pool.wait_idle();
        assert_eq!(pool.stats().completed, rounds * 10 + 3 * rounds * 3);
    });
}
