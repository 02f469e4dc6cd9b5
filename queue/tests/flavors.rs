//! The single-owner flavors (`spsc`, `mpsc`, `spmc`): every behaviour of
//! the MPMC handles, on each flavor, and stress runs that count every value
//! in and out while `close` and `cancel` race the owned sides.
//!
//! The tests are written once and stamped out per flavor by `flavor_tests!`
//! (the handles' methods take `&mut self` on an owned side and `&self` on a
//! shared one, so one generic function cannot call both).
#![cfg(feature = "std")]
#![allow(unused_mut)] // `mut` handles are needed on owned sides only

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use common::{let_it_park, scaled, DropLedger};
use ringq::{
    CancelToken, Consumer, Multi, PopCancelError, PopError, PopTimeoutError, Producer, PushError,
    Single, TryPopError, TryPushError, WaitPolicy,
};
use static_assertions::{assert_impl_all, assert_not_impl_any};

// An owned side's handle is one thread's: not `Clone`, not `Sync`, but
// `Send`; what it lends out (futures, iterators) holds its `&mut` and is
// `Send` when `T` is.
assert_impl_all!(Producer<u8, Single, Single>: Send);
assert_not_impl_any!(Producer<u8, Single, Single>: Clone, Sync);
assert_impl_all!(Consumer<u8, Single, Single>: Send);
assert_not_impl_any!(Consumer<u8, Single, Single>: Clone, Sync);
assert_impl_all!(Producer<u8, Multi, Single>: Send, Sync, Clone);
assert_not_impl_any!(Consumer<u8, Multi, Single>: Clone, Sync);
assert_not_impl_any!(Producer<u8, Single, Multi>: Clone, Sync);
assert_impl_all!(Consumer<u8, Single, Multi>: Send, Sync, Clone);
assert_impl_all!(ringq::PushFuture<'static, u8>: Send);
assert_impl_all!(ringq::PopFuture<'static, u8>: Send);
assert_impl_all!(ringq::Iter<'static, u8>: Send);

/// Splits a handle into `n` handles of the same side: clones for a shared
/// side, the handle itself (`n` must be 1) for an owned one.
trait Fan: Sized {
    fn fan(self, n: usize) -> Vec<Self>;
}

impl<T, C: ringq::Side> Fan for Producer<T, Multi, C> {
    fn fan(self, n: usize) -> Vec<Self> {
        let mut all: Vec<Self> = (1..n).map(|_| self.clone()).collect();
        all.push(self);
        all
    }
}

impl<T, C: ringq::Side> Fan for Producer<T, Single, C> {
    fn fan(self, n: usize) -> Vec<Self> {
        assert_eq!(n, 1, "an owned side has one handle");
        vec![self]
    }
}

impl<T, P: ringq::Side> Fan for Consumer<T, P, Multi> {
    fn fan(self, n: usize) -> Vec<Self> {
        let mut all: Vec<Self> = (1..n).map(|_| self.clone()).collect();
        all.push(self);
        all
    }
}

impl<T, P: ringq::Side> Fan for Consumer<T, P, Single> {
    fn fan(self, n: usize) -> Vec<Self> {
        assert_eq!(n, 1, "an owned side has one handle");
        vec![self]
    }
}

/// How a stress run ends.
#[derive(Clone, Copy, Debug)]
enum Ending {
    /// Every producer pushes everything, then drops its handle.
    Complete,
    /// A consumer closes the queue while the producers are still pushing.
    CloseMidway,
    /// A token every call watches is cancelled midway.
    CancelMidway,
}

const PER_PRODUCER: usize = scaled(20_000, 25);

/// Checks that each producer's values (`p * PER_PRODUCER + seq`) come in
/// increasing order in `popped`.
fn check_order(popped: &[usize]) {
    let mut last = [None; 8];
    for &v in popped {
        let (p, seq) = (v / PER_PRODUCER, v % PER_PRODUCER);
        assert!(
            last[p] < Some(seq),
            "producer {p}: {seq} after {:?}",
            last[p]
        );
        last[p] = Some(seq);
    }
}

/// Every value whose push returned `Ok` popped exactly once; none other.
fn check_exactly_once(accepted: &[usize], popped: &[Vec<usize>]) {
    let seen: Vec<AtomicU8> = (0..accepted.len() * PER_PRODUCER)
        .map(|_| AtomicU8::new(0))
        .collect();
    for v in popped.iter().flatten() {
        seen[*v].fetch_add(1, Ordering::Relaxed);
    }
    for (p, &n) in accepted.iter().enumerate() {
        for seq in 0..PER_PRODUCER {
            let times = seen[p * PER_PRODUCER + seq].load(Ordering::Relaxed);
            assert_eq!(
                times,
                u8::from(seq < n),
                "value ({p}, {seq}) popped {times} times"
            );
        }
    }
}

macro_rules! flavor_tests {
    ($flavor:ident, $p:ident, $c:ident, $producers:expr, $consumers:expr) => {
        mod $flavor {
            use super::*;

            fn pair<T>(cap: usize) -> (Producer<T, $p, $c>, Consumer<T, $p, $c>) {
                ringq::$flavor(cap)
            }

            fn pair_with<T>(
                cap: usize,
                policy: WaitPolicy,
            ) -> (Producer<T, $p, $c>, Consumer<T, $p, $c>) {
                ringq::Queue::builder(cap).wait(policy).$flavor()
            }

            #[test]
            fn every_single_value_call() {
                let (mut tx, mut rx) = pair(2);
                assert_eq!((tx.capacity(), rx.capacity()), (2, 2));
                assert!(tx.is_empty() && rx.is_empty());
                tx.push(1).unwrap();
                tx.try_push(2).unwrap();
                assert!(tx.is_full() && rx.is_full());
                assert_eq!((tx.len(), rx.len()), (2, 2));
                assert_eq!(tx.try_push(3), Err(TryPushError::Full(3)));
                assert!(tx
                    .push_timeout(3, Duration::from_millis(1))
                    .unwrap_err()
                    .is_timeout());
                assert!(tx
                    .push_deadline(3, Instant::now())
                    .unwrap_err()
                    .is_timeout());
                let token = CancelToken::new();
                token.cancel();
                assert!(tx.push_cancellable(3, &token).unwrap_err().is_cancelled());
                assert_eq!(rx.pop(), Ok(1));
                assert_eq!(rx.try_pop(), Ok(2));
                assert_eq!(rx.try_pop(), Err(TryPopError::Empty));
                assert_eq!(
                    rx.pop_timeout(Duration::from_millis(1)),
                    Err(PopTimeoutError::Timeout)
                );
                assert!(rx.pop_deadline(Instant::now()).is_err());
                assert_eq!(rx.pop_cancellable(&token), Err(PopCancelError::Cancelled));
                tx.push(4).unwrap();
                assert_eq!(rx.try_iter().collect::<Vec<_>>(), [4]);
                assert!(!tx.is_closed());
                assert!(rx.close());
                assert!(!tx.close());
                assert!(tx.is_closed() && rx.is_closed());
                assert_eq!(tx.push(5), Err(PushError(5)));
                assert_eq!(tx.try_push(6), Err(TryPushError::Closed(6)));
                assert_eq!(rx.iter().next(), None);
                assert_eq!(rx.pop(), Err(PopError));
                assert!(format!("{tx:?}").starts_with("Producer { queue: Queue { capacity: 2"));
                assert!(format!("{rx:?}").starts_with("Consumer { queue: Queue { capacity: 2"));
            }

            /// Many laps, one thread: the owned positions wrap the ring
            /// (and the close after them still drains).
            #[test]
            fn laps_in_order_then_close_and_drain() {
                for cap in [1, 2, 3, 64] {
                    let (mut tx, mut rx) = pair(cap);
                    for lap in 0..scaled(50, 5) {
                        for i in 0..cap {
                            tx.push(lap * cap + i).unwrap();
                        }
                        assert!(tx.try_push(usize::MAX).is_err());
                        for i in 0..cap {
                            assert_eq!(rx.pop(), Ok(lap * cap + i));
                        }
                    }
                    tx.push(7).unwrap();
                    assert!(tx.close());
                    assert_eq!(rx.pop(), Ok(7));
                    assert_eq!(rx.pop(), Err(PopError));
                    assert_eq!(rx.try_pop(), Err(TryPopError::Closed));
                }
            }

            #[test]
            fn the_last_producer_closes_and_the_last_consumer_drops_what_is_left() {
                let (mut tx, mut rx) = pair(4);
                tx.push(1).unwrap();
                drop(tx);
                assert!(rx.is_closed());
                assert_eq!(rx.pop(), Ok(1));
                assert_eq!(rx.pop(), Err(PopError));

                let ledger = DropLedger::new(3);
                let (mut tx, rx) = pair(4);
                for id in 0..3 {
                    tx.push(ledger.value(id)).unwrap();
                }
                drop(rx);
                ledger.assert_each_dropped(1);
                assert!(tx.is_closed());
                assert!(tx.push(ledger.value(0)).is_err());
                drop(tx);
                assert_eq!(ledger.counts(), [2, 1, 1]); // the refused value came back and was dropped
            }

            #[test]
            fn blocked_calls_wake_on_every_event() {
                // A parked pop wakes for a push, and a parked push for a pop.
                let (mut tx, mut rx) = pair_with(1, WaitPolicy::Park);
                thread::scope(|s| {
                    let consumer = s.spawn(move || (rx.pop(), rx.pop(), rx));
                    let_it_park();
                    tx.push(1).unwrap();
                    tx.push(2).unwrap();
                    let (a, b, mut rx) = consumer.join().unwrap();
                    assert_eq!((a, b), (Ok(1), Ok(2)));
                    tx.push(3).unwrap();
                    let producer = s.spawn(move || (tx.push(4), tx));
                    let_it_park();
                    assert_eq!(rx.pop(), Ok(3));
                    let (pushed, tx) = producer.join().unwrap();
                    assert_eq!(pushed, Ok(()));
                    assert_eq!(rx.pop(), Ok(4));
                    // A close wakes both sides: the parked pop sees Closed.
                    let consumer = s.spawn(move || rx.pop());
                    let_it_park();
                    drop(tx);
                    assert_eq!(consumer.join().unwrap(), Err(PopError));
                });
                // A parked push is handed its value back when the consumer goes.
                let (mut tx, rx) = pair_with(1, WaitPolicy::Park);
                tx.push(1).unwrap();
                thread::scope(|s| {
                    let producer = s.spawn(move || tx.push(2));
                    let_it_park();
                    drop(rx);
                    assert_eq!(producer.join().unwrap(), Err(PushError(2)));
                });
            }

            #[test]
            fn timeouts_and_cancellation_end_blocked_calls_and_lose_nothing() {
                let (mut tx, mut rx) = pair_with(1, WaitPolicy::Park);
                tx.push(0).unwrap();
                let token = CancelToken::new();
                thread::scope(|s| {
                    let blocked = s.spawn(|| {
                        (
                            tx.push_cancellable(1, &token),
                            tx.push_timeout(2, Duration::from_millis(5)),
                        )
                    });
                    let_it_park();
                    token.cancel();
                    let (cancelled, timed_out) = blocked.join().unwrap();
                    assert_eq!(cancelled.unwrap_err().into_inner(), 1);
                    assert_eq!(timed_out.unwrap_err().into_inner(), 2);
                });
                assert_eq!(rx.pop(), Ok(0));
                let token = CancelToken::new();
                thread::scope(|s| {
                    let blocked = s.spawn(|| rx.pop_cancellable(&token));
                    let_it_park();
                    token.cancel();
                    assert_eq!(blocked.join().unwrap(), Err(PopCancelError::Cancelled));
                });
                assert!(rx.is_empty());
                let stop = CancelToken::new();
                tx.push(9).unwrap();
                tx.close();
                assert_eq!(rx.iter_cancellable(&stop).collect::<Vec<_>>(), [9]);
            }

            #[test]
            fn batches_cross_the_wrap_and_stop_at_close() {
                let (mut tx, mut rx) = pair(3);
                let mut out = Vec::new();
                for round in 0..scaled(20, 4) {
                    let mut src: VecDeque<usize> = (round * 5..round * 5 + 5).collect();
                    assert_eq!(tx.try_push_from(&mut src), 3);
                    assert_eq!(rx.try_pop_into(&mut out, 2), Ok(2));
                    assert_eq!(
                        tx.push_from_timeout(&mut src, Duration::from_millis(1)),
                        Ok(())
                    );
                    assert_eq!(src.len(), 0);
                    assert_eq!(rx.pop_into(&mut out, 8), Ok(3));
                    assert_eq!(rx.try_pop_into(&mut out, 8), Err(TryPopError::Empty));
                }
                let expected: Vec<usize> = (0..scaled(20, 4) * 5).collect();
                assert_eq!(out, expected);
                let mut src: VecDeque<usize> = (0..5).collect();
                thread::scope(|s| {
                    let consumer = s.spawn(|| {
                        let mut got = Vec::new();
                        while rx.pop_into(&mut got, 2).is_ok() {}
                        got
                    });
                    tx.push_from(&mut src).unwrap();
                    tx.close();
                    assert_eq!(consumer.join().unwrap(), [0, 1, 2, 3, 4]);
                });
                let mut more: VecDeque<usize> = (5..7).collect();
                assert!(tx.push_from(&mut more).is_err());
                assert_eq!(more, [5, 6], "a closed queue keeps what it did not take");
                let token = CancelToken::new();
                token.cancel();
                assert!(tx.push_from_cancellable(&mut more, &token).is_err());
                assert!(tx.push_from_deadline(&mut more, Instant::now()).is_err());
                assert_eq!(
                    rx.pop_into_cancellable(&mut out, 1, &token),
                    Err(PopCancelError::Cancelled)
                );
                assert!(rx.pop_into_deadline(&mut out, 1, Instant::now()).is_err());
                assert!(rx.pop_into_timeout(&mut out, 1, Duration::ZERO).is_err());
            }

            #[test]
            fn futures_and_stream() {
                let (mut tx, mut rx) = pair(1);
                pollster::block_on(tx.push_async(1)).unwrap();
                assert_eq!(pollster::block_on(rx.pop_async()), Ok(1));
                thread::scope(|s| {
                    let consumer = s.spawn(|| {
                        pollster::block_on(async {
                            let mut got = Vec::new();
                            while let Ok(v) = rx.pop_async().await {
                                got.push(v);
                            }
                            got
                        })
                    });
                    pollster::block_on(async {
                        for i in 0..scaled(200, 10) {
                            tx.push_async(i).await.unwrap();
                        }
                    });
                    tx.close();
                    let expected: Vec<usize> = (0..scaled(200, 10)).collect();
                    assert_eq!(consumer.join().unwrap(), expected);
                });
                // The consumer is a Stream: it ends at the close.
                let (mut tx, mut rx) = pair(4);
                tx.push(5).unwrap();
                drop(tx);
                let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
                use futures_core::Stream;
                let mut rx = std::pin::Pin::new(&mut rx);
                assert_eq!(
                    rx.as_mut().poll_next(&mut cx),
                    std::task::Poll::Ready(Some(5))
                );
                assert_eq!(rx.as_mut().poll_next(&mut cx), std::task::Poll::Ready(None));
            }

            #[test]
            fn select_arms_on_owned_and_shared_sides() {
                let (mut tx, mut rx) = pair(1);
                let other = ringq::Queue::<u32>::new(1);
                ringq::select! {
                    push(&mut tx, 1) -> r => assert_eq!(r, Ok(())),
                    default => panic!("the queue had room"),
                }
                ringq::select! {
                    pop(&mut rx) -> v => assert_eq!(v, Ok(1)),
                    pop(other) -> _ => panic!("nothing there"),
                }
                ringq::select! {
                    pop(&mut rx) -> _ => panic!("empty"),
                    default(Duration::from_millis(1)) => {}
                }
                let side = &mut tx;
                let mut sel = ringq::Select::new();
                let i = sel.push(&side);
                assert_eq!(sel.ready(), i);
                drop(sel);
                tx.close();
                ringq::select! {
                    pop(&mut rx) -> v => assert_eq!(v, Err(PopError)),
                }
            }

            #[test]
            fn capacity_zero_is_a_rendezvous() {
                let (mut tx, mut rx) = pair(0);
                assert_eq!(tx.capacity(), 0);
                assert_eq!(tx.try_push(1), Err(TryPushError::Full(1)));
                thread::scope(|s| {
                    let consumer = s.spawn(move || (rx.pop(), rx));
                    tx.push(2).unwrap();
                    let (got, rx) = consumer.join().unwrap();
                    assert_eq!(got, Ok(2));
                    drop(rx);
                });
                assert!(tx.is_closed());
            }

            /// `close` and `cancel` race the owned sides: every value whose
            /// push returned `Ok` is popped exactly once (or is still
            /// queued), every failed push hands its own value back, and each
            /// producer's values arrive in order at every consumer.
            fn stress(cap: usize, ending: Ending, policy: WaitPolicy) {
                let (tx, rx) = pair_with::<usize>(cap, policy);
                let txs = tx.fan($producers);
                let rxs = rx.fan($consumers);
                let token = CancelToken::new();
                let start = Barrier::new($producers + $consumers);
                let producers_done = Barrier::new($producers + $consumers);
                let (accepted, popped) = thread::scope(|s| {
                    let producers: Vec<_> = txs
                        .into_iter()
                        .enumerate()
                        .map(|(p, mut tx)| {
                            let (token, start, done) = (&token, &start, &producers_done);
                            s.spawn(move || {
                                start.wait();
                                let mut accepted = PER_PRODUCER;
                                for seq in 0..PER_PRODUCER {
                                    let v = p * PER_PRODUCER + seq;
                                    let back = match (ending, seq % 5) {
                                        (Ending::CancelMidway, _) => tx
                                            .push_cancellable(v, token)
                                            .err()
                                            .map(|e| e.into_inner()),
                                        (_, 0) => loop {
                                            match tx.try_push(v) {
                                                Ok(()) => break None,
                                                Err(e) if e.is_full() => thread::yield_now(),
                                                Err(e) => break Some(e.into_inner()),
                                            }
                                        },
                                        (_, 1) => {
                                            let mut src = VecDeque::from([v]);
                                            match tx.push_from(&mut src) {
                                                Ok(()) => None,
                                                Err(_) => src.pop_front(),
                                            }
                                        }
                                        _ => tx.push(v).err().map(|e| e.into_inner()),
                                    };
                                    if let Some(back) = back {
                                        assert_eq!(
                                            back, v,
                                            "a failed push hands back its own value"
                                        );
                                        accepted = seq;
                                        break;
                                    }
                                }
                                drop(tx); // the last one closes the queue
                                done.wait();
                                accepted
                            })
                        })
                        .collect();
                    let consumers: Vec<_> = rxs
                        .into_iter()
                        .enumerate()
                        .map(|(c, mut rx)| {
                            let (token, start, done) = (&token, &start, &producers_done);
                            s.spawn(move || {
                                start.wait();
                                let mut got = Vec::new();
                                loop {
                                    let v = match ending {
                                        Ending::CancelMidway => rx.pop_cancellable(token).ok(),
                                        _ if got.len() % 3 == 2 => {
                                            let mut buf = Vec::new();
                                            match rx.pop_into(&mut buf, 4) {
                                                Ok(_) => {
                                                    let last = buf.pop();
                                                    got.extend(buf);
                                                    last
                                                }
                                                Err(_) => None,
                                            }
                                        }
                                        _ => rx.pop().ok(),
                                    };
                                    let Some(v) = v else { break };
                                    got.push(v);
                                    if got.len() == 10 && c == 0 {
                                        match ending {
                                            Ending::CloseMidway => {
                                                rx.close();
                                            }
                                            Ending::CancelMidway => token.cancel(),
                                            Ending::Complete => {}
                                        }
                                    }
                                }
                                // Cancelled early: what is left once the
                                // producers are done is still queued.
                                done.wait();
                                got.extend(rx.try_iter());
                                got
                            })
                        })
                        .collect();
                    let accepted: Vec<usize> =
                        producers.into_iter().map(|h| h.join().unwrap()).collect();
                    let popped: Vec<Vec<usize>> =
                        consumers.into_iter().map(|h| h.join().unwrap()).collect();
                    (accepted, popped)
                });
                for run in &popped {
                    check_order(run);
                }
                check_exactly_once(&accepted, &popped);
                if matches!(ending, Ending::Complete) {
                    assert!(accepted.iter().all(|&n| n == PER_PRODUCER));
                }
            }

            #[test]
            fn stress_every_value_exactly_once() {
                for cap in [1, 3, 64] {
                    stress(cap, Ending::Complete, WaitPolicy::Adaptive);
                }
            }

            #[test]
            fn stress_with_close_racing_the_producers() {
                for cap in [1, 3, 64] {
                    stress(cap, Ending::CloseMidway, WaitPolicy::Adaptive);
                }
            }

            #[test]
            fn stress_with_cancellation_firing_midway() {
                for cap in [1, 3, 64] {
                    stress(cap, Ending::CancelMidway, WaitPolicy::Adaptive);
                }
            }

            #[test]
            fn stress_under_every_wait_policy() {
                for policy in [WaitPolicy::Spin, WaitPolicy::Park] {
                    for ending in [Ending::Complete, Ending::CloseMidway, Ending::CancelMidway] {
                        stress(3, ending, policy);
                    }
                }
            }
        }
    };
}

flavor_tests!(spsc, Single, Single, 1, 1);
flavor_tests!(mpsc, Multi, Single, 4, 1);
flavor_tests!(spmc, Single, Multi, 1, 4);

/// `force_push` on `spmc` (the one flavor with an owned producer that has
/// it): displaced values plus popped values are every value pushed, while
/// consumers race the displacing pushes.
#[test]
fn spmc_force_push_races_consumers() {
    let n = scaled(20_000, 40);
    for cap in [1, 2, 64] {
        let (mut tx, rx) = ringq::spmc::<usize>(cap);
        let rxs = rx.fan(2);
        let (displaced, popped) = thread::scope(|s| {
            let consumers: Vec<_> = rxs
                .into_iter()
                .map(|rx| s.spawn(move || rx.iter().collect::<Vec<_>>()))
                .collect();
            let mut displaced = Vec::new();
            for i in 0..n {
                if let Some(old) = tx.force_push(i).unwrap() {
                    displaced.push(old);
                }
            }
            drop(tx);
            let popped: Vec<Vec<usize>> =
                consumers.into_iter().map(|h| h.join().unwrap()).collect();
            (displaced, popped)
        });
        let mut all: Vec<usize> = displaced
            .into_iter()
            .chain(popped.into_iter().flatten())
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..n).collect::<Vec<_>>(), "cap {cap}");
    }
}
