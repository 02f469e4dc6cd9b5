//! Iterators over a queue's values: blocking (`Iter`, `IntoIter`) and
//! non-blocking (`TryIter`).

use core::fmt;
#[cfg(feature = "std")]
use core::iter::FusedIterator;

#[cfg(feature = "std")]
use crate::cancel::CancelToken;
#[cfg(feature = "std")]
use crate::flavor::{Multi, Side};
#[cfg(feature = "std")]
use crate::handles::Consumer;
use crate::queue::Queue;

/// A blocking iterator over a queue: pops until the queue is closed and
/// drained. Made by [`Queue::iter`], [`Consumer::iter`] or `&consumer` in a
/// `for` loop.
///
/// # Examples
///
/// ```
/// let q = ringq::Queue::new(2);
/// q.push('x').unwrap();
/// q.close();
/// let mut it = q.iter();
/// assert_eq!(it.next(), Some('x'));
/// assert_eq!(it.next(), None);
/// ```
#[cfg(feature = "std")]
pub struct Iter<'a, T> {
    queue: &'a Queue<T>,
}

#[cfg(feature = "std")]
impl<'a, T> Iter<'a, T> {
    pub(crate) fn new(queue: &'a Queue<T>) -> Iter<'a, T> {
        Iter { queue }
    }
}

#[cfg(feature = "std")]
impl<T> Iterator for Iter<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.queue.pop().ok()
    }
}

// Once `pop` reports closed-and-drained it always will: pushes fail after
// close, so nothing new can arrive.
#[cfg(feature = "std")]
impl<T> FusedIterator for Iter<'_, T> {}

#[cfg(feature = "std")]
impl<T> fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter").field("queue", self.queue).finish()
    }
}

/// A blocking iterator that also stops when a [`CancelToken`] fires: pops
/// until the queue is closed and drained or the token is cancelled. Made by
/// [`Queue::iter_cancellable`] or [`Consumer::iter_cancellable`].
///
/// Like every cancellable pop, a `next` that returns `None` because of the
/// token took nothing: the values still queued stay for other consumers.
///
/// # Examples
///
/// ```
/// use ringq::{CancelToken, Queue};
///
/// let q = Queue::new(4);
/// q.push(1).unwrap();
/// let token = CancelToken::new();
/// let mut it = q.iter_cancellable(&token);
/// assert_eq!(it.next(), Some(1));
/// token.cancel();
/// assert_eq!(it.next(), None); // cancelled, not closed
/// assert!(!q.is_closed());
/// ```
#[cfg(feature = "std")]
pub struct CancellableIter<'a, T> {
    queue: &'a Queue<T>,
    token: &'a CancelToken,
}

#[cfg(feature = "std")]
impl<'a, T> CancellableIter<'a, T> {
    pub(crate) fn new(queue: &'a Queue<T>, token: &'a CancelToken) -> CancellableIter<'a, T> {
        CancellableIter { queue, token }
    }
}

#[cfg(feature = "std")]
impl<T> Iterator for CancellableIter<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.queue.pop_cancellable(self.token).ok()
    }
}

// Fused: a closed-and-drained queue stays so, and a cancelled token stays
// cancelled.
#[cfg(feature = "std")]
impl<T> FusedIterator for CancellableIter<'_, T> {}

#[cfg(feature = "std")]
impl<T> fmt::Debug for CancellableIter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancellableIter")
            .field("queue", self.queue)
            .field("token", self.token)
            .finish()
    }
}

/// A non-blocking iterator over a queue: yields what can be popped now. Made
/// by [`Queue::try_iter`] or [`Consumer::try_iter`].
///
/// It is not fused: after it returns `None` (queue empty), a later `next`
/// may find new values.
///
/// # Examples
///
/// ```
/// let q = ringq::Queue::new(4);
/// q.push(1).unwrap();
/// assert_eq!(q.try_iter().count(), 1);
/// ```
pub struct TryIter<'a, T> {
    queue: &'a Queue<T>,
}

impl<'a, T> TryIter<'a, T> {
    pub(crate) fn new(queue: &'a Queue<T>) -> TryIter<'a, T> {
        TryIter { queue }
    }
}

impl<T> Iterator for TryIter<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.queue.try_pop().ok()
    }
}

impl<T> fmt::Debug for TryIter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryIter")
            .field("queue", self.queue)
            .finish()
    }
}

/// An owning blocking iterator: the [`Consumer`] moved into a `for` loop.
///
/// # Examples
///
/// ```
/// let (tx, rx) = ringq::bounded(4);
/// tx.push(1).unwrap();
/// drop(tx); // the last producer closes the queue
/// assert_eq!(rx.into_iter().collect::<Vec<_>>(), [1]);
/// ```
#[cfg(feature = "std")]
pub struct IntoIter<T, P: Side = Multi, C: Side = Multi> {
    consumer: Consumer<T, P, C>,
}

#[cfg(feature = "std")]
impl<T, P: Side, C: Side> IntoIter<T, P, C> {
    pub(crate) fn new(consumer: Consumer<T, P, C>) -> IntoIter<T, P, C> {
        IntoIter { consumer }
    }
}

#[cfg(feature = "std")]
impl<T, P: Side, C: Side> Iterator for IntoIter<T, P, C> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        // The iterator owns the consumer, so this is the pop side's one
        // thread when that side is owned (`&mut self`).
        self.consumer.queue().pop().ok()
    }
}

#[cfg(feature = "std")]
impl<T, P: Side, C: Side> FusedIterator for IntoIter<T, P, C> {}

#[cfg(feature = "std")]
impl<T, P: Side, C: Side> fmt::Debug for IntoIter<T, P, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoIter")
            .field("consumer", &self.consumer)
            .finish()
    }
}
