//! Batch push (`push_from`, `try_push_from`) and pop (`pop_into`,
//! `try_pop_into`): every value is pushed and popped once, in order, across
//! the ring's wrap, under close, cancel and timeout, and from many threads.
#![cfg(feature = "std")]

mod common;

use std::collections::VecDeque;
use std::thread;
use std::time::Duration;

use common::{let_it_park, scaled, DropLedger};
use ringq::{
    bounded, CancelToken, PopCancelError, PopError, PopTimeoutError, PushCancelError, PushError,
    PushTimeoutError, Queue, TryPopError,
};

#[test]
fn try_pop_into_takes_what_is_there_up_to_max_in_order() {
    let q = Queue::new(4);
    let mut buf = vec![99];
    assert_eq!(q.try_pop_into(&mut buf, 4), Err(TryPopError::Empty));
    for i in 0..4 {
        q.push(i).unwrap();
    }
    assert_eq!(q.try_pop_into(&mut buf, 0), Ok(0));
    assert_eq!(q.try_pop_into(&mut buf, 3), Ok(3));
    assert_eq!(q.try_pop_into(&mut buf, 3), Ok(1));
    assert_eq!(buf, [99, 0, 1, 2, 3], "appended, oldest first");
    assert_eq!(q.try_pop_into(&mut buf, 3), Err(TryPopError::Empty));
}

#[test]
fn batches_cross_the_wrap_of_the_ring() {
    // Capacity 3: head and tail go round many laps, so runs start at every
    // index and wrap from the last slot to the first.
    let q = Queue::new(3);
    let mut next_in = 0u32;
    let mut next_out = 0u32;
    for round in 0..50 {
        let mut src: VecDeque<u32> = (0..(round % 4) + 1).map(|i| next_in + i).collect();
        let want = src.len().min(3 - q.len());
        assert_eq!(q.try_push_from(&mut src), want, "round {round}");
        next_in += want as u32;
        let mut buf = Vec::new();
        let max = (round % 3 + 1) as usize;
        let got = q.try_pop_into(&mut buf, max).unwrap_or(0);
        assert_eq!(got, buf.len());
        for v in buf {
            assert_eq!(v, next_out);
            next_out += 1;
        }
    }
    let mut rest = Vec::new();
    while q.try_pop_into(&mut rest, 2).is_ok() {}
    for v in rest {
        assert_eq!(v, next_out);
        next_out += 1;
    }
    assert_eq!(next_out, next_in);
}

#[test]
fn try_push_from_pushes_what_fits_and_keeps_the_rest_in_order() {
    let q = Queue::new(3);
    let mut src: VecDeque<_> = (0..5).collect();
    assert_eq!(q.try_push_from(&mut src), 3);
    assert_eq!(src, [3, 4]);
    assert_eq!(q.try_push_from(&mut src), 0);
    assert_eq!(q.pop(), Ok(0));
    assert_eq!(q.try_push_from(&mut src), 1);
    assert_eq!(src, [4]);
    q.close();
    assert_eq!(q.try_push_from(&mut src), 0, "closed: nothing pushed");
    assert_eq!(src, [4], "closed: nothing lost");
    let mut empty = VecDeque::new();
    assert_eq!(q.try_push_from(&mut empty), 0);
    // Close drains: batch pops go on until the queue is empty.
    let mut buf = Vec::new();
    assert_eq!(q.try_pop_into(&mut buf, 10), Ok(3));
    assert_eq!(buf, [1, 2, 3]);
    assert_eq!(q.try_pop_into(&mut buf, 10), Err(TryPopError::Closed));
    assert_eq!(q.pop_into(&mut buf, 10), Err(PopError));
}

#[test]
fn push_from_blocks_for_room_and_delivers_everything_in_order() {
    let n = scaled(10_000, 60);
    let q = Queue::new(8);
    thread::scope(|s| {
        s.spawn(|| {
            let mut src: VecDeque<_> = (0..n).collect();
            q.push_from(&mut src).unwrap();
            assert!(src.is_empty());
            q.close();
        });
        let mut got = Vec::new();
        while q.pop_into(&mut got, 5).is_ok() {}
        assert_eq!(got, (0..n).collect::<Vec<_>>());
    });
}

#[test]
fn close_wakes_a_blocked_push_from_with_the_rest_still_in_src() {
    let q = Queue::new(2);
    thread::scope(|s| {
        let pusher = s.spawn(|| {
            let mut src: VecDeque<_> = (0..5).collect();
            let r = q.push_from(&mut src);
            (r, src)
        });
        let_it_park();
        q.close();
        let (r, src) = pusher.join().unwrap();
        assert_eq!(r, Err(PushError(())));
        let mut queued = Vec::new();
        while q.try_pop_into(&mut queued, 8).is_ok() {}
        // Pushed and left over together are exactly the input, in order.
        queued.extend(src);
        assert_eq!(queued, [0, 1, 2, 3, 4]);
    });
}

