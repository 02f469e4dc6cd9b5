//! The algorithm: a bounded ring of sequence-stamped slots, no locks.
//!
//! This is Dmitry Vyukov's bounded MPMC queue with a close mark in the tail
//! counter. It never blocks and never allocates; waiting lives in `wait.rs`
//! and the public surface in `queue.rs`.
//!
//! # Counters
//!
//! `head` (next position to pop) and `tail` (next position to push) are
//! positions laid out as bit fields:
//!
//! ```text
//!   tail: | lap ............ | mark | index ... |
//!   head: | lap ............ |  0   | index ... |
//!          ^ multiples of     ^ mark_bit = (cap + 1).next_power_of_two()
//!            one_lap = 2 * mark_bit
//! ```
//!
//! `index < cap` is the slot; `lap` counts trips round the ring and wraps
//! around `usize` freely (all lap arithmetic is `wrapping_*`, and positions are
//! only ever compared for equality). The `mark` bit is set in `tail` by
//! `close()`, and only there.
//!
//! Worked example, `cap = 3`: `mark_bit = 4`, `one_lap = 8`. Positions run
//! `0, 1, 2, 8, 9, 10, 16, ...`; `tail = 9 | 4 = 13` means "closed, next push
//! would go to slot 1 of lap 1".
//!
//! # Stamps
//!
//! Slot `i` starts with stamp `i` (lap 0, empty). A producer that reads
//! `tail == stamp` may claim the slot by CAS-ing `tail` forward; it then
//! writes the value and stores `stamp = tail + 1` ("full"). A consumer that
//! reads `stamp == head + 1` may claim it by CAS-ing `head` forward; it then
//! reads the value and stores `stamp = head + one_lap` ("empty, for the next
//! lap's producer"). Any other stamp means the reader's view of head/tail is
//! stale or another thread is between its CAS and its stamp store.
//!
//! The ring is full when `head + one_lap == tail` and empty when
//! `head == tail` (mark removed).
//!
//! # Memory orderings
//!
//! * **Slot hand-off** (Acquire/Release on the stamp). A producer's
//!   `stamp.store(tail + 1, Release)` comes after its write of the value; a
//!   consumer's `stamp.load(Acquire)` that reads it therefore sees the value.
//!   Symmetrically, the consumer's `stamp.store(head + one_lap, Release)` comes
//!   after it moved the value out, and the next producer's Acquire load of the
//!   stamp orders its write after that read. This is what makes the
//!   `UnsafeCell` accesses race-free.
//! * **Claims** (`compare_exchange` on head/tail). Which thread owns a slot is
//!   decided by the CAS alone; the ordering of the data is carried by the
//!   stamp, so the claim itself would be fine as Relaxed. It is SeqCst for the
//!   handshake below.
//! * **The full/empty check and the waiter handshake** (the `fence(SeqCst)`
//!   before the head or tail load in the "looks full" / "looks empty" branch).
//!   A blocked thread parks after this sequence (see `wait.rs`):
//!   1. increment the waiter count (SeqCst RMW), then
//!   2. re-try the operation, whose "full"/"empty" verdict is
//!      `fence(SeqCst); load head/tail`.
//!
//!   A thread that makes room or data does:
//!   1. its claim CAS on head/tail (SeqCst), then
//!   2. a SeqCst load of the waiter count, and wakes a waiter if non-zero.
//!
//!   This is store buffering, and SeqCst on all four steps forbids the outcome
//!   where both sides miss each other: if the notifier's count load does not
//!   see the increment, it is ordered before the increment in the single total
//!   order S of SeqCst operations, hence so is its CAS; the waiter's fence
//!   comes after its increment in S, so the head/tail load after the fence must
//!   see the CAS (C++20 \[atomics.order\] p4). The waiter then does not report
//!   full/empty, retries, and succeeds. So either the notifier sees the waiter
//!   and wakes it, or the waiter sees the notifier's move and does not sleep.
//!   Every site that relies on this says "see the handshake in `ring.rs`".
//!   The head/tail load after the fence can itself be Relaxed: the fence gives
//!   it its place in the order. Only the waiter's re-check needs this
//!   verdict; a poll (`try_push`/`try_pop`, the spin phase) takes the
//!   stamp's word for full or empty and never loads the other side's
//!   position ([`Check`]), and a registered waiter always re-checks with
//!   [`Check::Recheck`] (`wait.rs`'s `park_phase`, `future/registration.rs`).
//! * **Close** (`tail.fetch_or(mark, SeqCst)`). Because the mark lives in the
//!   same word that producers CAS, a claim either precedes the close in
//!   `tail`'s modification order (it succeeded, and its value will be popped)
//!   or fails on the marked value (the push reports `Closed`). No separate flag
//!   can race a claim. SeqCst is for `is_closed()` callers that use it in a
//!   handshake of their own.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use crossbeam_utils::CachePadded;

