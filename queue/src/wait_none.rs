//! The waiting layer without `std` (`default-features = false`): nothing
//! can wait, so a side's waiter list is an empty shell.
//!
//! Blocking and timed calls, cancellation tokens, `select!` and async
//! futures are all behind the `std` feature, and they are the only code
//! that registers a waiter (`wait.rs`). With none of them compiled in, no
//! waiter can ever be on a list, so the notifications that the
//! non-blocking calls send after a claim are exact as no-ops: there is no
//! one to wake. The queue's code calls the same methods in both builds.

pub(crate) use crate::ring::Check;

/// One side's waiter list, which nothing can join without `std`.
#[derive(Debug)]
pub(crate) struct Waker;

impl Waker {
    pub(crate) fn new() -> Waker {
        Waker
    }

    /// Nobody can be waiting: nothing to wake.
    #[inline(always)]
    pub(crate) fn notify_claimed(&self, _n: usize, _owned: bool) {}

    /// Nobody can be waiting: nothing to wake.
    #[inline(always)]
    pub(crate) fn notify_all(&self) {}
}
