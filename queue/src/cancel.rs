//! Cancellation tokens: Go's `ctx.Done()` for blocking queue calls.

use std::fmt;

use crate::sync::{Arc, AtomicBool, Ordering, SpinLock, Thread};

/// A shared cancellation flag that wakes every thread blocked on it.
///
/// Pass `&token` to [`Queue::push_cancellable`](crate::Queue::push_cancellable)
/// or [`Queue::pop_cancellable`](crate::Queue::pop_cancellable). Clones share
/// one state; [`CancelToken::child`] makes a token that is cancelled with its
/// parent but can also be cancelled alone.
///
/// Cancelling is cheap to check (one atomic load per ancestor) and costs one
/// lock per token in the chain when it fires.
///
/// # Examples
///
/// ```
/// use ringq::{CancelToken, PopCancelError, Queue};
/// use std::thread;
///
/// let q = Queue::<u32>::new(4);
/// let token = CancelToken::new();
/// thread::scope(|s| {
///     let waiter = s.spawn(|| q.pop_cancellable(&token));
///     token.cancel(); // wakes the blocked pop (or pre-empts it)
///     assert_eq!(waiter.join().unwrap(), Err(PopCancelError::Cancelled));
/// });
/// ```
#[derive(Clone)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

struct Inner {
    /// Set once by `cancel`, never cleared.
    cancelled: AtomicBool,
    /// Cancelled when any ancestor is: `is_cancelled` walks up this chain, and
    /// a waiter on this token registers with every ancestor too.
    parent: Option<Arc<Inner>>,
    /// Threads blocked on this token or on a descendant of it. `cancel`
    /// unparks them while holding the lock, so a thread whose `Watch` has
    /// been dropped gets no late `unpark` from here.
    waiters: SpinLock<Vec<Thread>>,
}

impl CancelToken {
    /// A token that is not cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// let token = ringq::CancelToken::new();
    /// assert!(!token.is_cancelled());
    /// ```
    pub fn new() -> CancelToken {
        CancelToken::with_parent(None)
    }

    fn with_parent(parent: Option<Arc<Inner>>) -> CancelToken {
        CancelToken {
            inner: Arc::new(Inner {
                cancelled: AtomicBool::new(false),
                parent,
                waiters: SpinLock::new(Vec::new()),
            }),
        }
    }

    /// Cancels the token and wakes every thread blocked on it or on one of its
    /// children. Idempotent.
    ///
    /// # Examples
    ///
    /// ```
    /// let token = ringq::CancelToken::new();
    /// token.cancel();
    /// token.cancel(); // no effect
    /// assert!(token.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        // AcqRel: Release so that whoever sees the flag (Acquire in
        // `is_cancelled`) also sees what this thread did before cancelling;
        // the swap makes only the first call wake anyone.
        if self.inner.cancelled.swap(true, Ordering::AcqRel) {
            return;
        }
        // The flag is set before we take the lock, and waiters register under
        // the lock before they check the flag: either we find a waiter here,
        // or its check comes after our unlock and sees the flag.
        self.inner.waiters.with(|waiters| {
            for thread in waiters.drain(..) {
                thread.unpark();
            }
        });
    }

    /// Whether this token or one of its ancestors has been cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// let parent = ringq::CancelToken::new();
    /// let child = parent.child();
    /// parent.cancel();
    /// assert!(child.is_cancelled());
    /// ```
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        let mut node = Some(&*self.inner);
        while let Some(inner) = node {
            // Acquire pairs with the Release half of the swap in `cancel`.
            if inner.cancelled.load(Ordering::Acquire) {
                return true;
            }
            node = inner.parent.as_deref();
        }
        false
    }

    /// A new token that is cancelled when `self` is (already, or later), and
    /// whose own cancellation leaves `self` alone.
    ///
    /// # Examples
    ///
    /// ```
    /// let parent = ringq::CancelToken::new();
    /// let child = parent.child();
    /// child.cancel();
    /// assert!(child.is_cancelled());
    /// assert!(!parent.is_cancelled());
    /// ```
    pub fn child(&self) -> CancelToken {
        CancelToken::with_parent(Some(self.inner.clone()))
    }

    /// Registers `thread` to be unparked when this token is cancelled, until
    /// the returned guard is dropped. The caller must check `is_cancelled`
    /// *after* this returns and before parking.
    pub(crate) fn watch(&self, thread: &Thread) -> Watch<'_> {
        let mut node = Some(&*self.inner);
        while let Some(inner) = node {
            inner.waiters.with(|waiters| waiters.push(thread.clone()));
            node = inner.parent.as_deref();
        }
        Watch {
            token: self,
            thread: thread.clone(),
        }
    }
}

impl Default for CancelToken {
    fn default() -> CancelToken {
        CancelToken::new()
    }
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelToken")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

/// A thread's registration with a token and its ancestors; removed on drop.
pub(crate) struct Watch<'a> {
    token: &'a CancelToken,
    thread: Thread,
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        let id = self.thread.id();
        let mut node = Some(&*self.token.inner);
        while let Some(inner) = node {
            inner.waiters.with(|waiters| {
                // Absent when `cancel` already emptied the list.
                if let Some(pos) = waiters.iter().position(|t| t.id() == id) {
                    waiters.swap_remove(pos);
                }
            });
            node = inner.parent.as_deref();
        }
    }
}
