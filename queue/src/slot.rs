//! One cell of the ring: a sequence stamp and a possibly-uninitialized value.
//!
//! The stamp is the whole hand-off protocol between a producer and a consumer
//! of the same slot; `ring.rs` documents what each stamp value means. This file
//! only knows how to move a value in and out, and leaves the "who may do that
//! when" to the caller through `unsafe fn` contracts.

use core::mem::MaybeUninit;

use crate::sync::{AtomicUsize, UnsafeCell};

/// A slot of the ring.
pub(crate) struct Slot<T> {
    /// The slot's sequence stamp, in the same `{ lap, index }` units as the
    /// ring's head and tail (never with the close mark):
    ///
    /// * `stamp == lap + index`: empty, writable by the producer whose claimed
    ///   tail equals this stamp;
    /// * `stamp == lap + index + 1`: full, readable by the consumer whose
    ///   claimed head plus one equals this stamp;
    /// * after that consumer reads the value it stores `head + one_lap`: empty
    ///   for the producer of the next lap.
    pub(crate) stamp: AtomicUsize,
    /// The value; initialized exactly while the stamp says "full" (or while a
    /// thread that claimed the slot is between its CAS and its stamp store).
    value: UnsafeCell<MaybeUninit<T>>,
}

impl<T> Slot<T> {
    /// A slot that is empty at stamp `stamp`.
    pub(crate) fn new(stamp: usize) -> Slot<T> {
        Slot {
            stamp: AtomicUsize::new(stamp),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    /// Moves `value` into the slot.
    ///
    /// # Safety
    ///
    /// The caller must ensure:
    /// - it has exclusive write access to the slot: it won the tail CAS for
    ///   this slot's current stamp and has not yet published the "full" stamp;
    /// - the slot holds no initialized value (it would be leaked).
    #[inline]
    pub(crate) unsafe fn write(&self, value: T) {
        // SAFETY: exclusive access is the caller's first guarantee, so no other
        // reference to the cell's contents exists while we write.
        self.value.with_mut(|p| unsafe { (*p).write(value) });
    }

    /// Moves the value out of the slot, leaving it logically uninitialized.
    ///
    /// # Safety
    ///
    /// The caller must ensure:
    /// - it has exclusive access to the slot: it won the head CAS for this
    ///   slot (or holds `&mut` to the ring) and has not yet published the
    ///   "empty" stamp;
    /// - the value is initialized: the stamp it acquired said "full", which
    ///   pairs with the producer's Release store made after `write`.
    #[inline]
    pub(crate) unsafe fn read(&self) -> T {
        // SAFETY: exclusive access and initialization are the caller's
        // guarantees; after this read the slot is treated as uninitialized, so
        // the value is moved out exactly once.
        self.value.with(|p| unsafe { (*p).assume_init_read() })
    }

    /// Replaces the initialized value with `value` and returns the old one.
    ///
    /// # Safety
    ///
    /// Both conditions of [`Slot::read`] hold (exclusive access, initialized
    /// value).
    #[inline]
    pub(crate) unsafe fn replace(&self, value: T) -> T {
        // SAFETY: the caller's guarantees of `read` and `write` hold in
        // sequence: we own the initialized value, move it out, and the slot is
        // then empty and still exclusively ours for the write.
        unsafe {
            let old = self.read();
            self.write(value);
            old
        }
    }
}
