//! Loom models of two-phase push (`reserve` and the `Permit`): a held slot
//! and a given-up one against parked pushers and poppers, and a permit
//! that outlives a close (`queue/src/ring/reserve.rs`: the two stamps and
//! the handshake with a parked popper).
#![cfg(loom)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use loom_tests::model;
use ringq::{PopError, Queue, WaitPolicy};

/// Model P1: a permit holds the only slot of a shared queue while a pusher
/// blocks; dropping the permit unused gives the slot back (the drop passes
/// its own slot at the front) and wakes the pusher, whose value arrives.
#[test]
fn a_permit_dropped_while_a_pusher_waits() {
    model(3, || {
        let q = Arc::new(Queue::builder(1).wait(WaitPolicy::Park).build());
        let permit = q.try_reserve().unwrap();
        let pusher = {
            let q = q.clone();
            thread::spawn(move || q.push(2).unwrap())
        };
        drop(permit);
        pusher.join().unwrap();
        assert_eq!(q.try_pop(), Ok(2));
        assert_eq!(q.len(), 0);
    });
}

/// Model P2: the same on `mpsc`, whose one consumer passes the given-up
/// slot (the drop cannot claim an owned head) and must wake the pusher
/// waiting for it.
#[test]
fn mpsc_a_permit_dropped_while_a_pusher_waits() {
    model(3, || {
        let (tx, mut rx) = Queue::builder(1).wait(WaitPolicy::Park).mpsc();
        let permit = tx.try_reserve().unwrap();
        let tx2 = tx.clone();
        let pusher = thread::spawn(move || tx2.push(2).unwrap());
        drop(permit);
        drop(tx);
        assert_eq!(rx.pop(), Ok(2));
        pusher.join().unwrap();
        assert_eq!(rx.pop(), Err(PopError), "both producers dropped");
    });
}

/// Model P3: a permit taken before a close is used while another thread
/// closes the queue and drains it (parking on the held slot if it gets
/// there first): the value still arrives, once, and the drain then ends.
#[test]
fn a_permit_used_after_close_is_drained() {
    model(3, || {
        let q = Arc::new(Queue::builder(2).wait(WaitPolicy::Park).build());
        let permit = q.try_reserve().unwrap();
        let drainer = {
            let q = q.clone();
            thread::spawn(move || {
                q.close();
                let mut got = Vec::new();
                while let Ok(v) = q.pop() {
                    got.push(v);
                }
                got
            })
        };
        permit.push(7);
        assert_eq!(drainer.join().unwrap(), [7]);
    });
}

/// Model P4: `spsc`: the producer reserves, gives the slot back (moving its
/// tail back, `ring/reserve.rs`), then pushes, while the consumer blocks
/// (possibly parked on the held slot): it gets the value, then the close.
#[test]
fn spsc_permit_given_back_while_the_consumer_waits() {
    model(3, || {
        let (mut tx, mut rx) = Queue::builder(1).wait(WaitPolicy::Park).spsc();
        let producer = thread::spawn(move || {
            drop(tx.try_reserve().unwrap());
            tx.push(1).unwrap();
        });
        assert_eq!(rx.pop(), Ok(1));
        assert_eq!(rx.pop(), Err(PopError));
        producer.join().unwrap();
    });
}

/// Model P5: a popper blocks on a held slot with a value queued behind it;
/// the permit is dropped unused: the popper is woken, passes the given-up
/// slot and gets the value behind it (on `bounded` the drop passes the
/// slot itself; on `mpsc` the popper does).
#[test]
fn a_popper_parked_on_a_held_slot_wakes_when_the_permit_is_dropped() {
    model(3, || {
        let q = Arc::new(Queue::builder(2).wait(WaitPolicy::Park).build());
        let permit = q.try_reserve().unwrap();
        q.push(1).unwrap();
        let popper = {
            let q = q.clone();
            thread::spawn(move || q.pop())
        };
        drop(permit);
        assert_eq!(popper.join().unwrap(), Ok(1));
    });
    model(3, || {
        let (tx, mut rx) = Queue::builder(2).wait(WaitPolicy::Park).mpsc();
        let permit = tx.try_reserve().unwrap();
        tx.push(1).unwrap();
        let popper = thread::spawn(move || rx.pop());
        drop(permit);
        assert_eq!(popper.join().unwrap(), Ok(1));
    });
}

/// Model P6: `reserve_async` on a full queue, woken by a pop on another
/// thread; its permit's value follows the popped one.
#[test]
fn reserve_async_woken_by_a_pop() {
    model(3, || {
        let q = Arc::new(Queue::builder(1).wait(WaitPolicy::Park).build());
        q.push(0).unwrap();
        let popper = {
            let q = q.clone();
            thread::spawn(move || q.pop())
        };
        let permit = block_on(q.reserve_async()).unwrap();
        permit.push(1);
        assert_eq!(popper.join().unwrap(), Ok(0));
        assert_eq!(q.try_pop(), Ok(1));
    });
}

/// Model P7: a pending `reserve_async` that is dropped after a pop's
/// wake-up may have gone to it passes the wake-up on: a blocked pusher
/// still gets the room.
#[test]
fn a_dropped_reserve_future_passes_its_wake_up_on() {
    model(3, || {
        let q = Arc::new(Queue::builder(1).wait(WaitPolicy::Park).build());
        q.push(0).unwrap();
        let mut reserve = q.reserve_async();
        // Poll until registered (a first pending poll may be a yield).
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..4 {
            assert!(Pin::new(&mut reserve).poll(&mut cx).is_pending());
        }
        let pusher = {
            let q = q.clone();
            thread::spawn(move || q.push(2).unwrap())
        };
        assert_eq!(q.pop(), Ok(0));
        drop(reserve);
        pusher.join().unwrap();
        assert_eq!(q.try_pop(), Ok(2));
    });
}
