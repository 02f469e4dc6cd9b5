//! A counting semaphore built on a ringq queue of permits.
//!
//! `n` permits are `n` unit values in a queue of capacity `n`: acquiring is
//! a pop, releasing a push. The queue already blocks, times out, cancels and
//! never loses a wake-up, so the semaphore inherits all of it.
//!
//! Taking `k` permits at once (Go's `semaphore.Weighted`) is `k` pops. Two
//! callers doing that at once could each hold part of what they need and
//! wait for the other forever, so they take turns on a lock (`many`), and
//! give back what they took when they give up. While one of them waits,
//! single acquires queue behind it on the same lock (and `try_acquire`
//! fails), so a stream of small requests cannot starve a large one.

use std::fmt;
use std::time::{Duration, Instant};

use ringq::{CancelToken, Queue};

use crate::sync::{lock, Arc, AtomicUsize, Mutex, Ordering};

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
    inner: Arc<Inner>,
}

struct Inner {
    permits: Queue<()>,
    /// The permits the semaphore was made with.
    total: usize,
    /// Held by a caller taking several permits, for the whole wait.
    many: Mutex<()>,
    /// Callers taking several permits (waiting for `many` or holding it).
    /// A hint for fairness only (single acquires defer to them), so
    /// `Relaxed`: a stale read lets one single acquire overtake, as it
    /// could a moment earlier anyway.
    waiting_many: AtomicUsize,
}

