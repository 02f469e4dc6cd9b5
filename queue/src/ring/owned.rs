//! Owned sides: claims by a plain store and one fence instead of a CAS.
//!
//! A side owned by one thread at a time (`Sides`; the `spsc`, `mpsc` and
//! `spmc` handles make it so with `&mut self` on a handle that is not
//! `Clone`) keeps the slot protocol of `ring.rs`: the stamps still say
//! which slot holds what, and are still loaded with Acquire and stored
//! with Release, paired exactly as there. What changes is how the owner
//! moves its own position.
//!
//! # Claim by store
//!
//! Nobody else writes an owned position, so nothing can have moved it
//! since the owner last stored it: the owner claims the slot at its
//! position by storing the next position, where a shared side needs a CAS
//! to find out whether it won. The owner's fast path reads its own
//! position and the slot's stamp, and the other side's position only on
//! the full/empty branch (as a shared side does): the stamp says whether
//! the slot is ready, so there is no cached copy of the other position to
//! refresh.
//!
//! # The fence that replaces the CAS in the handshake
//!
//! The claim CAS was the notifier's SeqCst operation in the waiter
//! handshake (`ring.rs`). An owned claim is a store followed by one
//! `fence(SeqCst)`, and the notifier's half becomes "store the position;
//! fence; load the waiter count" (the count load is `Queue`'s
//! `notify_one`, after the claim returns), against the waiter's
//! "increment the count (SeqCst RMW); fence (in the full/empty check);
//! load the position". Two SeqCst fences order the pair: if the
//! notifier's fence precedes the waiter's in the total order S, the
//! waiter's load sees the stored position; otherwise the notifier's count
//! load, after its fence, sees the increment made before the waiter's
//! fence (C++20 \[atomics.fences\], \[atomics.order\] p4). Either the
//! notifier wakes the waiter or the waiter does not sleep. On x86 the
//! fence is one locked instruction (LLVM emits `lock or` on the stack for
//! `fence(SeqCst)`); on this project's 2-vCPU VMs a store plus that fence
//! per operation ran 1.5x (one thread) to 1.8x (two threads) the
//! rate of a `lock cmpxchg` per operation in the same loop (a standalone
//! loop over a 1024-slot ring, 2026-12-03). The store alone, without the
//! fence, is what a non-blocking ring such as rtrb does; with waiters to
//! wake it would lose wake-ups (the store-buffering outcome the fence
//! forbids).
//!
//! # Close on a ring whose push side is owned
//!
//! A plain store of `tail` would erase a close mark another thread set in
//! it between the owner's load and its store, so such a ring keeps its
//! close in the `closed` flag, and a push checks it after its claim's
//! fence:
//!
//! ```text
//! push:    tail.store(t + 1); F_P; closed.load()   -- true: tail.store(t), Closed
//! close:   closed.swap(true, SeqCst)
//! verdict: (slot at h empty) F_K; tail == h? closed.load()?  -- true: F_V; tail == h? Closed
//! ```
//!
//! * **A push that goes ahead is drained.** Its check read `false`, so its
//!   fence F_P precedes the close in S (p4.3: the check is
//!   coherence-ordered before the close). A verdict that read the close
//!   has the close before its second fence F_V (p4.2). So F_P precedes F_V,
//!   and the verdict's second load of `tail` sees the claim: it reports
//!   nothing and waits for the value at its slot instead of "Closed".
//! * **A push that sees the close undoes its claim** before it writes
//!   anything: consumers that saw the claim wait at the slot, then find
//!   `tail == h` again.
//! * **"Closed" is final.** A verdict of Closed did not see a later claim's
//!   store, so F_V precedes that claim's fence; the close precedes F_V; so
//!   the claim's check, after its fence, reads `true` and the push fails.
//!
//! A shared consumer side (`spmc`) runs the same verdict in each consumer.
//!
//! # Owned pop
//!
//! The consumer claims the slot by storing `head` and fences, then reads
//! the value and releases the slot for the next lap (Release, as a shared
//! pop does). A producer's full check ("the slot still holds the previous
//! lap's value", then its fence, then `head`) either sees the new `head`
//! (not full: it waits for the stamp, released right after) or is a waiter
//! whose count increment the consumer's count load sees. An owned consumer never
//! races a displacing push: `force_push` claims the consumer side with a
//! CAS, and the handles of a queue with an owned consumer do not have it.

