//! Fail-fast groups: the first failure cancels the rest, the limit bounds
//! jobs in flight, and every accepted job is accounted for.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::scaled;
use ringq_pool::{GroupError, Pool};

#[test]
fn all_ok_waits_for_every_job() {
    let pool = Pool::new(2, 8);
    let done = Arc::new(AtomicUsize::new(0));
    let group = pool.group::<()>();
    for _ in 0..50 {
        let done = done.clone();
        group
            .spawn(move |_| {
                done.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
            .unwrap();
    }
    group.wait().unwrap();
    assert_eq!(done.load(Ordering::SeqCst), 50);
}

#[test]
fn fail_fast_with_a_limit_starts_no_job_after_the_failure() {
    for _ in 0..scaled(20, 2) {
        let pool = Pool::new(4, 64);
        let failed = Arc::new(AtomicBool::new(false));
        let started_after = Arc::new(AtomicUsize::new(0));
        let group = pool.group::<usize>().limit(2);
        let mut refused = 0;
        for i in 0..200 {
            let (failed, started_after) = (failed.clone(), started_after.clone());
            let r = group.spawn(move |token| {
                if failed.load(Ordering::SeqCst) {
                    started_after.fetch_add(1, Ordering::SeqCst);
                }
                if i == 10 {
                    failed.store(true, Ordering::SeqCst);
                    return Err(i);
                }
                // A sibling running when the failure happens sees the token.
                while i == 9 && !token.is_cancelled() {
                    std::thread::yield_now();
                }
                Ok(())
            });
            if r.is_err() {
                refused += 1;
            }
        }
        assert!(refused > 0, "spawns after the failure are refused");
        assert!(matches!(group.wait(), Err(GroupError::Failed(10))));
        // A job may have *checked* `failed` before the store and started;
        // none starts after the group's token is cancelled, and the store
        // comes before the cancel, so at most the other in-flight job
        // (the limit is 2) can observe it.
        assert!(started_after.load(Ordering::SeqCst) <= 1);
    }
}

#[test]
fn the_limit_bounds_jobs_in_flight() {
    let pool = Pool::new(4, 64);
    let now = Arc::new(AtomicUsize::new(0));
    let max = Arc::new(AtomicUsize::new(0));
    let group = pool.group::<()>().limit(2);
    for _ in 0..scaled(200, 10) {
        let (now, max) = (now.clone(), max.clone());
        group
            .spawn(move |_| {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(n, Ordering::SeqCst);
                std::thread::yield_now();
                now.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            })
            .unwrap();
    }
    group.wait().unwrap();
    let max = max.load(Ordering::SeqCst);
    assert!((1..=2).contains(&max), "max in flight {max}");
}

#[test]
fn a_panic_fails_the_group_and_wait_all_lists_everything() {
    let pool = Pool::new(1, 16);
    let gate = common::occupy_workers(&pool, 1);
    let group = pool.group::<&'static str>();
    group.spawn(|_| Err("first")).unwrap();
    group.spawn(|_| panic!("second")).unwrap();
    group.spawn(|_| Ok(())).unwrap();
    gate.open();
    let errors = group.wait_all().unwrap_err();
    // "first" fails and cancels the token; the two later jobs are skipped.
    assert!(matches!(errors[0], GroupError::Failed("first")));
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[1..]
        .iter()
        .all(|e| matches!(e, GroupError::Cancelled)));
    let s = pool.shutdown();
    assert_eq!((s.completed, s.cancelled), (2, 2));
}

#[test]
fn a_panicking_job_is_reported_with_its_payload() {
    let pool = Pool::new(2, 16);
    let group = pool.group::<()>();
    group.spawn(|_| panic!("exploded")).unwrap();
    match group.wait() {
        Err(GroupError::Panicked(p)) => {
            assert_eq!(p.message(), "exploded")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(pool.shutdown().panicked, 1);
}

#[test]
fn cancel_skips_unstarted_jobs_and_refuses_new_ones() {
    let pool = Pool::new(1, 16);
    let gate = common::occupy_workers(&pool, 1);
    let group = pool.group::<()>();
    for _ in 0..3 {
        group.spawn(|_| Ok(())).unwrap();
    }
    group.cancel();
    assert!(matches!(
        group.spawn(|_| Ok(())),
        Err(GroupError::Cancelled)
    ));
    assert!(group.try_spawn(|_| Ok(())).unwrap_err().is_closed());
    gate.open();
    assert!(matches!(group.wait(), Err(GroupError::Cancelled)));
}

#[test]
fn try_spawn_respects_the_limit() {
    let pool = Pool::new(1, 16);
    let gate = common::occupy_workers(&pool, 1);
    let group = pool.group::<()>().limit(1);
    assert!(group.try_spawn(|_| Ok(())).is_ok());
    // At the limit: the closure comes back, and running it is ours to do.
    let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = ran.clone();
    let back = group.try_spawn(move |_| {
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    });
    let f = match back {
        Err(ringq_pool::Rejected::Full(f)) => f,
        other => panic!("at the limit: {other:?}"),
    };
    f(&ringq_pool::CancelToken::new()).unwrap();
    assert!(ran.load(std::sync::atomic::Ordering::SeqCst));
    gate.open();
    group.wait().unwrap();
}

#[test]
// Forgets the group on purpose (see below), which miri reports as a leak.
#[cfg_attr(miri, ignore)]
fn aborting_the_pool_cancels_its_groups_jobs() {
    let pool = Pool::new(1, 16);
    let gate = common::occupy_workers(&pool, 1);
    let ran = Arc::new(AtomicUsize::new(0));
    let token = {
        let group = pool.group::<()>();
        let t = group.token().clone();
        for _ in 0..3 {
            let ran = ran.clone();
            group
                .spawn(move |_| {
                    ran.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                })
                .unwrap();
        }
        // `abort` takes the pool, so the group (which borrows it) must be
        // gone first, but dropping it would wait for jobs stuck behind the
        // gate. Forget it: its jobs still end exactly once through the pool.
        std::mem::forget(group);
        t
    };
    let aborted = std::thread::scope(|s| {
        let a = s.spawn(|| pool.abort());
        std::thread::sleep(Duration::from_millis(10));
        gate.open();
        a.join().unwrap()
    });
    assert!(
        token.is_cancelled(),
        "the group token is a child of the pool's"
    );
    // Group jobs are cancelled, not handed back: their group already knows.
    assert_eq!(aborted.pending.len(), 0);
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}

#[test]
fn group_debug_shows_state() {
    let pool = Pool::new(1, 4);
    let group = pool.group::<()>();
    let text = format!("{group:?}");
    assert!(
        text.contains("in_flight: 0") && text.contains("failed: false"),
        "{text}"
    );
}

/// Job 0 finishes after job 1 (it waits until job 1 has been counted):
/// `results` keeps spawn order, `results_by_completion` finishing order.
#[test]
fn results_in_spawn_order_and_in_completion_order() {
    let pool = Pool::new(2, 8);
    for by_completion in [false, true] {
        let group = pool.group_results::<u32, ()>();
        let (go_tx, go) = std::sync::mpsc::channel::<()>();
        group
            .spawn(move |_| {
                go.recv().unwrap();
                Ok(0)
            })
            .unwrap();
        group.spawn(|_| Ok(1)).unwrap();
        // Job 1 has been counted once the group shows one job in flight.
        while !format!("{group:?}").contains("in_flight: 1") {
            std::thread::yield_now();
        }
        go_tx.send(()).unwrap();
        if by_completion {
            assert_eq!(group.results_by_completion().unwrap(), [1, 0]);
        } else {
            assert_eq!(group.results().unwrap(), [0, 1]);
        }
    }
}

/// A failure wins over the values; a refused spawn has no value and its
/// closure comes back.
#[test]
fn results_with_a_failure_and_with_a_refused_spawn() {
    let pool = Pool::new(2, 8);
    let group = pool.group_results::<u32, &str>();
    group.spawn(|_| Ok(1)).unwrap();
    group.spawn(|_| Err("bad")).unwrap();
    assert!(matches!(group.results(), Err(GroupError::Failed("bad"))));

    let pool = Pool::new(1, 1);
    let gate = common::occupy_workers(&pool, 1);
    let group = pool.group_results::<u32, ()>();
    group.spawn(|_| Ok(7)).unwrap(); // fills the queue
    let refused = group.try_spawn(|_| Ok(8)).unwrap_err();
    assert!(refused.is_full());
    assert_eq!(
        (refused.into_inner())(&ringq_pool::CancelToken::new()),
        Ok(8)
    );
    drop(gate);
    assert_eq!(group.results().unwrap(), [7]);
}

/// Three threads spawn into one results group: every value comes back
/// once, in each thread's spawn order.
#[test]
fn results_from_racing_spawners() {
    let pool = Pool::new(2, 4);
    let group = pool.group_results::<(usize, usize), ()>();
    let per = common::scaled(500, 10);
    std::thread::scope(|s| {
        for t in 0..3 {
            let group = &group;
            s.spawn(move || {
                for i in 0..per {
                    group.spawn(move |_| Ok((t, i))).unwrap();
                }
            });
        }
    });
    let values = group.results().unwrap();
    assert_eq!(values.len(), 3 * per);
    for t in 0..3 {
        let mine: Vec<usize> = values.iter().filter(|v| v.0 == t).map(|v| v.1).collect();
        assert_eq!(mine, (0..per).collect::<Vec<_>>());
    }
}
