//! Weak handles: [`WeakProducer`] and [`WeakConsumer`] keep the queue's
//! memory but not its side open (tokio's `WeakSender`), so a registry can
//! hold them without keeping the queue from closing.
//!
//! Only shared (`Multi`) sides have them: upgrading a weak handle of an
//! owned side would make a second owner of it.

use core::fmt;
use core::marker::PhantomData;

use super::{sealed, Consumer, Producer, SameQueue, Shared};
use crate::flavor::{Multi, Side};
#[cfg(feature = "std")]
use crate::future::Registration;
use crate::sync::{Arc, AtomicUsize, Ordering};

/// A handle of a queue's push side that does not count as a producer:
/// the queue closes when the last [`Producer`] goes, whatever weak ones are
/// left, and [`upgrade`](WeakProducer::upgrade) then returns `None`.
///
/// It keeps the queue's allocation (not its values: the last consumer
/// drops those) until it is dropped.
///
/// # Examples
///
/// ```
/// let (tx, rx) = ringq::bounded::<u32>(4);
/// let weak = tx.downgrade();
/// weak.upgrade().unwrap().push(1).unwrap();
/// drop(tx); // the last producer: the queue closes
/// assert!(weak.upgrade().is_none());
/// assert_eq!(rx.iter().collect::<Vec<_>>(), [1]);
/// ```
pub struct WeakProducer<T, C: Side = Multi> {
    shared: Arc<Shared<T>>,
    _sides: PhantomData<C>,
}

/// A handle of a queue's pop side that does not count as a consumer; see
/// [`WeakProducer`].
///
/// # Examples
///
/// ```
/// let (tx, rx) = ringq::bounded::<u32>(4);
/// let weak = rx.downgrade();
/// tx.push(1).unwrap();
/// assert_eq!(weak.upgrade().unwrap().pop(), Ok(1));
/// drop(rx); // the last consumer: the queue closes
/// assert!(weak.upgrade().is_none());
/// assert!(tx.push(2).is_err());
/// ```
pub struct WeakConsumer<T, P: Side = Multi> {
    shared: Arc<Shared<T>>,
    _sides: PhantomData<P>,
}

/// Adds a handle to a side's count unless it has reached zero (the side
/// has closed, or is closing): `Arc::upgrade`'s loop.
fn acquire_if_live(count: &AtomicUsize) -> bool {
    // Relaxed: a guess, validated by the CAS.
    let mut n = count.load(Ordering::Relaxed);
    while n != 0 {
        // Relaxed: as `acquire` (`handles.rs`) the increment publishes
        // nothing; the CAS from a nonzero count is what keeps a side that
        // reached zero (and so is closing) from coming back.
        match count.compare_exchange_weak(n, n + 1, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return true,
            Err(now) => n = now,
        }
    }
    false
}

impl<T, C: Side> Producer<T, Multi, C> {
    /// A weak handle of this queue's push side (see [`WeakProducer`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(tx.producer_count(), 1); // weak ones are not counted
    /// assert!(weak.upgrade().is_some());
    /// ```
    pub fn downgrade(&self) -> WeakProducer<T, C> {
        WeakProducer {
            shared: self.shared.clone(),
            _sides: PhantomData,
        }
    }
}

impl<T, C: Side> WeakProducer<T, C> {
    /// A [`Producer`], if one still exists and the queue is open; `None`
    /// once every producer has been dropped or the queue has closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded::<u8>(1);
    /// let weak = tx.downgrade();
    /// tx.close();
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Producer<T, Multi, C>> {
        if !acquire_if_live(&self.shared.producers) {
            return None;
        }
        let strong = Producer {
            shared: self.shared.clone(),
            #[cfg(feature = "std")]
            sink: None,
            _sides: PhantomData,
        };
        // Closed by a `close` call while producers remain: dropping `strong`
        // gives the count back (and closes again, idempotently, if it was
        // the last).
        (!strong.is_closed()).then_some(strong)
    }

    /// Whether the queue is closed (see [`Queue::is_closed`](crate::Queue::is_closed)).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// let weak = tx.downgrade();
    /// drop(rx);
    /// assert!(weak.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.queue.is_closed()
    }
}

impl<T, P: Side> Consumer<T, P, Multi> {
    /// A weak handle of this queue's pop side (see [`WeakConsumer`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let (_tx, rx) = ringq::bounded::<u8>(1);
    /// let weak = rx.downgrade();
    /// assert_eq!(rx.consumer_count(), 1);
    /// assert!(weak.upgrade().is_some());
    /// ```
    pub fn downgrade(&self) -> WeakConsumer<T, P> {
        WeakConsumer {
            shared: self.shared.clone(),
            _sides: PhantomData,
        }
    }
}

impl<T, P: Side> WeakConsumer<T, P> {
    /// A [`Consumer`], if one still exists and the queue is open; `None`
    /// once every consumer has been dropped or the queue has closed (a
    /// queue closed by its producers may still hold values, but the weak
    /// handle's owner did not keep a consumer to drain them with).
    ///
    /// # Examples
    ///
    /// ```
    /// let (_tx, rx) = ringq::bounded::<u8>(1);
    /// let weak = rx.downgrade();
    /// drop(rx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Consumer<T, P, Multi>> {
        if !acquire_if_live(&self.shared.consumers) {
            return None;
        }
        let strong = Consumer {
            shared: self.shared.clone(),
            #[cfg(feature = "std")]
            stream: Registration::new(),
            _sides: PhantomData,
        };
        (!strong.is_closed()).then_some(strong)
    }

    /// Whether the queue is closed (see [`Queue::is_closed`](crate::Queue::is_closed)).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// let weak = rx.downgrade();
    /// drop(tx);
    /// assert!(weak.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.queue.is_closed()
    }
}

impl<T, C: Side> Clone for WeakProducer<T, C> {
    fn clone(&self) -> Self {
        WeakProducer {
            shared: self.shared.clone(),
            _sides: PhantomData,
        }
    }
}

impl<T, P: Side> Clone for WeakConsumer<T, P> {
    fn clone(&self) -> Self {
        WeakConsumer {
            shared: self.shared.clone(),
            _sides: PhantomData,
        }
    }
}

impl<T, C: Side> sealed::Handle<T> for WeakProducer<T, C> {
    #[allow(private_interfaces)]
    fn shared(&self) -> &Arc<Shared<T>> {
        &self.shared
    }
}
impl<T, C: Side> SameQueue<T> for WeakProducer<T, C> {}

impl<T, P: Side> sealed::Handle<T> for WeakConsumer<T, P> {
    #[allow(private_interfaces)]
    fn shared(&self) -> &Arc<Shared<T>> {
        &self.shared
    }
}
impl<T, P: Side> SameQueue<T> for WeakConsumer<T, P> {}

impl<T, C: Side> fmt::Debug for WeakProducer<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakProducer")
            .field("queue", &self.shared.queue)
            .finish()
    }
}

impl<T, P: Side> fmt::Debug for WeakConsumer<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakConsumer")
            .field("queue", &self.shared.queue)
            .finish()
    }
}
