//! Capacity 0: a rendezvous queue (Go's `make(chan T)`). A push completes
//! only when a popper takes its value; every outcome is exact under close,
//! cancel and timeout.
#![cfg(feature = "std")]

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use common::{let_it_park, scaled};
use ringq::{
    bounded, try_bounded, CancelToken, PopCancelError, PopError, PopTimeoutError, PushCancelError,
    PushError, PushTimeoutError, Queue, TryPopError, TryPushError, WaitPolicy,
};

#[test]
fn capacity_zero_is_a_rendezvous_not_an_error() {
    let q = Queue::<u8>::new(0);
    assert_eq!(q.capacity(), 0);
    assert_eq!(q.len(), 0);
    assert!(q.is_empty());
    assert!(q.is_full());
    assert!(Queue::<u8>::try_new(0).is_ok());
    let (tx, rx) = bounded::<u8>(0);
    assert_eq!((tx.capacity(), rx.capacity()), (0, 0));
    assert!(try_bounded::<u8>(0).is_ok());
    assert!(Queue::<u8>::builder(0)
        .wait(WaitPolicy::Park)
        .try_build()
        .is_ok());
}

#[test]
fn try_calls_need_a_waiting_partner() {
    let q = Queue::new(0);
    assert_eq!(q.try_push(1), Err(TryPushError::Full(1)));
    assert_eq!(q.try_pop(), Err(TryPopError::Empty));
    let mut buf = Vec::new();
    assert_eq!(q.try_pop_into(&mut buf, 4), Err(TryPopError::Empty));
    let mut src: VecDeque<_> = [1, 2].into();
    assert_eq!(q.try_push_from(&mut src), 0);
    assert_eq!(src, [1, 2]);
}

#[test]
fn a_push_completes_only_when_a_popper_takes_it() {
    let q = Queue::new(0);
    let done = AtomicBool::new(false);
    thread::scope(|s| {
        s.spawn(|| {
            q.push(7).unwrap();
            done.store(true, Ordering::SeqCst);
        });
        let_it_park();
        assert!(!done.load(Ordering::SeqCst), "push returned with no popper");
        assert_eq!(q.pop(), Ok(7));
    });
    assert!(done.load(Ordering::SeqCst));
}

#[test]
fn try_push_succeeds_when_a_popper_is_blocked() {
    let q = Queue::new(0);
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop());
        let mut v = 5;
        loop {
            match q.try_push(v) {
                Ok(()) => break,
                Err(TryPushError::Full(back)) => v = back,
                Err(e) => panic!("{e:?}"),
            }
            thread::yield_now();
        }
        assert_eq!(popper.join().unwrap(), Ok(5));
    });
}

#[test]
fn try_pop_succeeds_when_a_pusher_is_blocked() {
    let q = Queue::new(0);
    thread::scope(|s| {
        let pusher = s.spawn(|| q.push("x"));
        let v = loop {
            match q.try_pop() {
                Ok(v) => break v,
                Err(TryPopError::Empty) => thread::yield_now(),
                Err(e) => panic!("{e:?}"),
            }
        };
        assert_eq!(v, "x");
        assert_eq!(pusher.join().unwrap(), Ok(()));
    });
}

#[test]
fn timeouts_hand_the_value_back_and_nobody_receives_it() {
    let q = Queue::new(0);
    assert_eq!(
        q.push_timeout(1, Duration::from_millis(5)),
        Err(PushTimeoutError::Timeout(1))
    );
    assert_eq!(
        q.pop_timeout(Duration::from_millis(5)),
        Err(PopTimeoutError::Timeout)
    );
    let soon = Instant::now() + Duration::from_millis(5);
    assert_eq!(q.push_deadline(8, soon), Err(PushTimeoutError::Timeout(8)));
    assert_eq!(q.pop_deadline(soon), Err(PopTimeoutError::Timeout));
    assert_eq!(q.try_pop(), Err(TryPopError::Empty));
    // A timed push that meets a popper succeeds.
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop_timeout(Duration::from_secs(10)));
        assert_eq!(q.push_timeout(2, Duration::from_secs(10)), Ok(()));
        assert_eq!(popper.join().unwrap(), Ok(2));
    });
}

#[test]
fn cancellation_ends_a_blocked_push_or_pop_exactly() {
    let q = Queue::new(0);
    let token = CancelToken::new();
    let popper_token = CancelToken::new();
    thread::scope(|s| {
        let pusher = s.spawn(|| q.push_cancellable(3, &token));
        let_it_park();
        token.cancel();
        assert_eq!(pusher.join().unwrap(), Err(PushCancelError::Cancelled(3)));
        let popper = s.spawn(|| q.pop_cancellable(&popper_token));
        let_it_park();
        popper_token.cancel();
        assert_eq!(
            popper.join().unwrap(),
            Err::<i32, _>(PopCancelError::Cancelled)
        );
    });
    assert_eq!(q.try_pop(), Err(TryPopError::Empty));
}

#[test]
fn close_wakes_blocked_pushers_with_their_values_and_poppers_with_closed() {
    let q = Queue::new(0);
    thread::scope(|s| {
        let q = &q;
        let pushers: Vec<_> = (0..2).map(|i| s.spawn(move || q.push(i))).collect();
        let_it_park();
        assert!(q.close());
        let mut back: Vec<_> = pushers
            .into_iter()
            .map(|p| p.join().unwrap().unwrap_err().into_inner())
            .collect();
        back.sort();
        assert_eq!(back, [0, 1]);
    });
    let q = Queue::<u8>::new(0);
    thread::scope(|s| {
        let poppers: Vec<_> = (0..2).map(|_| s.spawn(|| q.pop())).collect();
        let_it_park();
        q.close();
        for p in poppers {
            assert_eq!(p.join().unwrap(), Err(PopError));
        }
    });
    assert_eq!(q.push(1), Err(PushError(1)));
    assert_eq!(q.try_push(1), Err(TryPushError::Closed(1)));
    assert_eq!(q.try_pop(), Err(TryPopError::Closed));
}

