//! Tokens a queue cancels when it closes ([`Queue::cancel_on_close`]).
//!
//! [`Queue::cancel_on_close`]: crate::Queue::cancel_on_close

use crate::cancel::CancelToken;
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
}

impl OnClose {
    pub(crate) fn new() -> OnClose {
        OnClose {
            tokens: SpinLock::new(Some(Vec::new())),
        }
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
        // Take the list under the lock, cancel outside it.
        if let Some(list) = self.tokens.with(Option::take) {
            for token in list {
                token.cancel();
            }
        }
    }
}
