//! Reservations: a slot claimed now and filled (or given back) later.
//!
//! `try_reserve` claims the slot at `tail` exactly as a push does (the
//! same CAS, or an owned side's store and fence), and instead of writing a
//! value stamps the slot *held*. The reservation's owner, a
//! [`Permit`](crate::Permit), later either publishes a value there (the
//! ordinary "full" stamp) or gives the slot up. A held slot keeps its place
//! in line: values pushed after the reservation are popped after the
//! permit's value.
//!
//! # Two more stamps
//!
//! A slot's stamp is a position (`ring.rs`): `pos` is "empty for this lap",
//! `pos + 1` "full". Neither ever has the `mark_bit` set (an index is below
//! `cap`, and `cap < mark_bit`), so the mark bit, which on a stamp means
//! nothing else, tells two new states apart:
//!
//! * `pos | mark` — **held**: claimed by a permit, no value yet. A pop that
//!   reaches it reports empty (it does not wait at it as it waits for a
//!   push between claim and stamp: a permit may be held for long), and a
//!   push that finds it a lap behind its tail reports full.
//! * `(pos + 1) | mark` — **skipped**: the permit was dropped unused. A pop
//!   that reaches it claims it as if it held a value (the same head CAS, or
//!   an owned head's store and fence), stores "empty for the next lap",
//!   wakes a pusher (a slot came free) and goes on to the next slot. The
//!   dropping permit does the same itself when the slot is at `head` and
//!   the consumer side is shared, so an unused permit at the front of a
//!   queue gives its slot straight back.
//!
//! Only the permit's owner writes a held slot's stamp (to full or
//! skipped), and only the thread that claimed a skipped slot through `head`
//! writes it after that, so each slot still has one writer at a time.
//!
//! # Giving back on an owned push side
//!
//! An owned producer cannot push while its permit lives (the permit borrows
//! the `&mut` handle), so a dropped permit's slot is the last one claimed:
//! the owner moves `tail` back to it and stamps it "empty for this lap"
//! again, as a push that found the ring closed undoes its claim
//! (`owned.rs`). Consumers that saw the claim see the held stamp and report
//! empty; one that sees the stamp "empty" again also sees the `tail` stored
//! before it (the stamp's Release, its Acquire), so it finds `tail == head`.
//! A shared push side cannot move `tail` back: another producer may have
//! read the old `tail` and the old stamp, and would claim the slot under
//! the dropping permit's stamp store. It leaves the slot skipped.
//!
//! # The handshake with a parked popper
//!
//! A popper that found a held slot at `head` and parks must be woken when
//! the stamp changes. The permit's side: store the stamp (full, skipped or
//! empty); `fence(SeqCst)`; load the poppers' waiter count. The popper's
//! side: increment the count (SeqCst RMW); `fence(SeqCst)`; load the
//! stamp again, and report empty only if it still says held. The two
//! fences order the pair as in the ring's handshake (`ring.rs`,
//! `owned.rs`): either the permit's count load sees the increment and
//! wakes the popper, or the popper's second load sees the new stamp. A
//! pusher that found a held or skipped slot a lap behind does the same
//! (its second stamp load follows the fence of its full check), against
//! the pop that skips the slot (its head claim is the notifier's half).

use super::{Check, Claim, Ring};
use crate::error::TryPushError;
use crate::sync::{fence, Ordering};

/// What a marked stamp at `pos` says (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Claimed by a permit that has not pushed yet.
    Held,
    /// Given up by a permit dropped unused.
    Skipped,
}

impl<T> Ring<T> {
    /// The held stamp of `pos`.
    #[inline]
    fn held(&self, pos: usize) -> usize {
        pos | self.mark_bit
    }

    /// The skipped stamp of `pos`.
    #[inline]
    fn skipped(&self, pos: usize) -> usize {
        (pos + 1) | self.mark_bit
    }

    /// Whether `stamp`, read at the slot of position `pos`, is `pos`'s held
    /// or skipped stamp.
    #[inline]
    pub(super) fn mark_at(&self, pos: usize, stamp: usize) -> Option<Mark> {
        if stamp == self.held(pos) {
            Some(Mark::Held)
        } else if stamp == self.skipped(pos) {
            Some(Mark::Skipped)
        } else {
            None
        }
    }

