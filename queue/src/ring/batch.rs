//! Batch claims: several slots with one head or tail CAS.
//!
//! A batch pop reads the stamps of the slots from `head` on, counts the run
//! that is "full for this lap" (at most `max`), and claims the whole run by
//! moving `head` past it with one CAS. Winning that CAS from the same `head`
//! it read the stamps at makes the run ours, exactly as a single pop's CAS
//! makes one slot ours: a full slot's stamp changes only when a consumer
//! claims it through `head` (which would have failed our CAS), and no
//! producer touches a full slot. Each Acquire load of a stamp pairs with the
//! Release store that published that slot's value, so every value in the
//! run is visible to us. A batch push is the mirror image: the run of slots
//! "empty for this lap" from `tail`, claimed by one CAS of `tail` (which
//! also fails if `close` marked the tail in between). Both CASes are
//! `SeqCst` for the same reason as the single ones: they are the notifier's
//! half of the waiter handshake (`ring.rs`).
//!
//! When no slot is ready, both fall back to the single-value path, which
//! knows how to tell empty from closed and full from closed (with the fence
//! of the handshake).
//!
//! An owned side (`owned.rs`) claims its run as it claims one slot: one
//! store of its position past the run and one fence, instead of the CAS.

use super::{Check, Claim, Ring};
use crate::error::{TryPopError, TryPushError};
use crate::sync::{Backoff, Ordering};
use alloc::collections::VecDeque;
use alloc::vec::Vec;

impl<T> Ring<T> {
    /// Moves up to `max` (at least 1) values that are ready now onto the
    /// end of `out`, oldest first. `Err` as `try_pop` when none is.
    /// `on_skip` as for `try_pop`.
    pub(crate) fn try_pop_into(
        &self,
        out: &mut Vec<T>,
        max: usize,
        check: Check,
        on_skip: impl Fn(),
    ) -> Result<usize, TryPopError> {
        debug_assert!(max > 0);
        let backoff = Backoff::new();
        // Relaxed: a guess, validated by the CAS.
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            // The run of full slots from `head`: `end` is the position after it.
            let mut n = 0;
            let mut end = head;
            while n < max {
                // Acquire pairs with each producer's Release store of "full"
                // (module docs): the values are visible once we see them.
                if self.slot(end).stamp.load(Ordering::Acquire) != end + 1 {
                    break;
                }
                n += 1;
                end = self.next(end);
            }
            if n == 0 {
                // Nothing ready at our head: the single path tells empty,
                // closed, stale head and an unstamped claim apart.
                return self.try_pop(check, on_skip).map(|v| {
                    out.push(v);
                    1
                });
            }
            if self.sides.single_pop {
                self.claim_head_owned(end);
                // SAFETY: this thread is the only consumer (`Ring::try_new`), and the stamps
                // of `head..end` said "full" from our own `head`.
                unsafe { self.take_run(head, n, out) };
                return Ok(n);
            }
            // SeqCst: the notifier's half of the handshake in `ring.rs`.
            match self
                .head
                .compare_exchange_weak(head, end, Ordering::SeqCst, Ordering::Relaxed)
            {
                Ok(_) => {
                    // SAFETY: our head CAS claimed the run `head..end`, whose stamps we
                    // Acquire-loaded as "full" from the same `head` (module docs).
                    unsafe { self.take_run(head, n, out) };
                    return Ok(n);
                }
                Err(h) => {
                    head = h;
                    backoff.spin();
                }
            }
        }
    }

    /// Moves the `n` values from `head` on to the end of `out`, releasing
    /// each slot for the next lap.
    ///
    /// # Safety
    ///
    /// The caller must ensure the run `head..` of `n` slots is its own: it
    /// claimed it (a head CAS from `head`, or an owned head), and it
    /// Acquire-loaded each slot's stamp as "full for this lap".
    unsafe fn take_run(&self, head: usize, n: usize, out: &mut Vec<T>) {
        out.reserve(n);
        let mut pos = head;
        for _ in 0..n {
            let slot = self.slot(pos);
            // SAFETY: the run is ours and its stamps said "full" (the caller's
            // guarantee): each value is initialized, visible, and ours alone until we
            // store its next stamp.
            out.push(unsafe { slot.read() });
            // Release pairs with the next lap's producer's Acquire load of
            // the stamp: our read happens before its write.
            slot.stamp
                .store(pos.wrapping_add(self.one_lap), Ordering::Release);
            pos = self.next(pos);
        }
    }

    /// Pushes values from the front of `src`, in order, as long as there is
    /// room now. Returns how many it pushed; `Err` as `try_push` (with no
    /// value: what was not pushed is still in `src`) when it pushed none.
    pub(crate) fn try_push_from(
        &self,
        src: &mut VecDeque<T>,
        check: Check,
    ) -> Result<usize, TryPushError<()>> {
        if src.is_empty() {
            return Ok(0);
        }
        let backoff = Backoff::new();
        // Relaxed: a guess, validated by the CAS.
        let mut tail = self.tail.load(Ordering::Relaxed);
        loop {
            if tail & self.mark_bit != 0 {
                return Err(TryPushError::Closed(()));
            }
            // The run of empty slots from `tail`, at most `src.len()` long
            // (and never more than `cap`: the slot after a full lap still
            // holds this lap's stamp, not the next one's).
            let mut n = 0;
            let mut end = tail;
            while n < src.len() {
                // Acquire pairs with the consumer's Release store of "empty
                // for this lap": its read of the old value happens before
                // our write.
                if self.slot(end).stamp.load(Ordering::Acquire) != end {
                    break;
                }
                n += 1;
                end = self.next(end);
            }
            if n == 0 {
                // No room at our tail: the single path tells full, closed,
                // stale tail and an unfinished pop apart.
                let value = src.pop_front().expect("src is not empty");
                return match self.try_push(value, check) {
                    Ok(()) => Ok(1),
                    Err(TryPushError::Full(v)) => {
                        src.push_front(v);
                        Err(TryPushError::Full(()))
                    }
                    Err(TryPushError::Closed(v)) => {
                        src.push_front(v);
                        Err(TryPushError::Closed(()))
                    }
                };
            }
            if self.sides.single_push {
                return match self.claim_tail_owned(tail, end, Claim::Slot(tail)) {
                    Claim::Slot(_) => Ok(self.publish_run(tail, n, src)),
                    _ => Err(TryPushError::Closed(())),
                };
            }
            // SeqCst: the notifier's half of the handshake in `ring.rs`; a
            // `close` that marked the tail since our load makes it fail.
            match self
                .tail
                .compare_exchange_weak(tail, end, Ordering::SeqCst, Ordering::Relaxed)
            {
                Ok(_) => return Ok(self.publish_run(tail, n, src)),
                Err(t) => {
                    tail = t;
                    backoff.spin();
                }
            }
        }
    }

    /// Publishes the first `n` values of `src` into the claimed run from
    /// `tail` on; returns `n`.
    fn publish_run(&self, tail: usize, n: usize, src: &mut VecDeque<T>) -> usize {
        let mut pos = tail;
        for value in src.drain(..n) {
            self.publish(pos, value);
            pos = self.next(pos);
        }
        n
    }
}
