//! Loom models of the rendezvous (capacity 0) queue and of `select!`.
//! Bounds, executions and run times (release build, 2-vCPU machine) are
//! next to each model, as in `queue.rs`.
#![cfg(loom)]

use loom::sync::Arc;
use loom::thread;
use loom_tests::model;
use ringq::{
    select, CancelToken, PopCancelError, PopError, PushCancelError, PushError, Queue, TryPopError,
};

/// Model R1: a rendezvous hand-off: two values pass in order, each push
/// returning only once its value was taken.
/// Bound 4: 10428 executions, 1.0 s.
#[test]
fn rendezvous_push_pop_pair() {
    model(4, || {
        let q = Arc::new(Queue::new(0));
        let producer = {
            let q = q.clone();
            thread::spawn(move || {
                q.push(1).unwrap();
                q.push(2).unwrap();
            })
        };
        assert_eq!(q.pop(), Ok(1));
        assert_eq!(q.pop(), Ok(2));
        producer.join().unwrap();
        assert_eq!(q.try_pop(), Err(TryPopError::Empty));
    });
}

/// Model R2: a blocked push races a close: the push gets its value back
/// whether the close comes before it registers or wakes it after.
/// Bound 4: 130 executions, <0.1 s.
#[test]
fn rendezvous_push_races_close() {
    model(4, || {
        let q = Arc::new(Queue::new(0));
        let pusher = {
            let q = q.clone();
            thread::spawn(move || q.push(7))
        };
        assert!(q.close());
        assert_eq!(pusher.join().unwrap(), Err(PushError(7)));
    });
}

/// Model R2b: a push and a pop race a close: either they met (push `Ok`,
/// pop got the value) or neither did (the push has its value back, the pop
/// reports `Closed`). Bound 1: at bound 2 loom's scheduler lets a thread
/// spinning on the rendezvous lock yield without ever running the
/// preempted holder (the artifact of `queue.rs`'s header) and the model
/// passes loom's branch limit, even at 100,000 branches.
/// Bound 1: 14 executions, <0.1 s.
#[test]
fn rendezvous_push_and_pop_race_close() {
    model(1, || {
        let q = Arc::new(Queue::new(0));
        let pusher = {
            let q = q.clone();
            thread::spawn(move || q.push(7))
        };
        let popper = {
            let q = q.clone();
            thread::spawn(move || q.pop())
        };
        q.close();
        match (pusher.join().unwrap(), popper.join().unwrap()) {
            (Ok(()), Ok(7)) | (Err(PushError(7)), Err(PopError)) => {}
            other => panic!("inexact outcome {other:?}"),
        }
    });
}

/// Model R3: a pop cancelled while a push arrives (both on one token):
/// either the value passed (both `Ok`) or both were cancelled and the
/// value is back with the pusher; never one side without the other.
/// Bound 3: 15730 executions, 1.9 s.
#[test]
fn rendezvous_pop_cancelled_while_a_push_arrives() {
    model(3, || {
        let q = Arc::new(Queue::new(0));
        let token = CancelToken::new();
        let pusher = {
            let (q, token) = (q.clone(), token.clone());
            thread::spawn(move || q.push_cancellable(5, &token))
        };
        let popper = {
            let (q, token) = (q.clone(), token.clone());
            thread::spawn(move || q.pop_cancellable(&token))
        };
        token.cancel();
        match (pusher.join().unwrap(), popper.join().unwrap()) {
            (Ok(()), Ok(5))
            | (Err(PushCancelError::Cancelled(5)), Err(PopCancelError::Cancelled)) => {}
            other => panic!("inexact outcome {other:?}"),
        }
    });
}

/// Model S1: a select over two queues (a ring of capacity 1 and a
/// rendezvous queue) is woken by a push to either: two selects get both
/// values.
/// Bound 3: 30992 executions, 4.1 s.
#[test]
fn select_woken_by_a_push_to_either_queue() {
    model(3, || {
        let ring = Arc::new(Queue::new(1));
        let zero = Arc::new(Queue::new(0));
        let a = {
            let ring = ring.clone();
            thread::spawn(move || ring.push(1).unwrap())
        };
        let b = {
            let zero = zero.clone();
            thread::spawn(move || zero.push(2).unwrap())
        };
        let mut got = Vec::new();
        for _ in 0..2 {
            let v = select! {
                pop(*ring) -> v => v,
                pop(*zero) -> v => v,
            };
            got.push(v.unwrap());
        }
        a.join().unwrap();
        b.join().unwrap();
        got.sort();
        assert_eq!(got, [1, 2]);
    });
}

