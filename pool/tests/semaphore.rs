//! Weighted permits: `Semaphore::acquire_many` and friends.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use common::{scaled, watchdog};
use ringq_pool::{CancelToken, Semaphore};

#[test]
fn many_permits_come_and_go_together() {
    let sem = Semaphore::new(5);
    let three = sem.acquire_many(3);
    assert_eq!((three.count(), sem.available()), (3, 2));
    assert!(sem.try_acquire_many(3).is_none());
    assert_eq!(sem.available(), 2, "a failed try keeps nothing");
    let zero = sem.acquire_many(0);
    assert_eq!((zero.count(), sem.available()), (0, 2));
    assert!(sem.try_acquire_many(6).is_none(), "more than exist");
    drop(three);
    assert_eq!(sem.available(), 5);
    let token = CancelToken::new();
    let all = sem.acquire_many_cancellable(5, &token).unwrap();
    assert!(sem
        .acquire_many_timeout(1, Duration::from_millis(2))
        .is_none());
    drop(all);
    assert_eq!(format!("{:?}", sem.acquire_many(2)), "Permit { count: 2 }");
}

#[test]
fn asking_for_more_than_exist_panics_naming_the_call() {
    let sem = Semaphore::new(2);
    let err = std::panic::catch_unwind(|| drop(sem.acquire_many(3))).unwrap_err();
    let msg = ringq_pool::panic_message(err.as_ref());
    assert!(
        msg.contains("Semaphore::acquire_many: 3 permits asked of a semaphore of 2"),
        "{msg}"
    );
}

/// A timed-out or cancelled multi-acquire gives back what it took, and the
/// permits it was waiting for are then free for others.
#[test]
fn giving_up_keeps_nothing() {
    let sem = Semaphore::new(3);
    let two = sem.acquire_many(2);
    // Takes the one free permit, then times out waiting for two more.
    assert!(sem
        .acquire_many_timeout(3, Duration::from_millis(10))
        .is_none());
    assert_eq!(sem.available(), 1);
    let token = CancelToken::new();
    thread::scope(|s| {
        let waiter = s.spawn(|| sem.acquire_many_cancellable(3, &token).is_none());
        thread::sleep(Duration::from_millis(10));
        token.cancel();
        assert!(waiter.join().unwrap());
    });
    assert_eq!(sem.available(), 1);
    drop(two);
    assert_eq!(sem.available(), 3);
}

/// A large request is not starved by a stream of single acquires: once it
/// waits, singles queue behind it.
#[test]
fn a_large_request_is_not_starved() {
    watchdog(60, "large request", || {
        let sem = Semaphore::new(4);
        let stop = std::sync::atomic::AtomicBool::new(false);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    while !stop.load(Ordering::SeqCst) {
                        let _p = sem.acquire();
                        thread::yield_now();
                    }
                });
            }
            thread::sleep(Duration::from_millis(5));
            for _ in 0..scaled(20, 2) {
                drop(sem.acquire_many(4));
            }
            stop.store(true, Ordering::SeqCst);
        });
        assert_eq!(sem.available(), 4);
    });
}

/// Threads take 1 to 3 permits of 4 at a time, in every flavor: the number
/// held never exceeds 4, nobody deadlocks (two multi-acquires holding part
/// of what they need each), and all permits are back at the end.
#[test]
fn weighted_holders_never_exceed_the_permits() {
    watchdog(60, "weighted stress", || {
        let sem = Semaphore::new(4);
        let held = AtomicUsize::new(0);
        let max = AtomicUsize::new(0);
        let token = CancelToken::new();
        thread::scope(|s| {
            for t in 0..4usize {
                let (sem, held, max, token) = (&sem, &held, &max, &token);
                s.spawn(move || {
                    for i in 0..scaled(2_000, 20) {
                        let n = 1 + (t + i) % 3;
                        let permit = match i % 4 {
                            0 => Some(sem.acquire_many(n)),
                            1 => sem.try_acquire_many(n),
                            2 => sem.acquire_many_timeout(n, Duration::from_micros(50)),
                            _ => sem.acquire_many_cancellable(n, token),
                        };
                        if let Some(p) = permit {
                            assert_eq!(p.count(), n);
                            let now = held.fetch_add(n, Ordering::SeqCst) + n;
                            max.fetch_max(now, Ordering::SeqCst);
                            held.fetch_sub(n, Ordering::SeqCst);
                        }
                    }
                });
            }
        });
        assert!(max.load(Ordering::SeqCst) <= 4);
        assert_eq!(sem.available(), 4);
    });
}
