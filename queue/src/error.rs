//! Error types. Every push-side error hands the value back; no error prints it.

use core::fmt;
#[cfg(feature = "std")]
use std::error::Error;

/// Writes `Variant(..)`: the payload is never printed, so `T` needs no `Debug`.
fn debug_payload(f: &mut fmt::Formatter<'_>, variant: &str) -> fmt::Result {
    write!(f, "{variant}(..)")
}

/// The error of [`Queue::try_push`](crate::Queue::try_push).
///
/// # Examples
///
/// ```
/// use ringq::{Queue, TryPushError};
///
/// let q = Queue::new(1);
/// q.try_push(1).unwrap();
/// let err = q.try_push(2).unwrap_err();
/// assert!(err.is_full());
/// assert_eq!(err.into_inner(), 2); // the value comes back
/// q.close();
/// assert_eq!(q.try_push(3), Err(TryPushError::Closed(3)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPushError<T> {
    /// The queue was full; the value comes back.
    Full(T),
    /// The queue was closed; the value comes back.
    Closed(T),
}

impl<T> TryPushError<T> {
    /// Returns the value that could not be pushed.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::TryPushError;
    /// assert_eq!(TryPushError::Full(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            TryPushError::Full(v) | TryPushError::Closed(v) => v,
        }
    }

    /// Whether the push failed because the queue was full.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::TryPushError;
    /// assert!(TryPushError::Full(()).is_full());
    /// assert!(!TryPushError::Closed(()).is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, TryPushError::Full(_))
    }

    /// Whether the push failed because the queue was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::TryPushError;
    /// assert!(TryPushError::Closed(()).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, TryPushError::Closed(_))
    }
}

impl<T> fmt::Debug for TryPushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryPushError::Full(_) => debug_payload(f, "Full"),
            TryPushError::Closed(_) => debug_payload(f, "Closed"),
        }
    }
}

impl<T> fmt::Display for TryPushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryPushError::Full(_) => "pushing into a full queue",
            TryPushError::Closed(_) => "pushing into a closed queue",
        })
    }
}

#[cfg(feature = "std")]
impl<T> Error for TryPushError<T> {}

/// The error of a blocking [`Queue::push`](crate::Queue::push) or of
/// [`Queue::force_push`](crate::Queue::force_push): the queue is closed, and
/// the value comes back.
///
/// # Examples
///
/// ```
/// use ringq::{PushError, Queue};
///
/// let q = Queue::new(4);
/// q.close();
/// assert_eq!(q.push("late"), Err(PushError("late")));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PushError<T>(pub T);

impl<T> PushError<T> {
    /// Returns the value that could not be pushed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(ringq::PushError(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for PushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_payload(f, "PushError")
    }
}

impl<T> fmt::Display for PushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("pushing into a closed queue")
    }
}

#[cfg(feature = "std")]
impl<T> Error for PushError<T> {}

/// A blocking push's "closed", as the non-blocking error (the value comes
/// along).
///
/// # Examples
///
/// ```
/// use ringq::{PushError, TryPushError};
///
/// assert_eq!(TryPushError::from(PushError(7)), TryPushError::Closed(7));
/// ```
impl<T> From<PushError<T>> for TryPushError<T> {
    fn from(e: PushError<T>) -> TryPushError<T> {
        TryPushError::Closed(e.0)
    }
}

/// A blocking push's "closed", as the timed error (the value comes along).
///
/// # Examples
///
/// ```
/// use ringq::{PushError, PushTimeoutError};
///
/// assert_eq!(PushTimeoutError::from(PushError(7)), PushTimeoutError::Closed(7));
/// ```
impl<T> From<PushError<T>> for PushTimeoutError<T> {
    fn from(e: PushError<T>) -> PushTimeoutError<T> {
        PushTimeoutError::Closed(e.0)
    }
}

/// A blocking push's "closed", as the cancellable error (the value comes
/// along).
///
/// # Examples
///
/// ```
/// use ringq::{PushCancelError, PushError};
///
/// assert_eq!(PushCancelError::from(PushError(7)), PushCancelError::Closed(7));
/// ```
impl<T> From<PushError<T>> for PushCancelError<T> {
    fn from(e: PushError<T>) -> PushCancelError<T> {
        PushCancelError::Closed(e.0)
    }
}