use crate::capacity::{CapacityError, MAX_CAPACITY};
use crate::error::{TryPopError, TryPushError};
use crate::slot::Slot;
use crate::sync::{fence, AtomicBool, AtomicUsize, Backoff, Ordering};

mod batch;
mod owned;
mod reserve;

use reserve::Mark;

/// Which sides of a ring one thread owns at a time. An owned side claims
/// with a store and a fence instead of a CAS (`owned.rs`); that is sound
/// only while at most one thread at a time runs that side's operations,
/// which [`Ring::try_new`]'s caller promises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sides {
    /// `try_push`, `force_push` and `try_push_from` come from one thread
    /// at a time.
    pub(crate) single_push: bool,
    /// `try_pop` and `try_pop_into` come from one thread at a time (and
    /// `force_push` never: it claims the consumer side too).
    pub(crate) single_pop: bool,
}

/// What a full or empty verdict must be.
///
/// A slot whose stamp says "full" to a pusher (or "empty" to a popper) may
/// be truly full (empty), or the other side may be between its claim of
/// that slot and its stamp store. Telling the two apart takes a
/// `fence(SeqCst)` and a load of the other side's position. A thread
/// parking on the answer needs it (the waiter's half of the handshake
/// below), and so does every answer a caller sees: with several consumers
/// a pop can claim a slot and stall while later pops complete, and a push
/// that then said "full" would say so of a queue holding fewer than
/// `capacity` values (a semaphore built on the queue, as ringq-pool's is,
/// would find no room for a permit it gives back). A poll that will look
/// again does not need it: the spin phase of a blocked call and the first
/// try of a blocking call or a future, each of which ends, before it
/// parks, registers or gives up, with a `Recheck`. Polling the other
/// side's position costs it: measured on this project's VMs, a side that stores its position
/// and fences (an owned side, `owned.rs`) slowed to a fifth when the other
/// side loaded that position on each failed poll (two threads through a
/// 64-slot ring, 2026-12-03), as its line went back and forth under the
/// pending store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// A poll that will look again (the first try of a blocking call or a
    /// future, the spin phase): the stamp's verdict, and the position
    /// only once the ring is closed.
    Poll,
    /// Every verdict a caller sees (`try_push`, `try_pop`, their batch
    /// forms, a blocked call that gives up), the re-check of a registered
    /// waiter (the handshake in the module docs), and a drain that must
    /// see every value: the fence and the other side's position.
    Recheck,
}

impl Sides {
    /// Every side shared: the plain MPMC ring.
    pub(crate) const MPMC: Sides = Sides {
        single_push: false,
        single_pop: false,
    };
}

