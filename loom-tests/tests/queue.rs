//! Loom models of ringq's close, drain and cancel promises.
//!
//! Each model uses the smallest queue that reaches the edge it checks
//! (capacity 1 or 2, so full, empty and index wrap-around are all hit), at
//! most 3 spawned threads, and asserts exact outcomes. A lost wake-up shows up
//! as a loom deadlock. Bounds, executions explored and run times (release
//! build, 2-vCPU machine) are next to each model; `LOOM_MAX_PREEMPTIONS`
//! overrides every bound.
//!
//! Why the bounds differ: models with two threads afford bound 4 (or 3 where
//! a thread blocks several times). With three or more threads, each blocked
//! thread contends on the waiter lists' spin lock, and loom explores
//! schedules where the spinners keep yielding to each other instead of to the
//! lock holder: at bound 3 such schedules pass loom's default limit of 1,000
//! branches per execution. So three-thread models run at bound 2 and the
//! four-thread MPMC model at bound 1.
#![cfg(loom)]

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;
use loom_tests::model;
use ringq::{
    bounded, CancelToken, PopCancelError, PopError, PushCancelError, PushError, Queue, TryPopError,
};

/// Model 1: SPSC through capacity 1: three values arrive in order; both sides block
/// and wake (the producer on full, the consumer on empty).
/// Bound 3: 10359 executions, 0.44 s.
#[test]
fn spsc_capacity_one_in_order() {
    model(3, || {
        let q = Arc::new(Queue::new(1));
        let producer = {
            let q = q.clone();
            thread::spawn(move || {
                for i in 0..3 {
                    q.push(i).unwrap();
                }
            })
        };
        for i in 0..3 {
            assert_eq!(q.pop(), Ok(i));
        }
        producer.join().unwrap();
        assert_eq!(q.try_pop(), Err(TryPopError::Empty));
    });
}

/// Model 2: MPMC exactly-once: 2 producers, 2 consumers, capacity 1.
/// Bound 1: 36282 executions, 1.9 s.
#[test]
fn mpmc_exactly_once() {
    model(1, || {
        let q = Arc::new(Queue::new(1));
        let producers: Vec<_> = (0..2)
            .map(|i| {
                let q = q.clone();
                thread::spawn(move || q.push(i).unwrap())
            })
            .collect();
        let consumer = {
            let q = q.clone();
            thread::spawn(move || q.pop().unwrap())
        };
        let mine = q.pop().unwrap();
        for p in producers {
            p.join().unwrap();
        }
        let theirs = consumer.join().unwrap();
        let mut got = [mine, theirs];
        got.sort();
        assert_eq!(got, [0, 1]);
        assert!(q.is_empty());
    });
}

/// Model 3: Close wakes a pusher parked on a full queue: the push returns its value
/// as `Closed`; the queued value still pops, then `Closed`.
/// Bound 4: 86 executions, <0.1 s.
#[test]
fn close_wakes_parked_pusher() {
    model(4, || {
        let q = Arc::new(Queue::new(1));
        q.push(1).unwrap();
        let pusher = {
            let q = q.clone();
            thread::spawn(move || q.push(2))
        };
        assert!(q.close());
        assert_eq!(pusher.join().unwrap(), Err(PushError(2)));
        assert_eq!(q.pop(), Ok(1));
        assert_eq!(q.pop(), Err(PopError));
    });
}

/// Model 4: Close wakes a popper parked on an empty queue: it returns `Closed`.
/// Bound 4: 86 executions, <0.1 s.
#[test]
fn close_wakes_parked_popper() {
    model(4, || {
        let q = Arc::new(Queue::<u8>::new(1));
        let popper = {
            let q = q.clone();
            thread::spawn(move || q.pop())
        };
        q.close();
        assert_eq!(popper.join().unwrap(), Err(PopError));
    });
}

