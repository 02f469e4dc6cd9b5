//! Shuttle tests of ringq: more threads and deeper preemption than loom can
//! explore exhaustively, under shuttle's random and PCT schedulers. Each
//! test says which one-line mutation it was seen to catch
//! (`shuttle-tests/README.md` has the table).
#![cfg(shuttle)]

use ringq::{select, CancelToken, PushCancelError, Queue, WaitPolicy};
use shuttle::thread;
use shuttle_tests::check;
use std::sync::Arc;

/// Values each producer sends: producer `p`'s `i`-th value is `p * 100 + i`.
const PER_PRODUCER: u32 = 3;

/// Asserts that `seen` (every value popped, handed back, displaced or still
/// queued) holds each of `producers × PER_PRODUCER` values exactly once.
fn assert_exactly_once(mut seen: Vec<u32>, producers: u32) {
    seen.sort_unstable();
    let all: Vec<u32> = (0..producers)
        .flat_map(|p| (0..PER_PRODUCER).map(move |i| p * 100 + i))
        .collect();
    assert_eq!(seen, all, "a value was lost or seen twice");
}

/// Asserts that each consumer saw each producer's values in push order.
fn assert_fifo_per_producer(got: &[u32]) {
    for p in 0..4 {
        let mine: Vec<u32> = got.iter().copied().filter(|v| v / 100 == p).collect();
        assert!(
            mine.windows(2).all(|w| w[0] < w[1]),
            "out of order: {mine:?}"
        );
    }
}

/// 4 producers × 4 consumers, with `cancel` and `close` racing them: half of
/// each side blocks plainly, half watches the token. Every value is popped
/// once, handed back once, or still queued; no thread hangs.
///
/// With `WaitPolicy::Park` every blocked call registers at once, which is
/// what the races on the waiter lists need; with the default `Adaptive`
/// policy (one spin round under shuttle) a timed or cancelled call can stop
/// in the spin phase before it ever registers, and the spin phase gets its
/// own schedules.
fn four_by_four_with_close_and_cancel(capacity: usize, policy: WaitPolicy) {
    let q = Arc::new(Queue::builder(capacity).wait(policy).build());
    let token = CancelToken::new();
    let producers: Vec<_> = (0..4u32)
        .map(|p| {
            let (q, token) = (q.clone(), token.clone());
            thread::spawn(move || {
                let mut back = Vec::new();
                for i in 0..PER_PRODUCER {
                    let v = p * 100 + i;
                    let r = if p % 2 == 0 {
                        q.push(v).map_err(|e| e.into_inner())
                    } else {
                        q.push_cancellable(v, &token).map_err(|e| e.into_inner())
                    };
                    back.extend(r.err());
                }
                back
            })
        })
        .collect();
    let consumers: Vec<_> = (0..4u32)
        .map(|c| {
            let (q, token) = (q.clone(), token.clone());
            thread::spawn(move || {
                let mut got = Vec::new();
                loop {
                    let r = if c % 2 == 0 {
                        q.pop().map_err(|_| ())
                    } else {
                        q.pop_cancellable(&token).map_err(|_| ())
                    };
                    match r {
                        Ok(v) => got.push(v),
                        Err(()) => return got,
                    }
                }
            })
        })
        .collect();
    token.cancel();
    q.close();
    let mut seen = Vec::new();
    for p in producers {
        seen.extend(p.join().unwrap());
    }
    for c in consumers {
        let got = c.join().unwrap();
        assert_fifo_per_producer(&got);
        seen.extend(got);
    }
    // The plain consumers only stop once the queue is closed and drained.
    assert!(q.try_pop().is_err());
    assert_exactly_once(seen, 4);
}

/// Catches: `close()` waking only one parked popper (`notify_one` for
/// `notify_all` on the popper side): a plain consumer parks forever.
#[test]
fn four_by_four_with_close_and_cancel_capacity_1() {
    check(20000, || {
        four_by_four_with_close_and_cancel(1, WaitPolicy::Park)
    });
}

#[test]
fn four_by_four_with_close_and_cancel_capacity_2() {
    check(20000, || {
        four_by_four_with_close_and_cancel(2, WaitPolicy::Adaptive)
    });
}

/// The same on a rendezvous queue (capacity 0): every value is received
/// once or handed back once, never both.
#[test]
fn four_by_four_with_close_and_cancel_rendezvous() {
    check(20000, || {
        four_by_four_with_close_and_cancel(0, WaitPolicy::Park)
    });
}

