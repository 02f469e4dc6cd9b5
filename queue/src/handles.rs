//! `Producer` / `Consumer` handles: one shared queue, two sides, and "the last
//! handle of a side to go closes it".

#[cfg(feature = "std")]
use core::any::Any;
use core::fmt;
use core::marker::PhantomData;
use core::panic::{RefUnwindSafe, UnwindSafe};
#[cfg(feature = "std")]
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

#[cfg(feature = "std")]
use crate::cancel::CancelToken;
use crate::capacity::CapacityError;
use crate::flavor::{Multi, Side, Single};
#[cfg(feature = "std")]
use crate::future::Registration;
#[cfg(feature = "std")]
use crate::iter::{IntoIter, Iter};
#[cfg(feature = "std")]
use crate::on_close::Closed;
use crate::policy::WaitPolicy;
use crate::queue::Queue;
use crate::ring::Sides;
use crate::sync::{Arc, AtomicUsize, Ordering};
use crate::wait::Check;

pub use self::weak::{WeakConsumer, WeakProducer};

mod pop;
mod push;
#[cfg(feature = "sink")]
mod sink;
#[cfg(feature = "stream")]
mod stream;
mod weak;

/// A producer's `Sink` state: the slot `poll_ready` reserved and not yet
/// filled, and its place in the push side's waiter list while it waits.
#[cfg(feature = "std")]
#[derive(Debug)]
pub(crate) struct SinkState {
    reserved: Option<usize>,
    reg: Registration,
}

#[cfg(feature = "std")]
impl SinkState {
    /// Leaves the waiter list and gives back a reservation not sent.
    fn give_back<T>(mut self, queue: &Queue<T>) {
        let (pushers, _) = queue.wakers();
        self.reg.abandon(pushers);
        if let Some(pos) = self.reserved.take() {
            queue.cancel_reserved(pos);
        }
    }
}

/// What both sides share.
struct Shared<T> {
    queue: Queue<T>,
    producers: AtomicUsize,
    consumers: AtomicUsize,
}

impl<T> Shared<T> {
    fn producer_count(&self) -> usize {
        // Relaxed: a snapshot that orders nothing.
        self.producers.load(Ordering::Relaxed)
    }

    fn consumer_count(&self) -> usize {
        // Relaxed: a snapshot that orders nothing.
        self.consumers.load(Ordering::Relaxed)
    }
}

/// A handle of a queue: what [`Producer::same_queue`] and
/// [`Consumer::same_queue`] compare with (producers, consumers and their
/// weak handles). Sealed: implemented only by ringq's handles.
///
/// # Examples
///
/// ```
/// fn belongs<T>(tx: &ringq::Producer<T>, any: &impl ringq::SameQueue<T>) -> bool {
///     tx.same_queue(any)
/// }
/// let (tx, rx) = ringq::bounded::<u8>(1);
/// assert!(belongs(&tx, &rx) && belongs(&tx, &rx.downgrade()));
/// ```
pub trait SameQueue<T>: sealed::Handle<T> {}

mod sealed {
    /// The queue a handle belongs to.
    pub trait Handle<T> {
        #[doc(hidden)]
        #[allow(private_interfaces)]
        fn shared(&self) -> &super::Arc<super::Shared<T>>;
    }
}

impl<T, P: Side, C: Side> sealed::Handle<T> for Producer<T, P, C> {
    #[allow(private_interfaces)]
    fn shared(&self) -> &Arc<Shared<T>> {
        &self.shared
    }
}
impl<T, P: Side, C: Side> SameQueue<T> for Producer<T, P, C> {}

impl<T, P: Side, C: Side> sealed::Handle<T> for Consumer<T, P, C> {
    #[allow(private_interfaces)]
    fn shared(&self) -> &Arc<Shared<T>> {
        &self.shared
    }
}
impl<T, P: Side, C: Side> SameQueue<T> for Consumer<T, P, C> {}

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

