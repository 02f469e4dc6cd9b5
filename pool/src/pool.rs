//! [`Pool`]: the handle users hold; submitting, waiting, shutting down.
//! The workers behind it are in `workers.rs`, its settings in
//! `builder.rs`.

use std::fmt;
use std::time::{Duration, Instant};

use ringq::CancelToken;

use crate::builder::Builder;
use crate::completions::Completions;
use crate::error::Rejected;
use crate::error::ResizeError;
use crate::group::Group;
use crate::job::{Exec, Job, JobHandle, Submitted};
use crate::roster;
use crate::snapshot::Stats;
use crate::submit_async::{ExecuteAsync, SubmitAsync};
use crate::sync::Arc;
use crate::wait::Wait;
use crate::workers::{accept, Shared};

/// A fixed set of worker threads pulling jobs from a bounded ringq queue.
///
/// Submitting blocks while the queue is full (backpressure); `try_execute`
/// never blocks. Dropping the pool shuts it down and runs every queued job
/// ([`shutdown`](Self::shutdown)); [`abort`](Self::abort) hands queued jobs
/// back instead. A panicking job never kills a worker.
///
/// `Pool` is `Send + Sync`: share it in an `Arc` to submit from many
/// threads.
///
/// # Examples
///
/// ```
/// use ringq_pool::Pool;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// let pool = Pool::new(4, 64);
/// let sum = Arc::new(AtomicUsize::new(0));
/// for i in 1..=100 {
///     let sum = sum.clone();
///     pool.execute(move || { sum.fetch_add(i, Ordering::Relaxed); }).unwrap();
/// }
/// let report = pool.shutdown(); // runs every queued job, joins the workers
/// assert_eq!(report.completed, 100);
/// assert_eq!(sum.load(Ordering::Relaxed), 5050);
/// ```
pub struct Pool {
    pub(crate) shared: Arc<Shared>,
    /// Set once the pool has been shut down or aborted (and its workers
    /// joined or let go), so that `Drop` has nothing left to do.
    pub(crate) finished: bool,
}

impl Pool {
    /// A pool of `workers` threads over a queue of `capacity` jobs.
    ///
    /// # Panics
    ///
    /// If `workers` is 0, if `capacity` is larger than
    /// [`ringq::MAX_CAPACITY`], or if a thread cannot be spawned. Use
    /// [`Pool::builder`] to get these as errors instead.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 16);
    /// assert_eq!(pool.stats().workers, 2);
    /// ```
    #[track_caller]
    pub fn new(workers: usize, capacity: usize) -> Pool {
        // A `match`, not `unwrap_or_else`: the panic must be in this
        // function's body for `#[track_caller]` to name the caller.
        match Pool::builder().workers(workers).capacity(capacity).build() {
            Ok(pool) => pool,
            Err(e) => panic!("ringq_pool::Pool::new: {e}"),
        }
    }

    /// A [`Builder`] for the other settings.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::builder().workers(2).capacity(8).name("io").build().unwrap();
    /// let h = pool.submit(|| std::thread::current().name().unwrap().to_owned()).unwrap();
    /// assert!(h.join().unwrap().starts_with("io-"));
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    pub(crate) fn from_shared(shared: Arc<Shared>) -> Pool {
        Pool {
            shared,
            finished: false,
        }
    }

    /// Sets the core size, the workers kept while idle (Java's
    /// `setCorePoolSize`), to `n` between 1 and the builder's
    /// [`max_workers`](Builder::max_workers). Growing starts the workers
    /// at once. Shrinking takes effect as workers become idle: each worker
    /// above `n` leaves after idling for [`keep_alive`](Builder::keep_alive)
    /// (`Duration::ZERO`: at once); busy ones finish their jobs first. Under
    /// load the set may still grow up to `max_workers`. Jobs and counters
    /// are unaffected: every accepted job still runs once.
    ///
    /// # Errors
    ///
    /// [`ResizeError::OutOfRange`] for 0 or above `max_workers`,
    /// [`ResizeError::Closed`] once the pool is closed,
    /// [`ResizeError::Spawn`] if a thread could not be started.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = ringq_pool::Pool::builder()
    ///     .workers(1)
    ///     .max_workers(4)
    ///     .keep_alive(Duration::ZERO)
    ///     .build()
    ///     .unwrap();
    /// pool.set_workers(4).unwrap();
    /// assert_eq!(pool.stats().workers, 4);
    /// pool.set_workers(1).unwrap();
    /// while pool.stats().workers > 1 {
    ///     std::thread::yield_now(); // the idle extra workers are leaving
    /// }
    /// ```
    pub fn set_workers(&self, n: usize) -> Result<(), ResizeError> {
        let max = self.shared.roster().max();
        if n == 0 || n > max {
            return Err(ResizeError::OutOfRange { requested: n, max });
        }
        if self.is_closed() {
            return Err(ResizeError::Closed);
        }
        roster::set_workers(&self.shared, n).map_err(ResizeError::Spawn)
    }

