//! Two-phase push: reserve room, then push through the [`Permit`] (the
//! ring's half is `ring/reserve.rs`).

#[cfg(feature = "std")]
use core::ops::ControlFlow;
#[cfg(feature = "std")]
use core::task::{self, Poll};
#[cfg(feature = "std")]
use std::time::{Duration, Instant};

use super::Queue;
#[cfg(feature = "std")]
use super::{deadline_after, PushFail};
#[cfg(feature = "std")]
use crate::cancel::CancelToken;
use crate::error::TryPushError;
#[cfg(feature = "std")]
use crate::error::{PushCancelError, PushError, PushTimeoutError};
#[cfg(feature = "std")]
use crate::future::{Registration, ReserveFuture};
use crate::permit::Permit;
use crate::ring::Ring;
use crate::wait::Check;
#[cfg(feature = "std")]
use crate::wait::{block, Until};

/// Maps a reservation attempt to the blocking loop's control flow.
#[cfg(feature = "std")]
#[inline]
fn reserve_step(result: Result<usize, TryPushError<()>>) -> ControlFlow<Option<usize>> {
    match result {
        Ok(pos) => ControlFlow::Break(Some(pos)),
        Err(TryPushError::Closed(())) => ControlFlow::Break(None),
        Err(TryPushError::Full(())) => ControlFlow::Continue(()),
    }
}

impl<T> Queue<T> {
    /// Reserves room for one value without blocking: a [`Permit`] whose
    /// [`push`](Permit::push) then never fails and never blocks (tokio's
    /// `try_reserve`). Decide whether to build a value only once there is
    /// room for it.
    ///
    /// # Errors
    ///
    /// [`TryPushError::Full`] if there is no room, [`TryPushError::Closed`]
    /// if the queue is closed (each with `()`: there is no value yet).
    ///
    /// # Panics
    ///
    /// On a rendezvous queue (capacity 0): it has no slot to reserve, and a
    /// waiting popper cannot be held for a value that may never come (it
    /// may time out or be cancelled in between). Push there instead.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::new(1);
    /// let permit = q.try_reserve().unwrap();
    /// assert!(q.try_reserve().unwrap_err().is_full());
    /// permit.push(String::from("built only once there was room"));
    /// assert_eq!(q.len(), 1);
    /// ```
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TryPushError<()>> {
        // `Recheck`: "full" only if no pop is between its claim and its
        // release (`ring.rs`'s `Check`), as `try_push`.
        let pos = self.reserving_ring().try_reserve(Check::Recheck)?;
        Ok(Permit::new(self, pos))
    }

