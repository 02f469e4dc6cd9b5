//! Dropping the caller's values on a worker without letting their `Drop`
//! panic kill the worker.
//!
//! A worker drops user data in several places: the closure of a job
//! cancelled before it ran, the result of a detached `submit` job, the panic
//! payload of an `execute` job. Each of those drops goes through
//! [`drop_quietly`], so a worker only ever ends by returning.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// How many panic payloads in a row [`drop_quietly`] tries to drop (each
/// one thrown by the drop of the one before) before it leaks the last.
const NESTED_DROPS: usize = 4;

/// Drops `value`, catching a panic from its `Drop`. The panic's payload is
/// dropped the same way, and so on; a payload whose drop still panics after
/// [`NESTED_DROPS`] rounds is leaked (`mem::forget`) rather than dropped,
/// since a value whose every drop panics cannot be dropped at all. Returns
/// whether the drop panicked.
///
/// `AssertUnwindSafe`: nothing of the pool's is borrowed by the drop, and
/// the value is gone whichever way the drop ends.
pub(crate) fn drop_quietly<T>(value: T) -> bool {
    let Err(mut payload) = catch_unwind(AssertUnwindSafe(move || drop(value))) else {
        return false;
    };
    for _ in 0..NESTED_DROPS {
        match catch_unwind(AssertUnwindSafe(move || drop(payload))) {
            Ok(()) => return true,
            Err(next) => payload = next,
        }
    }
    std::mem::forget(payload);
    true
}
