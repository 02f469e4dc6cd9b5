//! [`PushFuture`]: an awaitable push.

use core::fmt;
use core::future::Future;
use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::Registration;
use crate::error::PushError;
use crate::queue::{push_step, Queue};
use crate::rendezvous::{take_back, Packet, Side, Zero};
use crate::sync::Arc;
use crate::wait::context::Context as WaitContext;

/// The future of [`Queue::push_async`]: resolves to `Ok(())` once the value
/// is in the queue (on a rendezvous queue: once a popper took it), or to
/// [`PushError`] with the value when the queue is closed.
///
/// Dropping it before it resolves is an exact cancel: the value never
/// entered the queue and is dropped with the future. [`PushFuture::cancel`]
/// takes it back instead, for a `select!` branch that lost. It is `Send`
/// when `T` is, and `Unpin`.
///
/// # Examples
///
/// ```
/// let q = ringq::Queue::new(1);
/// pollster::block_on(q.push_async(1)).unwrap();
///
/// // Full: the future stays pending; cancelling hands the value back.
/// let mut push = q.push_async(2);
/// let waker = std::task::Waker::noop();
/// let mut cx = std::task::Context::from_waker(waker);
/// assert!(std::pin::Pin::new(&mut push).poll(&mut cx).is_pending());
/// assert_eq!(push.cancel(), Some(2));
/// assert_eq!(q.pop(), Ok(1));
/// # use std::future::Future;
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct PushFuture<'a, T> {
    queue: &'a Queue<T>,
    /// The value, while the push has not taken it (ring) or registered it
    /// in `packet` (rendezvous).
    value: Option<T>,
    /// Ring: our place in the push side's waiter list.
    reg: Registration,
    /// Rendezvous: the registered packet holding the value, which a popper
    /// commits.
    packet: Option<Arc<Packet<T>>>,
}

// No field is pinned structurally: the value is only ever moved out whole.
impl<T> Unpin for PushFuture<'_, T> {}

impl<'a, T> PushFuture<'a, T> {
    pub(crate) fn new(queue: &'a Queue<T>, value: T) -> PushFuture<'a, T> {
        PushFuture {
            queue,
            value: Some(value),
            reg: Registration::new(),
            packet: None,
        }
    }

    /// Ends an unfinished push: `Some(value)` if the value never entered
    /// the queue (and now never will), `None` if the push already completed
    /// (or resolved with an error, or was cancelled before). Polling the
    /// future after this panics.
    ///
    /// On a rendezvous queue a popper may commit the push at the same time:
    /// then the push completed and this returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u32>::new(0); // rendezvous: nobody pops
    /// let mut push = q.push_async(5);
    /// // (unpolled or pending, the value is still the caller's)
    /// assert_eq!(push.cancel(), Some(5));
    /// assert_eq!(push.cancel(), None);
    /// ```
    pub fn cancel(&mut self) -> Option<T> {
        let (pushers, _) = self.queue.wakers();
        self.reg.abandon(pushers);
        match (self.packet.take(), self.queue.zero()) {
            (Some(packet), Some(zero)) => match packet.cx.try_abort() {
                // Aborted: no popper can commit the packet now.
                Ok(()) => {
                    zero.unregister(Side::Push, &packet);
                    Some(take_back(&packet))
                }
                // Committed by `close()`: the value is still in the packet.
                Err(_) if packet.is_closed() => Some(take_back(&packet)),
                // Committed by a popper, who takes the value: done.
                Err(_) => None,
            },
            _ => self.value.take(),
        }
    }

    /// A rendezvous poll: hand the value to a waiting popper, else register
    /// it in a packet for one to commit (`future.rs`).
    fn poll_zero(
        &mut self,
        zero: &Zero<T>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), PushError<T>>> {
        if let Some(packet) = &self.packet {
            if packet.cx.refresh_waker(cx.waker()) {
                return Poll::Pending;
            }
            // Committed: by `close()` (the value is still in the packet) or
            // by a popper, who takes it.
            let packet = self.packet.take().expect("checked above");
            return Poll::Ready(match packet.is_closed() {
                true => Err(PushError(take_back(&packet))),
                false => Ok(()),
            });
        }
        let mut value = self.take_value();
        let (_, poppers) = self.queue.wakers();
        loop {
            match zero.try_push(value) {
                Ok(()) => return Poll::Ready(Ok(())),
                Err((true, v)) => return Poll::Ready(Err(PushError(v))),
                Err((false, v)) => value = v,
            }
            let wait = WaitContext::for_task(cx.waker());
            let packet = Packet::new(&wait, 0, Some(value));
            if zero.register(Side::Push, &packet, poppers) {
                self.packet = Some(packet);
                return Poll::Pending;
            }
            // A popper arrived or the queue closed since the attempt: the
            // packet was never visible, so the value is still in it.
            value = take_back(&packet);
        }
    }

    fn take_value(&mut self) -> T {
        self.value
            .take()
            .expect("a PushFuture was polled after it resolved or was cancelled")
    }
}

impl<T> Future for PushFuture<'_, T> {
    type Output = Result<(), PushError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let queue = this.queue;
        if let Some(zero) = queue.zero() {
            return this.poll_zero(zero, cx);
        }
        let value = this.take_value();
        let (pushers, _) = queue.wakers();
        match this.reg.poll(pushers, cx.waker(), value, |v, check| {
            push_step(queue.try_push_as(v, check))
        }) {
            ControlFlow::Break(pushed) => Poll::Ready(pushed.map_err(PushError)),
            ControlFlow::Continue(v) => {
                this.value = Some(v);
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for PushFuture<'_, T> {
    /// An unfinished push ends here: its value, if it never entered the
    /// queue, is dropped (see [`PushFuture::cancel`]).
    fn drop(&mut self) {
        drop(self.cancel());
    }
}

impl<T> fmt::Debug for PushFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushFuture")
            .field("queue", self.queue)
            .field("holds_value", &self.value.is_some())
            .field("registered_in_rendezvous", &self.packet.is_some())
            .finish()
    }
}
