//! What a queue's close fires: the tokens of [`Queue::cancel_on_close`], and
//! the queue's own close signal behind [`Queue::closed`] and
//! [`Queue::wait_closed`] ([`Closed`], the future).
//!
//! [`Queue::cancel_on_close`]: crate::Queue::cancel_on_close
//! [`Queue::closed`]: crate::Queue::closed
//! [`Queue::wait_closed`]: crate::Queue::wait_closed

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::cancel::{CancelToken, Cancelled};
use crate::spin_lock::SpinLock;

/// The tokens to cancel at close; `None` once the queue has closed.
///
/// Both sides hold the lock while they look, which is the whole protocol:
/// a token registered before `fire` took the list is in it and cancelled
/// there; one registered after finds `None` and is cancelled at once. The
/// queue's close mark is set before `fire` runs, so a registration that
/// finds the list still there may race a close in progress, and `fire` is
/// what then cancels it.
pub(crate) struct OnClose {
    tokens: SpinLock<Option<Vec<CancelToken>>>,
    /// Cancelled by `fire`: what `wait_closed` and `closed` wait on. One
    /// token for every waiter, so waiting (even in a loop of short
    /// timeouts) registers nothing that outlives the wait.
    signal: CancelToken,
}

impl OnClose {
    pub(crate) fn new() -> OnClose {
        OnClose {
            tokens: SpinLock::new(Some(Vec::new())),
            signal: CancelToken::new(),
        }
    }

    /// The token cancelled when the queue closes (after its close mark is
    /// set: a waiter that sees it cancelled sees the queue closed).
    pub(crate) fn signal(&self) -> &CancelToken {
        &self.signal
    }

    /// Cancels `token` when [`fire`](Self::fire) runs, or now if it ran.
    pub(crate) fn register(&self, token: &CancelToken) {
        let late = self.tokens.with(|tokens| match tokens {
            Some(list) => {
                list.push(token.clone());
                false
            }
            None => true,
        });
        if late {
            token.cancel();
        }
    }

    /// Cancels every registered token; called once, by the call that
    /// closed the queue. Cancelling only sets flags and unparks threads, so
    /// no caller code runs here.
    pub(crate) fn fire(&self) {
        self.signal.cancel();
        // Take the list under the lock, cancel outside it.
        if let Some(list) = self.tokens.with(Option::take) {
            for token in list {
                token.cancel();
            }
        }
    }
}

/// The future of [`Queue::closed`](crate::Queue::closed) and
/// [`Producer::closed`](crate::Producer::closed): resolves once the queue
/// is closed (by a `close` call, or by the last handle of a side going
/// away). Needs no runtime; dropping it unregisters its task.
///
/// # Examples
///
/// ```
/// let (tx, rx) = ringq::bounded::<u8>(1);
/// let closed: ringq::Closed<'_> = tx.closed();
/// drop(rx);
/// pollster::block_on(closed);
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct Closed<'a> {
    signal: Cancelled<'a>,
}

impl<'a> Closed<'a> {
    pub(crate) fn new(on_close: &'a OnClose) -> Closed<'a> {
        Closed {
            signal: on_close.signal.cancelled(),
        }
    }
}

impl Future for Closed<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // `Cancelled` is `Unpin` (plain fields), so it can be polled in place.
        Pin::new(&mut self.signal).poll(cx)
    }
}

impl fmt::Debug for Closed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Closed").finish_non_exhaustive()
    }
}
