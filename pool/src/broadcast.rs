//! [`Pool::broadcast`]: one call of a closure on every worker (rayon's
//! `broadcast`), for thread-local warm-up and flushing.
//!
//! The pool's workers share one queue, so a job cannot be addressed to a
//! worker. Instead `broadcast` queues one scoped job per worker, and each
//! job waits at a barrier until all of them have started: `n` jobs that
//! are all running at once run on `n` different threads, which with `n`
//! workers is every worker exactly once. Then each calls `f`.
//!
//! Two broadcasts at once could split the workers between their barriers
//! and wait forever, so they take turns (`Shared::broadcast_lock`). The
//! worker set is frozen meanwhile (`Roster::freeze`): a worker that retired
//! after being counted could leave the last job without a thread. If a
//! job cannot be queued (the pool closed meanwhile), the barrier is
//! cancelled: the jobs already waiting leave without calling `f`.

use ringq::{CancelToken, Queue};

use crate::error::Rejected;
use crate::pool::Pool;
use crate::sync::{lock, AtomicUsize, Mutex, Ordering};
use crate::workers::Shared;

/// Lets `n` jobs through only once all `n` have arrived.
struct Barrier {
    n: usize,
    arrived: AtomicUsize,
    /// One unit per waiting job, pushed by the last to arrive.
    release: Queue<()>,
    /// Cancelled when not every job could be queued.
    abandon: CancelToken,
}

impl Barrier {
    fn new(n: usize) -> Barrier {
        Barrier {
            n,
            arrived: AtomicUsize::new(0),
            release: Queue::new(n),
            abandon: CancelToken::new(),
        }
    }

    /// Waits until all `n` arrived (`true`) or the barrier is abandoned.
    fn arrive(&self) -> bool {
        // AcqRel: the count is the only state; the last arrival's pushes
        // (the queue's own handshake) are what the others wait on.
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.n {
            for _ in 1..self.n {
                // Room for n units; each waiter pops one.
                let pushed = self.release.try_push(());
                debug_assert!(pushed.is_ok());
            }
            true
        } else {
            self.release.pop_cancellable(&self.abandon).is_ok()
        }
    }
}

/// Keeps the worker set from growing or shrinking while it lives (see
/// `Roster::freeze`); holds the number of workers.
struct Frozen<'a>(usize, &'a Shared);

impl<'a> Frozen<'a> {
    fn new(shared: &'a Shared) -> Frozen<'a> {
        Frozen(shared.roster().freeze(), shared)
    }
}

impl Drop for Frozen<'_> {
    fn drop(&mut self) {
        self.1.roster().thaw();
    }
}

impl Pool {
    /// Calls `f` once on every worker thread, with the worker's index
    /// (`0..workers` for a fixed-size pool), and returns the results in
    /// index order (rayon's `broadcast`): for thread-local warm-up,
    /// flushing or inspection. While it runs the worker set neither grows
    /// on load nor shrinks; a worker [`set_workers`](Self::set_workers)
    /// starts meanwhile may take one of the calls in place of another.
    ///
    /// It waits for every worker to become free: jobs queued before it run
    /// first, and while it waits at its barrier a worker takes no other
    /// job. Broadcasts take turns. A panic in `f` is resumed here after
    /// all the calls ended (as [`scope`](Self::scope) does).
    ///
    /// # Errors
    ///
    /// [`Rejected::Closed`] with `f` if the pool is (or becomes) closed
    /// before every worker could be reached; `f` may then have run on none
    /// of them (it never runs on only some: each call waits for all).
    ///
    /// # Panics
    ///
    /// If called from one of this pool's own jobs: that worker could never
    /// take its share.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::builder().workers(3).name("w").build().unwrap();
    /// let names = pool
    ///     .broadcast(|index| (index, std::thread::current().name().unwrap().to_owned()))
    ///     .unwrap();
    /// assert_eq!(names, [(0, "w-0".to_owned()), (1, "w-1".to_owned()), (2, "w-2".to_owned())]);
    /// ```
    pub fn broadcast<F, R>(&self, f: F) -> Result<Vec<R>, Rejected<F>>
    where
        F: Fn(usize) -> R + Sync,
        R: Send,
    {
        assert!(
            !self.shared.is_worker(),
            "Pool::broadcast called from one of the pool's own jobs: that worker could never take its share"
        );
        let _turn = self.shared.broadcast_lock();
        let frozen = Frozen::new(&self.shared);
        let n = frozen.0;
        let barrier = Barrier::new(n);
        // By slot: indices go up to `max_workers`.
        let slots = self.shared.roster().max();
        let results: Mutex<Vec<Option<R>>> = Mutex::new((0..slots).map(|_| None).collect());
        let shared = &self.shared;
        let queued_all = self.scope(|s| {
            for _ in 0..n {
                let job = || {
                    if barrier.arrive() {
                        let index = shared
                            .worker_index()
                            .unwrap_or_else(|| unreachable!("broadcast jobs run on workers"));
                        let r = f(index);
                        lock(&results)[index] = Some(r);
                    }
                };
                if s.execute(job).is_err() {
                    barrier.abandon.cancel();
                    return false;
                }
            }
            true
        });
        if !queued_all {
            return Err(Rejected::Closed(f));
        }
        let results = results
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // `n` calls passed the barrier, each on its own worker.
        Ok(results.into_iter().flatten().collect())
    }
}
