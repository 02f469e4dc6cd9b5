//! Many jobs from many threads: every accepted job ends exactly once, and
//! the counters say so. The scenarios (`scenarios/mod.rs`) are generic over
//! the backend; here they run over ringq.

mod common;
#[macro_use]
mod scenarios;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::scaled;
use ringq_pool::{Pool, RingqBackend};
use scenarios::pool;

scenario_tests!(RingqBackend);

#[test]
fn drain_on_drop_runs_every_queued_job() {
    let ran = Arc::new(AtomicUsize::new(0));
    let jobs = scaled(5_000, 30);
    {
        let pool = pool::<RingqBackend>(2, 8);
        for _ in 0..jobs {
            let ran = ran.clone();
            pool.execute(move || {
                ran.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        }
    }
    assert_eq!(ran.load(Ordering::SeqCst), jobs);
}

#[test]
fn close_races_blocked_submitters() {
    for _ in 0..scaled(50, 3) {
        let pool = pool::<RingqBackend>(1, 1);
        let accepted = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    while !stop.load(Ordering::SeqCst) {
                        match pool.execute(|| ()) {
                            Ok(()) => accepted.fetch_add(1, Ordering::SeqCst),
                            Err(r) => {
                                assert!(r.is_closed());
                                break;
                            }
                        };
                    }
                });
            }
            thread::yield_now();
            pool.close();
            stop.store(true, Ordering::SeqCst);
        });
        let report = pool.shutdown();
        assert_eq!(report.completed, accepted.load(Ordering::SeqCst));
    }
}

/// Counts its drops: a job result that must be dropped exactly once,
/// whoever holds it last (the handle, or the worker after a detach).
struct Counted(u64, Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::SeqCst);
    }
}

/// The job handle's one-shot under every way to wait at once: three
/// threads submit, each job's handle is joined, joined with a tiny timeout
/// (leaving a stale registration) until it ends, awaited as a future, or
/// dropped (detached). Every result is seen once by its joiner and dropped
/// exactly once; the pool counts every job. Under each wait policy.
#[test]
fn every_handle_resolves_once_under_every_wait() {
    use ringq_pool::WaitPolicy;
    let per_thread = scaled(3_000, 30) as u64;
    for policy in [WaitPolicy::Adaptive, WaitPolicy::Spin, WaitPolicy::Park] {
        let pool = Pool::builder()
            .workers(2)
            .capacity(8)
            .wait(policy)
            .build()
            .unwrap();
        let drops = Arc::new(AtomicUsize::new(0));
        let joined: u64 = thread::scope(|s| {
            let threads: Vec<_> = (0..3u64)
                .map(|t| {
                    let (pool, drops) = (&pool, drops.clone());
                    s.spawn(move || {
                        let mut sum = 0;
                        for i in 0..per_thread {
                            let v = t * per_thread + i;
                            let d = drops.clone();
                            let h = pool.submit(move || Counted(v, d)).unwrap();
                            match i % 4 {
                                0 => sum += h.join().unwrap().0,
                                1 => {
                                    let mut h = h;
                                    loop {
                                        match h.join_timeout(Duration::from_micros(1)) {
                                            Ok(r) => break sum += r.unwrap().0,
                                            Err(timed_out) => h = timed_out.0,
                                        }
                                    }
                                }
                                2 => sum += pollster::block_on(h).unwrap().0,
                                _ => drop(h),
                            }
                        }
                        sum
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).sum()
        });
        let report = pool.shutdown();
        let n = 3 * per_thread;
        let expected: u64 = (0..n).filter(|v| v % per_thread % 4 != 3).sum();
        assert_eq!(joined, expected, "{policy:?}");
        assert_eq!(report.completed as u64, n, "{policy:?}: {report:?}");
        assert_eq!(
            drops.load(Ordering::SeqCst) as u64,
            n,
            "{policy:?}: every result dropped once"
        );
    }
}
