//! [`PopFuture`]: an awaitable pop.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::Registration;
use crate::error::PopError;
use crate::queue::{pop_step, Queue};

/// The future of [`Queue::pop_async`]: resolves to the next value, or to
/// [`PopError`] once the queue is closed and drained.
///
/// Dropping it before it resolves is an exact cancel: it took no value
/// (one that a push meant for it goes to the next waiter, thread or
/// task). It is `Send` when `T` is, and `Unpin`.
///
/// # Examples
///
/// ```
/// let q = ringq::Queue::new(4);
/// q.push(7).unwrap();
/// assert_eq!(pollster::block_on(q.pop_async()), Ok(7));
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct PopFuture<'a, T> {
    queue: &'a Queue<T>,
    reg: Registration,
    done: bool,
}

impl<'a, T> PopFuture<'a, T> {
    pub(crate) fn new(queue: &'a Queue<T>) -> PopFuture<'a, T> {
        PopFuture {
            queue,
            reg: Registration::new(),
            done: false,
        }
    }
}

impl<T> Future for PopFuture<'_, T> {
    type Output = Result<T, PopError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(!this.done, "a PopFuture was polled after it resolved");
        let queue = this.queue;
        let (_, poppers) = queue.wakers();
        // A rendezvous pop registers no packet (`future.rs`): it waits in
        // the pop side's list, which a registering pusher wakes.
        match this.reg.poll(poppers, cx.waker(), (), |(), check| {
            pop_step(queue.try_pop_as(check))
        }) {
            core::ops::ControlFlow::Break(popped) => {
                this.done = true;
                Poll::Ready(popped.ok_or(PopError))
            }
            core::ops::ControlFlow::Continue(()) => Poll::Pending,
        }
    }
}

impl<T> Drop for PopFuture<'_, T> {
    fn drop(&mut self) {
        let (_, poppers) = self.queue.wakers();
        self.reg.abandon(poppers);
    }
}

impl<T> fmt::Debug for PopFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PopFuture")
            .field("queue", self.queue)
            .field("done", &self.done)
            .finish()
    }
}
