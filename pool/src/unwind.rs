//! Dropping the caller's values on a worker without letting their `Drop`
//! panic kill the worker.
//!
//! A worker drops user data in several places: the closure of a job
//! cancelled before it ran, the result of a detached `submit` job, the panic
//! payload of an `execute` job. Each of those drops goes through
//! [`drop_quietly`], so a worker only ever ends by returning.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Drops `value`, catching a panic from its `Drop`. The panic's own payload
/// is dropped the same way once more; if that drop panics too, the second
/// payload is leaked (`mem::forget`) rather than dropped, since a value
/// whose every drop panics cannot be dropped at all. Returns whether the
/// drop panicked.
///
/// `AssertUnwindSafe`: nothing of the pool's is borrowed by the drop, and
/// the value is gone whichever way the drop ends.
pub(crate) fn drop_quietly<T>(value: T) -> bool {
    match catch_unwind(AssertUnwindSafe(move || drop(value))) {
        Ok(()) => false,
        Err(payload) => {
            drop_payload(payload);
            true
        }
    }
}

/// Drops a panic payload, leaking it if its drop panics (see
/// [`drop_quietly`]).
pub(crate) fn drop_payload(payload: Box<dyn Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}
