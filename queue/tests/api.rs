//! Every public method and error path, single-threaded where possible.
#![cfg(feature = "std")]

use std::error::Error;
use std::rc::Rc;
use std::time::{Duration, Instant};

use ringq::{
    CancelToken, CapacityError, PopCancelError, PopError, PopTimeoutError, PushCancelError,
    PushError, PushTimeoutError, Queue, TryPopError, TryPushError, MAX_CAPACITY,
};
use static_assertions::{assert_impl_all, assert_not_impl_any};

assert_impl_all!(Queue<u8>: Send, Sync, std::fmt::Debug);
assert_impl_all!(Queue<std::cell::Cell<u8>>: Send, Sync); // Send is enough for T
assert_not_impl_any!(Queue<Rc<u8>>: Send, Sync);
assert_impl_all!(ringq::Producer<u8>: Send, Sync, Clone);
assert_impl_all!(ringq::Consumer<u8>: Send, Sync, Clone);
assert_not_impl_any!(ringq::Producer<Rc<u8>>: Send, Sync);
assert_not_impl_any!(ringq::Consumer<Rc<u8>>: Send, Sync);
assert_impl_all!(CancelToken: Send, Sync, Clone, Default);
// Whatever T is: the queue is consistent at every unwind point.
assert_impl_all!(Queue<std::cell::Cell<u8>>: std::panic::UnwindSafe, std::panic::RefUnwindSafe);
assert_impl_all!(ringq::Producer<std::cell::Cell<u8>>: std::panic::UnwindSafe, std::panic::RefUnwindSafe);
assert_impl_all!(ringq::Consumer<std::cell::Cell<u8>>: std::panic::UnwindSafe, std::panic::RefUnwindSafe);
assert_impl_all!(TryPushError<u8>: Error, Send, Sync, Clone, Copy, PartialEq, Eq);
assert_impl_all!(CapacityError: Error, Send, Sync, Clone, Copy, PartialEq, Eq);
assert_impl_all!(TryPopError: Error, Copy, Eq);
assert_impl_all!(PopError: Error, Copy, Eq);

/// A type with no `Debug`: errors must still print.
struct Opaque;

#[test]
fn capacity_zero_is_a_rendezvous_not_an_error() {
    // (Until 2026-11-30 this was a `CapacityError`; see tests/rendezvous.rs.)
    assert_eq!(Queue::<u8>::try_new(0).map(|q| q.capacity()), Ok(0));
    assert!(ringq::try_bounded::<u8>(0).is_ok());
}

#[test]
fn capacity_too_large_is_an_error() {
    for cap in [MAX_CAPACITY + 1, usize::MAX] {
        let err = Queue::<u8>::try_new(cap).unwrap_err();
        assert_eq!(err.requested(), cap);
        assert_eq!(
            err.to_string(),
            format!("queue capacity {cap} exceeds the maximum of {MAX_CAPACITY}")
        );
    }
}

// Miri reports a huge allocation request as resource exhaustion rather than
// returning null, so this one needs a real allocator.
#[cfg_attr(miri, ignore)]
#[test]
fn unallocatable_capacity_is_an_error_not_an_abort() {
    // Within MAX_CAPACITY, but no machine has 2^59 slots' worth of memory
    // (and the byte size overflows isize for 16-byte slots).
    let err = Queue::<u64>::try_new(MAX_CAPACITY).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("could not allocate a queue of capacity {MAX_CAPACITY}")
    );
    // A size that is a valid Layout but far more memory than exists.
    assert!(Queue::<u8>::try_new(1 << 44).is_err());
}

#[test]
#[should_panic(expected = "ringq::Queue::new: queue capacity")]
fn new_panics_on_too_large() {
    let _ = Queue::<u8>::new(MAX_CAPACITY + 1);
}

#[test]
#[should_panic(expected = "ringq::bounded: queue capacity")]
fn bounded_panics_on_too_large() {
    let _ = ringq::bounded::<u8>(usize::MAX);
}

#[test]
fn accessors() {
    let q = Queue::new(3);
    assert_eq!(q.capacity(), 3);
    assert_eq!(q.len(), 0);
    assert!(q.is_empty() && !q.is_full() && !q.is_closed());
    q.push(1).unwrap();
    assert_eq!(q.len(), 1);
    assert!(!q.is_empty() && !q.is_full());
    q.push(2).unwrap();
    q.push(3).unwrap();
    assert_eq!(q.len(), 3);
    assert!(q.is_full());
    assert_eq!(
        format!("{q:?}"),
        "Queue { capacity: 3, len: 3, closed: false }"
    );
}

