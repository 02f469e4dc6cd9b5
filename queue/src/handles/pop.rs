//! The pop side's operations on a [`Consumer`], on `&self` for a shared
//! side ([`Multi`]) and on `&mut self` for an owned one ([`Single`]); see
//! `push.rs`. Each is the queue's method of the same name.

use alloc::vec::Vec;
#[cfg(feature = "std")]
use std::time::{Duration, Instant};

use super::Consumer;
#[cfg(feature = "std")]
use crate::cancel::CancelToken;
use crate::error::TryPopError;
#[cfg(feature = "std")]
use crate::error::{PopCancelError, PopError, PopTimeoutError};
use crate::flavor::{Multi, Side, Single};
#[cfg(feature = "std")]
use crate::future::PopFuture;
use crate::iter::TryIter;
#[cfg(feature = "std")]
use crate::iter::{CancellableIter, Iter};
#[allow(unused_imports)] // for the docs' links
use crate::queue::Queue;

/// The pop methods, on `&self` (`[]`) or `&mut self` (`[mut]`), as
/// `push_ops!`.
macro_rules! pop_ops {
    ([$($m:tt)?] $ms:literal, $new:literal) => {
        /// See [`Queue::pop`].
        ///
        /// # Errors
        ///
        /// [`PopError`] once the queue is closed and drained.
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(1);")]
        /// tx.push(3).unwrap();
        /// drop(tx);
        /// assert_eq!(rx.pop(), Ok(3));
        /// assert_eq!(rx.pop(), Err(ringq::PopError));
        /// ```
        #[inline]
        pub fn pop(self: &$($m)? Self) -> Result<T, PopError> {
            self.queue().pop()
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
        #[doc = concat!("let (", $ms, "_tx, ", $ms, "rx) = ", $new, "::<u8>(1);")]
        /// assert_eq!(rx.try_pop(), Err(ringq::TryPopError::Empty));
        /// ```
        #[inline]
        pub fn try_pop(self: &$($m)? Self) -> Result<T, TryPopError> {
            self.queue().try_pop()
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
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "_tx, ", $ms, "rx) = ", $new, "::<u8>(1);")]
        /// assert_eq!(rx.pop_timeout(Duration::from_millis(1)), Err(ringq::PopTimeoutError::Timeout));
        /// ```
        pub fn pop_timeout(self: &$($m)? Self, timeout: Duration) -> Result<T, PopTimeoutError> {
            self.queue().pop_timeout(timeout)
        }

        /// See [`Queue::pop_deadline`].
        ///
        /// # Errors
        ///
        /// As [`Queue::pop_timeout`].
        ///
        /// # Examples
        ///
        /// ```
        /// use std::time::Instant;
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(1);")]
        /// tx.push(1).unwrap();
        /// assert_eq!(rx.pop_deadline(Instant::now()), Ok(1));
        /// ```
        pub fn pop_deadline(self: &$($m)? Self, deadline: Instant) -> Result<T, PopTimeoutError> {
            self.queue().pop_deadline(deadline)
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
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "::<u8>(1);")]
        /// drop(tx);
        /// let token = ringq::CancelToken::new();
        /// assert_eq!(rx.pop_cancellable(&token), Err(ringq::PopCancelError::Closed));
        /// ```
        pub fn pop_cancellable(self: &$($m)? Self, token: &CancelToken) -> Result<T, PopCancelError> {
            self.queue().pop_cancellable(token)
        }

        /// See [`Queue::iter`].
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(2);")]
        /// tx.push(1).unwrap();
        /// drop(tx);
        /// assert_eq!(rx.iter().count(), 1);
        /// ```
        pub fn iter(self: &$($m)? Self) -> Iter<'_, T> {
            self.queue().iter()
        }

        /// See [`Queue::try_iter`].
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(2);")]
        /// tx.push(1).unwrap();
        /// assert_eq!(rx.try_iter().count(), 1); // does not wait for more
        /// ```
        pub fn try_iter(self: &$($m)? Self) -> TryIter<'_, T> {
            self.queue().try_iter()
        }

        /// See [`Queue::iter_cancellable`].
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(2);")]
        /// tx.push(5).unwrap();
        /// drop(tx);
        /// let token = ringq::CancelToken::new();
        /// assert_eq!(rx.iter_cancellable(&token).collect::<Vec<_>>(), [5]);
        /// ```
        pub fn iter_cancellable<'a>(self: &'a $($m)? Self, token: &'a CancelToken) -> CancellableIter<'a, T> {
            self.queue().iter_cancellable(token)
        }

        /// See [`Queue::try_pop_into`](crate::Queue::try_pop_into).
        ///
        /// # Errors
        ///
        /// [`TryPopError::Empty`], or [`TryPopError::Closed`] once closed and
        /// drained.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(4);")]
        /// tx.push(1).unwrap();
        /// tx.push(2).unwrap();
        /// let mut buf = Vec::new();
        /// assert_eq!(rx.try_pop_into(&mut buf, 8), Ok(2));
        /// assert_eq!(buf, [1, 2]);
        /// ```
        pub fn try_pop_into(self: &$($m)? Self, buf: &mut Vec<T>, max: usize) -> Result<usize, TryPopError> {
            self.queue().try_pop_into(buf, max)
        }

        /// See [`Queue::pop_into`](crate::Queue::pop_into).
        ///
        /// # Errors
        ///
        /// [`PopError`] once the queue is closed (every producer dropped, or
        /// `close`) and drained.
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(4);")]
        /// tx.push(1).unwrap();
        /// drop(tx); // the last producer: the queue closes, and drains
        /// let mut buf = Vec::new();
        /// assert_eq!(rx.pop_into(&mut buf, 8), Ok(1));
        /// assert!(rx.pop_into(&mut buf, 8).is_err());
        /// ```
        pub fn pop_into(self: &$($m)? Self, buf: &mut Vec<T>, max: usize) -> Result<usize, PopError> {
            self.queue().pop_into(buf, max)
        }

        /// See [`Queue::pop_into_timeout`](crate::Queue::pop_into_timeout).
        ///
        /// # Errors
        ///
        /// [`PopTimeoutError::Timeout`] or [`PopTimeoutError::Closed`].
        ///
        /// # Examples
        ///
        /// ```
        /// use std::time::Duration;
        ///
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "_tx, ", $ms, "rx) = ", $new, "::<u8>(4);")]
        /// let mut buf = Vec::new();
        /// assert!(rx.pop_into_timeout(&mut buf, 8, Duration::from_millis(1)).is_err());
        /// ```
        pub fn pop_into_timeout(
            &self,
            buf: &mut Vec<T>,
            max: usize,
            timeout: Duration,
        ) -> Result<usize, PopTimeoutError> {
            self.queue().pop_into_timeout(buf, max, timeout)
        }

        /// See [`Queue::pop_into_deadline`](crate::Queue::pop_into_deadline).
        ///
        /// # Errors
        ///
        /// As [`Queue::pop_into_timeout`].
        ///
        /// # Examples
        ///
        /// ```
        /// use std::time::Instant;
        ///
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "(4);")]
        /// tx.push(7).unwrap();
        /// let mut buf = Vec::new();
        /// assert_eq!(rx.pop_into_deadline(&mut buf, 8, Instant::now()), Ok(1));
        /// ```
        pub fn pop_into_deadline(
            &self,
            buf: &mut Vec<T>,
            max: usize,
            deadline: Instant,
        ) -> Result<usize, PopTimeoutError> {
            self.queue().pop_into_deadline(buf, max, deadline)
        }

        /// See [`Queue::pop_into_cancellable`](crate::Queue::pop_into_cancellable).
        ///
        /// # Errors
        ///
        /// [`PopCancelError::Cancelled`] or [`PopCancelError::Closed`].
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "_tx, ", $ms, "rx) = ", $new, "::<u8>(4);")]
        /// let token = ringq::CancelToken::new();
        /// token.cancel();
        /// let mut buf = Vec::new();
        /// assert_eq!(rx.pop_into_cancellable(&mut buf, 8, &token), Err(ringq::PopCancelError::Cancelled));
        /// ```
        pub fn pop_into_cancellable(
            &self,
            buf: &mut Vec<T>,
            max: usize,
            token: &CancelToken,
        ) -> Result<usize, PopCancelError> {
            self.queue().pop_into_cancellable(buf, max, token)
        }

        /// See [`Queue::pop_async`](crate::Queue::pop_async).
        ///
        /// # Examples
        ///
        /// ```
        #[cfg(feature = "std")]
        #[doc = concat!("let (", $ms, "tx, ", $ms, "rx) = ", $new, "::<u8>(1);")]
        /// drop(tx); // the last producer closes the queue
        /// assert_eq!(pollster::block_on(rx.pop_async()), Err(ringq::PopError));
        /// ```
        pub fn pop_async(self: &$($m)? Self) -> PopFuture<'_, T> {
            self.queue().pop_async()
        }

    };
}

impl<T, P: Side> Consumer<T, P, Multi> {
    pop_ops!([] "", "ringq::bounded");
}

impl<T, P: Side> Consumer<T, P, Single> {
    pop_ops!([mut] "mut ", "ringq::spsc");
}
