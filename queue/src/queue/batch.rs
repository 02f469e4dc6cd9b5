//! Batch push and pop: several values per call, one head or tail update
//! per run of ready slots (`ring/batch.rs`), one wake-up round per batch.
//!
//! The blocking forms follow the single-value ones: one private entry per
//! side ([`Queue::pop_into_with`], [`Queue::push_from_with`]) and each
//! public method a single `map_err`.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
#[cfg(feature = "std")]
use core::ops::ControlFlow;
#[cfg(feature = "std")]
use std::time::{Duration, Instant};

use super::Queue;
#[cfg(feature = "std")]
use super::{deadline_after, PopFail, PushFail};
#[cfg(feature = "std")]
use crate::cancel::CancelToken;
use crate::error::TryPopError;
#[cfg(feature = "std")]
use crate::error::{
    PopCancelError, PopError, PopTimeoutError, PushCancelError, PushError, PushTimeoutError,
    TryPushError,
};
use crate::wait::Check;
#[cfg(feature = "std")]
use crate::wait::{block, Until};

impl<T> Queue<T> {
    /// Moves up to `max` values that are in the queue now onto the end of
    /// `buf`, oldest first, without blocking. Returns how many it moved.
    ///
    /// Ready values are claimed together (one update of the queue's head for
    /// a run of them) and blocked pushers are woken once per batch. `max ==
    /// 0` asks for nothing: `Ok(0)`, whatever the queue's state.
    ///
    /// # Errors
    ///
    /// [`TryPopError::Empty`] if no value is there (nothing was moved),
    /// [`TryPopError::Closed`] if the queue is closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{Queue, TryPopError};
    ///
    /// let q = Queue::new(8);
    /// for i in 0..5 {
    ///     q.push(i).unwrap();
    /// }
    /// let mut buf = Vec::new();
    /// assert_eq!(q.try_pop_into(&mut buf, 3), Ok(3));
    /// assert_eq!(q.try_pop_into(&mut buf, 10), Ok(2));
    /// assert_eq!(buf, [0, 1, 2, 3, 4]);
    /// assert_eq!(q.try_pop_into(&mut buf, 10), Err(TryPopError::Empty));
    /// ```
    #[inline]
    pub fn try_pop_into(&self, buf: &mut Vec<T>, max: usize) -> Result<usize, TryPopError> {
        if max == 1 {
            // A batch of one is a single pop, inlined as `try_pop` is: the
            // batch path's run scan and calls cost more than they save
            // for one value (README "Batches").
            return self.try_pop().map(|v| {
                buf.push(v);
                1
            });
        }
        // `Recheck`, as `try_pop`.
        self.try_pop_into_as(buf, max, Check::Recheck)
    }

    /// [`Queue::try_pop_into`] with the verdict `check` asks for (see
    /// [`Queue::try_push_as`]).
    fn try_pop_into_as(
        &self,
        buf: &mut Vec<T>,
        max: usize,
        check: Check,
    ) -> Result<usize, TryPopError> {
        if max == 0 {
            return Ok(0);
        }
        let Some(ring) = self.ring() else {
            return self.zero_try_pop_into(buf, max);
        };
        let n = ring.try_pop_into(buf, max, check, || {
            self.pushers.notify_claimed(1, ring.owned_pop())
        })?;
        self.pushers.notify_claimed(n, ring.owned_pop());
        Ok(n)
    }

    /// Blocks until at least one value is there, then moves up to `max`
    /// values that are in the queue at that point onto the end of `buf`,
    /// oldest first. Returns how many it moved (at least 1, unless `max ==
    /// 0`, which returns `Ok(0)` at once).
    ///
    /// After [`close`](Queue::close) it keeps draining: it fails only once
    /// the queue is closed and empty.
    ///
    /// # Errors
    ///
    /// [`PopError`] if the queue is closed and drained (nothing was moved).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::Queue;
    /// use std::thread;
    ///
    /// let q = Queue::new(64);
    /// thread::scope(|s| {
    ///     s.spawn(|| {
    ///         for i in 0..100 {
    ///             q.push(i).unwrap();
    ///         }
    ///         q.close();
    ///     });
    ///     let mut got = Vec::new();
    ///     while q.pop_into(&mut got, 16).is_ok() {}
    ///     assert_eq!(got, (0..100).collect::<Vec<_>>());
    /// });
    /// ```
    #[cfg(feature = "std")]
    #[inline]
    pub fn pop_into(&self, buf: &mut Vec<T>, max: usize) -> Result<usize, PopError> {
        if max == 1 {
            // A single pop (see `try_pop_into`).
            return self.pop().map(|v| {
                buf.push(v);
                1
            });
        }
        self.pop_into_with(buf, max, Until::FOREVER)
            .map_err(PopFail::into_pop_error)
    }

