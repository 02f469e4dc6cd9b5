//! Async push and pop (`push_async`, `pop_async`, `Stream`, `cancelled`):
//! mixed with blocking callers on one queue, exact when futures are dropped.
#![cfg(feature = "std")]

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use common::{let_it_park, scaled};
use futures_core::Stream;
use ringq::{bounded, CancelToken, PopError, PopFuture, PushError, PushFuture, Queue};

static_assertions::assert_impl_all!(PushFuture<'static, u32>: Send, Unpin);
static_assertions::assert_impl_all!(PopFuture<'static, u32>: Send, Unpin);
static_assertions::assert_impl_all!(ringq::Cancelled<'static>: Send);
static_assertions::assert_impl_all!(ringq::Consumer<u32>: Stream, Unpin);

/// A waker that counts its wake-ups.
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count::default());
    (count.clone(), Waker::from(count))
}

fn poll_once<F: Future + Unpin>(f: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(waker))
}

/// Polls `f` until it is pending *and registered*: a poll that returns
/// `Pending` after waking its own waker is a yield (`future.rs`, step 3),
/// so poll again. Then zeroes `count`, so the test sees only later wakes.
fn park<F: Future + Unpin>(f: &mut F, count: &Count, waker: &Waker) {
    loop {
        let before = count.0.load(Ordering::SeqCst);
        match poll_once(f, waker) {
            Poll::Ready(_) => panic!("resolved instead of waiting"),
            Poll::Pending if count.0.load(Ordering::SeqCst) > before => continue,
            Poll::Pending => break,
        }
    }
    count.0.store(0, Ordering::SeqCst);
}

#[test]
fn pop_future_is_woken_by_a_blocking_push() {
    for capacity in [0, 1, 4] {
        let q = Queue::new(capacity);
        thread::scope(|s| {
            s.spawn(|| {
                let_it_park();
                q.push(7).unwrap();
            });
            assert_eq!(
                pollster::block_on(q.pop_async()),
                Ok(7),
                "capacity {capacity}"
            );
        });
    }
}

#[test]
fn push_future_waits_for_room_then_wakes_a_blocking_popper() {
    for capacity in [0, 1] {
        let q = Queue::new(capacity);
        if capacity == 1 {
            q.push(0).unwrap();
        }
        thread::scope(|s| {
            let popper = s.spawn(|| {
                let_it_park();
                let mut got = vec![q.pop().unwrap()];
                if capacity == 1 {
                    got.push(q.pop().unwrap());
                }
                got
            });
            pollster::block_on(q.push_async(1)).unwrap();
            let want = if capacity == 1 { vec![0, 1] } else { vec![1] };
            assert_eq!(popper.join().unwrap(), want, "capacity {capacity}");
        });
    }
}

#[test]
fn close_wakes_async_waiters_and_hands_the_value_back() {
    for capacity in [0, 1] {
        let q = Queue::new(capacity);
        if capacity == 1 {
            q.push(0).unwrap();
        }
        let (count, waker) = counting_waker();
        let mut push = q.push_async(1);
        park(&mut push, &count, &waker);
        let empty = Queue::<u32>::new(capacity);
        let mut pop = empty.pop_async();
        park(&mut pop, &count, &waker);
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
        q.close();
        empty.close();
        assert_eq!(count.0.load(Ordering::SeqCst), 2, "both woken by close");
        assert_eq!(poll_once(&mut push, &waker), Poll::Ready(Err(PushError(1))));
        assert_eq!(poll_once(&mut pop, &waker), Poll::Ready(Err(PopError)));
    }
}

#[test]
fn last_handle_drop_wakes_async_waiters() {
    let (tx, rx) = bounded::<u32>(1);
    let (count, waker) = counting_waker();
    let mut pop = rx.pop_async();
    park(&mut pop, &count, &waker);
    drop(tx);
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert_eq!(poll_once(&mut pop, &waker), Poll::Ready(Err(PopError)));
}

/// A pop future woken for a value and then dropped without being polled
/// took nothing, and its wake-up goes to the next waiter, which gets it.
#[test]
fn a_dropped_woken_pop_future_passes_the_wake_up_on() {
    for capacity in [0, 1] {
        let q = Queue::new(capacity);
        let (first_count, first_waker) = counting_waker();
        let (second_count, second_waker) = counting_waker();
        let mut first = q.pop_async();
        let mut second = q.pop_async();
        park(&mut first, &first_count, &first_waker);
        park(&mut second, &second_count, &second_waker);
        thread::scope(|s| {
            // On a ring the push completes at once; on a rendezvous it
            // waits for a popper, so it runs on its own thread.
            let pusher = s.spawn(|| q.push(5));
            while first_count.0.load(Ordering::SeqCst) == 0 {
                thread::yield_now();
            }
            drop(first); // woken, never polled again: took nothing
            assert!(
                second_count.0.load(Ordering::SeqCst) >= 1,
                "wake-up passed on"
            );
            assert_eq!(poll_once(&mut second, &second_waker), Poll::Ready(Ok(5)));
            pusher.join().unwrap().unwrap();
        });
    }
}

/// A push future dropped while pending never enters the queue; `cancel`
/// hands the value back, and the room a pop makes goes to the next pusher.
#[test]
fn a_cancelled_push_future_never_enters_the_queue() {
    let q = Queue::new(1);
    q.push(0).unwrap();
    let (count, waker) = counting_waker();
    let (second_count, second_waker) = counting_waker();
    let mut first = q.push_async(1);
    let mut second = q.push_async(2);
    park(&mut first, &count, &waker);
    park(&mut second, &second_count, &second_waker);
    assert_eq!(q.pop(), Ok(0)); // room: wakes `first`
    assert_eq!(first.cancel(), Some(1)); // ... which leaves, passing it on
    assert!(second_count.0.load(Ordering::SeqCst) >= 1);
    assert_eq!(poll_once(&mut second, &second_waker), Poll::Ready(Ok(())));
    assert_eq!(q.try_pop(), Ok(2));
    assert!(q.is_empty());
}

