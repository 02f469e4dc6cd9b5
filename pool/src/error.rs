//! The pool's errors. None of them prints the closure or value it carries.

use std::any::Any;
use std::error::Error;
use std::fmt;

use crate::panic::Panic;

/// A job the pool did not accept; the caller's own closure comes back.
///
/// Because nothing is lost, the usual policies are one line each:
///
/// ```
/// use ringq_pool::{Pool, Rejected};
///
/// let pool = Pool::new(1, 1);
/// let job = || ();
///
/// // Caller runs: do the work on this thread when the pool cannot take it.
/// if let Err(rejected) = pool.try_execute(job) {
///     (rejected.into_inner())();
/// }
/// // Discard: drop it (maybe counting it first).
/// let _ = pool.try_execute(job);
/// // Retry later: keep the closure.
/// let mut later = Vec::new();
/// if let Err(Rejected::Full(f)) = pool.try_execute(job) {
///     later.push(f);
/// }
/// # drop(later);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Rejected<F> {
    /// The queue was full (`try_execute`), or stayed full for the whole
    /// timeout (`execute_timeout`) or until the token fired
    /// (`execute_cancellable`).
    Full(F),
    /// The pool is closed (closed, shut down or aborted). A closed pool
    /// answers `Closed` even when its queue is also full.
    Closed(F),
}

impl<F> Rejected<F> {
    /// The closure that was not accepted.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::Pool;
    ///
    /// let pool = Pool::new(1, 1);
    /// pool.close();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// let f = pool.execute(move || tx.send(7).unwrap()).unwrap_err().into_inner();
    /// f(); // the caller runs it
    /// assert_eq!(rx.recv(), Ok(7));
    /// ```
    pub fn into_inner(self) -> F {
        match self {
            Rejected::Full(f) | Rejected::Closed(f) => f,
        }
    }

    /// Whether the queue was full.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::Rejected;
    ///
    /// assert!(Rejected::Full(()).is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, Rejected::Full(_))
    }

    /// Whether the pool was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::Rejected;
    ///
    /// assert!(Rejected::Closed(()).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Rejected::Closed(_))
    }

    pub(crate) fn map<G>(self, f: impl FnOnce(F) -> G) -> Rejected<G> {
        match self {
            Rejected::Full(x) => Rejected::Full(f(x)),
            Rejected::Closed(x) => Rejected::Closed(f(x)),
        }
    }
}

impl<F> fmt::Debug for Rejected<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejected::Full(_) => f.write_str("Full(..)"),
            Rejected::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<F> fmt::Display for Rejected<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejected::Full(_) => f.write_str("job rejected: the pool's queue is full"),
            Rejected::Closed(_) => f.write_str("job rejected: the pool is closed"),
        }
    }
}

impl<F> Error for Rejected<F> {}

/// Why [`Builder::build`](crate::Builder::build) could not make a pool.
///
/// # Examples
///
/// ```
/// use ringq_pool::{BuildError, Pool};
/// use std::error::Error;
///
/// let err = Pool::builder().capacity(ringq::MAX_CAPACITY + 1).build().unwrap_err();
/// assert!(matches!(err, BuildError::Capacity(_)));
/// assert!(err.source().is_some()); // the queue's `CapacityError`
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// `workers(0)`: a pool needs at least one worker.
    NoWorkers,
    /// `max_workers` below `workers`.
    MaxWorkers {
        /// The core size asked for.
        workers: usize,
        /// The maximum asked for.
        max: usize,
    },
    /// The backend refused the capacity (above its maximum, or its queue
    /// could not be allocated).
    Capacity(ringq::CapacityError),
    /// A worker thread could not be spawned.
    Spawn(std::io::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoWorkers => f.write_str("a pool needs at least one worker"),
            BuildError::MaxWorkers { workers, max } => {
                write!(f, "max_workers ({max}) is below workers ({workers})")
            }
            BuildError::Capacity(e) => write!(f, "the pool's queue: {e}"),
            BuildError::Spawn(e) => write!(f, "could not spawn a worker thread: {e}"),
        }
    }
}

impl Error for BuildError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            BuildError::Capacity(e) => Some(e),
            BuildError::Spawn(e) => Some(e),
            BuildError::NoWorkers | BuildError::MaxWorkers { .. } => None,
        }
    }
}

