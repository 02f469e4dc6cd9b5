//! `Producer` / `Consumer` handles: one shared queue, two sides, and "the last
//! handle of a side to go closes it".

use std::any::Any;
use std::fmt;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe, RefUnwindSafe, UnwindSafe};
use std::time::{Duration, Instant};

use crate::cancel::CancelToken;
use crate::capacity::CapacityError;
use crate::error::{
    PopCancelError, PopError, PopTimeoutError, PushCancelError, PushError, PushTimeoutError,
    TryPopError, TryPushError,
};
use crate::future::Registration;
use crate::iter::{CancellableIter, IntoIter, Iter, TryIter};
use crate::queue::Queue;
use crate::sync::{Arc, AtomicUsize, Ordering};

mod asynchronous;
mod batch;
#[cfg(feature = "stream")]
mod stream;

/// What both sides share.
struct Shared<T> {
    queue: Queue<T>,
    producers: AtomicUsize,
    consumers: AtomicUsize,
}

/// Creates a queue of `capacity` values and returns its two sides.
///
/// Both handles are `Clone`. Dropping the last [`Producer`] closes the queue
/// (consumers drain what is left, then see `Closed`); dropping the last
/// [`Consumer`] closes it too (producers get their value back instead of
/// blocking forever) and drops the values still queued at once, as
/// crossbeam-channel does: nobody can receive them, and a value that owns
/// the other end of some channel (a request carrying its reply `Producer`)
/// must let that end see the close. If such a value's `Drop` panics, the
/// rest are still dropped and the panic resumes from the consumer's drop.
///
/// # Panics
///
/// Like [`Queue::new`]: if `capacity` is too large or cannot be
/// allocated. [`try_bounded`] returns an error instead.
///
/// # Examples
///
/// ```
/// use std::thread;
///
/// let (tx, rx) = ringq::bounded(8);
/// let producer = thread::spawn(move || {
///     for i in 0..100 {
///         tx.push(i).unwrap();
///     }
///     // `tx` dropped here: the queue closes
/// });
/// let received: Vec<i32> = rx.into_iter().collect();
/// producer.join().unwrap();
/// assert_eq!(received, (0..100).collect::<Vec<_>>());
/// ```
#[track_caller]
#[must_use = "dropping both handles closes the queue at once"]
pub fn bounded<T>(capacity: usize) -> (Producer<T>, Consumer<T>) {
    match try_bounded(capacity) {
        Ok(pair) => pair,
        Err(e) => panic!("ringq::bounded: {e}"),
    }
}

/// Like [`bounded`], but returns an error for a bad capacity.
///
/// # Errors
///
/// [`CapacityError`] if `capacity` is above
/// [`MAX_CAPACITY`](crate::MAX_CAPACITY) or cannot be allocated. Capacity 0
/// makes a rendezvous queue (see [`Queue::new`]).
///
/// # Examples
///
/// ```
/// assert!(ringq::try_bounded::<u8>(ringq::MAX_CAPACITY + 1).is_err());
/// let (tx, rx) = ringq::try_bounded(1).unwrap();
/// tx.push(1).unwrap();
/// assert_eq!(rx.pop(), Ok(1));
/// ```
pub fn try_bounded<T>(capacity: usize) -> Result<(Producer<T>, Consumer<T>), CapacityError> {
    Queue::try_new(capacity).map(from_queue)
}

/// The two sides of a new queue (one handle each).
pub(crate) fn from_queue<T>(queue: Queue<T>) -> (Producer<T>, Consumer<T>) {
    let shared = Arc::new(Shared {
        queue,
        producers: AtomicUsize::new(1),
        consumers: AtomicUsize::new(1),
    });
    (
        Producer {
            shared: shared.clone(),
        },
        Consumer {
            shared,
            stream: Registration::new(),
        },
    )
}

/// Adds a handle to a side's count.
fn acquire(count: &AtomicUsize) {
    // Relaxed: a new handle is made from an existing one, which keeps the
    // count above zero meanwhile; nothing is published by the increment (the
    // same argument as `Arc::clone`).
    count.fetch_add(1, Ordering::Relaxed);
}

/// Removes a handle from a side's count; closes the queue when it was the
/// last, and then returns `true`.
fn release<T>(count: &AtomicUsize, queue: &Queue<T>) -> bool {
    // AcqRel: the last handle's close must come after every other handle of
    // that side finished its calls (their decrements Release, ours Acquires),
    // so a push made just before a producer's drop is never "after" the close.
    if count.fetch_sub(1, Ordering::AcqRel) == 1 {
        queue.close();
        return true;
    }
    false
}

