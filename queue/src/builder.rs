//! [`Builder`]: a queue's settings besides its capacity.

use core::fmt;
use core::marker::PhantomData;

use crate::capacity::CapacityError;
use crate::flavor::{Multi, Side, Single};
use crate::handles::{from_queue, with_sides, Consumer, Pair, Producer};
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

/// The builder's single-owner flavors: `spsc`/`try_spsc` and the others.
macro_rules! builder_flavors {
    ($($name:ident, $try_name:ident, $p:ident, $c:ident;)*) => {
        impl<T> Builder<T> {
            $(
                #[doc = concat!("The handles of [`ringq::", stringify!($name), "`](crate::", stringify!($name), "()) over the queue.")]
                ///
                /// # Panics
                ///
                /// As [`build`](Self::build).
                ///
                /// # Examples
                ///
                /// ```
                #[doc = concat!("let (mut tx, mut rx) = ringq::Queue::builder(2).wait(ringq::WaitPolicy::Park).", stringify!($name), "();")]
                /// tx.push(1).unwrap();
                /// assert_eq!(rx.pop(), Ok(1));
                /// ```
                #[track_caller]
                #[must_use = "dropping both handles closes the queue at once"]
                pub fn $name(self) -> (Producer<T, $p, $c>, Consumer<T, $p, $c>) {
                    match self.$try_name() {
                        Ok(pair) => pair,
                        Err(e) => panic!(concat!("ringq::Builder::", stringify!($name), ": {}"), e),
                    }
                }

                #[doc = concat!("[`", stringify!($name), "`](Self::", stringify!($name), "), or why the queue cannot be made.")]
                ///
                /// # Errors
                ///
                /// [`CapacityError`], as [`Queue::try_new`].
                ///
                /// # Examples
                ///
                /// ```
                #[doc = concat!("assert!(ringq::Queue::<u8>::builder(usize::MAX).", stringify!($try_name), "().is_err());")]
                /// ```
                pub fn $try_name(self) -> Result<(Producer<T, $p, $c>, Consumer<T, $p, $c>), CapacityError> {
                    self.flavor()
                }
            )*
        }
    };
}

builder_flavors! {
    spsc, try_spsc, Single, Single;
    mpsc, try_mpsc, Multi, Single;
    spmc, try_spmc, Single, Multi;
}

impl<T> Builder<T> {
    fn flavor<P: Side, C: Side>(self) -> Result<Pair<T, P, C>, CapacityError> {
        with_sides(self.capacity, self.policy)
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
