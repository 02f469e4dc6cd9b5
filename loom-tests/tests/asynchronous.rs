//! Loom models of the async futures (`push_async`, `pop_async`) mixed with
//! blocking threads. Bounds, executions and run times (release build,
//! 2-vCPU machine) are next to each model, as in `queue.rs`; the mutation
//! each one catches is in `loom-tests/README.md`.
#![cfg(loom)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use loom_tests::model;
use ringq::{PopError, PushError, Queue, TryPopError};

/// A waker that counts its wake-ups (a std atomic: outside the model, it
/// only tells a yield from a registration).
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn poll_once<F: Future + Unpin>(f: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(waker))
}

/// Polls `f` until it resolves or is pending *and registered*: a poll that
/// returns `Pending` after waking its own waker is a yield (`future.rs`,
/// step 3), so poll again.
fn poll_until_waiting<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    let count = std::sync::Arc::new(Count::default());
    let waker = Waker::from(count.clone());
    loop {
        let before = count.0.load(Ordering::SeqCst);
        match poll_once(f, &waker) {
            Poll::Pending if count.0.load(Ordering::SeqCst) > before => continue,
            done_or_waiting => return done_or_waiting,
        }
    }
}

/// Model A1: a pop future woken by a push from another thread, on a ring
/// and on a rendezvous queue.
/// Bound 3: capacity 1: 386 executions; capacity 0: 4,135; 0.7 s together.
#[test]
fn async_pop_woken_by_push() {
    for capacity in [1, 0] {
        model(3, move || {
            let q = Arc::new(Queue::new(capacity));
            let pusher = {
                let q = q.clone();
                thread::spawn(move || q.push(1).unwrap())
            };
            assert_eq!(block_on(q.pop_async()), Ok(1));
            pusher.join().unwrap();
        });
    }
}

/// Model A2: a pop future registered before a push and dropped right
/// after it (so after its wake-up, if the push woke it), while a thread
/// waits in a blocking pop: the value must reach the thread (a dropped
/// future that kept the wake-up would leave it parked: loom reports the
/// deadlock). Two threads: with a third, loom's scheduler hits the
/// spin-lock branch artifact of `queue.rs`'s header above bound 1.
/// Bound 3: 575 executions, <0.1 s.
#[test]
fn dropped_pop_future_passes_the_wake_up_on() {
    model(3, || {
        let q = Arc::new(Queue::new(1));
        let popper = {
            let q = q.clone();
            thread::spawn(move || q.pop())
        };
        let mut first = q.pop_async();
        assert!(
            poll_until_waiting(&mut first).is_pending(),
            "nothing pushed yet"
        );
        q.push(5).unwrap();
        drop(first);
        assert_eq!(popper.join().unwrap(), Ok(5));
    });
}

/// Model A3: a push future waiting on a full queue is dropped right after
/// a pop makes room, while a thread waits in a blocking push: the thread's
/// value gets in, the dropped future's never does.
/// Bound 3: 462 executions, <0.1 s.
#[test]
fn dropped_push_future_never_enters_and_passes_the_room_on() {
    model(3, || {
        let q = Arc::new(Queue::new(1));
        q.push(0).unwrap();
        let mut first = q.push_async(1);
        assert!(
            poll_until_waiting(&mut first).is_pending(),
            "the queue is full"
        );
        let pusher = {
            let q = q.clone();
            thread::spawn(move || q.push(2).unwrap())
        };
        assert_eq!(q.pop(), Ok(0));
        drop(first);
        pusher.join().unwrap();
        assert_eq!(q.try_pop(), Ok(2));
        assert_eq!(
            q.try_pop(),
            Err(TryPopError::Empty),
            "the dropped value got in"
        );
    });
}

/// Model A4: `close()` wakes an async popper and an async pusher: the pop
/// reports closed, the push hands its value back.
/// Bound 3: 4,358 executions, 0.6 s.
#[test]
fn close_wakes_async_waiters() {
    model(3, || {
        let empty = Arc::new(Queue::<u32>::new(1));
        let full = Arc::new(Queue::new(1));
        full.push(0).unwrap();
        let closer = {
            let (empty, full) = (empty.clone(), full.clone());
            thread::spawn(move || {
                empty.close();
                full.close();
            })
        };
        assert_eq!(block_on(empty.pop_async()), Err(PopError));
        assert_eq!(block_on(full.push_async(1)), Err(PushError(1)));
        closer.join().unwrap();
    });
}

/// Model A5: a rendezvous push future cancelled while a thread pops: either
/// the popper committed it first (cancel finds nothing, the popper has the
/// value) or the cancel won (the value comes back, the popper has nothing
/// until the queue closes). Never both, never neither.
/// Bound 3: 339 executions, <0.1 s.
#[test]
fn rendezvous_push_future_cancel_races_a_pop() {
    model(3, || {
        let q = Arc::new(Queue::new(0));
        let popper = {
            let q = q.clone();
            thread::spawn(move || q.pop())
        };
        let mut push = q.push_async(9);
        let polled = poll_until_waiting(&mut push);
        let back = push.cancel();
        match (polled, back) {
            (Poll::Ready(r), back) => {
                assert_eq!(r, Ok(()));
                assert_eq!(back, None);
            }
            (Poll::Pending, Some(9)) => {
                q.close();
            }
            (Poll::Pending, None) => {}
            (Poll::Pending, Some(v)) => panic!("another value came back: {v}"),
        }
        let got = popper.join().unwrap();
        assert_eq!(
            got.is_ok(),
            back.is_none(),
            "delivered once, or handed back"
        );
    });
}