/// Drops every value left in `queue`, which is closed and has no consumer
/// left (so nothing else pops, and no push can add more).
///
/// A value whose `Drop` panics does not stop the others from being dropped:
/// each drop runs under `catch_unwind`, and the first panic resumes once
/// all are dropped, unless this thread is already unwinding, when it is
/// discarded (a second panic would abort). The payload of a second panic,
/// and a payload whose own drop panics, is leaked rather than dropped.
fn discard_queued<T>(queue: &Queue<T>) {
    fn drop_caught<V>(v: V) -> Option<Box<dyn Any + Send>> {
        // AssertUnwindSafe: the value is gone either way, and nothing else
        // is borrowed by its drop.
        catch_unwind(AssertUnwindSafe(move || drop(v))).err()
    }
    let mut first = None;
    while let Ok(v) = queue.try_pop() {
        if let Some(payload) = drop_caught(v) {
            match first {
                None => first = Some(payload),
                Some(_) => std::mem::forget(payload),
            }
        }
    }
    if let Some(payload) = first {
        if std::thread::panicking() {
            if let Some(again) = drop_caught(payload) {
                std::mem::forget(again);
            }
        } else {
            resume_unwind(payload);
        }
    }
}

/// The sending side of a [`bounded`] queue.
///
/// Its methods behave exactly like the [`Queue`] methods of the same name.
///
/// # Examples
///
/// ```
/// let (tx, rx) = ringq::bounded(2);
/// let tx2 = tx.clone();
/// tx.push(1).unwrap();
/// tx2.push(2).unwrap();
/// drop((tx, tx2));
/// assert_eq!(rx.iter().collect::<Vec<_>>(), [1, 2]);
/// ```
pub struct Producer<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Producer<T> {
    /// The queue behind the handle (for `Select`).
    pub(crate) fn queue(&self) -> &Queue<T> {
        &self.shared.queue
    }

    /// See [`Queue::push`].
    ///
    /// # Errors
    ///
    /// [`PushError`] with the value if the queue is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded(1);
    /// tx.push(1).unwrap();
    /// drop(rx); // the last consumer closes the queue
    /// assert_eq!(tx.push(2), Err(ringq::PushError(2)));
    /// ```
    #[inline]
    pub fn push(&self, value: T) -> Result<(), PushError<T>> {
        self.shared.queue.push(value)
    }

    /// See [`Queue::try_push`].
    ///
    /// # Errors
    ///
    /// [`TryPushError::Full`] or [`TryPushError::Closed`], with the value.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded(1);
    /// assert!(tx.try_push(1).is_ok());
    /// assert!(tx.try_push(2).unwrap_err().is_full());
    /// ```
    #[inline]
    pub fn try_push(&self, value: T) -> Result<(), TryPushError<T>> {
        self.shared.queue.try_push(value)
    }

    /// See [`Queue::push_timeout`].
    ///
    /// # Errors
    ///
    /// [`PushTimeoutError::Timeout`] or [`PushTimeoutError::Closed`], with the
    /// value.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let (tx, _rx) = ringq::bounded(1);
    /// tx.push(1).unwrap();
    /// assert!(tx.push_timeout(2, Duration::from_millis(1)).unwrap_err().is_timeout());
    /// ```
    pub fn push_timeout(&self, value: T, timeout: Duration) -> Result<(), PushTimeoutError<T>> {
        self.shared.queue.push_timeout(value, timeout)
    }

    /// See [`Queue::push_deadline`].
    ///
    /// # Errors
    ///
    /// As [`Producer::push_timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Instant;
    /// let (tx, _rx) = ringq::bounded(1);
    /// assert!(tx.push_deadline(1, Instant::now()).is_ok()); // room: succeeds
    /// ```
    pub fn push_deadline(&self, value: T, deadline: Instant) -> Result<(), PushTimeoutError<T>> {
        self.shared.queue.push_deadline(value, deadline)
    }

    /// See [`Queue::push_cancellable`].
    ///
    /// # Errors
    ///
    /// [`PushCancelError::Cancelled`] or [`PushCancelError::Closed`], with the
    /// value.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded(1);
    /// let token = ringq::CancelToken::new();
    /// assert!(tx.push_cancellable(1, &token).is_ok());
    /// ```
    pub fn push_cancellable(
        &self,
        value: T,
        token: &CancelToken,
    ) -> Result<(), PushCancelError<T>> {
        self.shared.queue.push_cancellable(value, token)
    }