/// How a multi-permit acquire waits for each permit.
enum Until<'a> {
    Forever,
    Deadline(Option<Instant>),
    Cancelled(&'a CancelToken),
    Never,
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
            inner: Arc::new(Inner {
                permits: queue,
                total: permits,
                many: Mutex::new(()),
                waiting_many: AtomicUsize::new(0),
            }),
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
        let _turn = self.behind_many();
        self.inner
            .permits
            .pop()
            .unwrap_or_else(|_| unreachable!("a semaphore's queue is never closed"));
        self.permit(1)
    }

    /// Takes a permit if one is free now and no [`acquire_many`] is
    /// waiting.
    ///
    /// [`acquire_many`]: Self::acquire_many
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
        if self.inner.waiting_many.load(Ordering::Relaxed) != 0 {
            return None;
        }
        self.inner.permits.try_pop().ok().map(|()| self.permit(1))
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
        let _turn = self.behind_many();
        self.inner
            .permits
            .pop_timeout(timeout)
            .ok()
            .map(|()| self.permit(1))
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
        let _turn = self.behind_many();
        self.inner
            .permits
            .pop_cancellable(token)
            .ok()
            .map(|()| self.permit(1))
    }

    /// Takes `n` permits at once (Go's `semaphore.Weighted`), blocking until
    /// all are free. The permits come back together when the [`Permit`] is
    /// dropped. `n == 0` returns at once.
    ///
    /// Callers taking several permits take turns, and while one waits,
    /// single acquires wait behind it, so a large request is not starved.
    ///
    /// # Panics
    ///
    /// If `n` exceeds the semaphore's permits: it could never be satisfied.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = ringq_pool::Semaphore::new(4);
    /// let heavy = sem.acquire_many(3);
    /// assert_eq!((heavy.count(), sem.available()), (3, 1));
    /// drop(heavy);
    /// assert_eq!(sem.available(), 4);
    /// ```
    #[track_caller]
    pub fn acquire_many(&self, n: usize) -> Permit {
        self.check_many(n);
        self.take_many(n, Until::Forever)
            .unwrap_or_else(|| unreachable!("an unbounded wait ends only with the permits"))
    }

    /// Takes `n` permits if all are free now; never blocks (and takes none
    /// if it cannot take all). `None` also for `n` above the semaphore's
    /// permits.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = ringq_pool::Semaphore::new(2);
    /// let one = sem.acquire();
    /// assert!(sem.try_acquire_many(2).is_none());
    /// assert_eq!(sem.available(), 1); // nothing kept
    /// drop(one);
    /// assert_eq!(sem.try_acquire_many(2).unwrap().count(), 2);
    /// ```
    pub fn try_acquire_many(&self, n: usize) -> Option<Permit> {
        if n > self.inner.total {
            return None;
        }
        self.take_many(n, Until::Never)
    }

    /// Takes `n` permits, waiting at most `timeout` for all of them; on a
    /// timeout it keeps none.
    ///
    /// # Panics
    ///
    /// If `n` exceeds the semaphore's permits.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let sem = ringq_pool::Semaphore::new(2);
    /// let one = sem.acquire();
    /// assert!(sem.acquire_many_timeout(2, Duration::from_millis(5)).is_none());
    /// assert_eq!(sem.available(), 1);
    /// # drop(one);
    /// ```
    #[track_caller]
    pub fn acquire_many_timeout(&self, n: usize, timeout: Duration) -> Option<Permit> {
        self.check_many(n);
        // A timeout too large for `Instant`: no deadline.
        self.take_many(n, Until::Deadline(Instant::now().checked_add(timeout)))
    }

    /// Takes `n` permits, unless `token` is (or becomes) cancelled first;
    /// then it keeps none.
    ///
    /// # Panics
    ///
    /// If `n` exceeds the semaphore's permits.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = ringq_pool::Semaphore::new(3);
    /// let token = ringq_pool::CancelToken::new();
    /// assert_eq!(sem.acquire_many_cancellable(3, &token).unwrap().count(), 3);
    /// token.cancel();
    /// assert!(sem.acquire_many_cancellable(1, &token).is_none());
    /// ```
    #[track_caller]
    pub fn acquire_many_cancellable(&self, n: usize, token: &CancelToken) -> Option<Permit> {
        self.check_many(n);
        self.take_many(n, Until::Cancelled(token))
    }

    #[track_caller]
    fn check_many(&self, n: usize) {
        assert!(
            n <= self.inner.total,
            "ringq_pool::Semaphore::acquire_many: {n} permits asked of a semaphore of {}: it could never be satisfied",
            self.inner.total
        );
    }

    /// The multi-permit acquire: under the `many` lock, `n` pops, each
    /// waiting as `until` says; on failure the permits taken so far go
    /// back (the partial `Permit` drops).
    fn take_many(&self, n: usize, until: Until<'_>) -> Option<Permit> {
        if n == 0 {
            return Some(self.permit(0));
        }
        if let Until::Cancelled(token) = until {
            if token.is_cancelled() {
                return None;
            }
        }
        let inner = &*self.inner;
        inner.waiting_many.fetch_add(1, Ordering::Relaxed);
        let turn = match until {
            Until::Never => inner.many.try_lock().ok(),
            _ => Some(lock(&inner.many)),
        };
        let mut taken = self.permit(0);
        if turn.is_some() {
            while taken.count < n {
                let got = match until {
                    Until::Forever => inner.permits.pop().is_ok(),
                    Until::Never => inner.permits.try_pop().is_ok(),
                    Until::Deadline(deadline) => {
                        let left = deadline.map_or(Duration::MAX, |d| {
                            d.saturating_duration_since(Instant::now())
                        });
                        inner.permits.pop_timeout(left).is_ok()
                    }
                    Until::Cancelled(token) => inner.permits.pop_cancellable(token).is_ok(),
                };
                if !got {
                    break;
                }
                taken.count += 1;
            }
        }
        drop(turn);
        inner.waiting_many.fetch_sub(1, Ordering::Relaxed);
        // Short: `taken` drops here and gives its permits back.
        (taken.count == n).then_some(taken)
    }

    /// For single acquires: wait behind a multi-permit acquire in progress
    /// (see the module docs); no lock when there is none.
    fn behind_many(&self) -> Option<crate::sync::MutexGuard<'_, ()>> {
        (self.inner.waiting_many.load(Ordering::Relaxed) != 0).then(|| lock(&self.inner.many))
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
        self.inner.permits.len()
    }

    fn permit(&self, count: usize) -> Permit {
        Permit {
            inner: self.inner.clone(),
            count,
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
    inner: Arc<Inner>,
    count: usize,
}

impl Permit {
    /// How many permits this holds (1, or what `acquire_many` took).
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = ringq_pool::Semaphore::new(2);
    /// assert_eq!(sem.acquire().count(), 1);
    /// ```
    pub fn count(&self) -> usize {
        self.count
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        for _ in 0..self.count {
            // Never full: every permit in a holder's hands is a free slot.
            let returned = self.inner.permits.try_push(());
            debug_assert!(returned.is_ok(), "a permit came back to a full semaphore");
        }
    }
}

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit")
            .field("count", &self.count)
            .finish()
    }
}