/// The ring: slots, head, tail and the bit layout of positions.
pub(crate) struct Ring<T> {
    /// Next position to pop. Never carries the mark bit.
    head: CachePadded<AtomicUsize>,
    /// Next position to push, plus the close mark.
    tail: CachePadded<AtomicUsize>,
    buffer: Box<[Slot<T>]>,
    cap: usize,
    /// `2 * mark_bit`: adding it moves a position one lap on.
    one_lap: usize,
    /// The close mark; `mark_bit - 1` masks the index.
    mark_bit: usize,
    /// Which sides are owned by one thread (module docs).
    sides: Sides,
    /// Closed. On a ring whose push side is owned this is the close (the
    /// mark is not in `tail`); elsewhere it is a hint for polls, set
    /// before the mark (so whoever has seen the mark sees it too), and the
    /// mark is the close. Written once; read by every owned push and by
    /// polls that find the ring empty.
    closed: AtomicBool,
}

// SAFETY: the ring owns values of type `T` and hands them between threads, so
// it may be sent or shared only when `T: Send`. Shared access to the slots'
// `UnsafeCell`s is serialized by the stamp protocol (module docs): a slot's
// value is touched only by the thread that won the claim CAS for it, between
// that CAS and its Release store of the next stamp. No `&T` is ever handed
// out, so `T: Sync` is not needed.
unsafe impl<T: Send> Send for Ring<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Ring<T> {}

impl<T> Ring<T> {
    /// A ring of `cap` slots whose counters start `laps_before_wrap` laps
    /// below the point where the lap field wraps round `usize` (0: start at
    /// 0), with `sides` owned by one thread each.
    ///
    /// # Safety
    ///
    /// The caller must ensure, for the ring's whole life:
    /// - if `sides.single_push`, no two threads run `try_push`,
    ///   `force_push` or `try_push_from` on it at the same time;
    /// - if `sides.single_pop`, no two threads run `try_pop` or
    ///   `try_pop_into` on it at the same time, and nobody calls
    ///   `force_push`.
    pub(crate) unsafe fn try_new(
        cap: usize,
        laps_before_wrap: usize,
        sides: Sides,
    ) -> Result<Ring<T>, CapacityError> {
        // Capacity 0 is the rendezvous flavor (`rendezvous.rs`), never a ring.
        debug_assert!(cap > 0);
        if cap > MAX_CAPACITY {
            return Err(CapacityError::too_large(cap));
        }
        // No overflow: cap + 1 <= usize::MAX >> 4 + 1, so both fit with room.
        let mark_bit = (cap + 1).next_power_of_two();
        let one_lap = mark_bit * 2;
        let start = 0usize.wrapping_sub(laps_before_wrap.wrapping_mul(one_lap));

        let mut slots = Vec::new();
        slots
            .try_reserve_exact(cap)
            .map_err(|_| CapacityError::alloc(cap))?;
        slots.extend((0..cap).map(|i| Slot::new(start + i)));

        Ok(Ring {
            head: CachePadded::new(AtomicUsize::new(start)),
            tail: CachePadded::new(AtomicUsize::new(start)),
            buffer: slots.into_boxed_slice(),
            cap,
            one_lap,
            mark_bit,
            sides,
            closed: AtomicBool::new(false),
        })
    }

    #[inline]
    pub(crate) fn capacity(&self) -> usize {
        self.cap
    }

    /// Whether the push side is owned (its claims end with a fence).
    #[inline]
    pub(crate) fn owned_push(&self) -> bool {
        self.sides.single_push
    }

    /// Whether the pop side is owned (its claims end with a fence).
    #[inline]
    pub(crate) fn owned_pop(&self) -> bool {
        self.sides.single_pop
    }

    /// The position after `pos` (mark removed).
    #[inline]
    fn next(&self, pos: usize) -> usize {
        let index = pos & (self.mark_bit - 1);
        if index + 1 < self.cap {
            // Cannot overflow: the lap field has room above `mark_bit`.
            pos + 1
        } else {
            (pos & !(self.one_lap - 1)).wrapping_add(self.one_lap)
        }
    }

    #[inline]
    fn slot(&self, pos: usize) -> &Slot<T> {
        let index = pos & (self.mark_bit - 1);
        debug_assert!(index < self.cap);
        // Bounds-checked on purpose: the check is one predictable branch, and
        // it keeps a stale or corrupted position from ever becoming UB.
        &self.buffer[index]
    }

