//! The resizable worker set: `Builder::max_workers` / `keep_alive` (grow
//! under load, shrink when idle) and `Pool::set_workers`.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{assert_identity, scaled, watchdog, RunLedger};
use ringq_pool::{BuildError, Pool, ResizeError};

/// Polls `cond` for up to `secs` seconds (miri: 100 times that).
fn eventually(secs: u64, what: &str, mut cond: impl FnMut() -> bool) {
    let limit = Duration::from_secs(if cfg!(miri) { secs * 100 } else { secs });
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "{what}: not after {limit:?}");
        thread::sleep(Duration::from_millis(1));
    }
}

fn elastic(core: usize, max: usize, keep_alive: Duration) -> Pool {
    Pool::builder()
        .workers(core)
        .max_workers(max)
        .keep_alive(keep_alive)
        .capacity(64)
        .name("el")
        .build()
        .unwrap()
}

#[test]
fn bad_sizes_are_errors() {
    let e = Pool::builder()
        .workers(3)
        .max_workers(2)
        .build()
        .unwrap_err();
    assert!(
        matches!(e, BuildError::MaxWorkers { workers: 3, max: 2 }),
        "{e:?}"
    );
    assert_eq!(e.to_string(), "max_workers (2) is below workers (3)");
    let pool = elastic(1, 3, Duration::from_secs(60));
    assert!(matches!(
        pool.set_workers(0),
        Err(ResizeError::OutOfRange {
            requested: 0,
            max: 3
        })
    ));
    assert!(matches!(
        pool.set_workers(4),
        Err(ResizeError::OutOfRange {
            requested: 4,
            max: 3
        })
    ));
    pool.close();
    let e = pool.set_workers(2).unwrap_err();
    assert!(matches!(e, ResizeError::Closed));
    assert_eq!(e.to_string(), "the pool is closed");
}

/// Under load (every worker busy, jobs queued) the set grows up to
/// `max_workers`; once idle for `keep_alive`, it shrinks back to the core
/// size. Every job runs once throughout. The jobs wait on a gate until
/// the set has grown, and each submit waits until every worker has taken
/// a job (the set grows on a submit that finds every worker busy), so the
/// growth does not depend on timing (a first version, with sleeping jobs,
/// did not grow under miri, whose submitter is slower than a 2 ms sleep; a
/// second, without the wait, did not grow under ThreadSanitizer on a
/// loaded machine: every job was queued before the first worker woke).
#[test]
fn grows_under_load_and_shrinks_when_idle() {
    watchdog(60, "grow and shrink", || {
        let pool = elastic(1, 4, Duration::from_millis(20));
        let gate = Arc::new((Mutex::new(false), std::sync::Condvar::new()));
        let limit = 60; // below the capacity (64): no submit blocks
        let ledger = RunLedger::new(limit);
        let running = Arc::new(AtomicUsize::new(0));
        let mut jobs = 0;
        while pool.stats().workers < 4 {
            assert!(jobs < limit, "grew to {} only", pool.stats().workers);
            let workers = pool.stats().workers;
            eventually(10, "every worker busy", || {
                running.load(Ordering::SeqCst) >= workers.min(jobs)
            });
            let (ledger, gate, running, id) = (ledger.clone(), gate.clone(), running.clone(), jobs);
            pool.execute(move || {
                running.fetch_add(1, Ordering::SeqCst);
                let (open, cv) = &*gate;
                let mut open = open.lock().unwrap();
                while !*open {
                    open = cv.wait(open).unwrap();
                }
                drop(open);
                ledger.ran(id);
            })
            .unwrap();
            jobs += 1;
        }
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
        pool.wait_idle();
        assert_eq!(ledger.ran_at_most_once(), jobs);
        eventually(10, "shrink back to the core size", || {
            pool.stats().workers == 1
        });
        let report = pool.shutdown();
        assert_eq!(report.completed, jobs);
    });
}

