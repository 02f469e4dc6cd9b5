//! The push side's operations on a [`Producer`]: the same methods on
//! `&self` for a shared side ([`Multi`]) and on `&mut self` for an owned
//! one ([`Single`], statically one thread's: the queue's owned-side
//! claims rely on it, `ring/owned.rs`). Each is the queue's method of the
//! same name, so the same rules hold.
//!
//! The two sets are one text, stamped out twice by `push_ops!` with the
//! receiver and the constructor its examples use.

use alloc::collections::VecDeque;
#[cfg(feature = "std")]
use std::time::{Duration, Instant};

use super::Producer;
#[cfg(feature = "std")]
use crate::cancel::CancelToken;
#[cfg(feature = "std")]
use crate::error::{PushCancelError, PushTimeoutError};
use crate::error::{PushError, TryPushError};
use crate::flavor::{Multi, Side, Single};
#[cfg(feature = "std")]
use crate::future::{PushFuture, ReserveFuture};
use crate::permit::Permit;
#[allow(unused_imports)] // for the docs' links
use crate::queue::Queue;

/// The push methods, on the receiver `&self` (`[]`) or `&mut self`
/// (`[mut]`); `$ms` and `$new` write the examples' `let (tx, rx) = ...`.
macro_rules! push_ops {
    ([$($m:tt)?] $ms:literal, $new:literal) => {
        /// See [`Queue::push`].
        ///
        /// # Errors
        ///
        /// [`PushError`] with the value if the queue is closed.
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(1);")]
        /// tx.push(1).unwrap();
        /// drop(rx); // the last consumer closes the queue
        /// assert_eq!(tx.push(2), Err(ringq::PushError(2)));
        /// ```
        #[inline]
        pub fn push(self: &$($m)? Self, value: T) -> Result<(), PushError<T>> {
            self.queue().push(value)
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
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "(1);")]
        /// assert!(tx.try_push(1).is_ok());
        /// assert!(tx.try_push(2).unwrap_err().is_full());
        /// ```
        #[inline]
        pub fn try_push(self: &$($m)? Self, value: T) -> Result<(), TryPushError<T>> {
            self.queue().try_push(value)
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
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "(1);")]
        /// tx.push(1).unwrap();
        /// assert!(tx.push_timeout(2, Duration::from_millis(1)).unwrap_err().is_timeout());
        /// ```
        pub fn push_timeout(self: &$($m)? Self, value: T, timeout: Duration) -> Result<(), PushTimeoutError<T>> {
            self.queue().push_timeout(value, timeout)
        }

        /// See [`Queue::push_deadline`].
        ///
        /// # Errors
        ///
        /// As [`Queue::push_timeout`].
        ///
        /// # Examples
        ///
        /// ```
        /// use std::time::Instant;
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "(1);")]
        /// assert!(tx.push_deadline(1, Instant::now()).is_ok()); // room: succeeds
        /// ```
        pub fn push_deadline(self: &$($m)? Self, value: T, deadline: Instant) -> Result<(), PushTimeoutError<T>> {
            self.queue().push_deadline(value, deadline)
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
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "(1);")]
        /// let token = ringq::CancelToken::new();
        /// assert!(tx.push_cancellable(1, &token).is_ok());
        /// ```
        pub fn push_cancellable(
            &self,
            value: T,
            token: &CancelToken,
        ) -> Result<(), PushCancelError<T>> {
            self.queue().push_cancellable(value, token)
        }

        /// See [`Queue::try_push_from`](crate::Queue::try_push_from).
        ///
        /// # Examples
        ///
        /// ```
        /// use std::collections::VecDeque;
        ///
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(2);")]
        /// let mut src: VecDeque<_> = (0..3).collect();
        /// assert_eq!(tx.try_push_from(&mut src), 2);
        /// assert_eq!(src, [2]);
        /// # drop(rx);
        /// ```
        pub fn try_push_from(self: &$($m)? Self, src: &mut VecDeque<T>) -> usize {
            self.queue().try_push_from(src)
        }

        /// See [`Queue::push_from`](crate::Queue::push_from).
        ///
        /// # Errors
        ///
        /// [`PushError`] once the queue is closed (every consumer dropped, or
        /// `close`); the values not pushed are still in `src`.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::collections::VecDeque;
        ///
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(4);")]
        /// let mut src: VecDeque<_> = (0..3).collect();
        /// tx.push_from(&mut src).unwrap();
        /// drop(rx); // the last consumer: the queue closes
        /// let mut more: VecDeque<_> = (3..5).collect();
        /// assert!(tx.push_from(&mut more).is_err());
        /// assert_eq!(more, [3, 4]);
        /// ```
        pub fn push_from(self: &$($m)? Self, src: &mut VecDeque<T>) -> Result<(), PushError<()>> {
            self.queue().push_from(src)
        }

        /// See [`Queue::push_from_timeout`](crate::Queue::push_from_timeout).
        ///
        /// # Errors
        ///
        /// [`PushTimeoutError::Timeout`] or [`PushTimeoutError::Closed`]; the
        /// values not pushed are still in `src`.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::collections::VecDeque;
        /// use std::time::Duration;
        ///
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "(1);")]
        /// let mut src: VecDeque<_> = (0..2).collect();
        /// assert!(tx.push_from_timeout(&mut src, Duration::from_millis(1)).is_err());
        /// assert_eq!(src, [1]);
        /// ```
        pub fn push_from_timeout(
            &self,
            src: &mut VecDeque<T>,
            timeout: Duration,
        ) -> Result<(), PushTimeoutError<()>> {
            self.queue().push_from_timeout(src, timeout)
        }

        /// See [`Queue::push_from_deadline`](crate::Queue::push_from_deadline).
        ///
        /// # Errors
        ///
        /// As [`Queue::push_from_timeout`].
        ///
        /// # Examples
        ///
        /// ```
        /// use std::collections::VecDeque;
        /// use std::time::Instant;
        ///
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "(2);")]
        /// let mut src: VecDeque<_> = (0..2).collect();
        /// assert_eq!(tx.push_from_deadline(&mut src, Instant::now()), Ok(()));
        /// ```
        pub fn push_from_deadline(
            &self,
            src: &mut VecDeque<T>,
            deadline: Instant,
        ) -> Result<(), PushTimeoutError<()>> {
            self.queue().push_from_deadline(src, deadline)
        }

        /// See [`Queue::push_from_cancellable`](crate::Queue::push_from_cancellable).
        ///
        /// # Errors
        ///
        /// [`PushCancelError::Cancelled`] or [`PushCancelError::Closed`]; the
        /// values not pushed are still in `src`.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::collections::VecDeque;
        ///
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "(1);")]
        /// let token = ringq::CancelToken::new();
        /// token.cancel();
        /// let mut src: VecDeque<_> = (0..2).collect();
        /// assert!(tx.push_from_cancellable(&mut src, &token).is_err());
        /// assert_eq!(src.len(), 2);
        /// ```
        pub fn push_from_cancellable(
            &self,
            src: &mut VecDeque<T>,
            token: &CancelToken,
        ) -> Result<(), PushCancelError<()>> {
            self.queue().push_from_cancellable(src, token)
        }

        /// See [`Queue::push_async`](crate::Queue::push_async).
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(1);")]
        /// pollster::block_on(tx.push_async(3)).unwrap();
        /// assert_eq!(rx.pop(), Ok(3));
        /// ```
        pub fn push_async(self: &$($m)? Self, value: T) -> PushFuture<'_, T> {
            self.queue().push_async(value)
        }


        /// See [`Queue::try_reserve`]: room for one value, or why not; the
        /// [`Permit`]'s `push` never fails.
        ///
        /// # Errors
        ///
        /// [`TryPushError::Full`] or [`TryPushError::Closed`].
        ///
        /// # Panics
        ///
        /// On a rendezvous queue (capacity 0): it has no slot to reserve.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(1);")]
        /// let permit = tx.try_reserve().unwrap();
        /// permit.push(1);
        /// assert_eq!(rx.try_pop(), Ok(1));
        /// ```
        pub fn try_reserve(self: &$($m)? Self) -> Result<Permit<'_, T>, TryPushError<()>> {
            self.queue().try_reserve()
        }

        /// See [`Queue::reserve`]: blocks while the queue is full.
        ///
        /// # Errors
        ///
        /// [`PushError`] if the queue is closed (the last consumer dropping
        /// closes it).
        ///
        /// # Panics
        ///
        /// On a rendezvous queue (capacity 0), as `try_reserve`.
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(1);")]
        /// tx.reserve().unwrap().push(1);
        /// drop(rx);
        /// assert!(tx.reserve().is_err());
        /// ```
        pub fn reserve(self: &$($m)? Self) -> Result<Permit<'_, T>, PushError<()>> {
            self.queue().reserve()
        }

        /// See [`Queue::reserve_timeout`].
        ///
        /// # Errors
        ///
        /// [`PushTimeoutError::Timeout`] or [`PushTimeoutError::Closed`].
        ///
        /// # Panics
        ///
        /// On a rendezvous queue (capacity 0), as `try_reserve`.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::time::Duration;
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "(1);")]
        /// tx.push(0).unwrap();
        /// assert!(tx.reserve_timeout(Duration::from_millis(1)).unwrap_err().is_timeout());
        /// ```
        pub fn reserve_timeout(self: &$($m)? Self, timeout: Duration) -> Result<Permit<'_, T>, PushTimeoutError<()>> {
            self.queue().reserve_timeout(timeout)
        }

        /// See [`Queue::reserve_deadline`].
        ///
        /// # Errors
        ///
        /// [`PushTimeoutError::Timeout`] or [`PushTimeoutError::Closed`].
        ///
        /// # Panics
        ///
        /// On a rendezvous queue (capacity 0), as `try_reserve`.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::time::Instant;
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "::<u8>(1);")]
        /// assert!(tx.reserve_deadline(Instant::now()).is_ok());
        /// ```
        pub fn reserve_deadline(self: &$($m)? Self, deadline: Instant) -> Result<Permit<'_, T>, PushTimeoutError<()>> {
            self.queue().reserve_deadline(deadline)
        }

        /// See [`Queue::reserve_cancellable`].
        ///
        /// # Errors
        ///
        /// [`PushCancelError::Cancelled`] or [`PushCancelError::Closed`].
        ///
        /// # Panics
        ///
        /// On a rendezvous queue (capacity 0), as `try_reserve`.
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "_rx) = ", $new, "::<u8>(1);")]
        /// let token = ringq::CancelToken::new();
        /// assert!(tx.reserve_cancellable(&token).is_ok());
        /// ```
        pub fn reserve_cancellable(self: &$($m)? Self, token: &CancelToken) -> Result<Permit<'_, T>, PushCancelError<()>> {
            self.queue().reserve_cancellable(token)
        }

        /// See [`Queue::reserve_async`].
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(1);")]
        /// pollster::block_on(async {
        ///     tx.reserve_async().await.unwrap().push(3);
        ///     assert_eq!(rx.pop_async().await, Ok(3));
        /// });
        /// ```
        pub fn reserve_async(self: &$($m)? Self) -> ReserveFuture<'_, T> {
            self.queue().reserve_async()
        }
    };
}

impl<T, C: Side> Producer<T, Multi, C> {
    push_ops!([] "", "ringq::bounded");
}

impl<T, C: Side> Producer<T, Single, C> {
    push_ops!([mut] "mut ", "ringq::spsc");
}

impl<T> Producer<T, Multi, Multi> {
    /// See [`Queue::force_push`]. Only where the consumer side is shared
    /// (the [`flavor`](crate::flavor) table).
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
        self.queue().force_push(value)
    }
}

impl<T> Producer<T, Single, Multi> {
    /// See [`Queue::force_push`]. Only where the consumer side is shared
    /// (the [`flavor`](crate::flavor) table).
    ///
    /// # Errors
    ///
    /// [`PushError`] with the value if the queue is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut tx, _rx) = ringq::spmc(1);
    /// tx.push(1).unwrap();
    /// assert_eq!(tx.force_push(2), Ok(Some(1)));
    /// ```
    pub fn force_push(&mut self, value: T) -> Result<Option<T>, PushError<T>> {
        self.queue().force_push(value)
    }
}
