//! The gate that gives a queue close cannot wake an exact close.

use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicUsize};

use ringq::TryPushError;

/// Exact close for a queue whose blocked operations close cannot wake.
///
/// Pushers announce themselves (`pushing += 1`), then check `closed`;
/// `close` sets `closed`, then waits until `pushing` is 0 and only then sets
/// `sealed`. Both sides use `SeqCst` so that of "pusher increments, then
/// loads `closed`" and "close stores `closed`, then loads `pushing`" at least
/// one sees the other: either the pusher sees the close and fails, or close
/// waits for the push to finish. So once `close` returns, no push can
/// succeed, and poppers that see `sealed` and an empty queue know nothing
/// more can arrive.
#[derive(Debug, Default)]
pub struct Gate {
    pushing: AtomicUsize,
    closed: AtomicBool,
    sealed: AtomicBool,
}

impl Gate {
    /// Runs `push` unless the gate is closed; `push` gets the item back on
    /// `Err` and so does the caller, tagged with whether the gate was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_benches::backends::Gate;
    ///
    /// let gate = Gate::default();
    /// assert_eq!(gate.pass(1, |x| Ok::<(), u8>(drop(x))), Ok(()));
    /// gate.close();
    /// assert_eq!(gate.pass(2, |x| Ok::<(), u8>(drop(x))), Err((2, true)));
    /// ```
    pub fn pass<T>(&self, item: T, push: impl FnOnce(T) -> Result<(), T>) -> Result<(), (T, bool)> {
        // SeqCst: the store-buffering pair with `close`, see the type docs.
        self.pushing.fetch_add(1, SeqCst);
        let result = if self.closed.load(SeqCst) {
            Err((item, true))
        } else {
            push(item).map_err(|item| (item, false))
        };
        // Release at least, so that `close`'s SeqCst load of 0 happens after
        // the push is complete; SeqCst for simplicity (an RMW either way).
        self.pushing.fetch_sub(1, SeqCst);
        result
    }

    /// [`pass`](Self::pass) for a push that does not wait: a failure is
    /// `Closed` if the gate was closed, else `Full`.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::TryPushError;
    /// use ringq_benches::backends::Gate;
    ///
    /// let gate = Gate::default();
    /// assert_eq!(gate.try_pass(1, Err), Err(TryPushError::Full(1)));
    /// gate.close();
    /// assert_eq!(gate.try_pass(2, |_| Ok(())), Err(TryPushError::Closed(2)));
    /// ```
    pub fn try_pass<T>(
        &self,
        item: T,
        push: impl FnOnce(T) -> Result<(), T>,
    ) -> Result<(), TryPushError<T>> {
        self.pass(item, push).map_err(|(item, closed)| {
            if closed {
                TryPushError::Closed(item)
            } else {
                TryPushError::Full(item)
            }
        })
    }

    /// Closes the gate and waits for pushes already past it (a push is
    /// one bounded attempt, so this wait is short). Returns whether this
    /// call closed it.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_benches::backends::Gate;
    ///
    /// let gate = Gate::default();
    /// assert!(gate.close());
    /// assert!(!gate.close());
    /// assert!(gate.is_closed() && gate.is_sealed());
    /// ```
    pub fn close(&self) -> bool {
        // SeqCst: the store-buffering pair with `pass`, see the type docs.
        let first = !self.closed.swap(true, SeqCst);
        while self.pushing.load(SeqCst) != 0 {
            std::thread::yield_now();
        }
        self.sealed.store(true, SeqCst);
        first
    }

    /// Whether the gate is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!ringq_benches::backends::Gate::default().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed.load(SeqCst)
    }

    /// Whether the gate is closed and every push that got past it has
    /// finished: a popper that then sees an empty queue may stop.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!ringq_benches::backends::Gate::default().is_sealed());
    /// ```
    pub fn is_sealed(&self) -> bool {
        // SeqCst pairs with the store in `close`; Acquire would do, SeqCst
        // keeps one ordering for the whole gate.
        self.sealed.load(SeqCst)
    }
}