    /// [`pop_into`](Queue::pop_into), waiting at most `timeout` for the
    /// first value.
    ///
    /// # Errors
    ///
    /// [`PopTimeoutError::Timeout`] if no value arrived in time,
    /// [`PopTimeoutError::Closed`] if the queue is closed and drained;
    /// nothing was moved either way.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{PopTimeoutError, Queue};
    /// use std::time::Duration;
    ///
    /// let q = Queue::<u8>::new(4);
    /// let mut buf = Vec::new();
    /// let waited = q.pop_into_timeout(&mut buf, 4, Duration::from_millis(1));
    /// assert_eq!(waited, Err(PopTimeoutError::Timeout));
    /// ```
    #[cfg(feature = "std")]
    pub fn pop_into_timeout(
        &self,
        buf: &mut Vec<T>,
        max: usize,
        timeout: Duration,
    ) -> Result<usize, PopTimeoutError> {
        self.pop_into_deadline_opt(buf, max, deadline_after(timeout))
    }

    /// [`pop_into`](Queue::pop_into), waiting until `deadline` at most for
    /// the first value.
    ///
    /// # Errors
    ///
    /// As [`pop_into_timeout`](Queue::pop_into_timeout).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Instant;
    ///
    /// let q = ringq::Queue::new(4);
    /// q.push(1).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(q.pop_into_deadline(&mut buf, 4, Instant::now()), Ok(1));
    /// ```
    #[cfg(feature = "std")]
    pub fn pop_into_deadline(
        &self,
        buf: &mut Vec<T>,
        max: usize,
        deadline: Instant,
    ) -> Result<usize, PopTimeoutError> {
        self.pop_into_deadline_opt(buf, max, Some(deadline))
    }

    #[cfg(feature = "std")]
    fn pop_into_deadline_opt(
        &self,
        buf: &mut Vec<T>,
        max: usize,
        deadline: Option<Instant>,
    ) -> Result<usize, PopTimeoutError> {
        let until = Until {
            deadline,
            token: None,
        };
        self.pop_into_with(buf, max, until)
            .map_err(PopFail::into_timeout_error)
    }

    /// [`pop_into`](Queue::pop_into), giving up when `token` is cancelled
    /// (Go's `ctx.Done()`).
    ///
    /// # Errors
    ///
    /// [`PopCancelError::Cancelled`] if the token fired first (nothing was
    /// moved), [`PopCancelError::Closed`] if the queue is closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{CancelToken, PopCancelError, Queue};
    ///
    /// let q = Queue::<u8>::new(4);
    /// let token = CancelToken::new();
    /// token.cancel();
    /// let mut buf = Vec::new();
    /// assert_eq!(q.pop_into_cancellable(&mut buf, 4, &token), Err(PopCancelError::Cancelled));
    /// ```
    #[cfg(feature = "std")]
    pub fn pop_into_cancellable(
        &self,
        buf: &mut Vec<T>,
        max: usize,
        token: &CancelToken,
    ) -> Result<usize, PopCancelError> {
        let until = Until {
            deadline: None,
            token: Some(token),
        };
        self.pop_into_with(buf, max, until)
            .map_err(PopFail::into_cancel_error)
    }

    /// The one blocking batch pop the public ones map their errors from.
    #[cfg(feature = "std")]
    fn pop_into_with(
        &self,
        buf: &mut Vec<T>,
        max: usize,
        until: Until<'_>,
    ) -> Result<usize, PopFail> {
        if max == 0 {
            return Ok(0);
        }
        if until.token.is_some_and(CancelToken::is_cancelled) {
            return Err(PopFail::Stopped);
        }
        // A poll: the blocking loop below ends with the exact verdict.
        match self.try_pop_into_as(buf, max, Check::Poll) {
            Ok(n) => return Ok(n),
            Err(TryPopError::Closed) => return Err(PopFail::Closed),
            Err(TryPopError::Empty) => {}
        }
        if self.ring().is_none() {
            // A rendezvous: one blocking pop, then whatever pushers wait.
            let first = self.pop_with(until)?;
            buf.push(first);
            return Ok(1 + self.zero_try_pop_into(buf, max - 1).unwrap_or(0));
        }
        let waited = block(
            &self.poppers,
            self.policy,
            buf,
            until,
            |buf, check| match self.try_pop_into_as(buf, max, check) {
                Ok(n) => ControlFlow::Break(Some(n)),
                Err(TryPopError::Closed) => ControlFlow::Break(None),
                Err(TryPopError::Empty) => ControlFlow::Continue(buf),
            },
        );
        match waited {
            Ok(Some(n)) => Ok(n),
            Ok(None) => Err(PopFail::Closed),
            Err(_) => Err(PopFail::Stopped),
        }
    }

