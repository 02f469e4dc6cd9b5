//! Blocking calls: every way a parked thread must be woken.
#![cfg(feature = "std")]

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::let_it_park;
use ringq::{
    CancelToken, PopCancelError, PopError, PopTimeoutError, PushCancelError, PushError,
    PushTimeoutError, Queue,
};

#[test]
fn parked_push_is_woken_by_pop() {
    let q = Queue::new(1);
    q.push(1).unwrap();
    thread::scope(|s| {
        let pusher = s.spawn(|| q.push(2));
        let_it_park();
        assert_eq!(q.pop(), Ok(1));
        assert_eq!(pusher.join().unwrap(), Ok(()));
    });
    assert_eq!(q.pop(), Ok(2));
}

#[test]
fn parked_pop_is_woken_by_push() {
    let q = Queue::new(1);
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop());
        let_it_park();
        q.push(7).unwrap();
        assert_eq!(popper.join().unwrap(), Ok(7));
    });
}

#[test]
fn many_parked_poppers_each_get_one_value() {
    let q = Queue::new(2);
    thread::scope(|s| {
        let poppers: Vec<_> = (0..4).map(|_| s.spawn(|| q.pop())).collect();
        let_it_park();
        for i in 0..4 {
            q.push(i).unwrap();
        }
        let mut got: Vec<_> = poppers
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect();
        got.sort();
        assert_eq!(got, [0, 1, 2, 3]);
    });
}

#[test]
fn many_parked_pushers_all_get_in() {
    let q = Queue::new(1);
    q.push(100).unwrap();
    thread::scope(|s| {
        let q = &q;
        let pushers: Vec<_> = (0..4).map(|i| s.spawn(move || q.push(i))).collect();
        let_it_park();
        let mut got: Vec<_> = (0..5).map(|_| q.pop().unwrap()).collect();
        for p in pushers {
            assert_eq!(p.join().unwrap(), Ok(()));
        }
        got.sort();
        assert_eq!(got, [0, 1, 2, 3, 100]);
    });
    assert!(q.is_empty());
}

#[test]
fn close_wakes_parked_pusher_with_its_value() {
    let q = Queue::new(1);
    q.push(1).unwrap();
    let token = CancelToken::new();
    thread::scope(|s| {
        let pusher = s.spawn(|| q.push(2));
        let timed = s.spawn(|| q.push_timeout(3, Duration::from_secs(60)));
        let cancellable = s.spawn(|| q.push_cancellable(4, &token));
        let_it_park();
        assert!(q.close());
        assert_eq!(pusher.join().unwrap(), Err(PushError(2)));
        assert_eq!(timed.join().unwrap(), Err(PushTimeoutError::Closed(3)));
        assert_eq!(cancellable.join().unwrap(), Err(PushCancelError::Closed(4)));
    });
    // The value queued before the close still drains.
    assert_eq!(q.pop(), Ok(1));
    assert_eq!(q.pop(), Err(PopError));
}

#[test]
fn close_wakes_parked_poppers() {
    let q = Queue::<u8>::new(1);
    let token = CancelToken::new();
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop());
        let timed = s.spawn(|| q.pop_timeout(Duration::from_secs(60)));
        let cancellable = s.spawn(|| q.pop_cancellable(&token));
        let iter = s.spawn(|| q.iter().count());
        let_it_park();
        q.close();
        assert_eq!(popper.join().unwrap(), Err(PopError));
        assert_eq!(timed.join().unwrap(), Err(PopTimeoutError::Closed));
        assert_eq!(cancellable.join().unwrap(), Err(PopCancelError::Closed));
        assert_eq!(iter.join().unwrap(), 0);
    });
}

#[test]
fn cancel_wakes_parked_push_and_leaves_queue_unchanged() {
    let q = Queue::new(1);
    q.push(1).unwrap();
    let token = CancelToken::new();
    thread::scope(|s| {
        let pusher = s.spawn(|| q.push_cancellable(2, &token));
        let_it_park();
        token.cancel();
        assert_eq!(pusher.join().unwrap(), Err(PushCancelError::Cancelled(2)));
    });
    assert_eq!(q.len(), 1);
    assert_eq!(q.pop(), Ok(1));
    assert!(q.is_empty());
}

#[test]
fn cancel_wakes_parked_pop_and_takes_nothing() {
    let q = Queue::<u8>::new(1);
    let token = CancelToken::new();
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop_cancellable(&token));
        let_it_park();
        token.cancel();
        assert_eq!(popper.join().unwrap(), Err(PopCancelError::Cancelled));
    });
    q.push(3).unwrap();
    assert_eq!(q.pop(), Ok(3));
}