#[test]
fn fifo_and_try_paths() {
    let q = Queue::new(4);
    for i in 0..4 {
        assert_eq!(q.try_push(i), Ok(()));
    }
    assert_eq!(q.try_push(9), Err(TryPushError::Full(9)));
    for i in 0..4 {
        assert_eq!(q.try_pop(), Ok(i));
    }
    assert_eq!(q.try_pop(), Err(TryPopError::Empty));
}

#[test]
fn close_semantics() {
    let q = Queue::new(4);
    q.push(1).unwrap();
    q.push(2).unwrap();
    assert!(q.close());
    assert!(!q.close());
    assert!(q.is_closed());
    assert_eq!(q.try_push(3), Err(TryPushError::Closed(3)));
    assert_eq!(q.push(4), Err(PushError(4)));
    assert_eq!(
        q.push_timeout(5, Duration::from_secs(5)),
        Err(PushTimeoutError::Closed(5))
    );
    assert_eq!(
        q.push_deadline(6, Instant::now() + Duration::from_secs(5)),
        Err(PushTimeoutError::Closed(6))
    );
    assert_eq!(
        q.push_cancellable(7, &CancelToken::new()),
        Err(PushCancelError::Closed(7))
    );
    assert_eq!(q.force_push(8), Err(PushError(8)));
    // Drains, then reports closed on every kind of pop, every time.
    assert_eq!(q.pop(), Ok(1));
    assert_eq!(q.try_pop(), Ok(2));
    for _ in 0..2 {
        assert_eq!(q.try_pop(), Err(TryPopError::Closed));
        assert_eq!(q.pop(), Err(PopError));
        assert_eq!(
            q.pop_timeout(Duration::from_secs(5)),
            Err(PopTimeoutError::Closed)
        );
        assert_eq!(
            q.pop_deadline(Instant::now() + Duration::from_secs(5)),
            Err(PopTimeoutError::Closed)
        );
        assert_eq!(
            q.pop_cancellable(&CancelToken::new()),
            Err(PopCancelError::Closed)
        );
    }
    assert_eq!(q.iter().next(), None);
    assert_eq!(q.try_iter().next(), None);
}

#[test]
fn close_on_full_queue_reports_closed_not_full() {
    let q = Queue::new(1);
    q.push(1).unwrap();
    q.close();
    assert_eq!(q.try_push(2), Err(TryPushError::Closed(2)));
    assert_eq!(q.force_push(3), Err(PushError(3)));
    assert_eq!(q.pop(), Ok(1));
}

#[test]
fn timeouts_on_full_and_empty() {
    let q = Queue::new(1);
    assert_eq!(
        q.pop_timeout(Duration::from_millis(2)),
        Err(PopTimeoutError::Timeout)
    );
    assert_eq!(
        q.pop_deadline(Instant::now()),
        Err(PopTimeoutError::Timeout)
    );
    assert_eq!(q.push_timeout(1, Duration::ZERO), Ok(())); // zero timeout still tries
    assert_eq!(
        q.push_timeout(2, Duration::from_millis(2)),
        Err(PushTimeoutError::Timeout(2))
    );
    assert_eq!(
        q.push_deadline(3, Instant::now()),
        Err(PushTimeoutError::Timeout(3))
    );
    assert_eq!(q.len(), 1);
    assert_eq!(q.pop_timeout(Duration::ZERO), Ok(1));
    // A timeout too large for `Instant` means "no deadline", not a panic.
    q.push(4).unwrap();
    assert_eq!(q.pop_timeout(Duration::MAX), Ok(4));
    assert_eq!(q.push_timeout(5, Duration::MAX), Ok(()));
}

#[test]
fn pre_cancelled_token_does_not_touch_the_queue() {
    let q = Queue::new(2);
    let token = CancelToken::new();
    token.cancel();
    // Room available, but a cancelled token wins: nothing enqueued.
    assert_eq!(
        q.push_cancellable(1, &token),
        Err(PushCancelError::Cancelled(1))
    );
    assert!(q.is_empty());
    q.push(2).unwrap();
    // A value available, but a cancelled token wins: nothing taken.
    assert_eq!(q.pop_cancellable(&token), Err(PopCancelError::Cancelled));
    assert_eq!(q.len(), 1);
    // With a live token both go through.
    let live = CancelToken::new();
    assert_eq!(q.push_cancellable(3, &live), Ok(()));
    assert_eq!(q.pop_cancellable(&live), Ok(2));
    assert_eq!(q.pop_cancellable(&live), Ok(3));
}

