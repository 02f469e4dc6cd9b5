//! `Queue<T>`: the ring plus the two waiter lists, and every public operation.

// Without `std` the `Flavor` matches have one arm (no rendezvous): the same
// code serves both builds.
#![cfg_attr(not(feature = "std"), allow(clippy::infallible_destructuring_match))]

use core::fmt;
#[cfg(feature = "std")]
use core::ops::ControlFlow;
use core::panic::{RefUnwindSafe, UnwindSafe};
#[cfg(feature = "std")]
use std::time::{Duration, Instant};

use crossbeam_utils::CachePadded;

use crate::builder::Builder;
#[cfg(feature = "std")]
use crate::cancel::CancelToken;
use crate::capacity::CapacityError;
#[cfg(feature = "std")]
use crate::error::{PopCancelError, PopError, PopTimeoutError, PushCancelError, PushTimeoutError};
use crate::error::{PushError, TryPopError, TryPushError};
use crate::iter::TryIter;
#[cfg(feature = "std")]
use crate::iter::{CancellableIter, Iter};
#[cfg(feature = "std")]
use crate::on_close::{Closed, OnClose};
use crate::policy::WaitPolicy;
#[cfg(feature = "std")]
use crate::rendezvous::Zero;
use crate::ring::{Ring, Sides};
#[cfg(feature = "std")]
use crate::wait::{block, Until};
use crate::wait::{Check, Waker};

#[cfg(feature = "std")]
mod asynchronous;
mod batch;
mod reserve;

/// A bounded multi-producer multi-consumer queue.
///
/// Values go in at the tail and come out at the head in FIFO order (per
/// producer: values one thread pushes come out in the order it pushed them).
/// The non-blocking calls (`try_push`, `try_pop`, `force_push`) take no lock
/// and never allocate (see the crate docs on what a stalled thread can hold
/// up). The blocking calls spin briefly, then park
/// the thread until they can complete, the queue is closed, their deadline
/// passes or their [`CancelToken`] fires.
///
/// Share it by reference (for example with [`std::thread::scope`]) or in an
/// `Arc`; or use [`bounded`](crate::bounded) for `Producer`/`Consumer` handles
/// that close the queue when the last one of a side is dropped.
///
/// **Close** works like Go's `close` + `range`: after [`close`](Queue::close)
/// every push fails and hands its value back, while pops still return every
/// value pushed before the close, then report `Closed`.
///
/// # Examples
///
/// ```
/// use ringq::Queue;
/// use std::thread;
///
/// let q = Queue::new(16);
/// let sum: u64 = thread::scope(|s| {
///     s.spawn(|| {
///         for i in 1..=100 {
///             q.push(i).unwrap(); // blocks while full
///         }
///         q.close();
///     });
///     q.iter().sum() // pops until closed and drained
/// });
/// assert_eq!(sum, 5050);
/// ```
pub struct Queue<T> {
    flavor: Flavor<T>,
    /// Threads parked in a push, waiting for room; and threads in a
    /// [`Select`](crate::Select) with a push arm on this queue.
    pushers: CachePadded<Waker>,
    /// Threads parked in a pop, waiting for a value; and threads in a
    /// `Select` with a pop arm on this queue.
    poppers: CachePadded<Waker>,
    /// Tokens to cancel when the queue closes.
    #[cfg(feature = "std")]
    on_close: OnClose,
    /// How blocked calls wait.
    policy: WaitPolicy,
}

/// Where the values are: a ring of `capacity` slots, or no slots at all
/// (capacity 0, a rendezvous: `rendezvous.rs`). The ring's blocked calls
/// park in the queue's `Waker`s; a rendezvous's in its own lists, where a
/// partner can commit them.
// The ring stays inline (no indirection on the hot path); a rendezvous
// queue pays its ~300 unused bytes once per queue.
#[allow(clippy::large_enum_variant)]
enum Flavor<T> {
    Ring(Ring<T>),
    #[cfg(feature = "std")]
    Zero(Zero<T>),
}

/// Maps an `attempt` result to the blocking loop's control flow.
#[cfg(feature = "std")]
#[inline]
pub(crate) fn push_step<T>(result: Result<(), TryPushError<T>>) -> ControlFlow<Result<(), T>, T> {
    match result {
        Ok(()) => ControlFlow::Break(Ok(())),
        Err(TryPushError::Closed(v)) => ControlFlow::Break(Err(v)),
        Err(TryPushError::Full(v)) => ControlFlow::Continue(v),
    }
}

#[cfg(feature = "std")]
#[inline]
pub(crate) fn pop_step<T>(result: Result<T, TryPopError>) -> ControlFlow<Option<T>, ()> {
    match result {
        Ok(v) => ControlFlow::Break(Some(v)),
        Err(TryPopError::Closed) => ControlFlow::Break(None),
        Err(TryPopError::Empty) => ControlFlow::Continue(()),
    }
}