    /// Claims the slot at `tail` for a permit; its position, or why not.
    pub(crate) fn try_reserve(&self, check: Check) -> Result<usize, TryPushError<()>> {
        match self.claim_push(false, check) {
            Claim::Slot(pos) => {
                // Relaxed: a held slot carries no data; the permit's next
                // store of this stamp (full, skipped or empty) is the
                // Release that orders what it guards.
                self.slot(pos)
                    .stamp
                    .store(self.held(pos), Ordering::Relaxed);
                Ok(pos)
            }
            Claim::Full => Err(TryPushError::Full(())),
            Claim::Closed => Err(TryPushError::Closed(())),
            Claim::Displace { .. } | Claim::Held => {
                unreachable!("claim_push(false) never displaces")
            }
        }
    }

    /// Fills the slot reserved at `pos` with `value`. The caller then
    /// wakes a popper (the count load after this call's fence).
    pub(crate) fn publish_reserved(&self, pos: usize, value: T) {
        self.publish(pos, value);
        // SeqCst fence: the permit's half of the handshake with a parked
        // popper (module docs).
        fence(Ordering::SeqCst);
    }

    /// Gives up the slot reserved at `pos`. Returns whether a slot came
    /// free for pushers (the caller then wakes one); the caller wakes a
    /// popper either way (one may have parked on the held stamp).
    pub(crate) fn cancel_reserved(&self, pos: usize) -> bool {
        let slot = self.slot(pos);
        if self.sides.single_push {
            // Relaxed: only the owner stores `tail` (`Ring::try_new`), and
            // the permit, borrowing the owner's `&mut` handle, kept it from
            // pushing since the reservation. (A permit sent to a scoped
            // thread is dropped there before the borrow ends; the scope's
            // join orders this store before the owner's next load.)
            debug_assert_eq!(self.tail.load(Ordering::Relaxed), self.next(pos));
            // Relaxed: published by the stamp's Release store below.
            self.tail.store(pos, Ordering::Relaxed);
            // Release: a popper that reads "empty" again sees `tail` moved
            // back (module docs); the next push's Acquire of it sees the
            // previous lap's consumer's read through us.
            slot.stamp.store(pos, Ordering::Release);
            // SeqCst fence: the notifier's half for a popper that parked on
            // the held stamp (module docs) and for pushers.
            fence(Ordering::SeqCst);
            return true;
        }
        // Release: pairs with the Acquire of whichever pop skips it; with no
        // data written, it carries the previous lap's consumer's read on to
        // the next lap's producer.
        slot.stamp.store(self.skipped(pos), Ordering::Release);
        // SeqCst fence: the permit's half of the handshake (module docs).
        fence(Ordering::SeqCst);
        // At the front of a shared consumer side: skip it now, as a pop
        // would. Relaxed: a guess, validated by the CAS.
        !self.sides.single_pop && self.head.load(Ordering::Relaxed) == pos && self.skip_shared(pos)
    }

    /// Claims the skipped slot at `head` through a shared `head` and
    /// releases it for the next lap; `false` if another thread claimed it.
    #[inline(never)]
    pub(super) fn skip_shared(&self, head: usize) -> bool {
        // Strong, SeqCst: a pop's claim (the notifier's half of the
        // handshake in `ring.rs`).
        if self
            .head
            .compare_exchange(head, self.next(head), Ordering::SeqCst, Ordering::Relaxed)
            .is_err()
        {
            return false;
        }
        // Release pairs with the next lap's producer's Acquire load of the
        // stamp (the permit's Release store, read by our caller with
        // Acquire, carries the previous lap's read on).
        self.slot(head)
            .stamp
            .store(head.wrapping_add(self.one_lap), Ordering::Release);
        true
    }

    /// Claims the skipped slot at the owned `head` and releases it.
    #[inline(never)]
    pub(super) fn skip_owned(&self, head: usize) {
        self.claim_head_owned(self.next(head));
        // Release: as in `skip_shared`.
        self.slot(head)
            .stamp
            .store(head.wrapping_add(self.one_lap), Ordering::Release);
    }

    /// The re-check of a popper or pusher that found `stamp`, a mark, at
    /// `pos`: `true` if the stamp still says so after a `fence(SeqCst)`
    /// (the waiter's half of the handshake in the module docs).
    #[inline(never)]
    pub(super) fn still_marked(&self, pos: usize, stamp: usize) -> bool {
        // SeqCst fence: see above.
        fence(Ordering::SeqCst);
        // Relaxed: ordered by the fence; the caller's next Acquire load of
        // the stamp orders what it guards.
        self.slot(pos).stamp.load(Ordering::Relaxed) == stamp
    }
}