/// Model S2: a select racing a close of one of its arms (a rendezvous
/// queue; the other arm, a ring, stays empty) returns that arm's `Closed`.
/// Bound 4: 294 executions, <0.1 s.
#[test]
fn select_races_close_on_one_arm() {
    model(4, || {
        let zero = Arc::new(Queue::<u8>::new(0));
        let ring = Queue::<u8>::new(1);
        let closer = {
            let zero = zero.clone();
            thread::spawn(move || {
                zero.close();
            })
        };
        let r = select! {
            pop(*zero) -> v => v.map(|_| "zero value"),
            pop(ring) -> _v => Ok("ring fired"),
        };
        assert_eq!(r, Err(PopError));
        closer.join().unwrap();
    });
}

/// Model S3: a select whose token fires while a push arrives returns
/// exactly one outcome and loses nothing: on a ring, a value it did not
/// take is still queued; on a rendezvous queue (the pusher on the same
/// token), the pusher got its value back exactly when the select was
/// cancelled.
/// Bound 3: 7480 executions, 0.8 s.
#[test]
fn select_token_fires_while_a_push_arrives() {
    model(3, || {
        let ring = Arc::new(Queue::new(1));
        let token = CancelToken::new();
        let pusher = {
            let ring = ring.clone();
            thread::spawn(move || ring.push(3).unwrap())
        };
        let canceller = {
            let token = token.clone();
            thread::spawn(move || token.cancel())
        };
        let got = select! {
            pop(*ring) -> v => Some(v.unwrap()),
            cancel(&token) => None,
        };
        pusher.join().unwrap();
        canceller.join().unwrap();
        match got {
            Some(v) => {
                assert_eq!(v, 3);
                assert_eq!(ring.try_pop(), Err(TryPopError::Empty));
            }
            None => assert_eq!(ring.try_pop(), Ok(3)),
        }
    });
}

/// Model S3b: S3 on a rendezvous queue, the pusher cancellable by the
/// same token.
/// Bound 2 (three threads; bound 3 passes the branch limit as R2b): 2339 executions, 0.3 s.
#[test]
fn select_token_fires_while_a_rendezvous_push_arrives() {
    model(2, || {
        let zero = Arc::new(Queue::new(0));
        let token = CancelToken::new();
        let pusher = {
            let (zero, token) = (zero.clone(), token.clone());
            thread::spawn(move || zero.push_cancellable(4, &token))
        };
        let canceller = {
            let token = token.clone();
            thread::spawn(move || token.cancel())
        };
        let got = select! {
            pop(*zero) -> v => Some(v.unwrap()),
            cancel(&token) => None,
        };
        let pushed = pusher.join().unwrap();
        canceller.join().unwrap();
        match (got, pushed) {
            (Some(4), Ok(())) | (None, Err(PushCancelError::Cancelled(4))) => {}
            other => panic!("inexact outcome {other:?}"),
        }
    });
}

/// Model S4: two `select!`s on opposite sides of one rendezvous queue,
/// each with another arm nobody touches, pair: exactly one arm each, the
/// value passed once.
/// Bound 4: 1043 executions, 0.1 s.
#[test]
fn two_selects_pair_on_a_rendezvous_queue() {
    model(4, || {
        let zero = Arc::new(Queue::new(0));
        let idle_a = Arc::new(Queue::<u8>::new(0));
        let idle_b = Queue::<u8>::new(0);
        let pusher = {
            let (zero, idle_a) = (zero.clone(), idle_a.clone());
            thread::spawn(move || {
                select! {
                    push(*zero, 9u8) -> r => r.map_err(|_| "closed"),
                    pop(*idle_a) -> _v => Err("idle arm"),
                }
            })
        };
        let got = select! {
            pop(*zero) -> v => v.map_err(|_| "closed"),
            pop(idle_b) -> _v => Err("idle arm"),
        };
        assert_eq!(got, Ok(9));
        assert_eq!(pusher.join().unwrap(), Ok(()));
    });
}
