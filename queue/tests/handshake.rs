//! The waiter/notifier handshake (`ring.rs`'s module docs) in its smallest
//! form: one thread parks on an empty (or full) queue while another makes
//! the value (or room) it waits for. Nothing here can fail on x86 hardware,
//! whose locked instructions order everything; it exists for miri, whose
//! weak-memory emulation lets a load read an older store wherever the
//! Rust/C++ memory model allows. CI runs it with many seeds, and with the
//! `fence(SeqCst)` before the full/empty re-check removed (either side)
//! miri reports the lost wake-up as a deadlock (see loom-tests/README.md's
//! mutation table): loom cannot see that bug, because under loom the
//! notifier's load is an RMW (`queue/src/sync.rs`).
#![cfg(feature = "std")]
use ringq::{Queue, WaitPolicy};
use std::thread;

/// Rounds per test: each is a fresh queue and a fresh race.
const ROUNDS: usize = if cfg!(miri) { 4 } else { 1000 };

/// A popper parks on an empty queue; a push must wake it.
#[test]
fn a_parked_popper_sees_a_racing_push() {
    for round in 0..ROUNDS {
        let q = Queue::builder(1).wait(WaitPolicy::Park).build();
        thread::scope(|s| {
            s.spawn(|| assert_eq!(q.pop(), Ok(round)));
            q.push(round).unwrap();
        });
    }
}

/// A pusher parks on a full queue; a pop must wake it.
#[test]
fn a_parked_pusher_sees_a_racing_pop() {
    for round in 0..ROUNDS {
        let q = Queue::builder(1).wait(WaitPolicy::Park).build();
        q.push(0).unwrap();
        thread::scope(|s| {
            s.spawn(|| q.push(round + 1).unwrap());
            assert_eq!(q.pop(), Ok(0));
        });
        assert_eq!(q.pop(), Ok(round + 1));
    }
}

/// An owned consumer (`spsc`) parks on an empty queue; the owned
/// producer's push, a store and a fence instead of a CAS
/// (`ring/owned.rs`), must wake it.
#[test]
fn a_parked_owned_popper_sees_a_racing_owned_push() {
    for round in 0..ROUNDS {
        let (mut tx, mut rx) = Queue::builder(1).wait(WaitPolicy::Park).spsc();
        thread::scope(|s| {
            s.spawn(move || assert_eq!(rx.pop(), Ok(round)));
            tx.push(round).unwrap();
        });
    }
}

/// An owned producer (`spsc`) parks on a full queue; the owned consumer's
/// pop must wake it.
#[test]
fn a_parked_owned_pusher_sees_a_racing_owned_pop() {
    for round in 0..ROUNDS {
        let (mut tx, mut rx) = Queue::builder(1).wait(WaitPolicy::Park).spsc();
        tx.push(0).unwrap();
        thread::scope(|s| {
            s.spawn(move || {
                tx.push(round + 1).unwrap();
                tx
            });
            assert_eq!(rx.pop(), Ok(0));
        });
        assert_eq!(rx.pop(), Ok(round + 1));
    }
}