    /// Pushes `value` if there is room and the ring is open.
    #[inline]
    pub(crate) fn try_push(&self, value: T, check: Check) -> Result<(), TryPushError<T>> {
        match self.claim_push(false, check) {
            Claim::Slot(tail) => {
                self.publish(tail, value);
                Ok(())
            }
            Claim::Full => Err(TryPushError::Full(value)),
            Claim::Closed => Err(TryPushError::Closed(value)),
            Claim::Displace { .. } | Claim::Held => {
                unreachable!("claim_push(false) never displaces")
            }
        }
    }

    /// Pushes `value`; when the ring is full, displaces the oldest value and
    /// returns it. `Err(value)` when the ring is closed.
    pub(crate) fn force_push(&self, value: T) -> Result<Option<T>, T> {
        // A displacing push claims the consumer side with a CAS, which an
        // owned consumer's plain stores could not race.
        debug_assert!(
            !self.sides.single_pop,
            "force_push on a ring with an owned consumer"
        );
        match self.claim_push(true, Check::Recheck) {
            Claim::Slot(tail) => {
                self.publish(tail, value);
                Ok(None)
            }
            Claim::Displace { head, tail } => Ok(self.displace(head, tail, value)),
            // The oldest place is a permit's, whose value is still to come:
            // the new value is the one displaced (as on a rendezvous with no
            // popper waiting).
            Claim::Held => Ok(Some(value)),
            Claim::Closed => Err(value),
            Claim::Full => unreachable!("claim_push(true) displaces instead of failing"),
        }
    }

