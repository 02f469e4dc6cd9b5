//! [`ReserveFuture`]: an awaitable reservation.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::Registration;
use crate::error::PushError;
use crate::permit::Permit;
use crate::queue::Queue;

/// The future of [`Queue::reserve_async`] (and the producers'): resolves
/// to a [`Permit`] once there is room, or to [`PushError`] when the queue
/// is closed. Dropping it before it resolves reserves nothing. `Send`, and
/// `Unpin`.
///
/// # Examples
///
/// ```
/// let q = ringq::Queue::new(1);
/// q.push(0).unwrap();
/// let mut reserve = q.reserve_async();
/// let waker = std::task::Waker::noop();
/// let mut cx = std::task::Context::from_waker(waker);
/// // Full: pending until a pop makes room.
/// assert!(std::pin::Pin::new(&mut reserve).poll(&mut cx).is_pending());
/// assert_eq!(q.pop(), Ok(0));
/// let permit = pollster::block_on(reserve).unwrap();
/// permit.push(1);
/// # use std::future::Future;
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct ReserveFuture<'a, T> {
    queue: &'a Queue<T>,
    /// Our place in the push side's waiter list.
    reg: Registration,
}

impl<'a, T> ReserveFuture<'a, T> {
    pub(crate) fn new(queue: &'a Queue<T>) -> ReserveFuture<'a, T> {
        ReserveFuture {
            queue,
            reg: Registration::new(),
        }
    }
}

impl<'a, T> Future for ReserveFuture<'a, T> {
    type Output = Result<Permit<'a, T>, PushError<()>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let queue = this.queue;
        queue
            .poll_reserve(&mut this.reg, cx.waker())
            .map(|reserved| reserved.map(|pos| Permit::new(queue, pos)))
    }
}

impl<T> Drop for ReserveFuture<'_, T> {
    /// A pending reservation ends here: it leaves the waiter list (passing
    /// on a wake-up it was given and did not use).
    fn drop(&mut self) {
        let (pushers, _) = self.queue.wakers();
        self.reg.abandon(pushers);
    }
}

impl<T> fmt::Debug for ReserveFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReserveFuture")
            .field("queue", self.queue)
            .finish_non_exhaustive()
    }
}