/// Model 5: Close races push: the push either succeeds and its value is drained
/// after the close, or fails and hands the value back. Never both, never
/// neither. Capacity 1 and a value already queued, so the push may also be
/// blocked when the close lands; a consumer frees the slot concurrently.
/// Bound 2: 857 executions, <0.1 s.
#[test]
fn close_races_push() {
    model(2, || {
        let q = Arc::new(Queue::new(1));
        q.push(0).unwrap();
        let pusher = {
            let q = q.clone();
            thread::spawn(move || q.push(1))
        };
        let closer = {
            let q = q.clone();
            thread::spawn(move || q.close())
        };
        let first = q.pop();
        assert!(closer.join().unwrap());
        let pushed = pusher.join().unwrap();
        assert_eq!(first, Ok(0), "the value queued before the close drains");
        let rest: Vec<i32> = q.iter().collect();
        match pushed {
            Ok(()) => assert_eq!(rest, [1]),
            Err(PushError(v)) => {
                assert_eq!(v, 1);
                assert!(rest.is_empty());
            }
        }
    });
}

/// Model 6: Drain after close: a producer pushes k = 3 values through capacity 1
/// then closes, while a consumer pops until `Closed`: exactly those values, in
/// order, and the consumer never sleeps forever.
/// Bound 3: 25663 executions, 1.1 s.
#[test]
fn drain_after_close() {
    model(3, || {
        let q = Arc::new(Queue::new(1));
        let producer = {
            let q = q.clone();
            thread::spawn(move || {
                for i in 0..3 {
                    q.push(i).unwrap();
                }
                q.close();
            })
        };
        let got: Vec<i32> = q.iter().collect();
        producer.join().unwrap();
        assert_eq!(got, [0, 1, 2]);
    });
}

/// Model 7a: The last `Producer` dropped while the consumer is parked: it wakes,
/// drains, and sees `Closed`.
/// Bound 4: 7724 executions, 0.24 s.
#[test]
fn last_producer_drop_wakes_consumer() {
    model(4, || {
        let (tx, rx) = bounded(1);
        let consumer = thread::spawn(move || rx.into_iter().collect::<Vec<i32>>());
        tx.push(7).unwrap();
        drop(tx);
        assert_eq!(consumer.join().unwrap(), [7]);
    });
}

/// Model 7b: The last `Consumer` dropped while a producer is parked on a full
/// queue: the producer gets its value back.
/// Bound 4: 172 executions, <0.1 s.
#[test]
fn last_consumer_drop_returns_value_to_parked_producer() {
    model(4, || {
        let (tx, rx) = bounded(1);
        tx.push(0).unwrap();
        let producer = thread::spawn(move || tx.push(1));
        drop(rx);
        assert_eq!(producer.join().unwrap(), Err(PushError(1)));
    });
}

/// Model 8a: Cancel wakes a parked push: `Cancelled(value)`, queue unchanged.
/// Bound 4: 113 executions, <0.1 s.
#[test]
fn cancel_wakes_parked_push() {
    model(4, || {
        let q = Arc::new(Queue::new(1));
        q.push(0).unwrap();
        let token = CancelToken::new();
        let pusher = {
            let (q, token) = (q.clone(), token.clone());
            thread::spawn(move || q.push_cancellable(1, &token))
        };
        token.cancel();
        assert_eq!(pusher.join().unwrap(), Err(PushCancelError::Cancelled(1)));
        assert_eq!(q.try_iter().collect::<Vec<_>>(), [0]);
    });
}

/// Model 8b: Cancel races a pop that frees space: the push either succeeds (the
/// value is queued once) or is cancelled (value back, not queued).
/// Bound 2: 651 executions, <0.1 s.
#[test]
fn cancel_races_pop_that_frees_space() {
    model(2, || {
        let q = Arc::new(Queue::new(1));
        q.push(0).unwrap();
        let token = CancelToken::new();
        let pusher = {
            let (q, token) = (q.clone(), token.clone());
            thread::spawn(move || q.push_cancellable(1, &token))
        };
        let canceller = thread::spawn(move || token.cancel());
        assert_eq!(q.pop(), Ok(0));
        canceller.join().unwrap();
        let pushed = pusher.join().unwrap();
        let rest: Vec<i32> = q.try_iter().collect();
        match pushed {
            Ok(()) => assert_eq!(rest, [1]),
            Err(PushCancelError::Cancelled(1)) => assert!(rest.is_empty()),
            Err(other) => panic!("unexpected {other:?}"),
        }
    });
}