#[test]
fn close_wakes_a_blocked_pop_into() {
    let q = Queue::<u8>::new(2);
    thread::scope(|s| {
        let popper = s.spawn(|| {
            let mut buf = Vec::new();
            (q.pop_into(&mut buf, 4), buf)
        });
        let_it_park();
        q.close();
        assert_eq!(popper.join().unwrap(), (Err(PopError), vec![]));
    });
}

#[test]
fn pop_into_wakes_for_a_single_push() {
    let q = Queue::new(4);
    thread::scope(|s| {
        let popper = s.spawn(|| {
            let mut buf = Vec::new();
            (q.pop_into(&mut buf, 4), buf)
        });
        let_it_park();
        q.push(7).unwrap();
        assert_eq!(popper.join().unwrap(), (Ok(1), vec![7]));
    });
}

#[test]
fn timed_and_cancellable_forms() {
    let q = Queue::new(2);
    let mut buf = Vec::new();
    let short = Duration::from_millis(5);
    assert_eq!(
        q.pop_into_timeout(&mut buf, 2, short),
        Err(PopTimeoutError::Timeout)
    );
    let mut src: VecDeque<_> = (0..3).collect();
    assert_eq!(
        q.push_from_timeout(&mut src, short),
        Err(PushTimeoutError::Timeout(()))
    );
    assert_eq!(src, [2], "what fitted stays pushed, the rest comes back");
    assert_eq!(q.pop_into_timeout(&mut buf, 8, short), Ok(2));

    let token = CancelToken::new();
    thread::scope(|s| {
        let popper = s.spawn(|| {
            let mut buf = Vec::new();
            q.pop_into_cancellable(&mut buf, 4, &token)
        });
        let_it_park();
        token.cancel();
        assert_eq!(popper.join().unwrap(), Err(PopCancelError::Cancelled));
    });
    let token = CancelToken::new();
    thread::scope(|s| {
        let pusher = s.spawn(|| {
            let mut src: VecDeque<_> = (10..15).collect();
            (q.push_from_cancellable(&mut src, &token), src)
        });
        // Cancel only once the two that fit are in: under miri's scheduler
        // the pusher may not have run at all after a fixed sleep (a CI run
        // of 2026-11-30 saw all five come back).
        while q.len() < 2 {
            thread::yield_now();
        }
        let_it_park();
        token.cancel();
        let (r, src) = pusher.join().unwrap();
        assert_eq!(r, Err(PushCancelError::Cancelled(())));
        assert_eq!(src, [12, 13, 14], "two fitted, three came back");
    });
    q.close();
    assert_eq!(q.pop_into_timeout(&mut buf, 8, short), Ok(2));
    assert_eq!(
        q.pop_into_timeout(&mut buf, 8, short),
        Err(PopTimeoutError::Closed)
    );
    assert_eq!(
        q.pop_into_cancellable(&mut buf, 8, &CancelToken::new()),
        Err(PopCancelError::Closed)
    );
    let mut src: VecDeque<_> = (0..2).collect();
    assert_eq!(
        q.push_from_cancellable(&mut src, &CancelToken::new()),
        Err(PushCancelError::Closed(()))
    );
    assert_eq!(src.len(), 2);
}

#[test]
fn handles_batch_and_close_on_last_drop() {
    let (tx, rx) = bounded(4);
    let mut src: VecDeque<_> = (0..3).collect();
    tx.push_from(&mut src).unwrap();
    drop(tx);
    let mut buf = Vec::new();
    assert_eq!(rx.pop_into(&mut buf, 8), Ok(3));
    assert_eq!(rx.pop_into(&mut buf, 8), Err(PopError));
    assert_eq!(buf, [0, 1, 2]);
}

#[test]
fn batch_pops_drop_nothing_twice_and_the_queue_drops_the_rest() {
    let ledger = DropLedger::new(10);
    {
        let q = Queue::new(8);
        let mut src: VecDeque<_> = (0..10).map(|i| ledger.value(i)).collect();
        assert_eq!(q.try_push_from(&mut src), 8);
        let mut buf = Vec::new();
        assert_eq!(q.try_pop_into(&mut buf, 3), Ok(3));
        drop(buf);
        drop(src);
    }
    ledger.assert_each_dropped(1);
}