#[test]
fn rendezvous_push_future_cancel_and_commit() {
    let q = Queue::new(0);
    let (count, waker) = counting_waker();
    // Nobody pops: cancelling hands the value back.
    let mut push = q.push_async(1);
    park(&mut push, &count, &waker);
    assert_eq!(q.len(), 0);
    assert_eq!(push.cancel(), Some(1));
    assert_eq!(
        q.try_pop(),
        Err(ringq::TryPopError::Empty),
        "gone from the queue"
    );
    // A popper commits the pending push: it completed, cancel finds nothing.
    let mut push = q.push_async(2);
    park(&mut push, &count, &waker);
    assert_eq!(q.try_pop(), Ok(2));
    assert!(
        count.0.load(Ordering::SeqCst) >= 1,
        "the pusher's task is woken"
    );
    assert_eq!(push.cancel(), None);
    // Async push and async pop pair with each other.
    let mut push = q.push_async(3);
    let mut pop = q.pop_async();
    park(&mut pop, &count, &waker);
    park(&mut push, &count, &waker);
    assert_eq!(poll_once(&mut pop, &waker), Poll::Ready(Ok(3)));
    assert_eq!(poll_once(&mut push, &waker), Poll::Ready(Ok(())));
}

#[test]
fn consumer_stream_drains_then_ends() {
    let (tx, mut rx) = bounded(2);
    thread::scope(|s| {
        s.spawn(move || {
            for i in 0..10 {
                tx.push(i).unwrap();
            }
        });
        let got = pollster::block_on(async {
            let mut got = Vec::new();
            while let Some(v) = std::future::poll_fn(|cx| Pin::new(&mut rx).poll_next(cx)).await {
                got.push(v);
            }
            got
        });
        assert_eq!(got, (0..10).collect::<Vec<_>>());
    });
}

#[test]
fn cancelled_future_resolves_on_cancel_on_a_parent_and_at_a_deadline() {
    let parent = CancelToken::new();
    let child = parent.child();
    let (count, waker) = counting_waker();
    let mut fut = child.cancelled();
    park(&mut fut, &count, &waker);
    parent.cancel();
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert_eq!(poll_once(&mut fut, &waker), Poll::Ready(()));

    let timed = CancelToken::new().with_timeout(Duration::from_millis(20));
    pollster::block_on(timed.cancelled());
    assert!(timed.is_cancelled());
}

/// The pollster executor (a minimal one: one future per thread) against
/// blocking threads, both directions at once; also under miri.
#[test]
fn pollster_tasks_mixed_with_threads() {
    let n = scaled(2_000, 30) as u64;
    for capacity in [0, 1, 64] {
        let q = Queue::new(capacity);
        let (async_got, blocking_got) = thread::scope(|s| {
            let async_push = s.spawn(|| {
                pollster::block_on(async {
                    for i in 0..n {
                        q.push_async(i).await.unwrap();
                    }
                })
            });
            let blocking_push = s.spawn(|| {
                for i in n..2 * n {
                    q.push(i).unwrap();
                }
            });
            let async_pop = s.spawn(|| {
                pollster::block_on(async {
                    let mut got = Vec::new();
                    while let Ok(v) = q.pop_async().await {
                        got.push(v);
                    }
                    got
                })
            });
            let blocking_pop = s.spawn(|| q.iter().collect::<Vec<_>>());
            async_push.join().unwrap();
            blocking_push.join().unwrap();
            q.close();
            (async_pop.join().unwrap(), blocking_pop.join().unwrap())
        });
        for got in [&async_got, &blocking_got] {
            // per-producer order: each producer's values arrive increasing
            let firsts: Vec<_> = got.iter().filter(|&&v| v < n).collect();
            let seconds: Vec<_> = got.iter().filter(|&&v| v >= n).collect();
            assert!(firsts.windows(2).all(|w| w[0] < w[1]));
            assert!(seconds.windows(2).all(|w| w[0] < w[1]));
        }
        let mut all: Vec<_> = async_got.into_iter().chain(blocking_got).collect();
        all.sort_unstable();
        assert_eq!(all, (0..2 * n).collect::<Vec<_>>(), "capacity {capacity}");
    }
}

/// The documented limit on rendezvous queues: a pending pop future is not
/// a registered popper, so `try_push`/`force_push` do not see it; a push
/// that registers (blocking or async) does, and wakes it.
#[test]
fn rendezvous_try_push_does_not_see_a_pending_pop_future() {
    let q = Queue::new(0);
    let (count, waker) = counting_waker();
    let mut pop = q.pop_async();
    park(&mut pop, &count, &waker);
    assert_eq!(q.try_push(1), Err(ringq::TryPushError::Full(1)));
    assert_eq!(q.force_push(2), Ok(Some(2)));
    let mut push = q.push_async(3);
    assert!(poll_once(&mut push, &waker).is_pending()); // registered: wakes `pop`
    assert!(count.0.load(Ordering::SeqCst) >= 1);
    assert_eq!(poll_once(&mut pop, &waker), Poll::Ready(Ok(3)));
    assert_eq!(poll_once(&mut push, &waker), Poll::Ready(Ok(())));
}
