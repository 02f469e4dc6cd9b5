//! Async push and pop on a queue (the futures are in `future.rs`).

use super::Queue;
use crate::future::{PopFuture, PushFuture};

impl<T> Queue<T> {
    /// Pushes `value`, waiting asynchronously while the queue is full: the
    /// returned future resolves to `Ok(())` once the value is in the queue
    /// (on a rendezvous queue, once a popper took it), or to
    /// `Err(PushError(value))` if the queue is closed.
    ///
    /// Works on any executor (no runtime dependency) and mixes with
    /// blocking callers: a thread blocked in [`pop`](Queue::pop) is woken
    /// by an async push, and the reverse. Dropping the future before it
    /// resolves cancels exactly: the value never entered the queue (see
    /// [`PushFuture::cancel`] to take it back).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::thread;
    ///
    /// let q = ringq::Queue::new(1);
    /// thread::scope(|s| {
    ///     s.spawn(|| assert_eq!(q.pop(), Ok(1))); // a blocking consumer
    ///     pollster::block_on(async {
    ///         q.push_async(1).await.unwrap();
    ///     });
    /// });
    /// ```
    pub fn push_async(&self, value: T) -> PushFuture<'_, T> {
        PushFuture::new(self, value)
    }

    /// Pops a value, waiting asynchronously while the queue is empty: the
    /// returned future resolves to the value, or to [`PopError`] once the
    /// queue is closed and drained.
    ///
    /// Dropping the future before it resolves cancels exactly: it took no
    /// value. Blocking and async callers mix as for
    /// [`push_async`](Queue::push_async).
    ///
    /// On a rendezvous queue (capacity 0) a pending pop future waits for a
    /// pusher to *register* (a blocked `push`, a pending `push_async`, a
    /// blocked `select!` push arm) and then takes that pusher's value. So
    /// [`try_push`](Queue::try_push) and [`force_push`](Queue::force_push),
    /// which only hand a value to a popper already waiting in a
    /// registered pop, do not see a pending pop future: they report `Full`
    /// (or hand the value back as displaced) as if nobody waited. (A
    /// registered async pop could be handed a value and then be dropped
    /// before its next poll, with nowhere to put the value back.)
    ///
    /// [`PopError`]: crate::PopError
    ///
    /// # Examples
    ///
    /// ```
    /// use std::thread;
    ///
    /// let q = ringq::Queue::new(0); // rendezvous
    /// thread::scope(|s| {
    ///     s.spawn(|| q.push("hi").unwrap()); // a blocking producer
    ///     assert_eq!(pollster::block_on(q.pop_async()), Ok("hi"));
    /// });
    /// ```
    pub fn pop_async(&self) -> PopFuture<'_, T> {
        PopFuture::new(self)
    }
}
