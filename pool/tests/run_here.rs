//! `Wait::RunHere`: a submit that finds the queue full runs the job on the
//! caller's thread, isolated and counted as on a worker.
//!
//! Seen failing (2026-12-03): with `accept` not taking the "accepted" count
//! again before `run_here`, the first test's snapshot from inside the job
//! breaks the identity (2 counted, 3 accepted).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use common::{assert_identity, occupy_workers, scaled, RunLedger};
use ringq_pool::{JobError, Pool, Rejected, Wait};

#[test]
fn a_full_queue_runs_the_job_on_the_caller_counted_as_accepted_and_active() {
    // The pool before the gate: a failed assertion drops the gate (opening
    // it) before the pool's drop waits for its workers.
    let pool = Arc::new(Pool::new(1, 1));
    let gate = occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap(); // the queue is full
    let me = thread::current().id();
    let seen = Arc::new(std::sync::Mutex::new(None));
    let inside = seen.clone();
    let p = pool.clone();
    pool.execute_with(
        move || {
            assert_eq!(thread::current().id(), me);
            // While it runs: three jobs accepted (the gate's, the queued
            // one, this one), this one active beside the worker's.
            *inside.lock().unwrap() = Some(p.stats());
        },
        Wait::RunHere,
    )
    .unwrap();
    let during = seen
        .lock()
        .unwrap()
        .take()
        .expect("the job ran before the call returned");
    assert_identity(&during, 3);
    assert_eq!(
        (during.active, during.queued, during.ran_here),
        (2, 1, 0),
        "{during:?}"
    );
    let after = pool.stats();
    assert_identity(&after, 3);
    assert_eq!((after.completed, after.ran_here), (1, 1), "{after:?}");
    gate.open();
    pool.wait_idle();
    let end = pool.stats();
    assert_eq!(
        (end.completed, end.ran_here, end.active, end.queued),
        (3, 1, 0, 0),
        "{end:?}"
    );
}

#[test]
fn room_in_the_queue_means_a_worker_runs_it() {
    let pool = Pool::new(1, 4);
    let h = pool
        .submit_with(
            || thread::current().name().map(str::to_owned),
            Wait::RunHere,
        )
        .unwrap();
    let name = h.join().unwrap().expect("worker threads are named");
    assert!(name.starts_with("ringq-pool"), "{name}");
    pool.wait_idle();
    assert_eq!(pool.stats().ran_here, 0);
}

#[test]
fn a_panic_run_here_goes_to_the_hook_or_the_handle_not_the_caller() {
    let hooked = Arc::new(AtomicUsize::new(0));
    let h2 = hooked.clone();
    let pool = Pool::builder()
        .workers(1)
        .capacity(1)
        .on_panic(move |_| {
            h2.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let gate = occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap();
    pool.execute_with(|| panic!("plain job"), Wait::RunHere)
        .unwrap();
    assert_eq!(hooked.load(Ordering::SeqCst), 1);
    let h = pool
        .submit_with(|| -> u8 { panic!("submitted job") }, Wait::RunHere)
        .unwrap();
    assert!(h.is_finished());
    match h.join() {
        Err(JobError::Panicked(p)) => assert_eq!(p.message(), "submitted job"),
        other => panic!("{other:?}"),
    }
    let s = pool.stats();
    assert_eq!((s.panicked, s.ran_here), (2, 2), "{s:?}");
    assert_eq!(
        hooked.load(Ordering::SeqCst),
        1,
        "a submit job's panic is its handle's"
    );
    gate.open();
}

#[test]
fn a_closed_pool_rejects_and_runs_nothing() {
    let pool = Pool::new(1, 1);
    pool.close();
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    match pool.execute_with(
        move || {
            r.fetch_add(1, Ordering::SeqCst);
        },
        Wait::RunHere,
    ) {
        Err(Rejected::Closed(f)) => drop(f),
        other => panic!("{other:?}"),
    }
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    assert_eq!(pool.stats().ran_here, 0);
}

#[test]
fn a_hand_off_pool_without_an_idle_worker_runs_it_here() {
    let pool = Pool::new(1, 0);
    let gate = occupy_workers(&pool, 1);
    let me = thread::current().id();
    let h = pool
        .submit_with(move || thread::current().id() == me, Wait::RunHere)
        .unwrap();
    assert!(h.join().unwrap());
    assert_eq!(pool.stats().ran_here, 1);
    gate.open();
}

#[test]
fn many_submitters_running_here_lose_and_duplicate_nothing() {
    let (threads, per) = (4, scaled(5_000, 40));
    let pool = Arc::new(Pool::new(2, 2));
    let ledger = RunLedger::new(threads * per);
    let submitters: Vec<_> = (0..threads)
        .map(|t| {
            let (pool, ledger) = (pool.clone(), ledger.clone());
            thread::spawn(move || {
                for i in 0..per {
                    let (ledger, id) = (ledger.clone(), t * per + i);
                    pool.execute_with(move || ledger.ran(id), Wait::RunHere)
                        .unwrap();
                }
            })
        })
        .collect();
    for s in submitters {
        s.join().unwrap();
    }
    pool.wait_idle();
    assert_eq!(ledger.ran_at_most_once(), threads * per);
    let s = pool.stats();
    assert_identity(&s, threads * per);
    assert_eq!(s.completed, threads * per, "{s:?}");
    assert!(s.ran_here <= threads * per, "{s:?}");
}