use super::{Check, Claim, Mark, Ring};
use crate::error::TryPopError;
use crate::slot::Slot;
use crate::sync::{fence, Backoff, Ordering};

impl<T> Ring<T> {
    /// `claim_push` for an owned push side.
    #[inline]
    pub(super) fn claim_push_owned(&self, displace: bool, check: Check) -> Claim {
        // Relaxed: a hint that saves a claim and its undo after a close;
        // the check that decides is the one after the claim's fence.
        if self.closed.load(Ordering::Relaxed) {
            return Claim::Closed;
        }
        // Relaxed: only this thread stores `tail` (the caller's promise to
        // `Ring::try_new`), so this reads its own last store.
        let tail = self.tail.load(Ordering::Relaxed);
        let slot = self.slot(tail);
        loop {
            // Acquire pairs with the Release store of "empty" by the
            // consumer of the previous lap (`ring.rs`).
            let stamp = slot.stamp.load(Ordering::Acquire);
            if stamp == tail {
                return self.claim_tail_owned(tail, self.next(tail), Claim::Slot(tail));
            }
            debug_assert_eq!(stamp.wrapping_add(self.one_lap), tail + 1);
            // The slot still holds the previous lap's value: maybe full.
            if check == Check::Poll && !displace {
                return Claim::Full;
            }
            // SeqCst fence: the waiter's half of the handshake in `ring.rs`.
            fence(Ordering::SeqCst);
            // Relaxed: ordered by the fence above.
            let head = self.head.load(Ordering::Relaxed);
            if head.wrapping_add(self.one_lap) == tail {
                if !displace {
                    return Claim::Full;
                }
                return self.claim_tail_owned(
                    tail,
                    self.next(tail),
                    Claim::Displace { head, tail },
                );
            }
            // A consumer has moved head but not yet released this slot:
            // it is a read and a store away from doing so.
            self.wait_for_stamp(slot, stamp, || false);
        }
    }

    /// Moves the owned `tail` from `tail` to `end` (one slot, or a run for
    /// a batch) and checks the close after the claim's fence (module
    /// docs); `claim` if the push may go ahead, `Claim::Closed` (the claim
    /// undone) if the ring is closed.
    #[inline]
    pub(super) fn claim_tail_owned(&self, tail: usize, end: usize, claim: Claim) -> Claim {
        // Relaxed: the fence below orders it (module docs).
        self.tail.store(end, Ordering::Relaxed);
        // SeqCst fence: the notifier's half of the handshake, and the
        // push's half of the close check (module docs).
        fence(Ordering::SeqCst);
        // Relaxed: ordered by the fence above.
        if self.closed.load(Ordering::Relaxed) {
            // Nothing was written: give the slots back. Relaxed: consumers
            // that saw the claim wait at the slot and read `tail` again
            // after their own fence.
            self.tail.store(tail, Ordering::Relaxed);
            return Claim::Closed;
        }
        claim
    }