/// Model 9a: Cancel wakes a parked pop.
/// Bound 4: 113 executions, <0.1 s.
#[test]
fn cancel_wakes_parked_pop() {
    model(4, || {
        let q = Arc::new(Queue::<u8>::new(1));
        let token = CancelToken::new();
        let popper = {
            let (q, token) = (q.clone(), token.clone());
            thread::spawn(move || q.pop_cancellable(&token))
        };
        token.cancel();
        assert_eq!(popper.join().unwrap(), Err(PopCancelError::Cancelled));
    });
}

/// Model 9b: Cancel races a push: the pop either gets the value or returns
/// `Cancelled` and the value stays queued.
/// Bound 2: 651 executions, <0.1 s.
#[test]
fn cancel_races_push_into_empty() {
    model(2, || {
        let q = Arc::new(Queue::new(1));
        let token = CancelToken::new();
        let popper = {
            let (q, token) = (q.clone(), token.clone());
            thread::spawn(move || q.pop_cancellable(&token))
        };
        let canceller = thread::spawn(move || token.cancel());
        q.push(5).unwrap();
        canceller.join().unwrap();
        let popped = popper.join().unwrap();
        let rest: Vec<i32> = q.try_iter().collect();
        match popped {
            Ok(v) => {
                assert_eq!(v, 5);
                assert!(rest.is_empty());
            }
            Err(PopCancelError::Cancelled) => assert_eq!(rest, [5]),
            Err(PopCancelError::Closed) => panic!("never closed"),
        }
    });
}

/// Model 10: Cancelling a parent wakes a thread blocked on its child.
/// Bound 4: 113 executions, <0.1 s.
#[test]
fn parent_cancel_wakes_child_waiter() {
    model(4, || {
        let q = Arc::new(Queue::<u8>::new(1));
        let parent = CancelToken::new();
        let child = parent.child();
        let popper = {
            let q = q.clone();
            thread::spawn(move || q.pop_cancellable(&child))
        };
        parent.cancel();
        assert_eq!(popper.join().unwrap(), Err(PopCancelError::Cancelled));
    });
}

/// Model 11: `force_push` racing `pop` on a full capacity-1 queue: each value is
/// popped, displaced and returned, or still queued, exactly once.
/// Bound 4: 36 executions, <0.1 s.
#[test]
fn force_push_races_pop() {
    model(4, || {
        let q = Arc::new(Queue::new(1));
        q.push(0).unwrap();
        let pusher = {
            let q = q.clone();
            thread::spawn(move || q.force_push(1).unwrap())
        };
        let popped = q.try_pop().ok();
        let displaced = pusher.join().unwrap();
        let mut all: Vec<i32> = popped
            .into_iter()
            .chain(displaced)
            .chain(q.try_iter())
            .collect();
        all.sort();
        assert_eq!(all, [0, 1]);
    });
}

/// A value that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Model 12: Values left in the queue when the last handle drops, concurrently with
/// a push, are dropped exactly once (in the queue, or in the push's error).
/// Bound 4: 30 executions, <0.1 s.
#[test]
fn drop_accounting_with_concurrent_push() {
    model(4, || {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = bounded(2);
        tx.push(Counted(drops.clone())).ok().unwrap();
        let pusher = {
            let drops = drops.clone();
            thread::spawn(move || {
                // Either queued (and dropped with the queue) or handed back
                // (and dropped here).
                let _ = tx.push(Counted(drops));
            })
        };
        drop(rx);
        pusher.join().unwrap();
        assert_eq!(drops.load(Ordering::SeqCst), 2);
    });
}