/// How a blocking push ended when it did not succeed. Each public push is
/// [`Queue::push_with`] and one `map_err` through the method below that
/// names its error type.
#[cfg(feature = "std")]
enum PushFail<T> {
    Closed(T),
    /// Timed out or cancelled, whichever the caller's `Until` allows.
    Stopped(T),
}

#[cfg(feature = "std")]
impl<T> PushFail<T> {
    fn into_push_error(self) -> PushError<T> {
        match self {
            PushFail::Closed(v) | PushFail::Stopped(v) => PushError(v),
        }
    }

    fn into_timeout_error(self) -> PushTimeoutError<T> {
        match self {
            PushFail::Closed(v) => PushTimeoutError::Closed(v),
            PushFail::Stopped(v) => PushTimeoutError::Timeout(v),
        }
    }

    fn into_cancel_error(self) -> PushCancelError<T> {
        match self {
            PushFail::Closed(v) => PushCancelError::Closed(v),
            PushFail::Stopped(v) => PushCancelError::Cancelled(v),
        }
    }
}

/// How a blocking pop ended when it did not succeed (see [`PushFail`]).
#[cfg(feature = "std")]
enum PopFail {
    Closed,
    /// Timed out or cancelled, whichever the caller's `Until` allows.
    Stopped,
}

#[cfg(feature = "std")]
impl PopFail {
    fn into_pop_error(self) -> PopError {
        PopError
    }

    fn into_timeout_error(self) -> PopTimeoutError {
        match self {
            PopFail::Closed => PopTimeoutError::Closed,
            PopFail::Stopped => PopTimeoutError::Timeout,
        }
    }

    fn into_cancel_error(self) -> PopCancelError {
        match self {
            PopFail::Closed => PopCancelError::Closed,
            PopFail::Stopped => PopCancelError::Cancelled,
        }
    }
}

/// `try_push` on a rendezvous queue, out of line so that the ring's
/// inlined fast path stays as small as it was (measured: without this the
/// single-thread push/pop rate dropped 10-25%).
#[cfg(feature = "std")]
#[cold]
#[inline(never)]
fn zero_try_push<T>(zero: &Zero<T>, value: T) -> Result<(), TryPushError<T>> {
    zero.try_push(value).map_err(|(closed, v)| match closed {
        true => TryPushError::Closed(v),
        false => TryPushError::Full(v),
    })
}

/// `try_pop` on a rendezvous queue (see [`zero_try_push`]).
#[cfg(feature = "std")]
#[cold]
#[inline(never)]
fn zero_try_pop<T>(zero: &Zero<T>) -> Result<T, TryPopError> {
    zero.try_pop().map_err(|closed| match closed {
        true => TryPopError::Closed,
        false => TryPopError::Empty,
    })
}

/// `now + timeout`, or no deadline when that overflows `Instant` (a timeout
/// that long is "forever").
#[cfg(feature = "std")]
fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

impl<T> Queue<T> {
    /// Creates a queue that holds up to `capacity` values.
    ///
    /// # Capacity 0: a rendezvous
    ///
    /// (With the `std` feature; without it capacity 0 is an error, see
    /// [`Queue::try_new`].)
    ///
    /// `Queue::new(0)` holds nothing (Go's unbuffered `make(chan T)`, std's
    /// `sync_channel(0)`): a `push` completes only when a popper has taken
    /// its value, and a `pop` only when a pusher hands it one. So
    /// `try_push` succeeds only while some thread is blocked in a pop (and
    /// gives `Full(value)` otherwise), `try_pop` only while some thread is
    /// blocked in a push, and `force_push` hands the value to a blocked
    /// popper or gives it back as `Ok(Some(value))` (the new value is the
    /// one displaced). A timed, cancelled or closed push hands its value
    /// back and no popper ever received it; one that returns `Ok` was
    /// received by exactly one popper. `capacity()` and `len()` are 0,
    /// `is_empty()` and `is_full()` both `true`. Blocked calls on a
    /// rendezvous queue always park (the [`WaitPolicy`] does not apply),
    /// and a blocked [`select!`](crate::select) arm counts as a blocked
    /// pusher or popper.
    ///
    /// ```
    /// use ringq::{Queue, TryPushError};
    /// use std::thread;
    ///
    /// let q = Queue::new(0);
    /// assert_eq!(q.try_push(1), Err(TryPushError::Full(1))); // nobody waits
    /// thread::scope(|s| {
    ///     s.spawn(|| q.push(2).unwrap()); // returns once the pop below took 2
    ///     assert_eq!(q.pop(), Ok(2));
    /// });
    /// ```
    ///
    /// # Memory
    ///
    /// All slots are allocated and stamped here, none later. A slot is a
    /// `usize` stamp next to a `T`, padded to the larger alignment of the
    /// two: `size_of::<usize>() + size_of::<T>()` rounded up, so 16 bytes
    /// for a `u8` or a `u64` and 32 for a `[u8; 24]` on 64-bit targets, plus
    /// a few hundred bytes for the queue itself. `Queue::<u64>::new(100_000_000)`
    /// took 1.5 GiB of resident memory and 3.4 s to build on this project's
    /// 2-vCPU machine (release build, 2026-11-30). For large `T`, queue a
    /// `Box<T>`.
    ///
    /// # Panics
    ///
    /// If `capacity` is above [`MAX_CAPACITY`](crate::MAX_CAPACITY) or its
    /// slots cannot be allocated. Use [`Queue::try_new`] to get an error
    /// instead.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<String>::new(8);
    /// assert_eq!(q.capacity(), 8);
    /// ```
    #[track_caller]
    pub fn new(capacity: usize) -> Queue<T> {
        match Queue::try_new(capacity) {
            Ok(q) => q,
            Err(e) => panic!("ringq::Queue::new: {e}"),
        }
    }