    /// Queues `f`, blocking while the queue is full.
    ///
    /// # Errors
    ///
    /// [`Rejected::Closed`] with `f` if the pool is closed, before the call
    /// or while it waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 1);
    /// pool.execute(|| ()).unwrap();
    /// ```
    pub fn execute<F: FnOnce() + Send + 'static>(&self, f: F) -> Result<(), Rejected<F>> {
        self.execute_with(f, Wait::WhileFull)
    }

    /// Queues `f` if there is room now; never blocks.
    ///
    /// # Errors
    ///
    /// [`Rejected::Full`] with `f` if the queue is full,
    /// [`Rejected::Closed`] if the pool is closed (even when also full).
    ///
    /// # Examples
    ///
    /// Drop-on-full, counting what was dropped:
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 1);
    /// let mut dropped = 0;
    /// for _ in 0..10 {
    ///     if pool.try_execute(|| std::thread::sleep(std::time::Duration::from_millis(1))).is_err() {
    ///         dropped += 1;
    ///     }
    /// }
    /// assert!(dropped <= 10);
    /// ```
    pub fn try_execute<F: FnOnce() + Send + 'static>(&self, f: F) -> Result<(), Rejected<F>> {
        self.execute_with(f, Wait::Never)
    }

    /// Queues `f`, blocking while the queue is full for at most `timeout`.
    ///
    /// # Errors
    ///
    /// [`Rejected::Full`] with `f` if the queue stayed full,
    /// [`Rejected::Closed`] if the pool is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// pool.execute_timeout(|| (), Duration::from_millis(10)).unwrap();
    /// ```
    pub fn execute_timeout<F: FnOnce() + Send + 'static>(
        &self,
        f: F,
        timeout: Duration,
    ) -> Result<(), Rejected<F>> {
        self.execute_with(f, Wait::AtMost(timeout))
    }

    /// Queues `f`, blocking while the queue is full until `token` (or an
    /// ancestor) is cancelled.
    ///
    /// # Errors
    ///
    /// [`Rejected::Full`] with `f` if the token fired while the queue was
    /// full, [`Rejected::Closed`] if the pool is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{CancelToken, Pool, Rejected};
    /// use std::sync::mpsc;
    ///
    /// let pool = Pool::new(1, 1);
    /// let (go_tx, go) = mpsc::channel::<()>();
    /// let (started_tx, started) = mpsc::channel();
    /// pool.execute(move || { started_tx.send(()).unwrap(); go.recv().unwrap(); }).unwrap();
    /// started.recv().unwrap(); // the worker is busy
    /// pool.execute(|| ()).unwrap(); // the queue is full
    /// let stop = CancelToken::new();
    /// stop.cancel();
    /// assert!(matches!(pool.execute_cancellable(|| (), &stop), Err(Rejected::Full(_))));
    /// go_tx.send(()).unwrap();
    /// ```
    pub fn execute_cancellable<F: FnOnce() + Send + 'static>(
        &self,
        f: F,
        token: &CancelToken,
    ) -> Result<(), Rejected<F>> {
        self.execute_with(f, Wait::UntilCancelled(token))
    }

    /// Queues `f`, doing what `how` says while the queue is full; the
    /// other `execute` calls are this with a fixed [`Wait`].
    ///
    /// # Errors
    ///
    /// [`Rejected::Closed`] with `f` if the pool is closed (every policy),
    /// [`Rejected::Full`] with `f` if the policy gave up on a full queue
    /// (`Never`, `AtMost`, `UntilCancelled`; never `WhileFull` or
    /// `RunHere`).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{Pool, Wait};
    /// use std::sync::mpsc;
    ///
    /// let pool = Pool::new(1, 1);
    /// let (go_tx, go) = mpsc::channel::<()>();
    /// let (started_tx, started) = mpsc::channel();
    /// pool.execute(move || { started_tx.send(()).unwrap(); go.recv().unwrap(); }).unwrap();
    /// started.recv().unwrap(); // the worker is busy
    /// pool.execute(|| ()).unwrap(); // the queue is full
    /// let here = std::thread::current().id();
    /// pool.execute_with(move || assert_eq!(std::thread::current().id(), here), Wait::RunHere)
    ///     .unwrap(); // ran on this thread, before the call returned
    /// assert_eq!(pool.stats().ran_here, 1);
    /// go_tx.send(()).unwrap();
    /// ```
    pub fn execute_with<F: FnOnce() + Send + 'static>(
        &self,
        f: F,
        how: Wait<'_>,
    ) -> Result<(), Rejected<F>> {
        accept(&self.shared, Job::from_task(Exec(f)), how)
            .map_err(|r| r.map(|job| job.into_task::<Exec<F>>().0))
    }

    /// Queues `f` (blocking while the queue is full) and returns a handle to
    /// its result.
    ///
    /// # Errors
    ///
    /// [`Rejected::Closed`] with `f` if the pool is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let handles: Vec<_> = (0..4).map(|i| pool.submit(move || i * i).unwrap()).collect();
    /// let squares: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    /// assert_eq!(squares, [0, 1, 4, 9]);
    /// ```
    pub fn submit<F, R>(&self, f: F) -> Result<JobHandle<R>, Rejected<F>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.submit_with(f, Wait::WhileFull)
    }

    /// Queues `f` if there is room now (never blocks) and returns a handle
    /// to its result.
    ///
    /// # Errors
    ///
    /// [`Rejected::Full`] with `f` if the queue is full,
    /// [`Rejected::Closed`] if the pool is closed (even when also full).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// match pool.try_submit(|| 6 * 7) {
    ///     Ok(h) => assert_eq!(h.join().unwrap(), 42),
    ///     Err(rejected) => assert_eq!((rejected.into_inner())(), 42), // caller runs
    /// }
    /// ```
    pub fn try_submit<F, R>(&self, f: F) -> Result<JobHandle<R>, Rejected<F>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.submit_with(f, Wait::Never)
    }

    /// Queues `f`, blocking while the queue is full for at most `timeout`,
    /// and returns a handle to its result.
    ///
    /// # Errors
    ///
    /// [`Rejected::Full`] with `f` if the queue stayed full,
    /// [`Rejected::Closed`] if the pool is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let h = pool.submit_timeout(|| "done", Duration::from_millis(10)).unwrap();
    /// assert_eq!(h.join().unwrap(), "done");
    /// ```
    pub fn submit_timeout<F, R>(&self, f: F, timeout: Duration) -> Result<JobHandle<R>, Rejected<F>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.submit_with(f, Wait::AtMost(timeout))
    }

    /// Queues `f`, blocking while the queue is full until `token` (or an
    /// ancestor) is cancelled, and returns a handle to its result: Go's
    /// `select` between a send and `ctx.Done()`.
    ///
    /// # Errors
    ///
    /// [`Rejected::Full`] with `f` if the token fired while the queue was
    /// full, [`Rejected::Closed`] if the pool is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{CancelToken, Pool};
    ///
    /// let pool = Pool::new(1, 4);
    /// let stop = CancelToken::new();
    /// let h = pool.submit_cancellable(|| 2 + 2, &stop).unwrap();
    /// assert_eq!(h.join().unwrap(), 4);
    /// ```
    pub fn submit_cancellable<F, R>(
        &self,
        f: F,
        token: &CancelToken,
    ) -> Result<JobHandle<R>, Rejected<F>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.submit_with(f, Wait::UntilCancelled(token))
    }

    /// Queues `f`, doing what `how` says while the queue is full, and
    /// returns a handle to its result; the other `submit` calls are this
    /// with a fixed [`Wait`]. With [`Wait::RunHere`] on a full queue the
    /// job has run (or panicked into the handle) when this returns.
    ///
    /// # Errors
    ///
    /// As [`execute_with`](Self::execute_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{Pool, Wait};
    ///
    /// let pool = Pool::new(1, 2);
    /// let handles: Vec<_> = (0..8).map(|i| pool.submit_with(move || i * 2, Wait::RunHere).unwrap()).collect();
    /// let sum: i32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    /// assert_eq!(sum, 56);
    /// ```
    pub fn submit_with<F, R>(&self, f: F, how: Wait<'_>) -> Result<JobHandle<R>, Rejected<F>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (task, handle) = Submitted::new(f);
        match accept(&self.shared, Job::from_task(task), how) {
            Ok(()) => Ok(handle),
            Err(r) => Err(r.map(|job| job.into_task::<Submitted<F, R>>().f)),
        }
    }

    /// Queues `f` from async code: a future that waits for room in the
    /// queue without blocking the executor's thread (ringq's `push_async`
    /// underneath), so an async service can feed this blocking pool with
    /// backpressure. It resolves once the job is accepted; the job runs on
    /// a worker. Dropping the future unfinished either leaves the job
    /// accepted or drops it unrun, never both;
    /// [`ExecuteAsync::cancel`] hands the closure back.
    ///
    /// # Errors
    ///
    /// The future resolves to [`Rejected::Closed`] with `f` if the pool is
    /// closed, before or while it waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 4);
    /// pollster::block_on(async {
    ///     for i in 0..16 {
    ///         // Waits (without blocking the thread) while 4 are queued.
    ///         pool.execute_async(move || drop(i.to_string())).await.unwrap();
    ///     }
    /// });
    /// pool.wait_idle();
    /// assert_eq!(pool.stats().completed, 16);
    /// ```
    pub fn execute_async<F: FnOnce() + Send + 'static>(&self, f: F) -> ExecuteAsync<'_, F> {
        ExecuteAsync::new(&self.shared, f)
    }

    /// [`submit`](Self::submit) from async code: a future that waits for
    /// room as [`execute_async`](Self::execute_async) does and resolves to
    /// the job's [`JobHandle`], which is itself a future of the result.
    ///
    /// # Errors
    ///
    /// The future resolves to [`Rejected::Closed`] with `f` if the pool is
    /// closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let sum = pollster::block_on(async {
    ///     let mut handles = Vec::new();
    ///     for i in 1..=4u32 {
    ///         handles.push(pool.submit_async(move || i * i).await.unwrap());
    ///     }
    ///     let mut sum = 0;
    ///     for h in handles {
    ///         sum += h.await.unwrap();
    ///     }
    ///     sum
    /// });
    /// assert_eq!(sum, 30);
    /// ```
    pub fn submit_async<F, R>(&self, f: F) -> SubmitAsync<'_, F, R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        SubmitAsync::new(&self.shared, f)
    }

    /// Stops accepting jobs; queued jobs still run. Wakes submitters blocked
    /// on a full queue with [`Rejected::Closed`]. Returns `true` if this call
    /// closed the pool, `false` if it was already closed (as
    /// [`ringq::Queue::close`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// assert!(pool.close());
    /// assert!(!pool.close()); // idempotent
    /// assert!(pool.execute(|| ()).unwrap_err().is_closed());
    /// ```
    pub fn close(&self) -> bool {
        self.shared.close()
    }

    /// Whether the pool is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// assert!(!pool.is_closed());
    /// pool.close();
    /// assert!(pool.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// Blocks until every accepted job has finished: the queue is empty and
    /// no job is running. When it returns, [`stats`](Self::stats) already
    /// counts every job that finished. Jobs submitted meanwhile (from
    /// outside or from inside jobs) are waited for too.
    ///
    /// # Panics
    ///
    /// If called from one of this pool's own jobs, which would wait for
    /// itself forever.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// for _ in 0..20 {
    ///     pool.execute(|| ()).unwrap();
    /// }
    /// pool.wait_idle();
    /// assert_eq!(pool.stats().completed, 20);
    /// ```
    pub fn wait_idle(&self) {
        assert!(
            !self.shared.is_worker(),
            "Pool::wait_idle called from one of the pool's own jobs: it would wait for itself"
        );
        self.shared.wait_idle_until(None);
    }

    /// [`wait_idle`](Self::wait_idle), waiting at most `timeout`: `true`
    /// if every job accepted so far had ended by then.
    ///
    /// # Panics
    ///
    /// As `wait_idle`, when called from one of the pool's own jobs.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use std::time::Duration;
    ///
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let (go_tx, go) = mpsc::channel::<()>();
    /// pool.execute(move || go.recv().unwrap()).unwrap();
    /// assert!(!pool.wait_idle_timeout(Duration::from_millis(10)));
    /// go_tx.send(()).unwrap();
    /// assert!(pool.wait_idle_timeout(Duration::from_secs(60)));
    /// ```
    pub fn wait_idle_timeout(&self, timeout: Duration) -> bool {
        assert!(
            !self.shared.is_worker(),
            "Pool::wait_idle_timeout called from one of the pool's own jobs: it would wait for itself"
        );
        // A timeout too large for `Instant`: no deadline.
        self.shared
            .wait_idle_until(Instant::now().checked_add(timeout))
    }

    /// The pool's cancellation token: cancelled by [`abort`](Self::abort).
    /// Long jobs can watch it (a clone moved into the job) and stop early.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let token = pool.token().clone();
    /// assert!(!token.is_cancelled());
    /// drop(pool.abort());
    /// assert!(token.is_cancelled());
    /// ```
    pub fn token(&self) -> &CancelToken {
        self.shared.token()
    }

    /// A snapshot of the pool's counters. Every snapshot satisfies
    /// `completed + panicked + cancelled + queued + active` = jobs accepted.
    ///
    /// The counters move while they are read. `stats` reads them all twice
    /// and, when both reads agree (up to 4 tries), returns the values they
    /// all had at one instant: then `active <= workers`. Under a constant
    /// stream of jobs the reads may never agree, and the last read is
    /// returned: the identity still holds, but `active` can then exceed
    /// `workers` (a job that started and finished between the reads counts
    /// as active). `queued` counts a job from the moment its submit begins,
    /// so submitters blocked on a full queue make it exceed `capacity`.
    ///
    /// A [`JobHandle`] resolves just before its worker counts the job, so
    /// right after a `join` the job may not be counted yet; after
    /// [`wait_idle`](Self::wait_idle) returns, every finished job is.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(3, 32);
    /// let s = pool.stats();
    /// assert_eq!((s.workers, s.capacity, s.queued, s.active), (3, 32, 0, 0));
    /// ```
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// A fail-fast group of jobs on this pool (Go's errgroup); see
    /// [`Group`].
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let group = pool.group::<String>();
    /// group.spawn(|_token| Ok(())).unwrap();
    /// group.spawn(|_token| Err("bad input".to_owned())).unwrap();
    /// assert_eq!(group.wait().unwrap_err().failed().unwrap(), "bad input");
    /// ```
    #[must_use = "a group that is dropped at once waits for nothing and runs nothing"]
    pub fn group<E: Send + 'static>(&self) -> Group<'_, E> {
        Group::new(&self.shared)
    }

    /// A set of jobs whose results come back in the order the jobs finish
    /// (tokio's `JoinSet`, Java's `ExecutorCompletionService`); see
    /// [`Completions`]. Dropping the set cancels its jobs that have not
    /// started.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let mut set = pool.completions();
    /// for i in 0..4u32 {
    ///     set.spawn(move || i * 10).unwrap();
    /// }
    /// let total: u32 = set.map(|r| r.unwrap()).sum();
    /// assert_eq!(total, 60);
    /// ```
    #[must_use = "a set that is dropped at once cancels what it was given"]
    pub fn completions<R: Send + 'static>(&self) -> Completions<'_, R> {
        Completions::new(&self.shared)
    }

    /// A fail-fast group whose jobs return values (`Ok(T)`), collected by
    /// [`Group::results`] in spawn order or
    /// [`Group::results_by_completion`]; otherwise as [`group`](Self::group).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let group = pool.group_results::<usize, std::num::ParseIntError>();
    /// for s in ["1", "22", "333"] {
    ///     group.spawn(move |_| s.parse::<usize>()).unwrap();
    /// }
    /// assert_eq!(group.results().unwrap(), [1, 22, 333]);
    /// ```
    #[must_use = "a group that is dropped at once waits for nothing and runs nothing"]
    pub fn group_results<T: Send + 'static, E: Send + 'static>(&self) -> Group<'_, E, T> {
        Group::new(&self.shared)
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("stats", &self.stats())
            .field("closed", &self.is_closed())
            .finish()
    }
}
