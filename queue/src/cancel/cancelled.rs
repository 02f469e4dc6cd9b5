//! [`Cancelled`]: awaiting a token, Go's `<-ctx.Done()` in async code.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::{CancelToken, Inner, Watch};
use crate::sync::{spawn_timer, Arc, Ordering};
use crate::wait::{TaskId, Waiter};

/// The future of [`CancelToken::cancelled`]: resolves once the token (or an
/// ancestor) is cancelled or its deadline passes.
///
/// Registered with the token and its ancestors like a blocked thread, so
/// `cancel()` wakes it at once. A token with a deadline has nobody to
/// notice the deadline in async code, so the first poll of such a future
/// starts one timer thread per deadline in the chain (once per token),
/// which cancels the token at its deadline.
#[must_use = "futures do nothing unless polled"]
pub struct Cancelled<'a> {
    token: &'a CancelToken,
    id: TaskId,
    watch: Option<Watch<'a>>,
}

impl CancelToken {
    /// A future that resolves once this token is cancelled (by
    /// [`cancel`](Self::cancel) on it or an ancestor, or at its deadline):
    /// what an async stage awaits to stop, as a Go stage selects on
    /// `ctx.Done()`. No runtime needed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::thread;
    ///
    /// let token = ringq::CancelToken::new();
    /// thread::scope(|s| {
    ///     s.spawn(|| token.cancel());
    ///     pollster::block_on(token.cancelled());
    /// });
    /// assert!(token.is_cancelled());
    ///
    /// // A deadline token resolves at its deadline.
    /// let soon = ringq::CancelToken::new().with_timeout(std::time::Duration::from_millis(5));
    /// pollster::block_on(soon.cancelled());
    /// ```
    pub fn cancelled(&self) -> Cancelled<'_> {
        Cancelled {
            token: self,
            id: TaskId::new(),
            watch: None,
        }
    }
}

impl Future for Cancelled<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.token.is_cancelled() {
            this.watch = None;
            return Poll::Ready(());
        }
        // Registered (with this poll's waker) before the check below, so a
        // `cancel` after the check finds us (`CancelToken::watch`).
        this.watch = None;
        this.watch = Some(this.token.watch_as(Waiter::Task {
            id: this.id,
            waker: cx.waker().clone(),
        }));
        if this.token.is_cancelled() {
            this.watch = None;
            return Poll::Ready(());
        }
        if !start_timers(&this.token.inner) {
            // No timer thread: poll again soon rather than never.
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

/// Makes sure a timer thread will cancel each token with a deadline in the
/// chain from `node` up. `false` if one could not be started.
fn start_timers(node: &Arc<Inner>) -> bool {
    let mut node = Some(node);
    while let Some(inner) = node {
        if let Some(deadline) = inner.deadline {
            // Relaxed: the swap alone makes only the first poller start
            // this token's timer; the flag publishes nothing.
            if !inner.timer.swap(true, Ordering::Relaxed) {
                let timed = inner.clone();
                let started = spawn_timer(deadline, move || {
                    // Past its deadline, this cancels it and wakes its waiters.
                    CancelToken { inner: timed }.is_cancelled();
                });
                if !started {
                    // Relaxed: a later poll retries.
                    inner.timer.store(false, Ordering::Relaxed);
                    return false;
                }
            }
        }
        node = inner.parent.as_ref();
    }
    true
}

impl fmt::Debug for Cancelled<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancelled")
            .field("token", self.token)
            .finish()
    }
}