/// Two producers `select!` a push over two rendezvous queues (and a cancel
/// arm), two consumers `select!` a pop over both (and a cancel arm), while
/// the main thread cancels and closes. Selects on both sides pair; every
/// value is received once or stays with its producer (its push arm never
/// fired, or the queue closed), never both; per producer in order.
#[test]
fn selects_on_rendezvous_queues_with_cancel_and_close() {
    check(20000, || {
        let qs = Arc::new([Queue::new(0), Queue::new(0)]);
        let token = CancelToken::new();
        let producers: Vec<_> = (0..2u32)
            .map(|p| {
                let (qs, token) = (qs.clone(), token.clone());
                thread::spawn(move || {
                    let mut kept = Vec::new();
                    for i in 0..PER_PRODUCER {
                        let v = p * 100 + i;
                        let sent = select! {
                            push(qs[0], v) -> r => r.is_ok(),
                            push(qs[1], v) -> r => r.is_ok(),
                            cancel(&token) => false,
                        };
                        if !sent {
                            kept.push(v);
                        }
                    }
                    kept
                })
            })
            .collect();
        let consumers: Vec<_> = (0..2u32)
            .map(|c| {
                let (qs, token) = (qs.clone(), token.clone());
                thread::spawn(move || {
                    let mut got = Vec::new();
                    let mut open = [true, true];
                    while open[0] || open[1] {
                        // A closed queue's arm is always ready (and under
                        // shuttle the search starts at arm 0): once one
                        // closed, pop the other plainly, as Go sets a
                        // closed channel to nil.
                        let (i, r) = if !open[0] || !open[1] {
                            let i = usize::from(open[1]);
                            (i, qs[i].pop())
                        } else if c == 0 {
                            select! {
                                pop(qs[0]) -> r => (0, r),
                                pop(qs[1]) -> r => (1, r),
                                cancel(&token) => break,
                            }
                        } else {
                            select! {
                                pop(qs[0]) -> r => (0, r),
                                pop(qs[1]) -> r => (1, r),
                            }
                        };
                        match r {
                            Ok(v) => got.push(v),
                            Err(_) => open[i] = false,
                        }
                    }
                    got
                })
            })
            .collect();
        token.cancel();
        qs[0].close();
        qs[1].close();
        let mut seen = Vec::new();
        for p in producers {
            seen.extend(p.join().unwrap());
        }
        for c in consumers {
            let got = c.join().unwrap();
            assert_fifo_per_producer(&got);
            seen.extend(got);
        }
        assert_exactly_once(seen, 2);
    });
}

/// Two threads `force_push` (displacing the oldest value when full) while
/// two pop and the main thread closes. Every value is popped, displaced
/// (handed back by `force_push`), handed back by a closed queue, or still
/// queued — exactly once.
fn force_push_races_pops_and_close(capacity: usize) {
    let q = Arc::new(Queue::new(capacity));
    let forcers: Vec<_> = (0..2u32)
        .map(|p| {
            let q = q.clone();
            thread::spawn(move || {
                let mut back = Vec::new();
                for i in 0..PER_PRODUCER {
                    match q.force_push(p * 100 + i) {
                        Ok(displaced) => back.extend(displaced),
                        Err(e) => back.push(e.into_inner()),
                    }
                }
                back
            })
        })
        .collect();
    let poppers: Vec<_> = (0..2)
        .map(|_| {
            let q = q.clone();
            thread::spawn(move || {
                let mut got = Vec::new();
                while let Ok(v) = q.pop() {
                    got.push(v);
                }
                got
            })
        })
        .collect();
    q.close();
    let mut seen = Vec::new();
    for t in forcers.into_iter().chain(poppers) {
        seen.extend(t.join().unwrap());
    }
    while let Ok(v) = q.try_pop() {
        seen.push(v);
    }
    assert_exactly_once(seen, 2);
}

#[test]
fn force_push_races_pops_and_close_capacity_1() {
    check(20000, || force_push_races_pops_and_close(1));
}

#[test]
fn force_push_races_pops_and_close_capacity_2() {
    check(20000, || force_push_races_pops_and_close(2));
}

/// Loom model 18's scenario, which loom can only check at bound 1 in the
/// suite, with the `Park` policy (see `four_by_four…`): capacity 1 holds `1`; one thread blocks in `push_cancellable(2)`,
/// another in `push(3)`; the main thread pops, cancels, pops again. Whoever
/// the notification went to, the room is not lost: no deadlock, and every
/// value is popped, handed back or still queued.
///
/// Catches: a cancelled waiter that leaves without using a notification
/// addressed to it (`park_phase`'s stop branch without its attempt in
/// `queue/src/wait.rs`), which loom catches only at bound 2.
#[test]
fn cancelled_waiter_passes_on_its_notification() {
    check(50000, || {
        let q = Arc::new(Queue::builder(1).wait(WaitPolicy::Park).build());
        q.push(1u32).unwrap();
        let token = CancelToken::new();
        let cancellable = {
            let (q, token) = (q.clone(), token.clone());
            thread::spawn(move || q.push_cancellable(2, &token))
        };
        let plain = {
            let q = q.clone();
            thread::spawn(move || q.push(3))
        };
        let mut seen = vec![q.pop().unwrap()];
        token.cancel();
        seen.push(q.pop().unwrap());
        match cancellable.join().unwrap() {
            Ok(()) => {}
            Err(PushCancelError::Cancelled(v)) => seen.push(v),
            Err(e) => panic!("{e:?}"),
        }
        plain.join().unwrap().unwrap();
        while let Ok(v) = q.try_pop() {
            seen.push(v);
        }
        seen.sort_unstable();
        assert_eq!(seen, [1, 2, 3]);
    });
}