/// 4 producers push with `push_from` in batches of varying size, 4
/// consumers pop with `pop_into` and varying `max`; the last producer closes.
/// Every value arrives exactly once, and each consumer sees each producer's
/// values in push order.
fn many_to_many(capacity: usize) {
    const PRODUCERS: usize = 4;
    let per = scaled(20_000, 30);
    let q = Queue::new(capacity);
    let done = std::sync::atomic::AtomicUsize::new(0);
    thread::scope(|s| {
        for p in 0..PRODUCERS {
            let (q, done) = (&q, &done);
            s.spawn(move || {
                let mut next = 0;
                let mut batch = 1;
                while next < per {
                    let end = (next + batch).min(per);
                    let mut src: VecDeque<_> = (next..end).map(|i| (p, i)).collect();
                    q.push_from(&mut src).unwrap();
                    next = end;
                    batch = batch % 13 + 1;
                }
                if done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == PRODUCERS {
                    q.close();
                }
            });
        }
        let consumers: Vec<_> = (0..4)
            .map(|c| {
                let q = &q;
                s.spawn(move || {
                    let mut got = Vec::new();
                    let mut buf = Vec::new();
                    let mut max = c + 1;
                    while q.pop_into(&mut buf, max).is_ok() {
                        got.append(&mut buf);
                        max = max % 17 + 1;
                    }
                    got
                })
            })
            .collect();
        let mut all = Vec::new();
        for c in consumers {
            let got = c.join().unwrap();
            for p in 0..PRODUCERS {
                let mine: Vec<_> = got.iter().filter(|v| v.0 == p).map(|v| v.1).collect();
                assert!(
                    mine.windows(2).all(|w| w[0] < w[1]),
                    "producer {p} out of order"
                );
            }
            all.extend(got);
        }
        all.sort_unstable();
        let want: Vec<_> = (0..PRODUCERS)
            .flat_map(|p| (0..per).map(move |i| (p, i)))
            .collect();
        assert_eq!(all, want, "a value was lost or popped twice");
    });
}

#[test]
fn many_to_many_capacity_1() {
    many_to_many(1);
}

#[test]
fn many_to_many_capacity_2() {
    many_to_many(2);
}

#[test]
fn many_to_many_capacity_64() {
    many_to_many(64);
}

/// The README's batch example, verbatim.
#[test]
fn readme_example() {
    let (tx, rx) = ringq::bounded::<u32>(1024);
    let mut src: VecDeque<u32> = (0..100).collect();
    tx.push_from(&mut src).unwrap(); // all 100 fit: src is empty
    drop(tx);
    let mut buf = Vec::new();
    while rx.pop_into(&mut buf, 64).is_ok() {} // takes 64, then 36, then Closed
    assert_eq!(buf.len(), 100);
}

/// A batch of one takes the single-value path (`queue/batch.rs`): the
/// same results as a longer batch, value handed back into `src` included.
#[test]
fn a_batch_of_one_keeps_the_batch_contract() {
    let q = Queue::new(1);
    let mut src = VecDeque::from([1]);
    assert_eq!(q.try_push_from(&mut src), 1);
    src.push_back(2);
    assert_eq!(q.try_push_from(&mut src), 0, "full");
    assert_eq!(src, [2], "the value stays with the caller");
    assert_eq!(
        q.push_from_timeout(&mut src, Duration::from_millis(1)),
        Err(PushTimeoutError::Timeout(()))
    );
    let mut buf = vec![0];
    assert_eq!(q.try_pop_into(&mut buf, 1), Ok(1));
    assert_eq!(buf, [0, 1], "appended");
    assert_eq!(q.try_pop_into(&mut buf, 1), Err(TryPopError::Empty));
    q.push_from(&mut src).unwrap();
    assert!(src.is_empty());
    assert_eq!(q.pop_into(&mut buf, 1), Ok(1));
    q.close();
    src.push_back(3);
    assert_eq!(q.push_from(&mut src), Err(PushError(())));
    assert_eq!(q.try_push_from(&mut src), 0);
    assert_eq!(src, [3], "a closed queue hands the value back");
    assert_eq!(q.pop_into(&mut buf, 1), Err(PopError));
    assert_eq!(q.try_pop_into(&mut buf, 1), Err(TryPopError::Closed));
    assert_eq!(buf, [0, 1, 2]);

    // A rendezvous: one value to a parked popper, through the handles.
    let (tx, rx) = ringq::bounded::<u8>(0);
    thread::scope(|s| {
        s.spawn(|| {
            let mut buf = Vec::new();
            assert_eq!(rx.pop_into(&mut buf, 1), Ok(1));
            assert_eq!(buf, [7]);
        });
        let mut src = VecDeque::from([7]);
        tx.push_from(&mut src).unwrap();
        assert!(src.is_empty());
    });
}