    /// Pushes values from the front of `src`, in order, as long as there is
    /// room now, without blocking. Returns how many it pushed; the rest stay
    /// in `src`, in order (all of them if the queue is closed: check
    /// [`is_closed`](Queue::is_closed) to tell full from closed).
    ///
    /// Free slots are claimed together (one update of the queue's tail for a
    /// run of them) and blocked poppers are woken once per batch.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::VecDeque;
    ///
    /// let q = ringq::Queue::new(3);
    /// let mut src: VecDeque<_> = (0..5).collect();
    /// assert_eq!(q.try_push_from(&mut src), 3);
    /// assert_eq!(src, [3, 4]); // no room for these
    /// assert_eq!(q.try_push_from(&mut src), 0);
    /// ```
    #[inline]
    pub fn try_push_from(&self, src: &mut VecDeque<T>) -> usize {
        if src.len() == 1 {
            // A single push (see `try_pop_into`).
            let value = src.pop_front().expect("src holds one value");
            return match self.try_push(value) {
                Ok(()) => 1,
                Err(e) => {
                    src.push_front(e.into_inner());
                    0
                }
            };
        }
        // `Recheck`, as `try_push`.
        self.try_push_from_as(src, Check::Recheck)
    }

    /// [`Queue::try_push_from`] with the verdict `check` asks for.
    fn try_push_from_as(&self, src: &mut VecDeque<T>, check: Check) -> usize {
        let Some(ring) = self.ring() else {
            // A rendezvous: one value per waiting popper.
            let mut pushed = 0;
            while let Some(v) = src.pop_front() {
                if let Err(e) = self.try_push(v) {
                    src.push_front(e.into_inner());
                    break;
                }
                pushed += 1;
            }
            return pushed;
        };
        let mut pushed = 0;
        // Runs end where the ring wraps or a slot is not free yet: go on
        // while the ring has room.
        while let Ok(n @ 1..) = ring.try_push_from(src, check) {
            pushed += n;
        }
        self.poppers.notify_claimed(pushed, ring.owned_push());
        pushed
    }

    /// Pushes every value of `src`, from the front and in order, blocking
    /// while the queue is full. Returns once `src` is empty.
    ///
    /// # Errors
    ///
    /// [`PushError`] if the queue is (or gets) closed: the values not pushed
    /// are still in `src`, in order. Nothing is ever dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::VecDeque;
    /// use std::thread;
    ///
    /// let q = ringq::Queue::new(4);
    /// thread::scope(|s| {
    ///     s.spawn(|| {
    ///         let mut src: VecDeque<_> = (0..100).collect();
    ///         q.push_from(&mut src).unwrap();
    ///         assert!(src.is_empty());
    ///     });
    ///     for i in 0..100 {
    ///         assert_eq!(q.pop(), Ok(i));
    ///     }
    /// });
    /// ```
    #[cfg(feature = "std")]
    #[inline]
    pub fn push_from(&self, src: &mut VecDeque<T>) -> Result<(), PushError<()>> {
        if src.len() == 1 {
            // A single push (see `try_pop_into`).
            let value = src.pop_front().expect("src holds one value");
            return self.push(value).map_err(|PushError(v)| {
                src.push_front(v);
                PushError(())
            });
        }
        self.push_from_with(src, Until::FOREVER)
            .map_err(PushFail::into_push_error)
    }

    /// [`push_from`](Queue::push_from), giving up once `timeout` has passed
    /// (what was pushed by then stays pushed).
    ///
    /// # Errors
    ///
    /// [`PushTimeoutError::Timeout`] or [`PushTimeoutError::Closed`]; the
    /// values not pushed are still in `src`, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{PushTimeoutError, Queue};
    /// use std::collections::VecDeque;
    /// use std::time::Duration;
    ///
    /// let q = Queue::new(2);
    /// let mut src: VecDeque<_> = (0..3).collect();
    /// let r = q.push_from_timeout(&mut src, Duration::from_millis(1));
    /// assert_eq!(r, Err(PushTimeoutError::Timeout(())));
    /// assert_eq!(src, [2]);
    /// ```
    #[cfg(feature = "std")]
    pub fn push_from_timeout(
        &self,
        src: &mut VecDeque<T>,
        timeout: Duration,
    ) -> Result<(), PushTimeoutError<()>> {
        self.push_from_deadline_opt(src, deadline_after(timeout))
    }

