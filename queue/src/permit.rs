//! [`Permit`]: a reserved slot, filled by [`Permit::push`] or given back
//! on drop.

use core::fmt;

use crate::queue::Queue;

/// Room for one value in a queue, reserved by
/// [`Queue::reserve`] (or `try_reserve`, `reserve_timeout`,
/// `reserve_deadline`, `reserve_cancellable`, `reserve_async`, and the
/// [`Producer`](crate::Producer)'s methods of the same names).
///
/// [`push`](Permit::push) never fails and never blocks: the slot is
/// already claimed, even if the queue is closed in the meantime (a value
/// pushed through a permit taken before the close is drained like any
/// other). Dropping an unused permit gives the slot back and wakes a
/// waiter.
///
/// A permit holds its place in line: its value is popped after every value
/// pushed before the reservation and before every value pushed after it.
/// So while a permit is held, consumers that reach its place wait there
/// (a `try_pop` reports `Empty`, even if later values are queued), and
/// [`len`](Queue::len) counts it as a value. Build the value first if that
/// takes long and other producers share the queue; reserve to learn that
/// there is room, or to hold it, before committing to something that must
/// not be undone.
///
/// A permit dropped unused leaves its slot to be passed over: when it is
/// the oldest place and the consumer side is shared, the drop frees it at
/// once; otherwise the first pop to reach it frees it (on an `spsc` or
/// `spmc` queue, whose one producer holds the permit, the drop always
/// frees it at once). Until then it counts as a value in `len` and in the
/// full check. [`force_push`](Queue::force_push) on a full queue whose
/// oldest place is held by a permit hands its own value back as displaced
/// (`Ok(Some(value))`), since the permit's value is still to come.
///
/// # Examples
///
/// ```
/// let q = ringq::Queue::new(1);
/// let permit = q.try_reserve().unwrap(); // room is now guaranteed
/// assert!(q.try_push(0).unwrap_err().is_full());
/// permit.push(1); // never fails, never blocks
/// assert_eq!(q.pop(), Ok(1));
///
/// drop(q.try_reserve().unwrap()); // unused: the slot comes back
/// assert_eq!(q.try_push(2), Ok(()));
/// ```
#[must_use = "an unused permit gives its slot back when dropped"]
pub struct Permit<'a, T> {
    queue: &'a Queue<T>,
    /// The ring position reserved (`ring/reserve.rs`).
    pos: usize,
}

impl<'a, T> Permit<'a, T> {
    /// A permit for the slot the ring reserved at `pos`.
    pub(crate) fn new(queue: &'a Queue<T>, pos: usize) -> Permit<'a, T> {
        Permit { queue, pos }
    }

    /// Puts `value` in the reserved slot and wakes a popper. Never fails,
    /// never blocks.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::new(4);
    /// let permit = q.try_reserve().unwrap();
    /// q.close(); // a permit taken before the close still pushes
    /// permit.push("late");
    /// assert_eq!(q.pop(), Ok("late"));
    /// assert!(q.pop().is_err()); // closed and drained
    /// ```
    pub fn push(self, value: T) {
        let this = core::mem::ManuallyDrop::new(self);
        this.queue.fill_reserved(this.pos, value);
    }
}

impl<T> Drop for Permit<'_, T> {
    /// Gives the unused slot back (see the type's docs) and wakes a waiter.
    fn drop(&mut self) {
        self.queue.cancel_reserved(self.pos);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit")
            .field("queue", self.queue)
            .finish_non_exhaustive()
    }
}