    /// `try_pop` for an owned pop side.
    #[inline]
    pub(super) fn try_pop_owned(&self, check: Check, on_skip: impl Fn()) -> Result<T, TryPopError> {
        // Relaxed: only this thread stores `head` (`Ring::try_new`).
        let mut head = self.head.load(Ordering::Relaxed);
        let mut slot = self.slot(head);
        loop {
            // Acquire pairs with the producer's Release store of "full".
            let stamp = slot.stamp.load(Ordering::Acquire);
            if stamp == head + 1 {
                // Claim first, as a shared pop's CAS does: the fence then
                // waits only for the `head` store, not for the slot's line,
                // which the producer is about to want back (measured: with
                // the fence after the slot's release, two threads through
                // `spsc(64)` ran at a third of the MPMC queue's rate).
                self.claim_head_owned(self.next(head));
                // SAFETY: the stamp we Acquire-loaded says "full for this lap", and this
                // thread is the only consumer (`Ring::try_new`): the value is initialized,
                // visible, and ours until we release the slot below.
                let value = unsafe { slot.read() };
                // Release pairs with the next lap's producer's Acquire load
                // of the stamp: our read happens before its write.
                slot.stamp
                    .store(head.wrapping_add(self.one_lap), Ordering::Release);
                return Ok(value);
            }
            if stamp == head {
                // Empty for this lap: maybe the ring is empty.
                if let Some(verdict) = self.empty_verdict(head, check) {
                    return Err(verdict);
                }
            } else if let Some(mark) = self.mark_at(head, stamp) {
                if mark == Mark::Skipped {
                    // A permit dropped unused: pass it (`reserve.rs`).
                    self.skip_owned(head);
                    on_skip();
                    head = self.next(head);
                    slot = self.slot(head);
                    continue;
                }
                // Held by a permit: as in `Ring::try_pop`.
                if check == Check::Poll || self.still_marked(head, stamp) {
                    return Err(TryPopError::Empty);
                }
                continue;
            }
            // A producer claimed this slot and has not stamped it yet (an
            // owned one may yet undo its claim, after a close: look again
            // then).
            self.wait_for_stamp(slot, stamp, || self.closed.load(Ordering::Relaxed));
        }
    }

    /// Waits while `slot`'s stamp is still `stamp`: the other side has
    /// claimed the slot and is a few steps from stamping it (or, if `stop`
    /// says so, something else may have happened: the caller looks again).
    ///
    /// Polls the slot's stamp alone, not the other side's position: the
    /// owner of that position is about to need its line (its fence waits
    /// for the store of it), and polling it there made the claim window
    /// longer, so it was hit more often (two threads through `spsc(64)`
    /// hit one of the two windows on about half their operations).
    #[inline]
    fn wait_for_stamp(&self, slot: &Slot<T>, stamp: usize, stop: impl Fn() -> bool) {
        let backoff = Backoff::new();
        // Snooze before the first look: the caller has just seen `stamp`,
        // and `stop` may already hold (a shared push side's close sets the
        // flag too), so a loop that looked first could spin without ever
        // backing off (under loom: without ever yielding).
        loop {
            backoff.snooze();
            // Relaxed: only a change is waited for; the caller's next load
            // of the stamp is the Acquire that orders what it guards.
            if slot.stamp.load(Ordering::Relaxed) != stamp || stop() {
                return;
            }
        }
    }

    /// Claims the full slots before `end` by storing the owned `head`, then
    /// fences: the notifier's half of the handshake (module docs). The
    /// caller then reads them and releases each for the next lap.
    #[inline]
    pub(super) fn claim_head_owned(&self, end: usize) {
        // Relaxed: the fence below orders it.
        self.head.store(end, Ordering::Relaxed);
        // SeqCst fence: see "The fence that replaces the CAS" above.
        fence(Ordering::SeqCst);
    }

    /// The rest of `empty_verdict` on a ring whose push side is owned: the
    /// ring looked empty at `head` (`tail == head` after the fence).
    #[inline]
    pub(super) fn owned_push_verdict(&self, head: usize) -> Option<TryPopError> {
        // Relaxed: ordered by the verdict's fence.
        if !self.closed.load(Ordering::Relaxed) {
            return Some(TryPopError::Empty);
        }
        self.closed_verdict(head)
    }

    /// Closed, and looked empty: "Closed" only if `tail` is still `head`
    /// after a second fence (F_V in the module docs), else `None` (a push
    /// that checked the close before it was set is in flight: wait for it).
    #[cold]
    fn closed_verdict(&self, head: usize) -> Option<TryPopError> {
        // SeqCst fence: F_V of the close check (module docs).
        fence(Ordering::SeqCst);
        // Relaxed: ordered by the fence above.
        (self.tail.load(Ordering::Relaxed) == head).then_some(TryPopError::Closed)
    }
}
