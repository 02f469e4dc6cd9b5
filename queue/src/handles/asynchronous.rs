//! Async push and pop on the handles: each is the queue's
//! (`queue/asynchronous.rs`), so the same rules hold.

use super::{Consumer, Producer};
use crate::future::{PopFuture, PushFuture};

impl<T> Producer<T> {
    /// See [`Queue::push_async`](crate::Queue::push_async).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded(1);
    /// pollster::block_on(tx.push_async(3)).unwrap();
    /// assert_eq!(rx.pop(), Ok(3));
    /// ```
    pub fn push_async(&self, value: T) -> PushFuture<'_, T> {
        self.shared.queue.push_async(value)
    }
}

impl<T> Consumer<T> {
    /// See [`Queue::pop_async`](crate::Queue::pop_async).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// drop(tx); // the last producer closes the queue
    /// assert_eq!(pollster::block_on(rx.pop_async()), Err(ringq::PopError));
    /// ```
    pub fn pop_async(&self) -> PopFuture<'_, T> {
        self.shared.queue.pop_async()
    }
}
