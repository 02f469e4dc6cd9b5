//! `Pool::completions`: results in finishing order, each exactly once;
//! dropping the set cancels what has not started.
//!
//! Seen failing (2026-12-03): without the drop's `dropped` store, the two
//! drop tests fail (the unstarted jobs run; an untaken result is dropped
//! unquietly on the caller); without `deliver`'s `notify_all`, `next`
//! never wakes (the finishing-order test's watchdog fires).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use common::{assert_identity, occupy_workers, scaled, watchdog, PanicOnDrop, RunLedger};
use ringq_pool::{Completions, JobError, NextError, Pool, Rejected, Wait};
use static_assertions::assert_impl_all;

assert_impl_all!(Completions<'static, u8>: Send, Sync, std::fmt::Debug);
assert_impl_all!(NextError: std::error::Error, Send, Sync, Copy);

#[test]
fn results_come_back_in_finishing_order_not_spawn_order() {
    watchdog(60, "finishing order", || {
        let pool = Pool::new(2, 8);
        let mut set = pool.completions();
        let (go_tx, go) = mpsc::channel::<()>();
        set.spawn(move || {
            go.recv().unwrap();
            "slow"
        })
        .unwrap();
        set.spawn(|| "fast").unwrap();
        // The slow job waits for us, so the fast one is the first to end;
        // `next` blocks until it has.
        assert_eq!(set.next().unwrap().unwrap(), "fast");
        assert_eq!(set.try_next().unwrap_err(), NextError::Pending);
        go_tx.send(()).unwrap();
        assert_eq!(set.next().unwrap().unwrap(), "slow");
        assert!(set.next().is_none());
        assert_eq!(set.try_next().unwrap_err(), NextError::Empty);
    });
}

#[test]
fn a_panic_is_its_jobs_result_and_the_set_goes_on() {
    let pool = Pool::new(1, 8);
    let mut set = pool.completions::<u8>();
    set.spawn(|| panic!("boom")).unwrap();
    set.spawn(|| 2).unwrap();
    let mut panicked = 0;
    let mut values = Vec::new();
    for r in set.by_ref() {
        match r {
            Ok(v) => values.push(v),
            Err(JobError::Panicked(p)) => {
                assert_eq!(p.message(), "boom");
                panicked += 1;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((panicked, values), (1, vec![2]));
    pool.wait_idle();
    let s = pool.stats();
    assert_eq!((s.completed, s.panicked), (1, 1), "{s:?}");
}

#[test]
fn next_timeout_gives_up_then_succeeds() {
    let pool = Pool::new(1, 4);
    let mut set = pool.completions();
    assert_eq!(
        set.next_timeout(Duration::from_millis(1)).unwrap_err(),
        NextError::Empty
    );
    let (go_tx, go) = mpsc::channel::<()>();
    set.spawn(move || go.recv().unwrap()).unwrap();
    assert_eq!(
        set.next_timeout(Duration::from_millis(20)).unwrap_err(),
        NextError::Pending
    );
    assert_eq!(set.len(), 1);
    go_tx.send(()).unwrap();
    set.next_timeout(Duration::from_secs(60)).unwrap().unwrap();
    assert!(set.is_empty());
}

#[test]
fn dropping_the_set_cancels_what_has_not_started() {
    let pool = Pool::new(1, 8);
    let ran = Arc::new(AtomicUsize::new(0));
    let gate = occupy_workers(&pool, 1);
    {
        let set = pool.completions();
        for _ in 0..3 {
            let ran = ran.clone();
            set.spawn(move || {
                ran.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        }
        assert_eq!(set.len(), 3);
    } // dropped while all three wait behind the busy worker
    gate.open();
    pool.wait_idle();
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    let s = pool.stats();
    assert_identity(&s, 4);
    assert_eq!((s.completed, s.cancelled), (1, 3), "{s:?}");
}

#[test]
fn a_result_nobody_takes_is_dropped_quietly_on_the_worker() {
    let pool = Pool::new(1, 8);
    let (go_tx, go) = mpsc::channel::<()>();
    let (started_tx, started) = mpsc::channel();
    {
        let set = pool.completions();
        set.spawn(move || {
            started_tx.send(()).unwrap();
            go.recv().unwrap();
            PanicOnDrop("an untaken result")
        })
        .unwrap();
        started.recv().unwrap();
    } // dropped while the job runs: its result is dropped when it ends
    go_tx.send(()).unwrap();
    pool.wait_idle();
    let s = pool.stats();
    assert_eq!((s.completed, s.workers), (1, 1), "{s:?}");
    // The worker survived the panicking drop and still runs jobs.
    pool.submit(|| ()).unwrap().join().unwrap();
}

#[test]
fn a_closed_pool_hands_the_closure_back_and_the_set_does_not_wait_for_it() {
    let pool = Pool::new(1, 4);
    let mut set = pool.completions::<u8>();
    pool.close();
    match set.spawn(|| 1) {
        Err(Rejected::Closed(f)) => assert_eq!(f(), 1),
        other => panic!("{other:?}"),
    }
    assert!(set.is_empty());
    assert!(set.next().is_none());
}

#[test]
fn try_spawn_on_a_full_queue_hands_it_back_and_run_here_runs_it() {
    let pool = Pool::new(1, 1);
    let gate = occupy_workers(&pool, 1);
    let mut set = pool.completions();
    set.try_spawn(|| 1).unwrap(); // fills the queue
    match set.try_spawn(|| 2) {
        Err(Rejected::Full(f)) => assert_eq!(f(), 2),
        other => panic!("{other:?}"),
    }
    set.spawn_with(|| 3, Wait::RunHere).unwrap();
    // Ran here, so it is already finished.
    assert_eq!(set.try_next().unwrap().unwrap(), 3);
    gate.open();
    assert_eq!(set.next().unwrap().unwrap(), 1);
    assert!(set.next().is_none());
}

#[test]
fn many_jobs_each_come_back_exactly_once() {
    watchdog(120, "completions stress", || {
        let n = scaled(20_000, 200);
        let pool = Pool::new(2, 64);
        let ledger = RunLedger::new(n);
        let mut set = pool.completions();
        let mut taken = 0;
        for id in 0..n {
            set.spawn(move || id).unwrap();
            // Take some while spawning, as a consumer loop would.
            if id % 3 == 0 {
                if let Ok(r) = set.try_next() {
                    ledger.ran(r.unwrap());
                    taken += 1;
                }
            }
        }
        for r in set.by_ref() {
            ledger.ran(r.unwrap());
            taken += 1;
        }
        assert_eq!(taken, n);
        assert_eq!(ledger.ran_at_most_once(), n);
    });
}

#[cfg(feature = "stream")]
#[cfg(not(any(loom, shuttle)))]
#[test]
#[cfg_attr(miri, ignore = "tokio's runtime is too slow under miri")]
fn the_set_is_a_stream_on_tokio() {
    use futures_core::Stream;
    use std::pin::Pin;

    let pool = Pool::new(2, 8);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let got = rt.block_on(async {
        let mut set = pool.completions();
        for i in 0..10u32 {
            set.spawn(move || {
                std::thread::sleep(Duration::from_millis(u64::from(i % 3)));
                i
            })
            .unwrap();
        }
        let mut got = Vec::new();
        while let Some(r) = std::future::poll_fn(|cx| Pin::new(&mut set).poll_next(cx)).await {
            got.push(r.unwrap());
        }
        got
    });
    let mut sorted = got.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..10).collect::<Vec<_>>());
}