/// Why [`Pool::set_workers`](crate::Pool::set_workers) could not do all it
/// was asked.
///
/// # Examples
///
/// ```
/// use ringq_pool::{Pool, ResizeError};
///
/// let pool = Pool::builder().workers(2).max_workers(4).build().unwrap();
/// let err = pool.set_workers(5).unwrap_err();
/// assert!(matches!(err, ResizeError::OutOfRange { requested: 5, max: 4 }));
/// assert_eq!(err.to_string(), "cannot set 5 workers: between 1 and max_workers (4)");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ResizeError {
    /// 0, or above the builder's `max_workers`.
    OutOfRange {
        /// What was asked.
        requested: usize,
        /// The pool's `max_workers`.
        max: usize,
    },
    /// The pool is closed: its workers are leaving.
    Closed,
    /// A worker thread could not be spawned (those started before it run).
    Spawn(std::io::Error),
}

impl fmt::Display for ResizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResizeError::OutOfRange { requested, max } => write!(
                f,
                "cannot set {requested} workers: between 1 and max_workers ({max})"
            ),
            ResizeError::Closed => f.write_str("the pool is closed"),
            ResizeError::Spawn(e) => write!(f, "could not spawn a worker thread: {e}"),
        }
    }
}

impl Error for ResizeError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ResizeError::Spawn(e) => Some(e),
            _ => None,
        }
    }
}

/// Why a [`JobHandle`](crate::JobHandle) has no result.
pub enum JobError {
    /// The job panicked: its message and payload.
    Panicked(Panic),
    /// The job never ran: its handle cancelled it, or the pool was aborted
    /// (and its [`PendingJob`](crate::PendingJob) was dropped unrun).
    Cancelled,
}

impl JobError {
    /// Whether the job panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::JobError;
    ///
    /// assert!(!JobError::Cancelled.is_panic());
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self, JobError::Panicked(_))
    }
}

impl fmt::Debug for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Panicked(p) => write!(f, "Panicked({:?})", p.message()),
            JobError::Cancelled => f.write_str("Cancelled"),
        }
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Panicked(p) => write!(f, "job panicked: {}", p.message()),
            JobError::Cancelled => f.write_str("job cancelled before it started"),
        }
    }
}

impl Error for JobError {}

/// Why a [`Group`](crate::Group) failed.
pub enum GroupError<E> {
    /// A job returned this error.
    Failed(E),
    /// A job panicked: its message and payload.
    Panicked(Panic),
    /// The job never ran (the group or the pool was cancelled first), or the
    /// group refused a new job because it had already failed or been
    /// cancelled, or the pool was closed.
    Cancelled,
}

impl<E> GroupError<E> {
    /// The job's own error, if it returned one.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::GroupError;
    ///
    /// assert_eq!(GroupError::Failed(3).failed(), Some(3));
    /// assert_eq!(GroupError::<i32>::Cancelled.failed(), None);
    /// ```
    pub fn failed(self) -> Option<E> {
        match self {
            GroupError::Failed(e) => Some(e),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            GroupError::Panicked(p) => write!(f, "Panicked({:?})", p.message()),
            GroupError::Cancelled => f.write_str("Cancelled"),
        }
    }
}

impl<E: fmt::Display> fmt::Display for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::Failed(e) => write!(f, "job failed: {e}"),
            GroupError::Panicked(p) => write!(f, "job panicked: {}", p.message()),
            GroupError::Cancelled => {
                f.write_str("job cancelled or refused: the group failed or was cancelled, or the pool is closed")
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> Error for GroupError<E> {}

/// Why a [`Pipeline`](crate::pipeline::Pipeline) stopped early.
pub enum PipelineError<E> {
    /// A stage returned this error (the first one; the others were stopped).
    Failed(E),
    /// A stage panicked: its message and payload.
    Panicked(Panic),
    /// The pipeline's token was cancelled from outside.
    Cancelled,
}

impl<E: fmt::Debug> fmt::Debug for PipelineError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            PipelineError::Panicked(p) => {
                write!(f, "Panicked({:?})", p.message())
            }
            PipelineError::Cancelled => f.write_str("Cancelled"),
        }
    }
}

impl<E: fmt::Display> fmt::Display for PipelineError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Failed(e) => write!(f, "pipeline stage failed: {e}"),
            PipelineError::Panicked(p) => {
                write!(f, "pipeline stage panicked: {}", p.message())
            }
            PipelineError::Cancelled => f.write_str("pipeline cancelled"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> Error for PipelineError<E> {}

/// The text of a panic payload when it is a string (as `panic!("...")`
/// makes it), else a placeholder.
///
/// # Examples
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
/// assert_eq!(ringq_pool::panic_message(payload.as_ref()), "boom 1");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "<non-string panic payload>"
    }
}