#[test]
fn cancelling_a_parent_wakes_a_thread_blocked_on_a_grandchild() {
    let q = Queue::<u8>::new(1);
    let parent = CancelToken::new();
    let grandchild = parent.child().child();
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop_cancellable(&grandchild));
        let_it_park();
        parent.cancel();
        assert_eq!(popper.join().unwrap(), Err(PopCancelError::Cancelled));
    });
}

#[test]
fn cancelling_a_child_leaves_parent_waiters_alone() {
    let q = Queue::new(1);
    let parent = CancelToken::new();
    let child = parent.child();
    thread::scope(|s| {
        let on_parent = s.spawn(|| q.pop_cancellable(&parent));
        let on_child = s.spawn(|| q.pop_cancellable(&child));
        let_it_park();
        child.cancel();
        assert_eq!(on_child.join().unwrap(), Err(PopCancelError::Cancelled));
        q.push(5).unwrap();
        assert_eq!(on_parent.join().unwrap(), Ok(5));
    });
}

#[test]
fn one_token_cancels_many_blocked_calls() {
    let full = Queue::new(1);
    full.push(0).unwrap();
    let empty = Queue::<i32>::new(1);
    let token = CancelToken::new();
    thread::scope(|s| {
        let pushes: Vec<_> = (1..=3)
            .map(|i| {
                s.spawn({
                    let (full, token) = (&full, &token);
                    move || full.push_cancellable(i, token)
                })
            })
            .collect();
        let pops: Vec<_> = (0..3)
            .map(|_| s.spawn(|| empty.pop_cancellable(&token)))
            .collect();
        let_it_park();
        token.cancel();
        for (i, p) in pushes.into_iter().enumerate() {
            assert_eq!(
                p.join().unwrap(),
                Err(PushCancelError::Cancelled(i as i32 + 1))
            );
        }
        for p in pops {
            assert_eq!(p.join().unwrap(), Err(PopCancelError::Cancelled));
        }
    });
    assert_eq!(full.len(), 1);
}

#[test]
fn parked_timed_calls_time_out_after_their_deadline() {
    let q = Queue::new(1);
    let timeout = Duration::from_millis(40);
    let start = Instant::now();
    assert_eq!(
        q.pop_timeout(timeout),
        Err::<u8, _>(PopTimeoutError::Timeout)
    );
    assert!(start.elapsed() >= timeout);
    q.push(1).unwrap();
    let start = Instant::now();
    assert_eq!(
        q.push_timeout(2, timeout),
        Err(PushTimeoutError::Timeout(2))
    );
    assert!(start.elapsed() >= timeout);
    assert_eq!(q.len(), 1);
}

#[test]
fn timed_pop_gets_a_value_pushed_while_it_waits() {
    let q = Queue::new(1);
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop_timeout(Duration::from_secs(60)));
        let_it_park();
        q.push(9).unwrap();
        assert_eq!(popper.join().unwrap(), Ok(9));
    });
}

/// A notification that lands on a thread which is already leaving must be
/// passed on, or the second pusher sleeps next to free room. Many rounds make
/// the race likely; the test hangs (and the harness times out) if it is lost.
#[test]
fn no_wakeup_is_lost_between_two_parked_pushers() {
    let rounds = common::scaled(2000, 20);
    let q = Queue::new(1);
    for _ in 0..rounds {
        q.push(0).unwrap();
        thread::scope(|s| {
            s.spawn(|| q.push(1).unwrap());
            s.spawn(|| q.push(2).unwrap());
            let mut got = vec![q.pop().unwrap(), q.pop().unwrap(), q.pop().unwrap()];
            got.sort();
            assert_eq!(got, [0, 1, 2]);
        });
    }
}

/// Every way a blocked call ends, under every wait policy: woken by the
/// other side, by `close`, by its token, by its deadline. A spinning waiter
/// is never registered, so each of these must reach it by polling.
#[test]
fn every_wait_policy_ends_a_blocked_call_the_same_way() {
    use ringq::WaitPolicy;
    for policy in [WaitPolicy::Adaptive, WaitPolicy::Spin, WaitPolicy::Park] {
        let q = Queue::builder(1).wait(policy).build();
        assert_eq!(q.wait_policy(), policy);
        let token = CancelToken::new();
        thread::scope(|s| {
            let popper = s.spawn(|| q.pop());
            let_it_park();
            q.push(1).unwrap();
            assert_eq!(popper.join().unwrap(), Ok(1), "{policy:?}: woken by push");
            q.push(2).unwrap();
            let pusher = s.spawn(|| q.push(3));
            let_it_park();
            assert_eq!(q.pop(), Ok(2));
            assert_eq!(pusher.join().unwrap(), Ok(()), "{policy:?}: woken by pop");
            let cancelled = s.spawn(|| q.push_cancellable(4, &token));
            let_it_park();
            token.cancel();
            assert_eq!(
                cancelled.join().unwrap(),
                Err(PushCancelError::Cancelled(4)),
                "{policy:?}: cancelled"
            );
            assert_eq!(
                q.push_timeout(5, Duration::from_millis(5)),
                Err(PushTimeoutError::Timeout(5)),
                "{policy:?}: timed out"
            );
            let closed = s.spawn(|| q.push(6));
            let_it_park();
            assert!(q.close());
            assert_eq!(
                closed.join().unwrap(),
                Err(PushError(6)),
                "{policy:?}: closed"
            );
        });
        assert_eq!(q.pop(), Ok(3), "{policy:?}: drains after close");
        assert_eq!(q.pop(), Err(PopError));
        let (tx, rx) = Queue::<u8>::builder(1).wait(policy).bounded();
        thread::scope(|s| {
            let popper = s.spawn(|| rx.pop());
            let_it_park();
            drop(tx);
            assert_eq!(
                popper.join().unwrap(),
                Err(PopError),
                "{policy:?}: last producer"
            );
        });
    }
}