    /// See [`Queue::force_push`].
    ///
    /// # Errors
    ///
    /// [`PushError`] with the value if the queue is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded(1);
    /// tx.push(1).unwrap();
    /// assert_eq!(tx.force_push(2), Ok(Some(1)));
    /// ```
    pub fn force_push(&self, value: T) -> Result<Option<T>, PushError<T>> {
        self.shared.queue.force_push(value)
    }

    /// See [`Queue::close`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// assert!(tx.close());
    /// assert!(rx.is_closed());
    /// ```
    pub fn close(&self) -> bool {
        self.shared.queue.close()
    }

    /// See [`Queue::cancel_on_close`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// let reader_gone = ringq::CancelToken::new();
    /// tx.cancel_on_close(&reader_gone);
    /// drop(rx); // the last consumer closes the queue
    /// assert!(reader_gone.is_cancelled());
    /// ```
    pub fn cancel_on_close(&self, token: &CancelToken) {
        self.shared.queue.cancel_on_close(token);
    }

    /// See [`Queue::is_closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.queue.is_closed()
    }

    /// See [`Queue::len`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded(2);
    /// tx.push(1).unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.shared.queue.len()
    }

    /// See [`Queue::is_empty`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded::<u8>(2);
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.shared.queue.is_empty()
    }

    /// See [`Queue::is_full`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded(1);
    /// tx.push(1).unwrap();
    /// assert!(tx.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.shared.queue.is_full()
    }

    /// See [`Queue::capacity`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded::<u8>(5);
    /// assert_eq!(tx.capacity(), 5);
    /// ```
    pub fn capacity(&self) -> usize {
        self.shared.queue.capacity()
    }
}

impl<T> Clone for Producer<T> {
    fn clone(&self) -> Producer<T> {
        acquire(&self.shared.producers);
        Producer {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Producer<T> {
    /// The last producer closes the queue; consumers drain what is left.
    fn drop(&mut self) {
        release(&self.shared.producers, &self.shared.queue);
    }
}

impl<T> fmt::Debug for Producer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("queue", &self.shared.queue)
            .finish()
    }
}

/// The receiving side of a [`bounded`] queue.
///
/// Its methods behave exactly like the [`Queue`] methods of the same name.
/// `for v in &consumer` and `for v in consumer` pop until the queue is closed
/// and drained.
///
/// # Examples
///
/// ```
/// let (tx, rx) = ringq::bounded(4);
/// tx.push(1).unwrap();
/// tx.push(2).unwrap();
/// drop(tx);
/// let mut got = Vec::new();
/// for v in &rx {
///     got.push(v);
/// }
/// assert_eq!(got, [1, 2]);
/// ```
pub struct Consumer<T> {
    shared: Arc<Shared<T>>,
    /// Our place in the pop side's waiter list while used as a `Stream`.
    stream: Registration,
}

impl<T> Consumer<T> {
    /// The queue behind the handle (for `Select`).
    pub(crate) fn queue(&self) -> &Queue<T> {
        &self.shared.queue
    }

    /// See [`Queue::pop`].
    ///
    /// # Errors
    ///
    /// [`PopError`] once the queue is closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded(1);
    /// tx.push(3).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.pop(), Ok(3));
    /// assert_eq!(rx.pop(), Err(ringq::PopError));
    /// ```
    #[inline]
    pub fn pop(&self) -> Result<T, PopError> {
        self.shared.queue.pop()
    }

    /// See [`Queue::try_pop`].
    ///
    /// # Errors
    ///
    /// [`TryPopError::Empty`] or [`TryPopError::Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (_tx, rx) = ringq::bounded::<u8>(1);
    /// assert_eq!(rx.try_pop(), Err(ringq::TryPopError::Empty));
    /// ```
    #[inline]
    pub fn try_pop(&self) -> Result<T, TryPopError> {
        self.shared.queue.try_pop()
    }

    /// See [`Queue::pop_timeout`].
    ///
    /// # Errors
    ///
    /// [`PopTimeoutError::Timeout`] or [`PopTimeoutError::Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let (_tx, rx) = ringq::bounded::<u8>(1);
    /// assert_eq!(rx.pop_timeout(Duration::from_millis(1)), Err(ringq::PopTimeoutError::Timeout));
    /// ```
    pub fn pop_timeout(&self, timeout: Duration) -> Result<T, PopTimeoutError> {
        self.shared.queue.pop_timeout(timeout)
    }

