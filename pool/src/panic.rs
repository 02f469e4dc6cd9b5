//! [`Panic`]: a panic caught on a worker, as the errors carry it.

use std::any::Any;
use std::fmt;
use std::panic::resume_unwind;

use crate::error::panic_message;

/// A panic caught on a worker: its message, and its payload, to resume it
/// on the caller's thread or to inspect it.
///
/// Unlike the bare `Box<dyn Any + Send>` that `catch_unwind` returns, a
/// `Panic` is `Sync`, so the errors that carry one
/// ([`JobError`](crate::JobError), [`GroupError`](crate::GroupError),
/// [`PipelineError`](crate::PipelineError)) convert into
/// `Box<dyn Error + Send + Sync>` (and so `anyhow::Error`) with `?`.
///
/// # Examples
///
/// ```
/// use ringq_pool::{JobError, Pool};
///
/// fn run() -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
///     let pool = Pool::new(1, 4);
///     let h = pool.submit(|| -> u32 { panic!("bad input") }).unwrap();
///     Ok(h.join()?) // JobError is Send + Sync
/// }
/// let err = run().unwrap_err();
/// assert_eq!(err.to_string(), "job panicked: bad input");
///
/// let pool = Pool::new(1, 4);
/// match pool.submit(|| panic!("again")).unwrap().join() {
///     Err(JobError::Panicked(p)) => {
///         assert_eq!(p.message(), "again");
///         let payload = p.into_payload(); // or `p.resume()` to re-raise it
///         assert_eq!(payload.downcast_ref::<&str>(), Some(&"again"));
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
pub struct Panic {
    /// The payload's text, taken when the panic was caught.
    message: String,
    /// Only ever moved out by value (`into_payload`, `resume`): no method
    /// reads it through `&self`, which is what makes `Panic` `Sync`.
    payload: Box<dyn Any + Send>,
}

// SAFETY: a shared `&Panic` reaches only `message` (a `String`, which is
// `Sync`); the payload, which need not be `Sync`, is touched only by methods
// that take `self` by value, when no other reference exists. This is the
// reasoning of the `sync_wrapper` crate.
unsafe impl Sync for Panic {}

impl Panic {
    pub(crate) fn new(payload: Box<dyn Any + Send>) -> Panic {
        Panic {
            message: panic_message(payload.as_ref()).to_owned(),
            payload,
        }
    }

    /// The text the job panicked with (`panic!("...")`'s message), or a
    /// placeholder for a payload that is not a string.
    ///
    /// # Examples
    ///
    /// See [`Panic`].
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The payload `panic!` was called with.
    ///
    /// # Examples
    ///
    /// See [`Panic`].
    pub fn into_payload(self) -> Box<dyn Any + Send> {
        self.payload
    }

    /// Resumes the panic on this thread (`std::panic::resume_unwind`).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{JobError, Pool};
    ///
    /// let pool = Pool::new(1, 4);
    /// let err = pool.submit(|| panic!("deep")).unwrap().join().unwrap_err();
    /// let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || match err {
    ///     JobError::Panicked(p) => p.resume(),
    ///     JobError::Cancelled => unreachable!(),
    /// }));
    /// let payload = caught.unwrap_err(); // the job's own payload, re-raised here
    /// assert_eq!(ringq_pool::panic_message(payload.as_ref()), "deep");
    /// ```
    pub fn resume(self) -> ! {
        resume_unwind(self.payload)
    }
}

impl fmt::Debug for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.message, f)
    }
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