    /// Creates a queue that holds up to `capacity` values, or says why it
    /// cannot.
    ///
    /// # Errors
    ///
    /// [`CapacityError`] if `capacity` is above
    /// [`MAX_CAPACITY`](crate::MAX_CAPACITY) or its slots cannot be
    /// allocated. Never aborts on allocation failure. Capacity 0 is a
    /// rendezvous queue ([`Queue::new`]); without the `std` feature, where
    /// nothing can wait for a hand-off, it is a `CapacityError` saying so.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::Queue;
    ///
    /// assert!(Queue::<u8>::try_new(1).is_ok());
    /// assert!(Queue::<u8>::try_new(0).is_ok()); // a rendezvous
    /// assert!(Queue::<u8>::try_new(ringq::MAX_CAPACITY + 1).is_err());
    /// ```
    pub fn try_new(capacity: usize) -> Result<Queue<T>, CapacityError> {
        Queue::try_with(capacity, 0, WaitPolicy::default())
    }

    /// A [`Builder`] for a queue of `capacity` values with other settings
    /// (its [`WaitPolicy`]); `build()` makes a `Queue`, `bounded()` a
    /// `Producer`/`Consumer` pair.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{Queue, WaitPolicy};
    ///
    /// let q = Queue::<u64>::builder(64).wait(WaitPolicy::Park).build();
    /// q.push(7).unwrap();
    /// assert_eq!(q.pop(), Ok(7));
    /// ```
    pub fn builder(capacity: usize) -> Builder<T> {
        Builder::new(capacity)
    }

    /// Makes the queue, with the position counters starting
    /// `laps_before_wrap` laps below their wrap-around point (0: at 0).
    pub(crate) fn try_with(
        capacity: usize,
        laps_before_wrap: usize,
        policy: WaitPolicy,
    ) -> Result<Queue<T>, CapacityError> {
        // SAFETY: `Sides::MPMC` owns no side.
        unsafe { Queue::try_with_sides(capacity, laps_before_wrap, policy, Sides::MPMC) }
    }

    /// [`Queue::try_with`] with owned sides (the `spsc`, `mpsc` and `spmc`
    /// handles). A rendezvous queue (capacity 0) has no positions to own
    /// and ignores `sides`.
    ///
    /// # Safety
    ///
    /// As [`Ring::try_new`]: the caller must ensure that while the
    /// queue lives, an owned side's operations (`try_push`, `push*`,
    /// `force_push`, `*push_from*` and their futures for the push side;
    /// `try_pop`, `pop*`, `*pop_into*`, iterators and their futures for the
    /// pop side) never run on two threads at once, and that `force_push`
    /// is never called when the pop side is owned.
    pub(crate) unsafe fn try_with_sides(
        capacity: usize,
        laps_before_wrap: usize,
        policy: WaitPolicy,
        sides: Sides,
    ) -> Result<Queue<T>, CapacityError> {
        let flavor = match capacity {
            #[cfg(feature = "std")]
            0 => Flavor::Zero(Zero::new()),
            // Without `std` nothing can wait, so no hand-off could happen.
            #[cfg(not(feature = "std"))]
            0 => return Err(CapacityError::rendezvous()),
            // SAFETY: the caller's promise is `Ring::try_new`'s.
            _ => Flavor::Ring(unsafe { Ring::try_new(capacity, laps_before_wrap, sides) }?),
        };
        Ok(Queue {
            flavor,
            pushers: CachePadded::new(Waker::new()),
            poppers: CachePadded::new(Waker::new()),
            #[cfg(feature = "std")]
            on_close: OnClose::new(),
            policy,
        })
    }

    /// A queue whose counters wrap round `usize` within the first few laps.
    #[cfg(test)]
    pub(crate) fn new_near_wrap(capacity: usize) -> Queue<T> {
        Queue::try_with(capacity, 2, WaitPolicy::default()).expect("test capacity")
    }

    /// How this queue's blocked calls wait ([`Queue::builder`]).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(ringq::Queue::<u8>::new(1).wait_policy(), ringq::WaitPolicy::Adaptive);
    /// ```
    pub fn wait_policy(&self) -> WaitPolicy {
        self.policy
    }

