//! Cancellation tokens: Go's `ctx.Done()` for blocking queue calls.

mod cancelled;

use core::fmt;
use std::time::{Duration, Instant};

use crate::spin_lock::SpinLock;
use crate::sync::{
    current, deadline_passed, park, park_timeout, Arc, AtomicBool, Ordering, Thread,
};
use crate::wait::{Taken, Waiter};

pub use self::cancelled::Cancelled;

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
    /// When this token cancels itself (`with_deadline`). Nothing runs at
    /// that instant: `is_cancelled` notices the passed deadline and cancels
    /// the token then, and every thread blocked on the token parks no later
    /// than the earliest deadline in its chain ([`CancelToken::deadline`]).
    deadline: Option<Instant>,
    /// Threads blocked on this token or on a descendant of it, and tasks
    /// awaiting [`CancelToken::cancelled`]. `cancel` unparks the threads
    /// while holding the lock, so a thread whose `Watch` has been dropped
    /// gets no late `unpark` from here (a task may get a late wake: a
    /// spurious poll).
    waiters: SpinLock<Vec<Waiter>>,
    /// Whether a timer thread will cancel this token at `deadline`, for
    /// tasks awaiting `cancelled` (`cancel/cancelled.rs`).
    timer: AtomicBool,
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
        CancelToken::with_parent(None, None)
    }

    fn with_parent(parent: Option<Arc<Inner>>, deadline: Option<Instant>) -> CancelToken {
        CancelToken {
            inner: Arc::new(Inner {
                cancelled: AtomicBool::new(false),
                parent,
                deadline,
                waiters: SpinLock::new(Vec::new()),
                timer: AtomicBool::new(false),
            }),
        }
    }

    /// Cancels the token and wakes every thread blocked on it or on one of its
    /// children. Idempotent.
    ///
    /// What the cancelling thread did before `cancel()` happens before
    /// anything a thread does after it saw the token cancelled (through
    /// [`is_cancelled`](CancelToken::is_cancelled), a wait on the token, or
    /// a call that returned `Cancelled`), as with a `Release` store and an
    /// `Acquire` load: a reason written before the cancel can be read after.
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
        self.inner.cancel();
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
            if inner.deadline.is_some_and(deadline_passed) {
                // Its time is up: cancel it for real, waking its waiters.
                inner.cancel();
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
        CancelToken::with_parent(Some(self.inner.clone()), None)
    }

    /// A child (see [`child`](Self::child)) that also cancels itself at
    /// `deadline`: Go's `context.WithDeadline`. No thread or timer is
    /// involved: the token reads as cancelled from the deadline on, and a
    /// call blocked on it wakes by then.
    ///
    /// Under loom, which has no clock, every deadline has passed: such a
    /// token is cancelled from the start.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{CancelToken, PopCancelError, Queue};
    /// use std::time::{Duration, Instant};
    ///
    /// let request = CancelToken::new();
    /// let step = request.with_deadline(Instant::now() + Duration::from_millis(5));
    /// let q = Queue::<u8>::new(1); // nothing ever arrives
    /// assert_eq!(q.pop_cancellable(&step), Err(PopCancelError::Cancelled));
    /// assert!(step.is_cancelled() && !request.is_cancelled());
    /// ```
    pub fn with_deadline(&self, deadline: Instant) -> CancelToken {
        CancelToken::with_parent(Some(self.inner.clone()), Some(deadline))
    }

    /// [`with_deadline`](Self::with_deadline) at `timeout` from now (Go's
    /// `context.WithTimeout`); a timeout too large for `Instant` is no
    /// deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let token = ringq::CancelToken::new().with_timeout(Duration::from_millis(1));
    /// token.wait(); // returns at the deadline
    /// assert!(token.is_cancelled());
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> CancelToken {
        CancelToken::with_parent(
            Some(self.inner.clone()),
            Instant::now().checked_add(timeout),
        )
    }

    /// The earliest deadline of this token and its ancestors, if any: a
    /// call blocked on the token must wake by then.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        let mut earliest: Option<Instant> = None;
        let mut node = Some(&*self.inner);
        while let Some(inner) = node {
            if let Some(d) = inner.deadline {
                earliest = Some(earliest.map_or(d, |e| e.min(d)));
            }
            node = inner.parent.as_deref();
        }
        earliest
    }

    /// Blocks until the token is cancelled (or its deadline passes), like
    /// Go's `<-ctx.Done()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::CancelToken;
    /// use std::thread;
    ///
    /// let token = CancelToken::new();
    /// let stopper = token.clone();
    /// let t = thread::spawn(move || stopper.cancel());
    /// token.wait();
    /// assert!(token.is_cancelled());
    /// t.join().unwrap();
    /// ```
    pub fn wait(&self) {
        self.wait_until(None);
    }

    /// [`wait`](Self::wait) for at most `timeout`: `true` if the token was
    /// cancelled, `false` if the time ran out first. A timeout too large
    /// for `Instant` waits without a limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let token = ringq::CancelToken::new();
    /// assert!(!token.wait_timeout(Duration::from_millis(1)));
    /// token.cancel();
    /// assert!(token.wait_timeout(Duration::from_millis(1)));
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.wait_until(Instant::now().checked_add(timeout))
    }

    /// [`wait`](Self::wait) until `deadline` at the latest: `true` if the
    /// token was cancelled, `false` if the deadline passed first.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let token = ringq::CancelToken::new();
    /// assert!(!token.wait_deadline(Instant::now() + Duration::from_millis(1)));
    /// ```
    pub fn wait_deadline(&self, deadline: Instant) -> bool {
        self.wait_until(Some(deadline))
    }

    fn wait_until(&self, until: Option<Instant>) -> bool {
        if self.is_cancelled() {
            return true;
        }
        let me = current();
        // Registered before the check below, so a `cancel` after the check
        // finds us (see `watch`).
        let _watch = self.watch(&me);
        loop {
            if self.is_cancelled() {
                return true;
            }
            if until.is_some_and(deadline_passed) {
                return false;
            }
            match earlier(until, self.deadline()) {
                Some(at) => park_timeout(at),
                None => park(),
            }
        }
    }

    /// Registers `thread` to be unparked when this token is cancelled, until
    /// the returned guard is dropped. The caller must check `is_cancelled`
    /// *after* this returns and before parking.
    pub(crate) fn watch(&self, thread: &Thread) -> Watch<'_> {
        self.watch_as(Waiter::Thread(thread.clone()))
    }

    /// [`watch`](Self::watch) for any waiter, a task included.
    pub(crate) fn watch_as(&self, waiter: Waiter) -> Watch<'_> {
        let mut node = Some(&*self.inner);
        while let Some(inner) = node {
            inner.waiters.with(|waiters| waiters.push(waiter.clone()));
            node = inner.parent.as_deref();
        }
        Watch {
            token: self,
            waiter,
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

/// The earlier of two optional deadlines (`None`: no deadline).
pub(crate) fn earlier(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl Inner {
    /// Cancels this node and wakes every thread blocked on it or on one of
    /// its children. Idempotent.
    fn cancel(&self) {
        // AcqRel: Release so that whoever sees the flag (Acquire in
        // `is_cancelled`) also sees what this thread did before cancelling;
        // the swap makes only the first call wake anyone.
        if self.cancelled.swap(true, Ordering::AcqRel) {
            return;
        }
        // The flag is set before we take the lock, and waiters register under
        // the lock before they check the flag: either we find a waiter here,
        // or its check comes after our unlock and sees the flag.
        let taken = self.waiters.with(|waiters| {
            let mut taken = Taken::default();
            waiters.drain(..).for_each(|w| taken.take(w));
            taken
        });
        taken.wake_tasks();
    }
}

/// A waiter's registration with a token and its ancestors; removed on drop.
pub(crate) struct Watch<'a> {
    token: &'a CancelToken,
    waiter: Waiter,
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        let who = self.waiter.who();
        let mut node = Some(&*self.token.inner);
        while let Some(inner) = node {
            inner.waiters.with(|waiters| {
                // Absent when `cancel` already emptied the list.
                if let Some(pos) = waiters.iter().position(|w| w.is(who)) {
                    waiters.swap_remove(pos);
                }
            });
            node = inner.parent.as_deref();
        }
    }
}
