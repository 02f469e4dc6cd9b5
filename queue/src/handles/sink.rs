//! `Producer` as a [`futures_sink::Sink`] (the default-on `sink`
//! feature), built on the reservation of `ring/reserve.rs`.

use core::pin::Pin;
use core::task::{Context, Poll};

use futures_sink::Sink;

use super::{Producer, SinkState};
use crate::error::PushError;
use crate::flavor::Side;
use crate::future::Registration;

/// `poll_ready` reserves a slot (waiting in the push side's waiter list,
/// as [`reserve_async`](Producer::reserve_async) does), so `start_send`
/// never fails for lack of room and never blocks; `poll_flush` has nothing
/// to do (a sent value is in the queue). `poll_close` gives back a
/// reservation not used and closes the queue **only if this is the last
/// producer** (as dropping the last one would); with other producers left
/// it leaves the queue open. The error is [`PushError<()>`]: the queue is
/// closed (a value passed to `start_send` then is dropped).
///
/// `start_send` without a successful `poll_ready` before it breaks the
/// `Sink` contract: it panics, unless the value fits without waiting.
///
/// # Examples
///
/// ```
/// use futures_sink::Sink;
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let (mut tx, rx) = ringq::bounded::<u32>(1);
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(Pin::new(&mut tx).poll_ready(&mut cx).is_ready());
/// Pin::new(&mut tx).start_send(1).unwrap();
/// assert!(Pin::new(&mut tx).poll_ready(&mut cx).is_pending()); // full
/// assert_eq!(rx.pop(), Ok(1));
/// assert_eq!(Pin::new(&mut tx).poll_close(&mut cx), Poll::Ready(Ok(())));
/// assert!(rx.is_closed()); // it was the last producer
/// ```
impl<T, P: Side, C: Side> Sink<T> for Producer<T, P, C> {
    type Error = PushError<()>;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // `Pin<&mut Self>`: the push side's one thread when it is owned.
        let this = self.get_mut();
        let queue = &this.shared.queue;
        let state = this.sink.get_or_insert_with(|| {
            Box::new(SinkState {
                reserved: None,
                reg: Registration::new(),
            })
        });
        if state.reserved.is_some() {
            return Poll::Ready(Ok(()));
        }
        match queue.poll_reserve(&mut state.reg, cx.waker()) {
            Poll::Ready(Ok(pos)) => {
                state.reserved = Some(pos);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(closed)) => Poll::Ready(Err(closed)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn start_send(self: Pin<&mut Self>, item: T) -> Result<(), Self::Error> {
        let this = self.get_mut();
        let queue = &this.shared.queue;
        match this.sink.as_mut().and_then(|s| s.reserved.take()) {
            Some(pos) => {
                queue.fill_reserved(pos, item);
                Ok(())
            }
            None => match queue.try_push(item) {
                Ok(()) => Ok(()),
                Err(e) if e.is_closed() => Err(PushError(())),
                Err(_) => panic!(
                    "ringq: Sink::start_send without a successful poll_ready, on a full queue"
                ),
            },
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        let this = self.get_mut();
        if let Some(state) = this.sink.take() {
            state.give_back(&this.shared.queue);
        }
        if this.shared.producer_count() == 1 {
            this.shared.queue.close();
        }
        Poll::Ready(Ok(()))
    }
}