    /// Claims the producer side of the slot at `tail`, or reports why not.
    ///
    /// With `displace`, a full ring is not a failure: the tail is claimed
    /// anyway and `displace()` must finish the job.
    #[inline]
    fn claim_push(&self, displace: bool, check: Check) -> Claim {
        if self.sides.single_push {
            return self.claim_push_owned(displace, check);
        }
        let backoff = Backoff::new();
        // Relaxed: a guess, validated by the CAS; the slot's data is ordered by
        // its stamp, not by this load.
        let mut tail = self.tail.load(Ordering::Relaxed);
        loop {
            if tail & self.mark_bit != 0 {
                return Claim::Closed;
            }
            let slot = self.slot(tail);
            // Acquire pairs with the Release store of "empty" by the consumer
            // of the previous lap, so its read of the old value happens before
            // our write.
            let stamp = slot.stamp.load(Ordering::Acquire);
            if stamp == tail {
                let new_tail = self.next(tail);
                // SeqCst: the notifier's half of the handshake in `ring.rs`
                // (and a claim is ordered against `close()` by being an RMW of
                // the same word). Failure is Relaxed: we only retry.
                match self.tail.compare_exchange_weak(
                    tail,
                    new_tail,
                    Ordering::SeqCst,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return Claim::Slot(tail),
                    Err(t) => {
                        tail = t;
                        backoff.spin();
                    }
                }
            } else if stamp.wrapping_add(self.one_lap) == tail + 1 {
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
                    match self.claim_displace(head, tail) {
                        Ok(claim) => return claim,
                        Err(t) => {
                            tail = t;
                            backoff.spin();
                            continue;
                        }
                    }
                }
                // A consumer has moved head but not yet released this slot.
                backoff.spin();
                tail = self.tail.load(Ordering::Relaxed);
            } else if let Some(mark) = self.mark_at(tail.wrapping_sub(self.one_lap), stamp) {
                // The previous lap's position here is held by a permit or
                // was skipped (`reserve.rs`): the ring is full unless a pop
                // is skipping it now.
                if check == Check::Poll && !displace {
                    return Claim::Full;
                }
                // The waiter's re-check (the handshake in `reserve.rs`),
                // whose fence also orders the head load below.
                if !self.still_marked(tail, stamp) {
                    tail = self.tail.load(Ordering::Relaxed);
                    continue;
                }
                // Relaxed: ordered by the fence in `still_marked`.
                let head = self.head.load(Ordering::Relaxed);
                if head.wrapping_add(self.one_lap) == tail {
                    if !displace {
                        return Claim::Full;
                    }
                    if mark == Mark::Held {
                        // A held slot cannot be displaced: its value is
                        // still to come.
                        return Claim::Held;
                    }
                    // A skipped oldest slot is displaced as a value would
                    // be (`displace` finds nothing to hand back).
                    match self.claim_displace(head, tail) {
                        Ok(claim) => return claim,
                        Err(t) => tail = t,
                    }
                    continue;
                }
                // A pop has claimed the slot and not yet released it.
                backoff.spin();
                tail = self.tail.load(Ordering::Relaxed);
            } else {
                // Another producer claimed this slot and has not stamped it
                // yet, or our tail is stale: wait for it to move.
                backoff.snooze();
                tail = self.tail.load(Ordering::Relaxed);
            }
        }
    }

    /// Claims the tail at `tail` for a displacing push, the ring being full
    /// with its oldest slot at `head`; the tail found instead on failure.
    ///
    /// The tail first: a racing close() either marked it before us (the CAS
    /// fails and the caller reports Closed) or comes after a push that has
    /// now happened.
    #[inline]
    fn claim_displace(&self, head: usize, tail: usize) -> Result<Claim, usize> {
        // SeqCst: a claim like any other (see the handshake in `ring.rs`).
        // Failure is Relaxed: the caller only retries.
        self.tail
            .compare_exchange_weak(tail, self.next(tail), Ordering::SeqCst, Ordering::Relaxed)
            .map(|_| Claim::Displace { head, tail })
    }

    /// Writes `value` into the slot claimed at `tail` and publishes it.
    #[inline]
    fn publish(&self, tail: usize, value: T) {
        let slot = self.slot(tail);
        // SAFETY: we won the tail CAS from `tail` (or one claiming a run that includes it,
        // `batch.rs`), whose stamp said "empty for this lap" (no value in the slot), and have
        // not stored the "full" stamp yet: nobody else touches the slot.
        unsafe { slot.write(value) };
        // Release pairs with the consumer's Acquire load of the stamp in
        // `try_pop`, publishing the value written above.
        slot.stamp.store(tail + 1, Ordering::Release);
    }

    /// Finishes a displacing push: the tail at `tail` is ours, and the ring was
    /// full with its oldest value at `head == tail - one_lap` (same slot).
    #[cold]
    fn displace(&self, head: usize, tail: usize, value: T) -> Option<T> {
        let slot = self.slot(tail);
        // Try to become that slot's consumer as well. Strong CAS: a spurious
        // failure would send us to wait for a consumer that does not exist.
        // SeqCst: a claim like any other (see the handshake in `ring.rs`).
        if self
            .head
            .compare_exchange(head, self.next(head), Ordering::SeqCst, Ordering::Relaxed)
            .is_ok()
        {
            // Relaxed: `claim_push` Acquire-loaded this stamp, and only a
            // claim through `head` (ours, now) could have changed it.
            if self.mark_at(head, slot.stamp.load(Ordering::Relaxed)) == Some(Mark::Skipped) {
                // A permit dropped unused left the slot empty: nothing to
                // hand back.
                self.publish(tail, value);
                return None;
            }
            // SAFETY: we own both sides of the slot: the consumer side by the head CAS above,
            // the producer side by the tail CAS in `claim_push`. The stamp we Acquire-loaded
            // there said "full", so the old value is initialized and visible to us.
            let old = unsafe { slot.replace(value) };
            // Release pairs with the next consumer's Acquire of the stamp.
            slot.stamp.store(tail + 1, Ordering::Release);
            return Some(old);
        }
        // A consumer won the oldest value; it will release the slot by storing
        // `head + one_lap == tail`. Wait for that, then push normally.
        let backoff = Backoff::new();
        // Acquire pairs with that consumer's Release store, ordering its read
        // before our write.
        while slot.stamp.load(Ordering::Acquire) != tail {
            backoff.snooze();
        }
        self.publish(tail, value);
        None
    }

    /// Pops the oldest value; `Empty`, or `Closed` once closed and drained.
    ///
    /// `on_skip` runs once for each slot a permit gave up that this pop
    /// passed (`reserve.rs`): a slot came free, and the caller wakes a
    /// pusher for it.
    #[inline]
    pub(crate) fn try_pop(&self, check: Check, on_skip: impl Fn()) -> Result<T, TryPopError> {
        if self.sides.single_pop {
            return self.try_pop_owned(check, on_skip);
        }
        let backoff = Backoff::new();
        // Relaxed: a guess, validated by the CAS.
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            let slot = self.slot(head);
            // Acquire pairs with the producer's Release store of "full" in
            // `publish`/`displace`, so the value is visible once we see it.
            let stamp = slot.stamp.load(Ordering::Acquire);
            if stamp == head + 1 {
                let new_head = self.next(head);
                // SeqCst: the notifier's half of the handshake in `ring.rs`.
                match self.head.compare_exchange_weak(
                    head,
                    new_head,
                    Ordering::SeqCst,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        // SAFETY: we won the head CAS for this slot, whose Acquire-loaded
                        // stamp said "full": the value is initialized, visible, and ours
                        // alone until we store the next stamp.
                        let value = unsafe { slot.read() };
                        // Release pairs with the next lap's producer's Acquire
                        // load of the stamp: our read happens before its write.
                        slot.stamp
                            .store(head.wrapping_add(self.one_lap), Ordering::Release);
                        return Ok(value);
                    }
                    Err(h) => {
                        head = h;
                        backoff.spin();
                    }
                }
            } else if stamp == head {
                // The slot is empty for this lap: maybe the ring is empty.
                if let Some(verdict) = self.empty_verdict(head, check) {
                    return Err(verdict);
                }
                // A producer claimed this slot and has not stamped it yet; the
                // value is already "in" the queue, so wait for it rather than
                // report Empty (or, after close, lose it).
                backoff.snooze();
                head = self.head.load(Ordering::Relaxed);
            } else if let Some(mark) = self.mark_at(head, stamp) {
                if mark == Mark::Skipped {
                    // A permit dropped unused: pass it, freeing its slot.
                    if self.skip_shared(head) {
                        on_skip();
                    }
                } else if check == Check::Poll || self.still_marked(head, stamp) {
                    // Held by a permit: nothing to pop until it pushes (the
                    // re-check is the waiter's half of `reserve.rs`'s
                    // handshake).
                    return Err(TryPopError::Empty);
                }
                head = self.head.load(Ordering::Relaxed);
            } else {
                // Our head is stale, or a displacing push is swapping this
                // slot: wait for the other thread to move.
                backoff.snooze();
                head = self.head.load(Ordering::Relaxed);
            }
        }
    }

    /// Whether the ring is empty (or closed and drained) at `head`, whose
    /// slot a pop found empty for this lap; `None` if a producer has
    /// claimed that slot and not published it yet (the caller waits).
    #[inline]
    fn empty_verdict(&self, head: usize, check: Check) -> Option<TryPopError> {
        // Relaxed: a poll's hint (`Check`); once it reads `true` the
        // verdict below decides, with its fence.
        if check == Check::Poll && !self.closed.load(Ordering::Relaxed) {
            return Some(TryPopError::Empty);
        }
        // SeqCst fence: the waiter's half of the handshake in `ring.rs`.
        fence(Ordering::SeqCst);
        // Relaxed: ordered by the fence above.
        let tail = self.tail.load(Ordering::Relaxed);
        if tail & !self.mark_bit != head {
            return None;
        }
        if self.sides.single_push {
            return self.owned_push_verdict(head);
        }
        Some(if tail & self.mark_bit != 0 {
            TryPopError::Closed
        } else {
            TryPopError::Empty
        })
    }

    /// Marks the ring closed. Returns `true` if this call did it.
    pub(crate) fn close(&self) -> bool {
        if self.sides.single_push {
            // SeqCst: the closer's half of the owned push's close check
            // (`owned.rs`).
            return !self.closed.swap(true, Ordering::SeqCst);
        }
        // The polls' hint first (`Check::Poll`), so that whoever sees the
        // mark sees it too. Relaxed: the SeqCst RMW below publishes it to
        // anyone who reads the mark.
        self.closed.store(true, Ordering::Relaxed);
        // SeqCst RMW of the word every push claims through: see "Close" in the
        // module docs.
        let tail = self.tail.fetch_or(self.mark_bit, Ordering::SeqCst);
        tail & self.mark_bit == 0
    }

    #[inline]
    pub(crate) fn is_closed(&self) -> bool {
        // SeqCst: callers may use `is_closed` in a handshake of their own
        // (e.g. "close, then check a flag") and deserve the total order.
        if self.sides.single_push {
            return self.closed.load(Ordering::SeqCst);
        }
        self.tail.load(Ordering::SeqCst) & self.mark_bit != 0
    }

    /// Number of values in the ring, clamped to `cap` (a displacing push
    /// briefly puts the tail one position past "full"). A permit's slot,
    /// held or skipped and not yet passed, counts as a value
    /// (`reserve.rs`).
    pub(crate) fn len(&self) -> usize {
        loop {
            // SeqCst on all three loads: the head value is then read at a
            // point of the total order between two reads of the same tail, so
            // the pair is a consistent snapshot.
            let tail = self.tail.load(Ordering::SeqCst);
            let head = self.head.load(Ordering::SeqCst);
            if self.tail.load(Ordering::SeqCst) == tail {
                return self.distance(head, tail & !self.mark_bit).min(self.cap);
            }
        }
    }

    /// How many positions `tail` is ahead of `head` (both unmarked).
    fn distance(&self, head: usize, tail: usize) -> usize {
        let lap_mask = !(self.one_lap - 1);
        let laps = (tail & lap_mask).wrapping_sub(head & lap_mask) / self.one_lap;
        let hix = head & (self.mark_bit - 1);
        let tix = tail & (self.mark_bit - 1);
        laps * self.cap + tix - hix
    }
}