/// The error of [`Queue::push_timeout`](crate::Queue::push_timeout) and
/// [`Queue::push_deadline`](crate::Queue::push_deadline).
///
/// # Examples
///
/// ```
/// use ringq::{PushTimeoutError, Queue};
/// use std::time::Duration;
///
/// let q = Queue::new(1);
/// q.push(1).unwrap();
/// let err = q.push_timeout(2, Duration::from_millis(1)).unwrap_err();
/// assert_eq!(err, PushTimeoutError::Timeout(2));
/// assert!(err.is_timeout());
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PushTimeoutError<T> {
    /// The queue stayed full until the deadline; the value comes back.
    Timeout(T),
    /// The queue was closed; the value comes back.
    Closed(T),
}

impl<T> PushTimeoutError<T> {
    /// Returns the value that could not be pushed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(ringq::PushTimeoutError::Timeout(1).into_inner(), 1);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            PushTimeoutError::Timeout(v) | PushTimeoutError::Closed(v) => v,
        }
    }

    /// Whether the push timed out.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringq::PushTimeoutError::Timeout(()).is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, PushTimeoutError::Timeout(_))
    }

    /// Whether the queue was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringq::PushTimeoutError::Closed(()).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, PushTimeoutError::Closed(_))
    }
}

impl<T> fmt::Debug for PushTimeoutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushTimeoutError::Timeout(_) => debug_payload(f, "Timeout"),
            PushTimeoutError::Closed(_) => debug_payload(f, "Closed"),
        }
    }
}

impl<T> fmt::Display for PushTimeoutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PushTimeoutError::Timeout(_) => "timed out waiting for room in the queue",
            PushTimeoutError::Closed(_) => "pushing into a closed queue",
        })
    }
}

#[cfg(feature = "std")]
impl<T> Error for PushTimeoutError<T> {}

/// The error of [`Queue::push_cancellable`](crate::Queue::push_cancellable).
///
/// # Examples
///
/// ```
/// use ringq::{CancelToken, PushCancelError, Queue};
///
/// let q = Queue::new(1);
/// let token = CancelToken::new();
/// token.cancel();
/// assert_eq!(q.push_cancellable(5, &token), Err(PushCancelError::Cancelled(5)));
/// assert!(q.is_empty()); // a cancelled push never enqueues
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PushCancelError<T> {
    /// The token was cancelled before the value could be pushed; the value
    /// comes back and was not enqueued.
    Cancelled(T),
    /// The queue was closed; the value comes back.
    Closed(T),
}

impl<T> PushCancelError<T> {
    /// Returns the value that could not be pushed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(ringq::PushCancelError::Cancelled('x').into_inner(), 'x');
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            PushCancelError::Cancelled(v) | PushCancelError::Closed(v) => v,
        }
    }

    /// Whether the push was cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringq::PushCancelError::Cancelled(()).is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, PushCancelError::Cancelled(_))
    }

    /// Whether the queue was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringq::PushCancelError::Closed(()).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, PushCancelError::Closed(_))
    }
}

impl<T> fmt::Debug for PushCancelError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushCancelError::Cancelled(_) => debug_payload(f, "Cancelled"),
            PushCancelError::Closed(_) => debug_payload(f, "Closed"),
        }
    }
}

impl<T> fmt::Display for PushCancelError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PushCancelError::Cancelled(_) => "push was cancelled",
            PushCancelError::Closed(_) => "pushing into a closed queue",
        })
    }
}

#[cfg(feature = "std")]
impl<T> Error for PushCancelError<T> {}

/// The error of [`Queue::try_pop`](crate::Queue::try_pop).
///
/// # Examples
///
/// ```
/// use ringq::{Queue, TryPopError};
///
/// let q = Queue::<u8>::new(2);
/// assert_eq!(q.try_pop(), Err(TryPopError::Empty));
/// q.close();
/// assert_eq!(q.try_pop(), Err(TryPopError::Closed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TryPopError {
    /// The queue was empty and still open.
    Empty,
    /// The queue was closed and every value pushed before the close has been
    /// popped.
    Closed,
}

impl fmt::Display for TryPopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryPopError::Empty => "popping from an empty queue",
            TryPopError::Closed => "popping from a closed and drained queue",
        })
    }
}

#[cfg(feature = "std")]
impl Error for TryPopError {}

impl TryPopError {
    /// Whether the queue was empty (and still open).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u8>::new(1);
    /// assert!(q.try_pop().unwrap_err().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, TryPopError::Empty)
    }

    /// Whether the queue was closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u8>::new(1);
    /// q.close();
    /// assert!(q.try_pop().unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, TryPopError::Closed)
    }
}