    /// See [`Queue::pop_deadline`].
    ///
    /// # Errors
    ///
    /// As [`Consumer::pop_timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Instant;
    /// let (tx, rx) = ringq::bounded(1);
    /// tx.push(1).unwrap();
    /// assert_eq!(rx.pop_deadline(Instant::now()), Ok(1));
    /// ```
    pub fn pop_deadline(&self, deadline: Instant) -> Result<T, PopTimeoutError> {
        self.shared.queue.pop_deadline(deadline)
    }

    /// See [`Queue::pop_cancellable`].
    ///
    /// # Errors
    ///
    /// [`PopCancelError::Cancelled`] or [`PopCancelError::Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// drop(tx);
    /// let token = ringq::CancelToken::new();
    /// assert_eq!(rx.pop_cancellable(&token), Err(ringq::PopCancelError::Closed));
    /// ```
    pub fn pop_cancellable(&self, token: &CancelToken) -> Result<T, PopCancelError> {
        self.shared.queue.pop_cancellable(token)
    }

    /// See [`Queue::iter`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded(2);
    /// tx.push(1).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.iter().count(), 1);
    /// ```
    pub fn iter(&self) -> Iter<'_, T> {
        self.shared.queue.iter()
    }

    /// See [`Queue::try_iter`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded(2);
    /// tx.push(1).unwrap();
    /// assert_eq!(rx.try_iter().count(), 1); // does not wait for more
    /// ```
    pub fn try_iter(&self) -> TryIter<'_, T> {
        self.shared.queue.try_iter()
    }

    /// See [`Queue::iter_cancellable`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded(2);
    /// tx.push(5).unwrap();
    /// drop(tx);
    /// let token = ringq::CancelToken::new();
    /// assert_eq!(rx.iter_cancellable(&token).collect::<Vec<_>>(), [5]);
    /// ```
    pub fn iter_cancellable<'a>(&'a self, token: &'a CancelToken) -> CancellableIter<'a, T> {
        self.shared.queue.iter_cancellable(token)
    }

    /// See [`Queue::close`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded(1);
    /// rx.close();
    /// assert!(tx.push(1).is_err());
    /// ```
    pub fn close(&self) -> bool {
        self.shared.queue.close()
    }

    /// See [`Queue::cancel_on_close`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// let writers_gone = ringq::CancelToken::new();
    /// rx.cancel_on_close(&writers_gone);
    /// drop(tx); // the last producer closes the queue
    /// assert!(writers_gone.is_cancelled());
    /// ```
    pub fn cancel_on_close(&self, token: &CancelToken) {
        self.shared.queue.cancel_on_close(token);
    }

    /// See [`Queue::is_closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.queue.is_closed()
    }

    /// See [`Queue::len`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded(2);
    /// tx.push(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.shared.queue.len()
    }

    /// See [`Queue::is_empty`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (_tx, rx) = ringq::bounded::<u8>(2);
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.shared.queue.is_empty()
    }

    /// See [`Queue::is_full`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded(1);
    /// tx.push(1).unwrap();
    /// assert!(rx.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.shared.queue.is_full()
    }

    /// See [`Queue::capacity`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (_tx, rx) = ringq::bounded::<u8>(7);
    /// assert_eq!(rx.capacity(), 7);
    /// ```
    pub fn capacity(&self) -> usize {
        self.shared.queue.capacity()
    }
}

impl<T> Clone for Consumer<T> {
    fn clone(&self) -> Consumer<T> {
        acquire(&self.shared.consumers);
        Consumer {
            shared: self.shared.clone(),
            stream: Registration::new(),
        }
    }
}

// Handles are views of a queue that is consistent at every unwind point
// (the argument is next to `Queue`'s impls).
impl<T> UnwindSafe for Producer<T> {}
impl<T> RefUnwindSafe for Producer<T> {}
impl<T> UnwindSafe for Consumer<T> {}
impl<T> RefUnwindSafe for Consumer<T> {}

impl<T> Drop for Consumer<T> {
    /// The last consumer closes the queue and drops the values still in it
    /// at once: nobody can receive them any more (see [`bounded`]).
    fn drop(&mut self) {
        // A `Stream` poll left pending: leave the list, passing on a
        // wake-up meant for it (`future.rs`).
        let (_, poppers) = self.shared.queue.wakers();
        self.stream.abandon(poppers);
        if release(&self.shared.consumers, &self.shared.queue) {
            discard_queued(&self.shared.queue);
        }
    }
}

impl<T> fmt::Debug for Consumer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("queue", &self.shared.queue)
            .finish()
    }
}

impl<T> IntoIterator for Consumer<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    fn into_iter(self) -> IntoIter<T> {
        IntoIter::new(self)
    }
}

impl<'a, T> IntoIterator for &'a Consumer<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}