    /// The most values the queue can hold.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(ringq::Queue::<()>::new(3).capacity(), 3);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        match &self.flavor {
            Flavor::Ring(ring) => ring.capacity(),
            #[cfg(feature = "std")]
            Flavor::Zero(_) => 0,
        }
    }

    /// The ring, unless this is a rendezvous queue.
    #[inline]
    pub(crate) fn ring(&self) -> Option<&Ring<T>> {
        match &self.flavor {
            Flavor::Ring(ring) => Some(ring),
            #[cfg(feature = "std")]
            Flavor::Zero(_) => None,
        }
    }

    /// The rendezvous state, if this is a capacity-0 queue.
    #[cfg(feature = "std")]
    #[inline]
    pub(crate) fn zero(&self) -> Option<&Zero<T>> {
        match &self.flavor {
            Flavor::Ring(_) => None,
            #[cfg(feature = "std")]
            Flavor::Zero(zero) => Some(zero),
        }
    }

    /// The waiter list of threads waiting to push (`pushers`) or to pop.
    #[cfg(feature = "std")]
    pub(crate) fn wakers(&self) -> (&Waker, &Waker) {
        (&self.pushers, &self.poppers)
    }

    /// The number of values in the queue.
    ///
    /// Other threads may change it before the caller looks at the result, so
    /// use it for monitoring, not to decide whether a push will succeed.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::new(3);
    /// q.push(1).unwrap();
    /// q.push(2).unwrap();
    /// assert_eq!(q.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.ring().map_or(0, Ring::len)
    }

    /// Whether the queue holds no values (racy, like [`Queue::len`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::new(3);
    /// assert!(q.is_empty());
    /// q.push(1).unwrap();
    /// assert!(!q.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the queue holds `capacity()` values (racy, like
    /// [`Queue::len`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::new(1);
    /// q.push(1).unwrap();
    /// assert!(q.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.len() == self.capacity()
    }

    /// Whether [`Queue::close`] has been called. Once `true`, it stays `true`.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u8>::new(1);
    /// assert!(!q.is_closed());
    /// q.close();
    /// assert!(q.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        match &self.flavor {
            Flavor::Ring(ring) => ring.is_closed(),
            #[cfg(feature = "std")]
            Flavor::Zero(zero) => zero.is_closed(),
        }
    }

    /// Closes the queue: from now on every push fails and hands its value
    /// back, while pops drain what is queued and then report `Closed`. Wakes
    /// every parked thread. Returns `true` if this call closed it, `false` if
    /// it was already closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{PopError, PushError, Queue};
    ///
    /// let q = Queue::new(4);
    /// q.push(1).unwrap();
    /// assert!(q.close());
    /// assert!(!q.close()); // idempotent
    /// assert_eq!(q.push(2), Err(PushError(2)));
    /// assert_eq!(q.pop(), Ok(1));
    /// assert_eq!(q.pop(), Err(PopError));
    /// ```
    pub fn close(&self) -> bool {
        let closed_now = match &self.flavor {
            Flavor::Ring(ring) => ring.close(),
            #[cfg(feature = "std")]
            Flavor::Zero(zero) => zero.close(),
        };
        if !closed_now {
            return false;
        }
        self.pushers.notify_all();
        self.poppers.notify_all();
        #[cfg(feature = "std")]
        self.on_close.fire();
        true
    }

    /// Cancels `token` when the queue closes, whoever closes it (a
    /// [`close`](Self::close) call or the last handle of a side going
    /// away); at once if it is already closed.
    ///
    /// This lets a thread that is blocked on something else notice that
    /// this queue closed: a pipeline stage waiting on its input can stop as
    /// soon as the reader of its output is gone (tokio's
    /// `Sender::closed()` serves the same need). Register a
    /// [`child`](CancelToken::child) of your own token to keep the two
    /// reasons apart. Each registration holds a clone of the token until the
    /// queue closes or is dropped.
    ///
    /// # Examples
    ///
    /// A worker blocked on its input stops when its output's reader leaves:
    ///
    /// ```
    /// use ringq::{bounded, CancelToken};
    /// use std::thread;
    ///
    /// let (_in_tx, in_rx) = bounded::<u32>(4); // nothing ever arrives
    /// let (out_tx, out_rx) = bounded::<u32>(4);
    /// let stop = CancelToken::new();
    /// out_tx.cancel_on_close(&stop);
    /// let worker = thread::spawn(move || {
    ///     while let Ok(v) = in_rx.pop_cancellable(&stop) {
    ///         if out_tx.push(v * 2).is_err() {
    ///             break;
    ///         }
    ///     }
    /// });
    /// drop(out_rx); // the last consumer closes the output, which fires `stop`
    /// worker.join().unwrap();
    /// ```
    #[cfg(feature = "std")]
    pub fn cancel_on_close(&self, token: &CancelToken) {
        self.on_close.register(token);
    }

    /// Blocks until the queue is closed (by [`close`](Self::close) or the
    /// last handle of a side going away): what a producer that waits on
    /// something else calls to learn that its readers are gone (tokio's
    /// `Sender::closed`, crossbeam's disconnect). Returns at once if it is
    /// closed already; values still queued do not delay it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::thread;
    ///
    /// let (tx, rx) = ringq::bounded::<u32>(4);
    /// let reader = thread::spawn(move || drop(rx)); // the reader leaves
    /// tx.wait_closed();
    /// assert!(tx.is_closed());
    /// reader.join().unwrap();
    /// ```
    #[cfg(feature = "std")]
    pub fn wait_closed(&self) {
        self.on_close.signal().wait();
    }

    /// [`wait_closed`](Self::wait_closed) for at most `timeout`: `true` if
    /// the queue closed, `false` if the time ran out first. A timeout too
    /// large for `Instant` waits without a limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let q = ringq::Queue::<u8>::new(1);
    /// assert!(!q.wait_closed_timeout(Duration::from_millis(1)));
    /// q.close();
    /// assert!(q.wait_closed_timeout(Duration::from_millis(1)));
    /// ```
    #[cfg(feature = "std")]
    pub fn wait_closed_timeout(&self, timeout: Duration) -> bool {
        self.on_close.signal().wait_timeout(timeout)
    }

    /// A future that resolves once the queue is closed: the async
    /// [`wait_closed`](Self::wait_closed) (tokio's `Sender::closed`). No
    /// runtime needed; any number may wait at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::thread;
    ///
    /// let q = ringq::Queue::<u8>::new(1);
    /// thread::scope(|s| {
    ///     s.spawn(|| q.close());
    ///     pollster::block_on(q.closed());
    /// });
    /// assert!(q.is_closed());
    /// ```
    #[cfg(feature = "std")]
    pub fn closed(&self) -> Closed<'_> {
        Closed::new(&self.on_close)
    }

    /// Pushes `value` if there is room, without blocking.
    ///
    /// # Errors
    ///
    /// [`TryPushError::Full`] if the queue is full, [`TryPushError::Closed`]
    /// if it is closed; either way the value comes back.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{Queue, TryPushError};
    ///
    /// let q = Queue::new(1);
    /// assert_eq!(q.try_push(1), Ok(()));
    /// assert_eq!(q.try_push(2), Err(TryPushError::Full(2)));
    /// ```
    // `always`: see `try_pop`.
    #[inline(always)]
    pub fn try_push(&self, value: T) -> Result<(), TryPushError<T>> {
        // `Recheck`: "full" only if no pop is between its claim and its
        // release of the slot (`ring.rs`'s `Check`).
        self.try_push_as(value, Check::Recheck)
    }

    /// [`Queue::try_push`] with the verdict `check` asks for (a blocked
    /// call's re-check needs the exact one, `ring.rs`'s `Check`).
    #[inline(always)]
    pub(crate) fn try_push_as(&self, value: T, check: Check) -> Result<(), TryPushError<T>> {
        match &self.flavor {
            Flavor::Ring(ring) => {
                ring.try_push(value, check)?;
                self.poppers.notify_claimed(1, ring.owned_push());
                Ok(())
            }
            #[cfg(feature = "std")]
            Flavor::Zero(zero) => zero_try_push(zero, value),
        }
    }

    /// Pushes `value`, blocking while the queue is full.
    ///
    /// # Errors
    ///
    /// [`PushError`] with the value if the queue is closed (before the call,
    /// or while it waits).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::Queue;
    /// use std::thread;
    ///
    /// let q = Queue::new(1);
    /// q.push(1).unwrap();
    /// thread::scope(|s| {
    ///     s.spawn(|| q.push(2).unwrap()); // waits for room
    ///     assert_eq!(q.pop(), Ok(1));
    /// });
    /// assert_eq!(q.pop(), Ok(2));
    /// ```
    #[cfg(feature = "std")]
    #[inline]
    pub fn push(&self, value: T) -> Result<(), PushError<T>> {
        self.push_with(value, Until::FOREVER)
            .map_err(PushFail::into_push_error)
    }

    /// Pushes `value`, blocking while the queue is full for at most
    /// `timeout`.
    ///
    /// Under `--cfg loom` there is no clock: a timed push that finds the
    /// queue full makes one more full attempt and then times out.
    ///
    /// # Errors
    ///
    /// [`PushTimeoutError::Timeout`] if the queue stayed full,
    /// [`PushTimeoutError::Closed`] if it is closed; either way the value
    /// comes back and was not enqueued.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{PushTimeoutError, Queue};
    /// use std::time::Duration;
    ///
    /// let q = Queue::new(1);
    /// assert_eq!(q.push_timeout(1, Duration::from_secs(1)), Ok(()));
    /// assert_eq!(
    ///     q.push_timeout(2, Duration::from_millis(5)),
    ///     Err(PushTimeoutError::Timeout(2))
    /// );
    /// ```
    #[cfg(feature = "std")]
    pub fn push_timeout(&self, value: T, timeout: Duration) -> Result<(), PushTimeoutError<T>> {
        self.push_until(value, deadline_after(timeout))
    }

    /// Pushes `value`, blocking while the queue is full until `deadline` at
    /// the latest. A deadline in the past still tries once.
    ///
    /// # Errors
    ///
    /// As [`Queue::push_timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{PushTimeoutError, Queue};
    /// use std::time::{Duration, Instant};
    ///
    /// let q = Queue::new(1);
    /// let deadline = Instant::now() + Duration::from_millis(5);
    /// assert_eq!(q.push_deadline('a', deadline), Ok(()));
    /// assert_eq!(q.push_deadline('b', deadline), Err(PushTimeoutError::Timeout('b')));
    /// ```
    #[cfg(feature = "std")]
    pub fn push_deadline(&self, value: T, deadline: Instant) -> Result<(), PushTimeoutError<T>> {
        self.push_until(value, Some(deadline))
    }

    #[cfg(feature = "std")]
    fn push_until(&self, value: T, deadline: Option<Instant>) -> Result<(), PushTimeoutError<T>> {
        let until = Until {
            deadline,
            token: None,
        };
        self.push_with(value, until)
            .map_err(PushFail::into_timeout_error)
    }

    /// Pushes `value`, blocking while the queue is full until `token` is
    /// cancelled.
    ///
    /// A token already cancelled at call time returns `Cancelled` without
    /// touching the queue. A token cancelled while the call waits makes it
    /// return promptly, unless the push completed first.
    ///
    /// # Errors
    ///
    /// [`PushCancelError::Cancelled`] if the token fired first (the value was
    /// not enqueued), [`PushCancelError::Closed`] if the queue is closed;
    /// either way the value comes back.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{CancelToken, PushCancelError, Queue};
    /// use std::thread;
    ///
    /// let q = Queue::new(1);
    /// q.push(0).unwrap();
    /// let token = CancelToken::new();
    /// thread::scope(|s| {
    ///     let blocked = s.spawn(|| q.push_cancellable(1, &token));
    ///     token.cancel();
    ///     assert_eq!(blocked.join().unwrap(), Err(PushCancelError::Cancelled(1)));
    /// });
    /// assert_eq!(q.len(), 1);
    /// ```
    #[cfg(feature = "std")]
    pub fn push_cancellable(
        &self,
        value: T,
        token: &CancelToken,
    ) -> Result<(), PushCancelError<T>> {
        let until = Until {
            deadline: None,
            token: Some(token),
        };
        self.push_with(value, until)
            .map_err(PushFail::into_cancel_error)
    }

    /// The one blocking push every public one maps its error from: a
    /// cancelled token refuses at once; otherwise the inlined fast path
    /// (`try_push`), and the cold slow path only when the ring is full.
    #[cfg(feature = "std")]
    #[inline]
    fn push_with(&self, value: T, until: Until<'_>) -> Result<(), PushFail<T>> {
        if until.token.is_some_and(CancelToken::is_cancelled) {
            return Err(PushFail::Stopped(value));
        }
        // A poll: the blocking loop below ends with the exact verdict.
        match self.try_push_as(value, Check::Poll) {
            Ok(()) => Ok(()),
            Err(TryPushError::Closed(v)) => Err(PushFail::Closed(v)),
            Err(TryPushError::Full(v)) => self.push_slow(v, until),
        }
    }

    /// A blocking push within `until`, for `select!`: `Err` with the value
    /// when closed or stopped.
    #[cfg(feature = "std")]
    pub(crate) fn push_within(&self, value: T, until: Until<'_>) -> Result<(), T> {
        self.push_with(value, until).map_err(|e| match e {
            PushFail::Closed(v) | PushFail::Stopped(v) => v,
        })
    }

    /// The blocking part of every push: `value` did not fit on the first try.
    #[cfg(feature = "std")]
    #[cold]
    fn push_slow(&self, value: T, until: Until<'_>) -> Result<(), PushFail<T>> {
        let waited = match &self.flavor {
            Flavor::Ring(_) => block(&self.pushers, self.policy, value, until, |v, check| {
                push_step(self.try_push_as(v, check))
            }),
            #[cfg(feature = "std")]
            Flavor::Zero(zero) => zero.push(value, until, &self.poppers),
        };
        match waited {
            Ok(Ok(())) => Ok(()),
            Ok(Err(v)) => Err(PushFail::Closed(v)),
            Err((_, v)) => Err(PushFail::Stopped(v)),
        }
    }

    /// Pushes `value` without blocking; if the queue is full, the oldest value
    /// is removed to make room and returned (a ring buffer that overwrites).
    ///
    /// On a rendezvous queue (capacity 0) nothing is stored: the value goes
    /// to a popper blocked at that moment (`Ok(None)`), and if none is, the
    /// new value itself is the one displaced: `Ok(Some(value))`.
    ///
    /// # Errors
    ///
    /// [`PushError`] with the value if the queue is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::new(2);
    /// assert_eq!(q.force_push(1), Ok(None));
    /// assert_eq!(q.force_push(2), Ok(None));
    /// assert_eq!(q.force_push(3), Ok(Some(1))); // 1 was displaced
    /// assert_eq!(q.pop(), Ok(2));
    /// assert_eq!(q.pop(), Ok(3));
    ///
    /// let rendezvous = ringq::Queue::new(0);
    /// assert_eq!(rendezvous.force_push(4), Ok(Some(4))); // nobody waited
    /// ```
    pub fn force_push(&self, value: T) -> Result<Option<T>, PushError<T>> {
        let ring = match &self.flavor {
            Flavor::Ring(ring) => ring,
            #[cfg(feature = "std")]
            Flavor::Zero(zero) => return zero.force_push(value).map_err(PushError),
        };
        let displaced = ring.force_push(value).map_err(PushError)?;
        // A value went in either way; wake a popper if one is parked.
        self.poppers.notify_claimed(1, ring.owned_push());
        Ok(displaced)
    }

    /// Pops the oldest value if there is one, without blocking.
    ///
    /// # Errors
    ///
    /// [`TryPopError::Empty`] if the queue is empty and open,
    /// [`TryPopError::Closed`] if it is closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{Queue, TryPopError};
    ///
    /// let q = Queue::new(2);
    /// q.push(7).unwrap();
    /// assert_eq!(q.try_pop(), Ok(7));
    /// assert_eq!(q.try_pop(), Err(TryPopError::Empty));
    /// ```
    // `always`: with the rendezvous branch the compiler stopped inlining
    // this into callers' loops, which cost 15-25% of the single-thread
    // push/pop rate (`compare --scenario uncontended`, 2026-11-30).
    #[inline(always)]
    pub fn try_pop(&self) -> Result<T, TryPopError> {
        // `Recheck`: "empty" only if no push is between its claim and its
        // stamp of the slot (`ring.rs`'s `Check`).
        self.try_pop_as(Check::Recheck)
    }

    /// [`Queue::try_pop`] with the verdict `check` asks for (see
    /// [`Queue::try_push_as`]).
    #[inline(always)]
    pub(crate) fn try_pop_as(&self, check: Check) -> Result<T, TryPopError> {
        match &self.flavor {
            Flavor::Ring(ring) => {
                let value =
                    ring.try_pop(check, || self.pushers.notify_claimed(1, ring.owned_pop()))?;
                self.pushers.notify_claimed(1, ring.owned_pop());
                Ok(value)
            }
            #[cfg(feature = "std")]
            Flavor::Zero(zero) => zero_try_pop(zero),
        }
    }

    /// Pops the oldest value, blocking while the queue is empty and open.
    ///
    /// # Errors
    ///
    /// [`PopError`] once the queue is closed and every value pushed before the
    /// close has been popped.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::Queue;
    /// use std::thread;
    ///
    /// let q = Queue::new(4);
    /// thread::scope(|s| {
    ///     let consumer = s.spawn(|| q.pop());
    ///     q.push("hello").unwrap();
    ///     assert_eq!(consumer.join().unwrap(), Ok("hello"));
    /// });
    /// ```
    #[cfg(feature = "std")]
    #[inline]
    pub fn pop(&self) -> Result<T, PopError> {
        self.pop_with(Until::FOREVER)
            .map_err(PopFail::into_pop_error)
    }

    /// Pops the oldest value, blocking while the queue is empty and open for
    /// at most `timeout`.
    ///
    /// Under `--cfg loom` there is no clock: a timed pop that finds the queue
    /// empty makes one more full attempt and then times out.
    ///
    /// # Errors
    ///
    /// [`PopTimeoutError::Timeout`] if no value arrived in time (none was
    /// taken), [`PopTimeoutError::Closed`] if the queue is closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{PopTimeoutError, Queue};
    /// use std::time::Duration;
    ///
    /// let q = Queue::new(1);
    /// assert_eq!(q.pop_timeout(Duration::from_millis(5)), Err::<u8, _>(PopTimeoutError::Timeout));
    /// q.push(1).unwrap();
    /// assert_eq!(q.pop_timeout(Duration::from_secs(1)), Ok(1));
    /// ```
    #[cfg(feature = "std")]
    pub fn pop_timeout(&self, timeout: Duration) -> Result<T, PopTimeoutError> {
        self.pop_until(deadline_after(timeout))
    }

    /// Pops the oldest value, blocking while the queue is empty and open until
    /// `deadline` at the latest. A deadline in the past still tries once.
    ///
    /// # Errors
    ///
    /// As [`Queue::pop_timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{PopTimeoutError, Queue};
    /// use std::time::Instant;
    ///
    /// let q = Queue::<u8>::new(1);
    /// assert_eq!(q.pop_deadline(Instant::now()), Err(PopTimeoutError::Timeout));
    /// ```
    #[cfg(feature = "std")]
    pub fn pop_deadline(&self, deadline: Instant) -> Result<T, PopTimeoutError> {
        self.pop_until(Some(deadline))
    }

    #[cfg(feature = "std")]
    fn pop_until(&self, deadline: Option<Instant>) -> Result<T, PopTimeoutError> {
        let until = Until {
            deadline,
            token: None,
        };
        self.pop_with(until).map_err(PopFail::into_timeout_error)
    }

    /// Pops the oldest value, blocking while the queue is empty and open until
    /// `token` is cancelled.
    ///
    /// A token already cancelled at call time returns `Cancelled` without
    /// touching the queue. A token cancelled while the call waits makes it
    /// return promptly, unless a value was popped first.
    ///
    /// # Errors
    ///
    /// [`PopCancelError::Cancelled`] if the token fired first (no value was
    /// taken), [`PopCancelError::Closed`] if the queue is closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{CancelToken, Queue};
    ///
    /// let q = Queue::new(1);
    /// q.push(5).unwrap();
    /// assert_eq!(q.pop_cancellable(&CancelToken::new()), Ok(5));
    /// ```
    #[cfg(feature = "std")]
    pub fn pop_cancellable(&self, token: &CancelToken) -> Result<T, PopCancelError> {
        let until = Until {
            deadline: None,
            token: Some(token),
        };
        self.pop_with(until).map_err(PopFail::into_cancel_error)
    }

    /// The one blocking pop every public one maps its error from (see
    /// [`Queue::push_with`]).
    #[cfg(feature = "std")]
    #[inline]
    fn pop_with(&self, until: Until<'_>) -> Result<T, PopFail> {
        if until.token.is_some_and(CancelToken::is_cancelled) {
            return Err(PopFail::Stopped);
        }
        // A poll: the blocking loop below ends with the exact verdict.
        match self.try_pop_as(Check::Poll) {
            Ok(v) => Ok(v),
            Err(TryPopError::Closed) => Err(PopFail::Closed),
            Err(TryPopError::Empty) => self.pop_slow(until),
        }
    }

    /// The blocking part of every pop: the queue was empty on the first try.
    #[cfg(feature = "std")]
    #[cold]
    fn pop_slow(&self, until: Until<'_>) -> Result<T, PopFail> {
        let waited = match &self.flavor {
            Flavor::Ring(_) => block(&self.poppers, self.policy, (), until, |(), check| {
                pop_step(self.try_pop_as(check))
            })
            .map_err(|(stop, ())| stop),
            #[cfg(feature = "std")]
            Flavor::Zero(zero) => zero.pop(until, &self.pushers),
        };
        match waited {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(PopFail::Closed),
            Err(_) => Err(PopFail::Stopped),
        }
    }

    /// A blocking iterator: yields values until the queue is closed and
    /// drained (Go's `for v := range ch`).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::new(4);
    /// q.push(1).unwrap();
    /// q.push(2).unwrap();
    /// q.close();
    /// assert_eq!(q.iter().collect::<Vec<_>>(), [1, 2]);
    /// ```
    #[cfg(feature = "std")]
    pub fn iter(&self) -> Iter<'_, T> {
        Iter::new(self)
    }

    /// A non-blocking iterator: yields the values that can be popped now, and
    /// stops at the first `Empty` or `Closed`.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::new(4);
    /// q.push(1).unwrap();
    /// q.push(2).unwrap();
    /// assert_eq!(q.try_iter().collect::<Vec<_>>(), [1, 2]);
    /// assert!(!q.is_closed()); // still open; the iterator just stopped
    /// ```
    pub fn try_iter(&self) -> TryIter<'_, T> {
        TryIter::new(self)
    }

    /// A blocking iterator that pops until the queue is closed and drained
    /// or `token` is cancelled (a consumer loop that stops on Go's
    /// `ctx.Done()`).
    ///
    /// # Examples
    ///
    /// See [`CancellableIter`].
    #[cfg(feature = "std")]
    pub fn iter_cancellable<'a>(&'a self, token: &'a CancelToken) -> CancellableIter<'a, T> {
        CancellableIter::new(self, token)
    }
}

// The queue is consistent at every point where a panic can leave one of its
// methods: the only caller code ringq runs is `T`'s `Drop` (when the queue
// is dropped, and when the last `Consumer` discards what is left, under
// `catch_unwind`), and every other panic a method can raise comes before it
// touches shared state (capacity checks in the constructors). A value is
// moved in or out whole, never half-written. So observing a queue after a
// caught panic shows a valid queue, as for crossbeam-channel's handles,
// whatever `T` is.
impl<T> UnwindSafe for Queue<T> {}
impl<T> RefUnwindSafe for Queue<T> {}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue")
            .field("capacity", &self.capacity())
            .field("len", &self.len())
            .field("closed", &self.is_closed())
            .finish()
    }
}

#[cfg(feature = "std")]
impl<'a, T> IntoIterator for &'a Queue<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}
