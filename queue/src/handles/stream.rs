//! `Consumer` as a [`futures_core::Stream`] (the default-on `stream`
//! feature).

use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;

use super::Consumer;
use crate::flavor::Side;
use crate::queue::pop_step;

/// Yields the queue's values until it is closed and drained, then `None`
/// (and `None` again on every later poll). Each poll is one
/// [`pop_async`](Consumer::pop_async) step, with the same guarantees: a
/// consumer dropped while pending took no value, and a wake-up meant for
/// it goes to the next waiter.
///
/// # Examples
///
/// ```
/// use futures_core::Stream;
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let (tx, mut rx) = ringq::bounded(4);
/// tx.push(1).unwrap();
/// drop(tx); // closes; the stream drains, then ends
/// let mut cx = Context::from_waker(Waker::noop());
/// assert_eq!(Pin::new(&mut rx).poll_next(&mut cx), Poll::Ready(Some(1)));
/// assert_eq!(Pin::new(&mut rx).poll_next(&mut cx), Poll::Ready(None));
/// ```
impl<T, P: Side, C: Side> Stream for Consumer<T, P, C> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // `Pin<&mut Self>`: the pop side's one thread when it is owned.
        let this = self.get_mut();
        let queue = &this.shared.queue;
        let (_, poppers) = queue.wakers();
        match this.stream.poll(poppers, cx.waker(), (), |(), check| {
            pop_step(queue.try_pop_as(check))
        }) {
            ControlFlow::Break(next) => Poll::Ready(next),
            ControlFlow::Continue(()) => Poll::Pending,
        }
    }
}