/// Model 13: A downstream-style model: a two-stage pipeline built only from the
/// public API, checked exactly as a user would check their own code with
/// ringq inside (see the README). Stage 1 produces 0, 1; stage 2 multiplies
/// by 10; the sink must see exactly [0, 10] and then the close.
/// Bound 2: 39416 executions, 2.5 s.
#[test]
fn downstream_two_stage_pipeline() {
    model(2, || {
        let (tx1, rx1) = bounded::<u32>(1);
        let (tx2, rx2) = bounded::<u32>(1);
        let source = thread::spawn(move || {
            for i in 0..2 {
                tx1.push(i).unwrap();
            }
        });
        let stage = thread::spawn(move || {
            for v in rx1 {
                tx2.push(v * 10).unwrap();
            }
        });
        let out: Vec<u32> = rx2.into_iter().collect();
        source.join().unwrap();
        stage.join().unwrap();
        assert_eq!(out, [0, 10]);
    });
}

/// Model 17: `cancel_on_close` racing the close: the registration comes
/// before, during or after the last consumer's drop closes the queue, and
/// the token fires in every case, waking a thread blocked on it elsewhere
/// (a pipeline stage blocked on its input when its reader leaves).
/// Bound 3: see loom-tests/README.md for executions and time.
/// Catches: `OnClose::register` pushing onto the list even after `fire`
/// took it (the late token is never cancelled: deadlock), and `close` not
/// calling `fire` (deadlock).
#[test]
fn cancel_on_close_races_the_close() {
    model(3, || {
        let (tx, rx) = bounded::<u8>(1);
        let stop = CancelToken::new();
        let reader = thread::spawn(move || drop(rx));
        tx.cancel_on_close(&stop);
        let input = Queue::<u8>::new(1); // nothing ever arrives
        assert_eq!(input.pop_cancellable(&stop), Err(PopCancelError::Cancelled));
        reader.join().unwrap();
        assert!(tx.is_closed());
    });
}