/// A blocking pop's "closed and drained", as the non-blocking error.
///
/// # Examples
///
/// ```
/// use ringq::{PopError, TryPopError};
///
/// assert_eq!(TryPopError::from(PopError), TryPopError::Closed);
/// ```
impl From<PopError> for TryPopError {
    fn from(_: PopError) -> TryPopError {
        TryPopError::Closed
    }
}

/// The error of a blocking [`Queue::pop`](crate::Queue::pop): the queue is
/// closed and drained.
///
/// # Examples
///
/// ```
/// use ringq::{PopError, Queue};
///
/// let q = Queue::new(2);
/// q.push(1).unwrap();
/// q.close();
/// assert_eq!(q.pop(), Ok(1)); // drains first
/// assert_eq!(q.pop(), Err(PopError));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PopError;

impl fmt::Display for PopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("popping from a closed and drained queue")
    }
}

#[cfg(feature = "std")]
impl Error for PopError {}

/// The error of [`Queue::pop_timeout`](crate::Queue::pop_timeout) and
/// [`Queue::pop_deadline`](crate::Queue::pop_deadline).
///
/// # Examples
///
/// ```
/// use ringq::{PopTimeoutError, Queue};
/// use std::time::Duration;
///
/// let q = Queue::<u8>::new(2);
/// assert_eq!(q.pop_timeout(Duration::from_millis(1)), Err(PopTimeoutError::Timeout));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PopTimeoutError {
    /// No value arrived before the deadline.
    Timeout,
    /// The queue was closed and drained.
    Closed,
}

impl fmt::Display for PopTimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PopTimeoutError::Timeout => "timed out waiting for a value",
            PopTimeoutError::Closed => "popping from a closed and drained queue",
        })
    }
}

#[cfg(feature = "std")]
impl Error for PopTimeoutError {}

impl PopTimeoutError {
    /// Whether the deadline passed first.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u8>::new(1);
    /// assert!(q.pop_timeout(std::time::Duration::ZERO).unwrap_err().is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, PopTimeoutError::Timeout)
    }

    /// Whether the queue was closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u8>::new(1);
    /// q.close();
    /// assert!(q.pop_timeout(std::time::Duration::ZERO).unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, PopTimeoutError::Closed)
    }
}

/// A blocking pop's "closed and drained", as the timed error.
///
/// # Examples
///
/// ```
/// use ringq::{PopError, PopTimeoutError};
///
/// assert_eq!(PopTimeoutError::from(PopError), PopTimeoutError::Closed);
/// ```
impl From<PopError> for PopTimeoutError {
    fn from(_: PopError) -> PopTimeoutError {
        PopTimeoutError::Closed
    }
}

/// The error of [`Queue::pop_cancellable`](crate::Queue::pop_cancellable).
///
/// # Examples
///
/// ```
/// use ringq::{CancelToken, PopCancelError, Queue};
///
/// let q = Queue::new(2);
/// q.push(1).unwrap();
/// let token = CancelToken::new();
/// token.cancel();
/// assert_eq!(q.pop_cancellable(&token), Err(PopCancelError::Cancelled));
/// assert_eq!(q.len(), 1); // a cancelled pop takes nothing
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PopCancelError {
    /// The token was cancelled before a value could be popped; none was taken.
    Cancelled,
    /// The queue was closed and drained.
    Closed,
}

impl fmt::Display for PopCancelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PopCancelError::Cancelled => "pop was cancelled",
            PopCancelError::Closed => "popping from a closed and drained queue",
        })
    }
}

#[cfg(feature = "std")]
impl Error for PopCancelError {}

impl PopCancelError {
    /// Whether the token fired first.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u8>::new(1);
    /// let token = ringq::CancelToken::new();
    /// token.cancel();
    /// assert!(q.pop_cancellable(&token).unwrap_err().is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, PopCancelError::Cancelled)
    }

    /// Whether the queue was closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u8>::new(1);
    /// q.close();
    /// assert!(q.pop_cancellable(&ringq::CancelToken::new()).unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, PopCancelError::Closed)
    }
}

/// A blocking pop's "closed and drained", as the cancellable error.
///
/// # Examples
///
/// ```
/// use ringq::{PopCancelError, PopError};
///
/// assert_eq!(PopCancelError::from(PopError), PopCancelError::Closed);
/// ```
impl From<PopError> for PopCancelError {
    fn from(_: PopError) -> PopCancelError {
        PopCancelError::Closed
    }
}