/// What `claim_push` got.
enum Claim {
    /// The producer side of the slot at this tail position is ours.
    Slot(usize),
    /// Full (only without `displace`).
    Full,
    /// Closed.
    Closed,
    /// Full, and the tail at `tail` is ours; the oldest value sits at `head`.
    Displace { head: usize, tail: usize },
    /// Full, with a permit's held slot oldest (only with `displace`;
    /// nothing was claimed).
    Held,
}

impl<T> Drop for Ring<T> {
    fn drop(&mut self) {
        if !core::mem::needs_drop::<T>() {
            return;
        }
        // Relaxed: `&mut self` means no other thread can touch the ring, and
        // every claim finished its stamp store before its call returned.
        let head = self.head.load(Ordering::Relaxed);
        let tail = self.tail.load(Ordering::Relaxed) & !self.mark_bit;
        let len = self.distance(head, tail);
        let hix = head & (self.mark_bit - 1);
        for i in 0..len {
            let index = (hix + i) % self.cap;
            let slot = &self.buffer[index];
            // A permit's skipped slot holds nothing (`reserve.rs`); no permit
            // outlives the ring, so none is held. Relaxed: `&mut self`.
            if slot.stamp.load(Ordering::Relaxed) & self.mark_bit != 0 {
                continue;
            }
            // SAFETY: positions head..tail hold initialized values (all but the
            // skipped ones passed over above) that no one else can reach
            // (`&mut self`); each is read, and so dropped, exactly once here.
            drop(unsafe { slot.read() });
        }
    }
}

impl<T> fmt::Debug for Ring<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ring")
            .field("capacity", &self.cap)
            .field("len", &self.len())
            .field("closed", &self.is_closed())
            .field("sides", &self.sides)
            .finish()
    }
}