#[test]
fn force_push_hands_over_or_gives_the_new_value_back() {
    let q = Queue::new(0);
    assert_eq!(q.force_push(1), Ok(Some(1)));
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop());
        let mut n = 2;
        loop {
            match q.force_push(n) {
                Ok(None) => break,
                Ok(Some(back)) => {
                    assert_eq!(back, n);
                    n += 1;
                    thread::yield_now();
                }
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(popper.join().unwrap(), Ok(n));
    });
    q.close();
    assert_eq!(q.force_push(9), Err(PushError(9)));
}

#[test]
fn handles_close_on_last_drop() {
    let (tx, rx) = bounded::<u32>(0);
    thread::scope(|s| {
        let pusher = s.spawn(|| tx.push(1));
        let_it_park();
        drop(rx);
        assert_eq!(pusher.join().unwrap(), Err(PushError(1)));
    });
    let (tx, rx) = bounded::<u32>(0);
    thread::scope(|s| {
        let popper = s.spawn(|| rx.pop());
        let_it_park();
        drop(tx);
        assert_eq!(popper.join().unwrap(), Err(PopError));
    });
}

#[test]
fn batches_go_one_value_per_partner() {
    let q = Queue::new(0);
    thread::scope(|s| {
        let consumer = s.spawn(|| {
            let mut got = Vec::new();
            while q.pop_into(&mut got, 8).is_ok() {}
            got
        });
        let mut src: VecDeque<_> = (0..50).collect();
        q.push_from(&mut src).unwrap();
        assert!(src.is_empty());
        q.close();
        assert_eq!(consumer.join().unwrap(), (0..50).collect::<Vec<_>>());
    });
}

#[test]
fn unbuffered_pipeline_like_go() {
    // gen -> sq -> sum, every channel unbuffered.
    let (nums_tx, nums_rx) = bounded::<u64>(0);
    let (sq_tx, sq_rx) = bounded::<u64>(0);
    thread::scope(|s| {
        s.spawn(move || {
            for i in 1..=100 {
                nums_tx.push(i).unwrap();
            }
        });
        s.spawn(move || {
            for v in nums_rx {
                sq_tx.push(v * v).unwrap();
            }
        });
        assert_eq!(sq_rx.iter().sum::<u64>(), (1..=100).map(|v| v * v).sum());
    });
}

/// 4 producers × 4 consumers on a rendezvous queue, with cancels, timeouts
/// and a close racing them: every value is received exactly once or handed
/// back exactly once, and each producer's received values keep its order.
#[test]
fn stress_four_by_four_with_close_and_cancel() {
    const PER: usize = scaled(2_000, 40);
    for round in 0..scaled(3, 1) {
        let q = Queue::new(0);
        let received = Mutex::new(Vec::new());
        let handed_back = Mutex::new(Vec::new());
        let token = CancelToken::new();
        thread::scope(|s| {
            for p in 0..4usize {
                let (q, token, handed_back) = (&q, &token, &handed_back);
                s.spawn(move || {
                    let mut back = Vec::new();
                    for i in 0..PER {
                        let v = p * PER + i;
                        let r = match i % 3 {
                            0 => q.push(v).map_err(PushError::into_inner),
                            1 => q
                                .push_timeout(v, Duration::from_micros(50))
                                .map_err(PushTimeoutError::into_inner),
                            _ => q
                                .push_cancellable(v, token)
                                .map_err(PushCancelError::into_inner),
                        };
                        if let Err(v) = r {
                            back.push(v);
                        }
                    }
                    handed_back.lock().unwrap().extend(back);
                });
            }
            for c in 0..4usize {
                let (q, token, received) = (&q, &token, &received);
                s.spawn(move || {
                    let mut got = Vec::new();
                    let mut n = 0usize;
                    loop {
                        n += 1;
                        let r = match (n + c) % 3 {
                            0 => q.pop().map_err(|_| true),
                            1 => q
                                .pop_timeout(Duration::from_micros(50))
                                .map_err(|e| e == PopTimeoutError::Closed),
                            _ => q
                                .pop_cancellable(token)
                                .map_err(|e| e == PopCancelError::Closed),
                        };
                        match r {
                            Ok(v) => got.push(v),
                            Err(true) => break,
                            Err(false) => {}
                        }
                    }
                    received.lock().unwrap().push(got);
                });
            }
            // Let them run, then cancel (round 1) and close.
            thread::sleep(Duration::from_millis(scaled(20, 5) as u64));
            if round % 2 == 1 {
                token.cancel();
            }
            thread::sleep(Duration::from_millis(scaled(20, 5) as u64));
            q.close();
        });
        let received = received.into_inner().unwrap();
        let mut all: Vec<usize> = handed_back.into_inner().unwrap();
        for got in &received {
            // Per producer, one consumer's values come in push order.
            for p in 0..4 {
                let mine: Vec<_> = got.iter().filter(|v| **v / PER == p).collect();
                assert!(mine.windows(2).all(|w| w[0] < w[1]), "order broken");
            }
            all.extend(got);
        }
        all.sort_unstable();
        assert_eq!(
            all,
            (0..4 * PER).collect::<Vec<_>>(),
            "a value lost or duplicated"
        );
    }
}