/// The four flavors' constructors: a queue of `capacity` values with the
/// sides `P` and `C` owned as they say.
macro_rules! flavor_constructors {
    ($(#[$doc:meta])* $name:ident, $try_name:ident, $p:ident, $c:ident) => {
        $(#[$doc])*
        #[track_caller]
        #[must_use = "dropping both handles closes the queue at once"]
        pub fn $name<T>(capacity: usize) -> (Producer<T, $p, $c>, Consumer<T, $p, $c>) {
            match $try_name(capacity) {
                Ok(pair) => pair,
                Err(e) => panic!(concat!("ringq::", stringify!($name), ": {}"), e),
            }
        }

        #[doc = concat!("Like [`", stringify!($name), "`](", stringify!($name), "()), but returns an error for a bad capacity.")]
        ///
        /// # Errors
        ///
        /// [`CapacityError`], as [`try_bounded`].
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!("assert!(ringq::", stringify!($try_name), "::<u8>(usize::MAX).is_err());")]
        /// ```
        pub fn $try_name<T>(
            capacity: usize,
        ) -> Result<(Producer<T, $p, $c>, Consumer<T, $p, $c>), CapacityError> {
            with_sides(capacity, WaitPolicy::default())
        }
    };
}

flavor_constructors! {
    /// A queue of `capacity` values with one producer and one consumer,
    /// each owned by one thread at a time (not `Clone`, methods on `&mut
    /// self`): both sides claim with a store and a fence instead of a CAS
    /// (see the [`flavor`](crate::flavor) module). No `force_push`.
    /// Capacity 0 is a rendezvous.
    ///
    /// # Panics
    ///
    /// As [`bounded`]; [`try_spsc`] returns an error instead.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut tx, mut rx) = ringq::spsc(2);
    /// tx.push(1).unwrap();
    /// tx.push(2).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.iter().collect::<Vec<_>>(), [1, 2]);
    /// ```
    spsc, try_spsc, Single, Single
}

flavor_constructors! {
    /// A queue of `capacity` values with any number of producers (`Clone`)
    /// and one consumer, owned by one thread at a time (not `Clone`,
    /// methods on `&mut self`, claims by a store and a fence). No
    /// `force_push`. Capacity 0 is a rendezvous.
    ///
    /// # Panics
    ///
    /// As [`bounded`]; [`try_mpsc`] returns an error instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::thread;
    ///
    /// let (tx, mut rx) = ringq::mpsc(8);
    /// for t in 0..3 {
    ///     let tx = tx.clone();
    ///     thread::spawn(move || tx.push(t).unwrap());
    /// }
    /// drop(tx); // the queue closes once the three clones are gone too
    /// let mut got: Vec<i32> = rx.iter().collect();
    /// got.sort();
    /// assert_eq!(got, [0, 1, 2]);
    /// ```
    mpsc, try_mpsc, Multi, Single
}

flavor_constructors! {
    /// A queue of `capacity` values with one producer, owned by one thread
    /// at a time (not `Clone`, methods on `&mut self`, claims by a store
    /// and a fence), and any number of consumers (`Clone`). Capacity 0 is a
    /// rendezvous.
    ///
    /// # Panics
    ///
    /// As [`bounded`]; [`try_spmc`] returns an error instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::thread;
    ///
    /// let (mut tx, rx) = ringq::spmc(8);
    /// let workers: Vec<_> = (0..2)
    ///     .map(|_| {
    ///         let rx = rx.clone();
    ///         thread::spawn(move || rx.iter().count())
    ///     })
    ///     .collect();
    /// drop(rx);
    /// for i in 0..100 {
    ///     tx.push(i).unwrap();
    /// }
    /// drop(tx);
    /// assert_eq!(workers.into_iter().map(|w| w.join().unwrap()).sum::<usize>(), 100);
    /// ```
    spmc, try_spmc, Single, Multi
}

/// The two handles of one queue.
pub(crate) type Pair<T, P, C> = (Producer<T, P, C>, Consumer<T, P, C>);

/// A queue of `capacity` values whose sides are owned as `P` and `C` say.
pub(crate) fn with_sides<T, P: Side, C: Side>(
    capacity: usize,
    policy: WaitPolicy,
) -> Result<Pair<T, P, C>, CapacityError> {
    let sides = Sides {
        single_push: P::SINGLE,
        single_pop: C::SINGLE,
    };
    // An owned side's operations are reachable only through its one handle
    // (`Producer<T, Single, _>` or `Consumer<T, _, Single>`: not `Clone`,
    // not `Sync`, those operations on `&mut self`, and every borrow they
    // hand out, futures and iterators included, holds that `&mut`; a
    // `select!` arm or `Select` that reaches them is not `Send`), and the
    // queue is reachable only through the handles.
    // SAFETY: so each owned side runs on one thread at a time, and
    // `force_push` exists only on handles whose pop side is `Multi`.
    let queue = unsafe { Queue::try_with_sides(capacity, 0, policy, sides) }?;
    Ok(from_queue(queue))
}

/// The two sides of a new queue (one handle each).
pub(crate) fn from_queue<T, P: Side, C: Side>(
    queue: Queue<T>,
) -> (Producer<T, P, C>, Consumer<T, P, C>) {
    let shared = Arc::new(Shared {
        queue,
        producers: AtomicUsize::new(1),
        consumers: AtomicUsize::new(1),
    });
    (
        Producer {
            shared: shared.clone(),
            #[cfg(feature = "std")]
            sink: None,
            _sides: PhantomData,
        },
        Consumer {
            shared,
            #[cfg(feature = "std")]
            stream: Registration::new(),
            _sides: PhantomData,
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
#[cfg(feature = "std")]
fn discard_queued<T>(queue: &Queue<T>) {
    fn drop_caught<V>(v: V) -> Option<Box<dyn Any + Send>> {
        // AssertUnwindSafe: the value is gone either way, and nothing else
        // is borrowed by its drop.
        catch_unwind(AssertUnwindSafe(move || drop(v))).err()
    }
    let mut first = None;
    // `Recheck`: a drain must also take a value whose push claimed its
    // slot before the close and is still stamping it.
    while let Ok(v) = queue.try_pop_as(Check::Recheck) {
        if let Some(payload) = drop_caught(v) {
            match first {
                None => first = Some(payload),
                Some(_) => core::mem::forget(payload),
            }
        }
    }
    if let Some(payload) = first {
        if std::thread::panicking() {
            if let Some(again) = drop_caught(payload) {
                core::mem::forget(again);
            }
        } else {
            resume_unwind(payload);
        }
    }
}

/// [`discard_queued`] without `std`, which has no `catch_unwind`: the
/// values are dropped in order; a `Drop` that panics unwinds out of the
/// consumer's drop, and the values behind it are dropped with the queue
/// (the ring's own drop) when its last handle goes.
#[cfg(not(feature = "std"))]
fn discard_queued<T>(queue: &Queue<T>) {
    // `Recheck`, as in the `std` version.
    while let Ok(v) = queue.try_pop_as(Check::Recheck) {
        drop(v);
    }
}

/// The sending side of a queue: of [`bounded`] (`Producer<T>`, shared:
/// `Clone`), [`mpsc`] (shared), [`spmc`] or [`spsc`] (owned: one handle,
/// the push methods on `&mut self`). `P` and `C` say whether the push and
/// the pop side are [`Multi`] or [`Single`] (the [`flavor`](crate::flavor)
/// module).
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
pub struct Producer<T, P: Side = Multi, C: Side = Multi> {
    shared: Arc<Shared<T>>,
    /// The `Sink`'s reservation between `poll_ready` and `start_send`
    /// (`sink.rs`); boxed on first use, so a producer that is never a sink
    /// carries one null pointer.
    #[cfg(feature = "std")]
    sink: Option<Box<SinkState>>,
    /// `!Sync` when the push side is owned (`Side::Unshared`).
    _sides: PhantomData<(P, C, P::Unshared)>,
}

impl<T, P: Side, C: Side> Producer<T, P, C> {
    /// The queue behind the handle. Owned-side operations on it must come
    /// through the handle's `&mut self` methods (`with_sides`).
    pub(crate) fn queue(&self) -> &Queue<T> {
        &self.shared.queue
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
        self.queue().close()
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
    #[cfg(feature = "std")]
    pub fn cancel_on_close(&self, token: &CancelToken) {
        self.queue().cancel_on_close(token);
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
        self.queue().is_closed()
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
        self.queue().len()
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
        self.queue().is_empty()
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
        self.queue().is_full()
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
        self.queue().capacity()
    }

    /// See [`Queue::wait_closed`]: blocks until the queue closes, as it
    /// does when the last [`Consumer`] goes away.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::thread;
    ///
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// let reader = thread::spawn(move || drop(rx));
    /// tx.wait_closed();
    /// reader.join().unwrap();
    /// ```
    #[cfg(feature = "std")]
    pub fn wait_closed(&self) {
        self.queue().wait_closed();
    }

    /// See [`Queue::wait_closed_timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// assert!(!tx.wait_closed_timeout(Duration::from_millis(1)));
    /// drop(rx);
    /// assert!(tx.wait_closed_timeout(Duration::from_millis(1)));
    /// ```
    #[cfg(feature = "std")]
    pub fn wait_closed_timeout(&self, timeout: core::time::Duration) -> bool {
        self.queue().wait_closed_timeout(timeout)
    }

    /// See [`Queue::closed`]: a future that resolves once the queue is
    /// closed, as it is when the last [`Consumer`] goes away (tokio's
    /// `Sender::closed`).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// drop(rx);
    /// pollster::block_on(tx.closed());
    /// assert!(tx.is_closed());
    /// ```
    #[cfg(feature = "std")]
    pub fn closed(&self) -> Closed<'_> {
        self.queue().closed()
    }

    /// How many [`Producer`]s of this queue exist now (a snapshot: others
    /// may be cloning or dropping meanwhile). Weak handles are not counted.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded::<u8>(1);
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.producer_count(), 2);
    /// drop(tx2);
    /// assert_eq!(tx.producer_count(), 1);
    /// ```
    pub fn producer_count(&self) -> usize {
        self.shared.producer_count()
    }

    /// How many [`Consumer`]s of this queue exist now (a snapshot).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// assert_eq!(tx.consumer_count(), 1);
    /// drop(rx);
    /// assert_eq!(tx.consumer_count(), 0);
    /// ```
    pub fn consumer_count(&self) -> usize {
        self.shared.consumer_count()
    }

    /// Whether `other` is a handle of the same queue (flume's
    /// `same_channel`).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// let (other, _) = ringq::bounded::<u8>(1);
    /// assert!(tx.same_queue(&tx.clone()));
    /// assert!(tx.same_queue(&rx));
    /// assert!(!tx.same_queue(&other));
    /// ```
    pub fn same_queue(&self, other: &impl SameQueue<T>) -> bool {
        Arc::ptr_eq(&self.shared, other.shared())
    }
}

impl<T, C: Side> Clone for Producer<T, Multi, C> {
    fn clone(&self) -> Producer<T, Multi, C> {
        acquire(&self.shared.producers);
        Producer {
            shared: self.shared.clone(),
            #[cfg(feature = "std")]
            sink: None,
            _sides: PhantomData,
        }
    }
}

impl<T, P: Side, C: Side> Drop for Producer<T, P, C> {
    /// The last producer closes the queue; consumers drain what is left.
    /// A `Sink` reservation not sent is given back first.
    fn drop(&mut self) {
        #[cfg(feature = "std")]
        if let Some(state) = self.sink.take() {
            state.give_back(&self.shared.queue);
        }
        release(&self.shared.producers, &self.shared.queue);
    }
}

impl<T, P: Side, C: Side> fmt::Debug for Producer<T, P, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("queue", &self.shared.queue)
            .finish()
    }
}

/// The receiving side of a queue: of [`bounded`] (`Consumer<T>`, shared:
/// `Clone`), [`spmc`] (shared), [`mpsc`] or [`spsc`] (owned: one handle,
/// the pop methods on `&mut self`); see [`Producer`] for `P` and `C`.
///
/// Its methods behave exactly like the [`Queue`] methods of the same name.
/// `for v in &consumer` (`&mut consumer` for an owned one) and `for v in
/// consumer` pop until the queue is closed and drained.
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
pub struct Consumer<T, P: Side = Multi, C: Side = Multi> {
    shared: Arc<Shared<T>>,
    /// Our place in the pop side's waiter list while used as a `Stream`.
    #[cfg(feature = "std")]
    stream: Registration,
    /// `!Sync` when the pop side is owned (`Side::Unshared`).
    _sides: PhantomData<(P, C, C::Unshared)>,
}

impl<T, P: Side, C: Side> Consumer<T, P, C> {
    /// The queue behind the handle (see [`Producer::queue`]).
    pub(crate) fn queue(&self) -> &Queue<T> {
        &self.shared.queue
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
        self.queue().close()
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
    #[cfg(feature = "std")]
    pub fn cancel_on_close(&self, token: &CancelToken) {
        self.queue().cancel_on_close(token);
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
        self.queue().is_closed()
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
        self.queue().len()
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
        self.queue().is_empty()
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
        self.queue().is_full()
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
        self.queue().capacity()
    }

    /// See [`Producer::producer_count`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// assert_eq!(rx.producer_count(), 1);
    /// drop(tx);
    /// assert_eq!(rx.producer_count(), 0);
    /// ```
    pub fn producer_count(&self) -> usize {
        self.shared.producer_count()
    }

    /// See [`Producer::consumer_count`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (_tx, rx) = ringq::bounded::<u8>(1);
    /// let rx2 = rx.clone();
    /// assert_eq!(rx2.consumer_count(), 2);
    /// ```
    pub fn consumer_count(&self) -> usize {
        self.shared.consumer_count()
    }

    /// See [`Producer::same_queue`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// assert!(rx.same_queue(&tx));
    /// assert!(rx.same_queue(&rx.clone()));
    /// ```
    pub fn same_queue(&self, other: &impl SameQueue<T>) -> bool {
        Arc::ptr_eq(&self.shared, other.shared())
    }
}

impl<T, P: Side> Clone for Consumer<T, P, Multi> {
    fn clone(&self) -> Consumer<T, P, Multi> {
        acquire(&self.shared.consumers);
        Consumer {
            shared: self.shared.clone(),
            #[cfg(feature = "std")]
            stream: Registration::new(),
            _sides: PhantomData,
        }
    }
}

// Handles are views of a queue that is consistent at every unwind point
// (the argument is next to `Queue`'s impls).
impl<T, P: Side, C: Side> UnwindSafe for Producer<T, P, C> {}
impl<T, P: Side, C: Side> RefUnwindSafe for Producer<T, P, C> {}
impl<T, P: Side, C: Side> UnwindSafe for Consumer<T, P, C> {}
impl<T, P: Side, C: Side> RefUnwindSafe for Consumer<T, P, C> {}

impl<T, P: Side, C: Side> Drop for Consumer<T, P, C> {
    /// The last consumer closes the queue and drops the values still in it
    /// at once: nobody can receive them any more (see [`bounded`]).
    fn drop(&mut self) {
        // A `Stream` poll left pending: leave the list, passing on a
        // wake-up meant for it (`future.rs`).
        #[cfg(feature = "std")]
        let (_, poppers) = self.shared.queue.wakers();
        #[cfg(feature = "std")]
        self.stream.abandon(poppers);
        if release(&self.shared.consumers, &self.shared.queue) {
            // `&mut self`: this is the pop side's one thread now.
            discard_queued(&self.shared.queue);
        }
    }
}

impl<T, P: Side, C: Side> fmt::Debug for Consumer<T, P, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("queue", &self.shared.queue)
            .finish()
    }
}

#[cfg(feature = "std")]
impl<T, P: Side, C: Side> IntoIterator for Consumer<T, P, C> {
    type Item = T;
    type IntoIter = IntoIter<T, P, C>;

    fn into_iter(self) -> IntoIter<T, P, C> {
        IntoIter::new(self)
    }
}

#[cfg(feature = "std")]
impl<'a, T, P: Side> IntoIterator for &'a Consumer<T, P, Multi> {
    type Item = T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

#[cfg(feature = "std")]
impl<'a, T, P: Side> IntoIterator for &'a mut Consumer<T, P, Single> {
    type Item = T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}