#[test]
fn force_push_displaces_oldest() {
    let q = Queue::new(3);
    assert_eq!(q.force_push(1), Ok(None));
    assert_eq!(q.force_push(2), Ok(None));
    assert_eq!(q.force_push(3), Ok(None));
    assert_eq!(q.force_push(4), Ok(Some(1)));
    assert_eq!(q.force_push(5), Ok(Some(2)));
    assert_eq!(q.len(), 3);
    assert_eq!(q.try_iter().collect::<Vec<_>>(), [3, 4, 5]);
    // Capacity 1: every force_push on a full queue swaps.
    let one = Queue::new(1);
    assert_eq!(one.force_push('a'), Ok(None));
    assert_eq!(one.force_push('b'), Ok(Some('a')));
    assert_eq!(one.pop(), Ok('b'));
}

#[test]
fn iterators() {
    let q = Queue::new(8);
    for i in 0..5 {
        q.push(i).unwrap();
    }
    let first_two: Vec<_> = q.try_iter().take(2).collect();
    assert_eq!(first_two, [0, 1]);
    assert_eq!(q.try_iter().collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(q.try_iter().next(), None);
    // try_iter is not fused: new values show up.
    let mut it = q.try_iter();
    assert_eq!(it.next(), None);
    q.push(7).unwrap();
    assert_eq!(it.next(), Some(7));
    q.push(8).unwrap();
    q.close();
    let mut total = Vec::new();
    for v in &q {
        total.push(v);
    }
    assert_eq!(total, [8]);
}

#[test]
fn zero_sized_types() {
    let q = Queue::<()>::new(3);
    for _ in 0..3 {
        q.push(()).unwrap();
    }
    assert!(q.is_full());
    assert_eq!(q.try_push(()), Err(TryPushError::Full(())));
    assert_eq!(q.force_push(()), Ok(Some(())));
    assert_eq!(q.try_iter().count(), 3);
    assert!(q.is_empty());
    q.push(()).unwrap();
    q.close();
    assert_eq!(q.iter().count(), 1);
}

#[test]
fn error_debug_never_prints_the_value_and_display_is_pinned() {
    let cases: Vec<(Box<dyn Error>, &str, &str)> = vec![
        (
            Box::new(TryPushError::Full(Opaque)),
            "Full(..)",
            "pushing into a full queue",
        ),
        (
            Box::new(TryPushError::Closed(Opaque)),
            "Closed(..)",
            "pushing into a closed queue",
        ),
        (
            Box::new(PushError(Opaque)),
            "PushError(..)",
            "pushing into a closed queue",
        ),
        (
            Box::new(PushTimeoutError::Timeout(Opaque)),
            "Timeout(..)",
            "timed out waiting for room in the queue",
        ),
        (
            Box::new(PushTimeoutError::Closed(Opaque)),
            "Closed(..)",
            "pushing into a closed queue",
        ),
        (
            Box::new(PushCancelError::Cancelled(Opaque)),
            "Cancelled(..)",
            "push was cancelled",
        ),
        (
            Box::new(PushCancelError::Closed(Opaque)),
            "Closed(..)",
            "pushing into a closed queue",
        ),
        (
            Box::new(TryPopError::Empty),
            "Empty",
            "popping from an empty queue",
        ),
        (
            Box::new(TryPopError::Closed),
            "Closed",
            "popping from a closed and drained queue",
        ),
        (
            Box::new(PopError),
            "PopError",
            "popping from a closed and drained queue",
        ),
        (
            Box::new(PopTimeoutError::Timeout),
            "Timeout",
            "timed out waiting for a value",
        ),
        (
            Box::new(PopTimeoutError::Closed),
            "Closed",
            "popping from a closed and drained queue",
        ),
        (
            Box::new(PopCancelError::Cancelled),
            "Cancelled",
            "pop was cancelled",
        ),
        (
            Box::new(PopCancelError::Closed),
            "Closed",
            "popping from a closed and drained queue",
        ),
    ];
    for (err, debug, display) in cases {
        assert_eq!(format!("{err:?}"), debug);
        assert_eq!(err.to_string(), display);
    }
}

#[test]
fn push_errors_hand_the_value_back() {
    let s = || String::from("v");
    assert_eq!(TryPushError::Full(s()).into_inner(), "v");
    assert_eq!(TryPushError::Closed(s()).into_inner(), "v");
    assert!(TryPushError::Full(()).is_full() && !TryPushError::Full(()).is_closed());
    assert!(TryPushError::Closed(()).is_closed() && !TryPushError::Closed(()).is_full());
    assert_eq!(PushError(s()).into_inner(), "v");
    assert_eq!(PushTimeoutError::Timeout(s()).into_inner(), "v");
    assert_eq!(PushTimeoutError::Closed(s()).into_inner(), "v");
    assert!(PushTimeoutError::Timeout(()).is_timeout());
    assert!(PushTimeoutError::Closed(()).is_closed());
    assert_eq!(PushCancelError::Cancelled(s()).into_inner(), "v");
    assert_eq!(PushCancelError::Closed(s()).into_inner(), "v");
    assert!(PushCancelError::Cancelled(()).is_cancelled());
    assert!(PushCancelError::Closed(()).is_closed());
}

#[test]
fn cancel_token_basics() {
    let token = CancelToken::default();
    assert!(!token.is_cancelled());
    let clone = token.clone();
    let child = token.child();
    let grandchild = child.child();
    assert_eq!(format!("{token:?}"), "CancelToken { cancelled: false }");
    grandchild.cancel();
    assert!(grandchild.is_cancelled());
    assert!(!child.is_cancelled() && !token.is_cancelled());
    clone.cancel();
    clone.cancel(); // idempotent
    assert!(token.is_cancelled() && child.is_cancelled());
    // A child made after its parent was cancelled starts cancelled.
    assert!(token.child().is_cancelled());
}

#[test]
fn cancel_on_close_fires_at_close_and_at_once_when_closed() {
    let q = Queue::<u8>::new(2);
    let (early, also_early, late) = (CancelToken::new(), CancelToken::new(), CancelToken::new());
    q.cancel_on_close(&early);
    q.cancel_on_close(&also_early);
    q.push(1).unwrap();
    assert!(!early.is_cancelled(), "open queue: not fired");
    assert!(q.close());
    assert!(early.is_cancelled() && also_early.is_cancelled());
    q.cancel_on_close(&late);
    assert!(
        late.is_cancelled(),
        "registered after the close: fired at once"
    );
    // Closing again fires nothing new, and the value still drains.
    assert!(!q.close());
    assert_eq!(q.pop(), Ok(1));
}

#[test]
fn cancel_on_close_wakes_a_thread_blocked_elsewhere() {
    let (tx, rx) = ringq::bounded::<u8>(1);
    let input = Queue::<u8>::new(1);
    let stop = CancelToken::new().child(); // a child: the parent stays alone
    tx.cancel_on_close(&stop);
    std::thread::scope(|s| {
        let blocked = s.spawn(|| input.pop_cancellable(&stop));
        std::thread::sleep(Duration::from_millis(20));
        drop(rx); // the last consumer closes the queue
        assert_eq!(blocked.join().unwrap(), Err(PopCancelError::Cancelled));
    });
    // The consumer side fires on the producers' close just the same.
    let (tx, rx) = ringq::bounded::<u8>(1);
    let writers_gone = CancelToken::new();
    rx.cancel_on_close(&writers_gone);
    drop(tx);
    assert!(writers_gone.is_cancelled());
}

#[test]
fn handles_move_into_catch_unwind() {
    // Compiles only with the handles `UnwindSafe`, as crossbeam's are.
    let (tx, rx) = ringq::bounded::<u8>(1);
    assert!(std::panic::catch_unwind(move || drop(rx)).is_ok());
    assert!(tx.is_closed());
}

#[test]
fn pop_errors_have_predicates_and_blocking_errors_convert() {
    assert!(TryPopError::Empty.is_empty() && !TryPopError::Empty.is_closed());
    assert!(TryPopError::Closed.is_closed() && !TryPopError::Closed.is_empty());
    assert!(PopTimeoutError::Timeout.is_timeout() && PopTimeoutError::Closed.is_closed());
    assert!(!PopTimeoutError::Closed.is_timeout() && !PopTimeoutError::Timeout.is_closed());
    assert!(PopCancelError::Cancelled.is_cancelled() && PopCancelError::Closed.is_closed());
    assert!(!PopCancelError::Closed.is_cancelled() && !PopCancelError::Cancelled.is_closed());
    assert_eq!(TryPopError::from(PopError), TryPopError::Closed);
    assert_eq!(PopTimeoutError::from(PopError), PopTimeoutError::Closed);
    assert_eq!(PopCancelError::from(PopError), PopCancelError::Closed);
    assert_eq!(TryPushError::from(PushError(1)), TryPushError::Closed(1));
    assert_eq!(
        PushTimeoutError::from(PushError(2)),
        PushTimeoutError::Closed(2)
    );
    assert_eq!(
        PushCancelError::from(PushError(3)),
        PushCancelError::Closed(3)
    );
    // `?` converts a blocking error into the caller's wider one.
    fn forward(q: &Queue<u8>) -> Result<u8, PopTimeoutError> {
        Ok(q.pop()?)
    }
    let q = Queue::new(1);
    q.close();
    assert_eq!(forward(&q), Err(PopTimeoutError::Closed));
}