    /// [`push_from`](Queue::push_from), giving up at `deadline`.
    ///
    /// # Errors
    ///
    /// As [`push_from_timeout`](Queue::push_from_timeout).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::VecDeque;
    /// use std::time::Instant;
    ///
    /// let q = ringq::Queue::new(4);
    /// let mut src: VecDeque<_> = (0..3).collect();
    /// assert_eq!(q.push_from_deadline(&mut src, Instant::now()), Ok(()));
    /// ```
    #[cfg(feature = "std")]
    pub fn push_from_deadline(
        &self,
        src: &mut VecDeque<T>,
        deadline: Instant,
    ) -> Result<(), PushTimeoutError<()>> {
        self.push_from_deadline_opt(src, Some(deadline))
    }

    #[cfg(feature = "std")]
    fn push_from_deadline_opt(
        &self,
        src: &mut VecDeque<T>,
        deadline: Option<Instant>,
    ) -> Result<(), PushTimeoutError<()>> {
        let until = Until {
            deadline,
            token: None,
        };
        self.push_from_with(src, until)
            .map_err(PushFail::into_timeout_error)
    }

    /// [`push_from`](Queue::push_from), giving up when `token` is cancelled
    /// (what was pushed by then stays pushed).
    ///
    /// # Errors
    ///
    /// [`PushCancelError::Cancelled`] or [`PushCancelError::Closed`]; the
    /// values not pushed are still in `src`, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{CancelToken, PushCancelError, Queue};
    /// use std::collections::VecDeque;
    ///
    /// let q = Queue::new(4);
    /// let token = CancelToken::new();
    /// token.cancel();
    /// let mut src: VecDeque<_> = (0..3).collect();
    /// assert_eq!(q.push_from_cancellable(&mut src, &token), Err(PushCancelError::Cancelled(())));
    /// assert_eq!(src.len(), 3);
    /// ```
    #[cfg(feature = "std")]
    pub fn push_from_cancellable(
        &self,
        src: &mut VecDeque<T>,
        token: &CancelToken,
    ) -> Result<(), PushCancelError<()>> {
        let until = Until {
            deadline: None,
            token: Some(token),
        };
        self.push_from_with(src, until)
            .map_err(PushFail::into_cancel_error)
    }

    /// The one blocking batch push the public ones map their errors from:
    /// push what fits, block for room, repeat until `src` is empty.
    #[cfg(feature = "std")]
    fn push_from_with(&self, src: &mut VecDeque<T>, until: Until<'_>) -> Result<(), PushFail<()>> {
        loop {
            if src.is_empty() {
                return Ok(());
            }
            if until.token.is_some_and(CancelToken::is_cancelled) {
                return Err(PushFail::Stopped(()));
            }
            // A poll: the blocking loop below ends with the exact verdict.
            if self.try_push_from_as(src, Check::Poll) > 0 {
                continue;
            }
            let Some(ring) = self.ring() else {
                // A rendezvous: push the front value blocking, then go round.
                let front = src.pop_front().expect("src is not empty");
                match self.push_with(front, until) {
                    Ok(()) => continue,
                    Err(PushFail::Closed(v)) => {
                        src.push_front(v);
                        return Err(PushFail::Closed(()));
                    }
                    Err(PushFail::Stopped(v)) => {
                        src.push_front(v);
                        return Err(PushFail::Stopped(()));
                    }
                }
            };
            if ring.is_closed() {
                return Err(PushFail::Closed(()));
            }
            // Full: wait until some room is ours (the attempt pushes at
            // least one value), then go round to push what else fits.
            let waited = block(
                &self.pushers,
                self.policy,
                &mut *src,
                until,
                |src, check| match ring.try_push_from(src, check) {
                    Ok(n) => {
                        self.poppers.notify_claimed(n, ring.owned_push());
                        ControlFlow::Break(Ok(()))
                    }
                    Err(TryPushError::Closed(())) => ControlFlow::Break(Err(())),
                    Err(TryPushError::Full(())) => ControlFlow::Continue(src),
                },
            );
            match waited {
                Ok(Ok(())) => {}
                Ok(Err(())) => return Err(PushFail::Closed(())),
                Err(_) => return Err(PushFail::Stopped(())),
            }
        }
    }

    /// `try_pop_into` on a rendezvous: one value per waiting pusher.
    fn zero_try_pop_into(&self, buf: &mut Vec<T>, max: usize) -> Result<usize, TryPopError> {
        let mut n = 0;
        while n < max {
            match self.try_pop() {
                Ok(v) => buf.push(v),
                Err(e) if n == 0 => return Err(e),
                Err(_) => break,
            }
            n += 1;
        }
        Ok(n)
    }
}
