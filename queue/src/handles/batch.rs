//! Batch push and pop on the handles: each call is the queue's
//! (`queue/batch.rs`), so the same rules hold.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::{Consumer, Producer};
use crate::cancel::CancelToken;
use crate::error::{
    PopCancelError, PopError, PopTimeoutError, PushCancelError, PushError, PushTimeoutError,
    TryPopError,
};

impl<T> Producer<T> {
    /// See [`Queue::try_push_from`](crate::Queue::try_push_from).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::VecDeque;
    ///
    /// let (tx, rx) = ringq::bounded(2);
    /// let mut src: VecDeque<_> = (0..3).collect();
    /// assert_eq!(tx.try_push_from(&mut src), 2);
    /// assert_eq!(src, [2]);
    /// # drop(rx);
    /// ```
    pub fn try_push_from(&self, src: &mut VecDeque<T>) -> usize {
        self.shared.queue.try_push_from(src)
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
    /// let (tx, rx) = ringq::bounded(4);
    /// let mut src: VecDeque<_> = (0..3).collect();
    /// tx.push_from(&mut src).unwrap();
    /// drop(rx); // the last consumer: the queue closes
    /// let mut more: VecDeque<_> = (3..5).collect();
    /// assert!(tx.push_from(&mut more).is_err());
    /// assert_eq!(more, [3, 4]);
    /// ```
    pub fn push_from(&self, src: &mut VecDeque<T>) -> Result<(), PushError<()>> {
        self.shared.queue.push_from(src)
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
    /// let (tx, _rx) = ringq::bounded(1);
    /// let mut src: VecDeque<_> = (0..2).collect();
    /// assert!(tx.push_from_timeout(&mut src, Duration::from_millis(1)).is_err());
    /// assert_eq!(src, [1]);
    /// ```
    pub fn push_from_timeout(
        &self,
        src: &mut VecDeque<T>,
        timeout: Duration,
    ) -> Result<(), PushTimeoutError<()>> {
        self.shared.queue.push_from_timeout(src, timeout)
    }

    /// See [`Queue::push_from_deadline`](crate::Queue::push_from_deadline).
    ///
    /// # Errors
    ///
    /// As [`Producer::push_from_timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::VecDeque;
    /// use std::time::Instant;
    ///
    /// let (tx, _rx) = ringq::bounded(2);
    /// let mut src: VecDeque<_> = (0..2).collect();
    /// assert_eq!(tx.push_from_deadline(&mut src, Instant::now()), Ok(()));
    /// ```
    pub fn push_from_deadline(
        &self,
        src: &mut VecDeque<T>,
        deadline: Instant,
    ) -> Result<(), PushTimeoutError<()>> {
        self.shared.queue.push_from_deadline(src, deadline)
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
    /// let (tx, _rx) = ringq::bounded(1);
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
        self.shared.queue.push_from_cancellable(src, token)
    }
}

impl<T> Consumer<T> {
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
    /// let (tx, rx) = ringq::bounded(4);
    /// tx.push(1).unwrap();
    /// tx.push(2).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.try_pop_into(&mut buf, 8), Ok(2));
    /// assert_eq!(buf, [1, 2]);
    /// ```
    pub fn try_pop_into(&self, buf: &mut Vec<T>, max: usize) -> Result<usize, TryPopError> {
        self.shared.queue.try_pop_into(buf, max)
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
    /// let (tx, rx) = ringq::bounded(4);
    /// tx.push(1).unwrap();
    /// drop(tx); // the last producer: the queue closes, and drains
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.pop_into(&mut buf, 8), Ok(1));
    /// assert!(rx.pop_into(&mut buf, 8).is_err());
    /// ```
    pub fn pop_into(&self, buf: &mut Vec<T>, max: usize) -> Result<usize, PopError> {
        self.shared.queue.pop_into(buf, max)
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
    /// let (_tx, rx) = ringq::bounded::<u8>(4);
    /// let mut buf = Vec::new();
    /// assert!(rx.pop_into_timeout(&mut buf, 8, Duration::from_millis(1)).is_err());
    /// ```
    pub fn pop_into_timeout(
        &self,
        buf: &mut Vec<T>,
        max: usize,
        timeout: Duration,
    ) -> Result<usize, PopTimeoutError> {
        self.shared.queue.pop_into_timeout(buf, max, timeout)
    }

    /// See [`Queue::pop_into_deadline`](crate::Queue::pop_into_deadline).
    ///
    /// # Errors
    ///
    /// As [`Consumer::pop_into_timeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Instant;
    ///
    /// let (tx, rx) = ringq::bounded(4);
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
        self.shared.queue.pop_into_deadline(buf, max, deadline)
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
    /// let (_tx, rx) = ringq::bounded::<u8>(4);
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
        self.shared.queue.pop_into_cancellable(buf, max, token)
    }
}
