//! [`Builder`]: a queue's settings besides its capacity.

use std::fmt;
use std::marker::PhantomData;

use crate::capacity::CapacityError;
use crate::handles::{from_queue, Consumer, Producer};
use crate::policy::WaitPolicy;
use crate::queue::Queue;

/// Settings for a [`Queue`] or a [`bounded`](crate::bounded) pair
/// ([`Queue::builder`]).
///
/// # Examples
///
/// ```
/// use ringq::{Queue, WaitPolicy};
///
/// let q: Queue<u32> = Queue::builder(8).wait(WaitPolicy::Park).build();
/// assert_eq!((q.capacity(), q.wait_policy()), (8, WaitPolicy::Park));
/// ```
#[must_use = "a builder does nothing until `build` or `bounded`"]
pub struct Builder<T> {
    capacity: usize,
    policy: WaitPolicy,
    _values: PhantomData<fn() -> T>,
}

impl<T> Builder<T> {
    pub(crate) fn new(capacity: usize) -> Builder<T> {
        Builder {
            capacity,
            policy: WaitPolicy::default(),
            _values: PhantomData,
        }
    }

    /// How blocked calls wait (default [`WaitPolicy::Adaptive`]).
    ///
    /// # Examples
    ///
    /// See [`WaitPolicy`].
    pub fn wait(mut self, policy: WaitPolicy) -> Builder<T> {
        self.policy = policy;
        self
    }

    /// The queue.
    ///
    /// # Panics
    ///
    /// As [`Queue::new`]: if the capacity is above
    /// [`MAX_CAPACITY`](crate::MAX_CAPACITY), or cannot be allocated.
    ///
    /// # Examples
    ///
    /// See [`Builder`].
    #[track_caller]
    pub fn build(self) -> Queue<T> {
        match self.try_build() {
            Ok(q) => q,
            Err(e) => panic!("ringq::Builder::build: {e}"),
        }
    }

    /// The queue, or why it cannot be made.
    ///
    /// # Errors
    ///
    /// [`CapacityError`], as [`Queue::try_new`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringq::Queue::<u8>::builder(ringq::MAX_CAPACITY + 1).try_build().is_err());
    /// assert!(ringq::Queue::<u8>::builder(0).try_build().is_ok()); // a rendezvous
    /// ```
    pub fn try_build(self) -> Result<Queue<T>, CapacityError> {
        Queue::try_with(self.capacity, 0, self.policy)
    }

    /// [`Producer`]/[`Consumer`] handles over the queue, as
    /// [`bounded`](crate::bounded).
    ///
    /// # Panics
    ///
    /// As [`build`](Self::build).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::Queue::builder(2).wait(ringq::WaitPolicy::Spin).bounded();
    /// tx.push("a").unwrap();
    /// drop(tx);
    /// assert_eq!(rx.iter().collect::<Vec<_>>(), ["a"]);
    /// ```
    #[track_caller]
    #[must_use = "dropping both handles closes the queue at once"]
    pub fn bounded(self) -> (Producer<T>, Consumer<T>) {
        from_queue(self.build())
    }

    /// [`bounded`](Self::bounded), or why the queue cannot be made.
    ///
    /// # Errors
    ///
    /// [`CapacityError`], as [`Queue::try_new`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringq::Queue::<u8>::builder(usize::MAX).try_bounded().is_err());
    /// ```
    pub fn try_bounded(self) -> Result<(Producer<T>, Consumer<T>), CapacityError> {
        self.try_build().map(from_queue)
    }
}

impl<T> fmt::Debug for Builder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("capacity", &self.capacity)
            .field("wait", &self.policy)
            .finish()
    }
}