/// Model 18: two waiters on the push side, one of them cancelled while a
/// notification may be on its way to it. Capacity 1 holds `1`; one thread
/// blocks in `push_cancellable(2)`, another in `push(3)`; the main thread
/// pops (making room and notifying one pusher), cancels the token, and pops
/// again. Whoever the notification went to, the room must not be lost: no
/// deadlock, and every value is popped, still queued, or handed back.
/// Bound 1 (three threads contending on the waiter list's spin lock pass
/// loom's branch limit at bound 2): see loom-tests/README.md for executions
/// and time.
/// Catches: a cancelled waiter that leaves without using a notification
/// addressed to it (`park_phase`'s stop branch without its attempt).
#[test]
fn cancelled_waiter_passes_on_its_notification() {
    model(1, || {
        let q = Arc::new(Queue::new(1));
        q.push(1).unwrap();
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

/// Model 19: the timed twin of model 18. A timed call under loom reaches
/// its stop branch on its first round (no clock: the deadline has passed).
/// Capacity 1 holds `1`. The main thread spawns a plain pusher of `3` and a
/// popper that takes one value, then calls `push_timeout(2)` itself; it
/// then pops what must still come (`3`, and `2` if its push got in). Every
/// value is popped, handed back or still queued; no deadlock.
/// Bound 1: see loom-tests/README.md for executions and time.
/// What it does not catch: the stop branch leaving without using its
/// notification (`park_phase`, `wait.rs`). At bound 1 loom reaches that
/// branch with a notification in 15 executions, but never with the plain
/// pusher already parked behind the main thread, which takes a second
/// preemption; at bound 2 the model passes loom's branch limit, and with
/// the limit at 100,000 it did not finish in 10 minutes. Shuttle's PCT
/// scheduler catches that mutant with this same scenario
/// (`shuttle-tests`, `timed_out_waiter_uses_the_room_it_was_woken_for`).
#[test]
fn timed_out_waiter_uses_the_room_it_was_woken_for() {
    model(1, || {
        let q = Arc::new(Queue::new(1));
        q.push(1).unwrap();
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

/// Model 20: batch push and batch pop across the ring's wrap. Capacity 2;
/// a producer pushes `[1, 2, 3]` with one `push_from` (blocking for room
/// after the first run of two); the main thread takes values with
/// `pop_into(max 2)` until it has three, then the producer closes. Every
/// value arrives once, in order, and the claimed runs never overlap.
/// Bound 3: see loom-tests/README.md for executions and time.
/// Catches: a batch pop storing the next lap's stamps `Relaxed` (causality
/// violation on the slot), and a batch claim (pop or push side) that counts
/// a slot into its run without checking its stamp.
#[test]
fn batch_push_and_pop_in_order() {
    model(3, || {
        let q = Arc::new(Queue::new(2));
        let producer = {
            let q = q.clone();
            thread::spawn(move || {
                let mut src: std::collections::VecDeque<_> = (1..=3).collect();
                q.push_from(&mut src).unwrap();
                assert!(src.is_empty());
                q.close();
            })
        };
        let mut got = Vec::new();
        while got.len() < 3 {
            q.pop_into(&mut got, 2).unwrap();
        }
        assert_eq!(got, [1, 2, 3]);
        let mut rest = Vec::new();
        assert_eq!(q.pop_into(&mut rest, 2), Err(PopError));
        producer.join().unwrap();
    });
}

/// Model 21: a cancel publishes what the cancelling thread did before it.
/// One thread stores a reason (`Relaxed`) and cancels; the main thread,
/// once it sees the token cancelled, must read that reason.
/// Bound 3: see loom-tests/README.md for executions and time.
/// Catches: `is_cancelled` loading the flag `Relaxed` instead of `Acquire`
/// (`cancel.rs`), which would break `cancel()`'s documented happens-before.
#[test]
fn cancel_publishes_what_came_before() {
    model(3, || {
        let token = CancelToken::new();
        let reason = Arc::new(AtomicUsize::new(0));
        let canceller = {
            let (token, reason) = (token.clone(), reason.clone());
            thread::spawn(move || {
                reason.store(7, Ordering::Relaxed);
                token.cancel();
            })
        };
        if token.is_cancelled() {
            assert_eq!(reason.load(Ordering::Relaxed), 7, "cancel seen, reason not");
        }
        canceller.join().unwrap();
    });
}

/// Model 22: a weak producer's upgrade races the last strong producer's
/// drop. Either the upgrade wins (its handle keeps the queue open, so its
/// push is accepted and received) or it finds the side gone (`None`); the
/// consumer then sees `Closed` after what was pushed.
/// Bound 3: see loom-tests/README.md for executions and time.
/// Catches: `acquire_if_live` (`handles/weak.rs`) incrementing the count
/// from zero (a `fetch_add`), which resurrects a producer whose push fails
/// after the close it raced.
#[test]
fn upgrade_races_the_last_producer_drop() {
    model(3, || {
        let (tx, rx) = bounded::<u32>(1);
        let weak = tx.downgrade();
        let upgrader = thread::spawn(move || match weak.upgrade() {
            Some(strong) => {
                strong
                    .push(7)
                    .expect("an upgraded producer keeps the queue open");
                true
            }
            None => false,
        });
        drop(tx);
        let first = rx.pop();
        let upgraded = upgrader.join().unwrap();
        if upgraded {
            assert_eq!(first, Ok(7));
            assert_eq!(rx.pop(), Err(PopError));
        } else {
            assert_eq!(first, Err(PopError));
        }
    });
}

/// Model 23: `wait_closed` parked on a producer while the last consumer
/// drops: the close wakes it (a lost wake-up is a loom deadlock), and it
/// returns only once the queue is closed.
/// Bound 3: see loom-tests/README.md for executions and time.
/// Catches: `OnClose::fire` (`on_close.rs`) not cancelling the close
/// signal (deadlock).
#[test]
fn wait_closed_wakes_on_the_last_consumer_drop() {
    model(3, || {
        let (tx, rx) = bounded::<u32>(1);
        let dropper = thread::spawn(move || drop(rx));
        tx.wait_closed();
        assert!(tx.is_closed());
        assert_eq!(tx.push(1).map_err(|e| e.into_inner()), Err(1));
        dropper.join().unwrap();
    });
}