#[test]
fn a_token_can_be_waited_for_with_and_without_a_limit() {
    let token = CancelToken::new();
    assert!(!token.wait_timeout(Duration::from_millis(2)));
    assert!(!token.wait_deadline(Instant::now() + Duration::from_millis(2)));
    thread::scope(|s| {
        let waiter = s.spawn(|| token.wait());
        let limited = s.spawn(|| token.wait_timeout(Duration::from_secs(10)));
        let_it_park();
        token.cancel();
        waiter.join().unwrap();
        assert!(limited.join().unwrap(), "cancelled, not timed out");
    });
    assert!(token.wait_timeout(Duration::ZERO));
    // A parent's cancel reaches a thread waiting on a grandchild.
    let parent = CancelToken::new();
    let grandchild = parent.child().child();
    thread::scope(|s| {
        let waiter = s.spawn(|| grandchild.wait());
        let_it_park();
        parent.cancel();
        waiter.join().unwrap();
    });
}

#[test]
fn a_deadline_token_cancels_itself_and_wakes_blocked_calls() {
    let parent = CancelToken::new();
    let started = Instant::now();
    let step = parent.with_timeout(Duration::from_millis(30));
    assert!(!step.is_cancelled());
    // Blocked with nothing else to wake it: the token's deadline does.
    let q = Queue::<u8>::new(1);
    assert_eq!(q.pop_cancellable(&step), Err(PopCancelError::Cancelled));
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert!(step.is_cancelled() && !parent.is_cancelled());
    // A push on a full queue hands its value back, under every policy.
    for policy in [
        ringq::WaitPolicy::Adaptive,
        ringq::WaitPolicy::Spin,
        ringq::WaitPolicy::Park,
    ] {
        let full = Queue::builder(1).wait(policy).build();
        full.push(0).unwrap();
        let step = parent.with_timeout(Duration::from_millis(5));
        assert_eq!(
            full.push_cancellable(9, &step),
            Err(PushCancelError::Cancelled(9)),
            "{policy:?}"
        );
        assert_eq!(full.len(), 1);
    }
    // A deadline already past: cancelled at once. No deadline (too far for
    // `Instant`): never by itself.
    assert!(parent.with_deadline(started).is_cancelled());
    let forever = parent.with_timeout(Duration::MAX);
    assert!(!forever.wait_timeout(Duration::from_millis(2)));
    // The parent's cancel still reaches a deadline child, and a thread
    // blocked on it, before the deadline.
    let later = parent.with_timeout(Duration::from_secs(60));
    thread::scope(|s| {
        let blocked = s.spawn(|| q.pop_cancellable(&later));
        let_it_park();
        parent.cancel();
        assert_eq!(blocked.join().unwrap(), Err(PopCancelError::Cancelled));
    });
    assert!(forever.is_cancelled());
}

#[test]
fn iter_cancellable_stops_at_the_close_or_the_token() {
    let q = Queue::new(4);
    let token = CancelToken::new();
    q.push(1).unwrap();
    q.push(2).unwrap();
    thread::scope(|s| {
        let reader = s.spawn(|| q.iter_cancellable(&token).collect::<Vec<_>>());
        let_it_park();
        token.cancel();
        // Whatever the reader had not taken when the token fired is still
        // queued: nothing lost, nothing twice.
        let mut seen = reader.join().unwrap();
        seen.extend(q.try_iter());
        assert_eq!(seen, [1, 2]);
    });
    q.push(3).unwrap();
    assert_eq!(
        q.iter_cancellable(&token).next(),
        None,
        "cancelled: takes nothing"
    );
    assert_eq!(q.len(), 1);
    q.close();
    let fresh = CancelToken::new();
    assert_eq!(q.iter_cancellable(&fresh).collect::<Vec<_>>(), [3]);
}