/// `set_workers` starts workers at once; shrinking, the idle extras leave
/// (keep-alive 0: as soon as they are woken). Names and hook indices are
/// slots.
#[test]
fn set_workers_grows_at_once_and_shrinks_when_idle() {
    let started = Arc::new(Mutex::new(Vec::new()));
    let stopped = Arc::new(AtomicUsize::new(0));
    let (s, t) = (started.clone(), stopped.clone());
    let pool = Pool::builder()
        .workers(1)
        .max_workers(3)
        .keep_alive(Duration::ZERO)
        .name("rs")
        .on_thread_start(move |i| s.lock().unwrap().push(i))
        .on_thread_stop(move |_| {
            t.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    pool.set_workers(3).unwrap();
    assert_eq!(pool.stats().workers, 3);
    let names = pool
        .broadcast(|i| (i, thread::current().name().unwrap().to_owned()))
        .unwrap();
    assert_eq!(
        names,
        (0..3).map(|i| (i, format!("rs-{i}"))).collect::<Vec<_>>()
    );
    pool.set_workers(1).unwrap();
    eventually(10, "two idle workers leave", || pool.stats().workers == 1);
    eventually(10, "their stop hooks ran", || {
        stopped.load(Ordering::SeqCst) == 2
    });
    // Back up: the freed slots are reused.
    pool.set_workers(2).unwrap();
    assert_eq!(pool.stats().workers, 2);
    assert_eq!(pool.submit(|| 7).unwrap().join().unwrap(), 7);
    pool.shutdown();
    let mut seen = started.lock().unwrap().clone();
    seen.sort_unstable();
    assert!(seen.iter().all(|&i| i < 3), "{seen:?}");
    assert_eq!(seen.len(), 4);
    assert_eq!(
        stopped.load(Ordering::SeqCst),
        4,
        "shutdown joined every worker"
    );
}

/// Submitters, a resizer (`set_workers` over 1..=4) and idle timeouts
/// race; the accounting identity holds in every snapshot and every
/// accepted job runs exactly once.
#[test]
fn resizing_races_submitters() {
    watchdog(120, "resize stress", || {
        let pool = elastic(1, 4, Duration::from_micros(200));
        let per = scaled(3_000, 30);
        let ledger = RunLedger::new(3 * per);
        let accepted = AtomicUsize::new(0);
        let done = AtomicBool::new(false);
        thread::scope(|s| {
            for t in 0..3 {
                let (pool, ledger, accepted) = (&pool, &ledger, &accepted);
                s.spawn(move || {
                    for i in 0..per {
                        let ledger = ledger.clone();
                        let id = t * per + i;
                        pool.execute(move || ledger.ran(id)).unwrap();
                        accepted.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
            s.spawn(|| {
                let mut n = 1;
                while !done.load(Ordering::SeqCst) {
                    n = n % 4 + 1;
                    pool.set_workers(n).unwrap();
                    let st = pool.stats();
                    assert!(st.workers <= 4, "{st:?}");
                    thread::yield_now();
                }
            });
            // The snapshots while it all moves.
            s.spawn(|| {
                loop {
                    let before = accepted.load(Ordering::SeqCst);
                    if before == 3 * per {
                        break;
                    }
                    let st = pool.stats();
                    let total = st.completed + st.panicked + st.cancelled + st.queued + st.active;
                    // The pool counts a job from the start of its submit,
                    // the submitters after it returned: the pool leads.
                    assert!(total >= before, "{st:?} < {before}");
                    assert!(total <= 3 * per, "{st:?}");
                }
                done.store(true, Ordering::SeqCst);
            });
        });
        pool.wait_idle();
        assert_identity(&pool.stats(), 3 * per);
        let report = pool.shutdown();
        assert_eq!(report.completed, 3 * per);
        assert_eq!(ledger.ran_at_most_once(), 3 * per);
    });
}

/// A resizer races the close, then `shutdown` or `abort`: once they return,
/// every worker ever started has stopped (start hooks = stop hooks) and
/// every accepted job is accounted for.
#[test]
fn resizing_races_shutdown_and_abort() {
    for round in 0..scaled(20, 2) {
        let starts = Arc::new(AtomicUsize::new(0));
        let stops = Arc::new(AtomicUsize::new(0));
        let (a, b) = (starts.clone(), stops.clone());
        let pool = Pool::builder()
            .workers(1)
            .max_workers(4)
            .keep_alive(Duration::ZERO)
            .capacity(8)
            .on_thread_start(move |_| {
                a.fetch_add(1, Ordering::SeqCst);
            })
            .on_thread_stop(move |_| {
                b.fetch_add(1, Ordering::SeqCst);
            })
            .build()
            .unwrap();
        let accepted = AtomicUsize::new(0);
        thread::scope(|s| {
            s.spawn(|| {
                let mut n = 1;
                loop {
                    n = n % 4 + 1;
                    match pool.set_workers(n) {
                        Ok(()) => {}
                        Err(ResizeError::Closed) => break,
                        Err(e) => panic!("{e}"),
                    }
                }
            });
            s.spawn(|| {
                while pool.execute(thread::yield_now).is_ok() {
                    accepted.fetch_add(1, Ordering::SeqCst);
                }
            });
            thread::sleep(Duration::from_millis(2));
            pool.close();
        });
        let accepted = accepted.load(Ordering::SeqCst);
        if round % 2 == 0 {
            let r = pool.shutdown();
            assert_eq!(r.completed, accepted);
        } else {
            let a = pool.abort();
            assert_eq!(a.report.completed + a.report.cancelled, accepted);
            assert_eq!(a.pending.len(), a.report.cancelled);
        }
        assert_eq!(starts.load(Ordering::SeqCst), stops.load(Ordering::SeqCst));
    }
}

/// A broadcast while extra workers are leaving (keep-alive 0): the frozen
/// set keeps them, and each takes its call instead of spinning on its
/// expired keep-alive.
#[test]
fn broadcast_while_extras_leave() {
    watchdog(60, "broadcast while shrinking", || {
        let pool = elastic(1, 3, Duration::ZERO);
        for _ in 0..scaled(50, 3) {
            pool.set_workers(3).unwrap();
            pool.set_workers(1).unwrap();
            let seen = pool.broadcast(|i| i).unwrap();
            assert!(!seen.is_empty() && seen.len() <= 3, "{seen:?}");
        }
    });
}
