//! A counting semaphore built on a ringq queue of permits.
//!
//! `n` permits are `n` unit values in a queue of capacity `n`: acquiring is
//! a pop, releasing a push. The queue already blocks, times out, cancels and
//! never loses a wake-up, so the semaphore inherits all of it.

use std::fmt;
use std::time::Duration;

use ringq::{CancelToken, Queue};

use crate::sync::Arc;

/// A counting semaphore: at most `permits` holders at a time. Clones share
/// the same permits.
///
/// # Examples
///
/// Limiting concurrent "fetches" to 2 among 8 threads:
///
/// ```
/// use ringq_pool::Semaphore;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// let sem = Semaphore::new(2);
/// let (now, max) = (AtomicUsize::new(0), AtomicUsize::new(0));
/// std::thread::scope(|s| {
///     for _ in 0..8 {
///         s.spawn(|| {
///             let _permit = sem.acquire();
///             let n = now.fetch_add(1, Ordering::SeqCst) + 1;
///             max.fetch_max(n, Ordering::SeqCst);
///             std::thread::yield_now();
///             now.fetch_sub(1, Ordering::SeqCst);
///         });
///     }
/// });
/// assert!(max.load(Ordering::SeqCst) <= 2);
/// ```
#[derive(Clone)]
pub struct Semaphore {
    permits: Arc<Queue<()>>,
}

impl Semaphore {
    /// A semaphore with `permits` permits (0 is allowed: every acquire then
    /// waits until it times out or is cancelled).
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`ringq::MAX_CAPACITY`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(ringq_pool::Semaphore::new(3).available(), 3);
    /// ```
    #[track_caller]
    pub fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= ringq::MAX_CAPACITY,
            "ringq_pool::Semaphore::new: {permits} permits exceed the maximum of {}",
            ringq::MAX_CAPACITY
        );
        let queue = Queue::new(permits.max(1));
        for _ in 0..permits {
            queue
                .try_push(())
                .unwrap_or_else(|_| unreachable!("the queue holds exactly `permits`"));
        }
        Semaphore {
            permits: Arc::new(queue),
        }
    }

    /// Takes a permit, blocking until one is free.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = ringq_pool::Semaphore::new(1);
    /// let p = sem.acquire();
    /// assert_eq!(sem.available(), 0);
    /// drop(p);
    /// assert_eq!(sem.available(), 1);
    /// ```
    pub fn acquire(&self) -> Permit {
        self.permits
            .pop()
            .unwrap_or_else(|_| unreachable!("a semaphore's queue is never closed"));
        self.permit()
    }

    /// Takes a permit if one is free now.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = ringq_pool::Semaphore::new(1);
    /// let p = sem.try_acquire().unwrap();
    /// assert!(sem.try_acquire().is_none());
    /// # drop(p);
    /// ```
    pub fn try_acquire(&self) -> Option<Permit> {
        self.permits.try_pop().ok().map(|()| self.permit())
    }

    /// Takes a permit, waiting at most `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let sem = ringq_pool::Semaphore::new(0);
    /// assert!(sem.acquire_timeout(Duration::from_millis(1)).is_none());
    /// ```
    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit> {
        self.permits
            .pop_timeout(timeout)
            .ok()
            .map(|()| self.permit())
    }

    /// Takes a permit, unless `token` is (or becomes) cancelled first.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = ringq_pool::Semaphore::new(0);
    /// let token = ringq_pool::CancelToken::new();
    /// token.cancel();
    /// assert!(sem.acquire_cancellable(&token).is_none());
    /// ```
    pub fn acquire_cancellable(&self, token: &CancelToken) -> Option<Permit> {
        self.permits
            .pop_cancellable(token)
            .ok()
            .map(|()| self.permit())
    }

    /// Permits free now (racy: other threads may take or return some
    /// before the caller looks).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(ringq_pool::Semaphore::new(2).available(), 2);
    /// ```
    pub fn available(&self) -> usize {
        self.permits.len()
    }

    fn permit(&self) -> Permit {
        Permit {
            permits: self.permits.clone(),
        }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("available", &self.available())
            .finish()
    }
}

/// A held permit; dropping it gives the permit back.
///
/// # Examples
///
/// ```
/// let sem = ringq_pool::Semaphore::new(1);
/// {
///     let _p = sem.acquire();
///     assert_eq!(sem.available(), 0);
/// }
/// assert_eq!(sem.available(), 1);
/// ```
#[must_use = "a permit is released as soon as it is dropped"]
pub struct Permit {
    permits: Arc<Queue<()>>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        // Never full: every permit in a holder's hands is a free slot.
        let returned = self.permits.try_push(());
        debug_assert!(returned.is_ok(), "a permit came back to a full semaphore");
    }
}

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Permit")
    }
}