    /// Reserves room for one value, blocking while the queue is full.
    ///
    /// # Errors
    ///
    /// [`PushError`] if the queue is closed (before the call, or while it
    /// waits).
    ///
    /// # Panics
    ///
    /// On a rendezvous queue (capacity 0), as [`Queue::try_reserve`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::thread;
    ///
    /// let q = ringq::Queue::new(1);
    /// q.push(0).unwrap();
    /// thread::scope(|s| {
    ///     s.spawn(|| q.reserve().unwrap().push(1)); // waits for room
    ///     assert_eq!(q.pop(), Ok(0));
    /// });
    /// assert_eq!(q.pop(), Ok(1));
    /// ```
    #[cfg(feature = "std")]
    pub fn reserve(&self) -> Result<Permit<'_, T>, PushError<()>> {
        self.reserve_with(Until::FOREVER)
            .map_err(PushFail::into_push_error)
    }

    /// Reserves room for one value, blocking while the queue is full for at
    /// most `timeout`.
    ///
    /// # Errors
    ///
    /// [`PushTimeoutError::Timeout`] if the queue stayed full,
    /// [`PushTimeoutError::Closed`] if it is closed.
    ///
    /// # Panics
    ///
    /// On a rendezvous queue (capacity 0), as [`Queue::try_reserve`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let q = ringq::Queue::new(1);
    /// let held = q.reserve_timeout(Duration::from_secs(1)).unwrap();
    /// assert!(q.reserve_timeout(Duration::from_millis(5)).unwrap_err().is_timeout());
    /// held.push(1);
    /// ```
    #[cfg(feature = "std")]
    pub fn reserve_timeout(
        &self,
        timeout: Duration,
    ) -> Result<Permit<'_, T>, PushTimeoutError<()>> {
        self.reserve_until(deadline_after(timeout))
    }

    /// Reserves room for one value, blocking while the queue is full until
    /// `deadline` at the latest. A deadline in the past still tries once.
    ///
    /// # Errors
    ///
    /// As [`Queue::reserve_timeout`].
    ///
    /// # Panics
    ///
    /// On a rendezvous queue (capacity 0), as [`Queue::try_reserve`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Instant;
    ///
    /// let q = ringq::Queue::<u8>::new(1);
    /// assert!(q.reserve_deadline(Instant::now()).is_ok()); // room: at once
    /// ```
    #[cfg(feature = "std")]
    pub fn reserve_deadline(
        &self,
        deadline: Instant,
    ) -> Result<Permit<'_, T>, PushTimeoutError<()>> {
        self.reserve_until(Some(deadline))
    }

    #[cfg(feature = "std")]
    fn reserve_until(
        &self,
        deadline: Option<Instant>,
    ) -> Result<Permit<'_, T>, PushTimeoutError<()>> {
        let until = Until {
            deadline,
            token: None,
        };
        self.reserve_with(until)
            .map_err(PushFail::into_timeout_error)
    }

    /// Reserves room for one value, blocking while the queue is full until
    /// `token` is cancelled (a token cancelled at call time refuses at
    /// once).
    ///
    /// # Errors
    ///
    /// [`PushCancelError::Cancelled`] if the token fired first (nothing was
    /// reserved), [`PushCancelError::Closed`] if the queue is closed.
    ///
    /// # Panics
    ///
    /// On a rendezvous queue (capacity 0), as [`Queue::try_reserve`].
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{CancelToken, PushCancelError, Queue};
    ///
    /// let q = Queue::<u8>::new(1);
    /// let token = CancelToken::new();
    /// token.cancel();
    /// assert_eq!(q.reserve_cancellable(&token).unwrap_err(), PushCancelError::Cancelled(()));
    /// ```
    #[cfg(feature = "std")]
    pub fn reserve_cancellable(
        &self,
        token: &CancelToken,
    ) -> Result<Permit<'_, T>, PushCancelError<()>> {
        let until = Until {
            deadline: None,
            token: Some(token),
        };
        self.reserve_with(until)
            .map_err(PushFail::into_cancel_error)
    }

    /// Reserves room for one value, waiting asynchronously while the queue
    /// is full: the future resolves to a [`Permit`], or to [`PushError`]
    /// once the queue is closed. Dropping it before it resolves reserves
    /// nothing.
    ///
    /// # Panics
    ///
    /// Polling it on a rendezvous queue (capacity 0), as
    /// [`Queue::try_reserve`].
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::new(1);
    /// pollster::block_on(async {
    ///     let permit = q.reserve_async().await.unwrap();
    ///     permit.push(7);
    /// });
    /// assert_eq!(q.pop(), Ok(7));
    /// ```
    #[cfg(feature = "std")]
    pub fn reserve_async(&self) -> ReserveFuture<'_, T> {
        ReserveFuture::new(self)
    }

    /// The one blocking reservation the public ones map their errors from
    /// (as [`Queue::push_with`]).
    #[cfg(feature = "std")]
    fn reserve_with(&self, until: Until<'_>) -> Result<Permit<'_, T>, PushFail<()>> {
        let ring = self.reserving_ring();
        if until.token.is_some_and(CancelToken::is_cancelled) {
            return Err(PushFail::Stopped(()));
        }
        // A poll first: the blocking loop ends with the exact verdict.
        let first = ring.try_reserve(Check::Poll);
        let pos = match first {
            Ok(pos) => pos,
            Err(TryPushError::Closed(())) => return Err(PushFail::Closed(())),
            Err(TryPushError::Full(())) => {
                match block(&self.pushers, self.policy, (), until, |(), check| {
                    reserve_step(ring.try_reserve(check))
                }) {
                    Ok(Some(pos)) => pos,
                    Ok(None) => return Err(PushFail::Closed(())),
                    Err(_) => return Err(PushFail::Stopped(())),
                }
            }
        };
        Ok(Permit::new(self, pos))
    }

    /// One poll of an async reservation waiting in `reg` (the futures'
    /// protocol of `future/registration.rs`): the reserved position,
    /// `Err` once closed, or `Pending` with `reg` registered. Shared by
    /// [`ReserveFuture`] and the producers' `Sink::poll_ready`.
    #[cfg(feature = "std")]
    pub(crate) fn poll_reserve(
        &self,
        reg: &mut Registration,
        waker: &task::Waker,
    ) -> Poll<Result<usize, PushError<()>>> {
        let ring = self.reserving_ring();
        match reg.poll(&self.pushers, waker, (), |(), check| {
            reserve_step(ring.try_reserve(check))
        }) {
            ControlFlow::Break(Some(pos)) => Poll::Ready(Ok(pos)),
            ControlFlow::Break(None) => Poll::Ready(Err(PushError(()))),
            ControlFlow::Continue(()) => Poll::Pending,
        }
    }

    /// The ring, for a reservation; panics on a rendezvous queue (see
    /// [`Queue::try_reserve`]).
    pub(crate) fn reserving_ring(&self) -> &Ring<T> {
        match self.ring() {
            Some(ring) => ring,
            None => panic!(
                "ringq: reserve on a rendezvous queue (capacity 0): it has no slot to reserve; push instead"
            ),
        }
    }

    /// [`Permit::push`]: the value into the slot reserved at `pos`, then a
    /// popper woken.
    pub(crate) fn fill_reserved(&self, pos: usize, value: T) {
        let ring = self.reserving_ring();
        ring.publish_reserved(pos, value);
        // Owned: the count load follows `publish_reserved`'s fence, the
        // permit's half of the handshake (`ring/reserve.rs`).
        self.poppers.notify_claimed(1, true);
    }

    /// A [`Permit`] dropped unused: the slot at `pos` given back.
    pub(crate) fn cancel_reserved(&self, pos: usize) {
        let ring = self.reserving_ring();
        let freed = ring.cancel_reserved(pos);
        // After `cancel_reserved`'s fence: a popper parked on the held
        // stamp looks again (`ring/reserve.rs`).
        self.poppers.notify_claimed(1, true);
        if freed {
            // A slot came free: after the owned tail's fence, or the shared
            // head's claim CAS (`ring/reserve.rs`).
            self.pushers.notify_claimed(1, ring.owned_push());
        }
    }
}