/// Loom model 19's scenario: the main thread's `push_timeout(2)` on a full
/// queue races a plain pusher of `3` and a popper. Under shuttle (no clock)
/// a timed call gives up right after one attempt; with the `Park` policy
/// that attempt comes after it registered, so the popper's notification can
/// reach it just as it gives up. It must then use the room, or the plain
/// pusher parks next to free room and the main thread's pops never end.
///
/// Catches: a timed-out (or cancelled) waiter that leaves without using a
/// notification addressed to it (`park_phase`'s stop branch without its
/// attempt in `queue/src/wait.rs`), which the loom suite misses (it needs
/// two preemptions; see loom model 19).
#[test]
fn timed_out_waiter_uses_the_room_it_was_woken_for() {
    check(50000, || {
        // `Park`: straight to the parking phase, so the timed push
        // registers before it gives up (under shuttle the spin phase would
        // stop it before it ever registers).
        let q = Arc::new(Queue::builder(1).wait(WaitPolicy::Park).build());
        q.push(1u32).unwrap();
        let plain = {
            let q = q.clone();
            thread::spawn(move || q.push(3))
        };
        let popper = {
            let q = q.clone();
            thread::spawn(move || q.pop().unwrap())
        };
        let mut seen = Vec::new();
        let expected = match q.push_timeout(2, std::time::Duration::from_secs(1)) {
            Ok(()) => 2,
            Err(e) => {
                seen.push(e.into_inner());
                1
            }
        };
        seen.push(popper.join().unwrap());
        for _ in 0..expected {
            seen.push(q.pop().unwrap());
        }
        plain.join().unwrap().unwrap();
        assert!(q.try_pop().is_err());
        seen.sort_unstable();
        assert_eq!(seen, [1, 2, 3]);
    });
}

/// The pop-side twin with three waiters: three consumers park on an empty
/// queue (one watching a token); a producer pushes two values while the
/// main thread cancels and then closes. Each value reaches one consumer or
/// stays queued; every consumer returns.
#[test]
fn cancelled_popper_passes_on_its_notification() {
    check(50000, || {
        let q = Arc::new(Queue::new(2));
        let token = CancelToken::new();
        let consumers: Vec<_> = (0..3)
            .map(|c| {
                let (q, token) = (q.clone(), token.clone());
                thread::spawn(move || {
                    if c == 0 {
                        // Cancelled or closed: either way nothing was taken.
                        q.pop_cancellable(&token).ok()
                    } else {
                        q.pop().ok()
                    }
                })
            })
            .collect();
        let producer = {
            let q = q.clone();
            thread::spawn(move || {
                q.push(1u32).unwrap();
                q.push(2).unwrap();
            })
        };
        token.cancel();
        producer.join().unwrap();
        q.close();
        let mut seen: Vec<u32> = consumers
            .into_iter()
            .filter_map(|c| c.join().unwrap())
            .collect();
        while let Ok(v) = q.try_pop() {
            seen.push(v);
        }
        seen.sort_unstable();
        assert_eq!(seen, [1, 2]);
    });
}

/// Close with three poppers parked on an empty queue, one of them watching a
/// token that fires just before the close. Every popper returns `Closed`
/// (or `Cancelled`); none stays parked.
///
/// Catches: `close()` waking only the oldest parked popper (`notify_one`
/// for `notify_all` on the popper side). With plain poppers only that
/// mutant is harmless (each woken popper passes the wake-up on), so it
/// needs the cancelled popper to take the one notification and leave; see
/// `shuttle-tests/README.md`.
#[test]
fn close_wakes_every_parked_popper() {
    check(50000, || {
        let q = Arc::new(Queue::<u32>::new(1));
        let token = CancelToken::new();
        let poppers: Vec<_> = (0..3)
            .map(|c| {
                let (q, token) = (q.clone(), token.clone());
                thread::spawn(move || {
                    if c == 1 {
                        q.pop_cancellable(&token).is_err()
                    } else {
                        q.pop().is_err()
                    }
                })
            })
            .collect();
        for _ in 0..3 {
            thread::yield_now();
        }
        token.cancel();
        q.close();
        for p in poppers {
            assert!(
                p.join().unwrap(),
                "a popper got a value from an empty queue"
            );
        }
    });
}
