//! The pool: its workers, its counters, and how it shuts down.
//!
//! # Accounting
//!
//! Every accepted job ends exactly once, as completed, panicked or
//! cancelled, and at every moment
//! `accepted == completed + panicked + cancelled + queued + active`.
//! The counters behind that:
//!
//! * `accepted` is incremented by the submitter *before* the push (and
//!   decremented again if the push is rejected), so a job is always counted
//!   as accepted before any worker can see it;
//! * each worker has its own cache-padded `started`, `completed`,
//!   `panicked` and `cancelled`, which only that worker writes, so workers
//!   never share a counter line. `started` goes up (a plain store, no
//!   locked instruction) before the job runs, the final counter after;
//! * jobs that `abort` takes back (never started) are added to one
//!   pool-wide `aborted`.
//!
//! Then `active = started - (completed + panicked + cancelled)` per worker
//! and `queued = accepted - started - aborted`. [`Pool::stats`] reads the
//! final counters and `aborted` first, then `started`, then `accepted`, all
//! `SeqCst`. A job counted as finished had already been counted as started,
//! and a started or aborted job had already been accepted, so reading in
//! that order never sees a job in a later stage without its earlier one:
//! `active` and `queued` are never negative and the identity holds in every
//! snapshot (a job that moves while we read counts in its earlier stage).

use std::any::Any;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crossbeam_utils::CachePadded;
use ringq::{CancelToken, CapacityError, PushCancelError, PushTimeoutError, TryPushError};

use crate::backend::{Backend, RingqBackend};
use crate::error::BuildError;
use crate::error::Rejected;
use crate::group::Group;
use crate::job::{Ended, Exec, Job, JobHandle, PendingJob, Submitted};
use crate::sync::{
    load_seqcst, lock, thread, wait_until, Arc, AtomicBool, AtomicUsize, Condvar, Mutex, Ordering,
};
use crate::unwind::drop_quietly;

type PanicHook = Box<dyn Fn(&(dyn Any + Send)) + Send + Sync>;
/// A worker lifecycle hook, called with the worker's index. (std's `Arc`
/// in every build: loom's cannot hold a `dyn`, and a hook takes part in no
/// handshake.)
type ThreadHook = std::sync::Arc<dyn Fn(usize) + Send + Sync>;
type MakeBackend = fn(usize) -> Result<Box<dyn Backend>, CapacityError>;

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
    shared: Arc<Shared>,
    workers: Vec<thread::JoinHandle<()>>,
}

/// What the workers and the pool handle share.
struct Shared {
    queue: Box<dyn Backend>,
    token: CancelToken,
    /// Set by `abort` before it closes the queue: a worker that pops a job
    /// after this hands it back instead of running it.
    aborting: AtomicBool,
    accepted: CachePadded<AtomicUsize>,
    /// Jobs `abort` took back (its own count; workers count their own).
    aborted: CachePadded<AtomicUsize>,
    counters: Box<[CachePadded<WorkerCounters>]>,
    /// Threads in `wait_idle`; see [`Shared::notify_idle`].
    idle_waiters: AtomicUsize,
    idle_lock: Mutex<()>,
    idle: Condvar,
    handed_back: Mutex<Vec<Job>>,
    on_panic: Option<PanicHook>,
    worker_ids: Mutex<Vec<thread::ThreadId>>,
    capacity: usize,
}

/// One worker's counters; only that worker writes them.
#[derive(Default)]
struct WorkerCounters {
    started: AtomicUsize,
    completed: AtomicUsize,
    panicked: AtomicUsize,
    cancelled: AtomicUsize,
}

impl WorkerCounters {
    /// Jobs this worker finished (read before `started`, see the module
    /// docs).
    fn finished(&self) -> (usize, usize, usize) {
        (
            load_seqcst(&self.completed),
            load_seqcst(&self.panicked),
            load_seqcst(&self.cancelled),
        )
    }
}

/// Adds one to a counter that only the calling thread writes: a plain load
/// and store, no locked instruction. The load is `Relaxed` because this
/// thread wrote every value the counter ever had.
#[inline]
fn bump(counter: &AtomicUsize, order: Ordering) {
    counter.store(counter.load(Ordering::Relaxed) + 1, order);
}

/// The raw counters behind a [`Stats`], summed over the workers.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Counters {
    /// Completed, panicked, cancelled (by workers).
    finished: (usize, usize, usize),
    aborted: usize,
    started: usize,
    accepted: usize,
}

impl Counters {
    fn stats(self, workers: usize, capacity: usize) -> Stats {
        let (completed, panicked, cancelled) = self.finished;
        let ran = completed + panicked + cancelled;
        // Never negative by the argument in the module docs; saturating so
        // a broken argument shows as a wrong count, not a panic.
        Stats {
            workers,
            capacity,
            queued: self.accepted.saturating_sub(self.started + self.aborted),
            active: self.started.saturating_sub(ran),
            completed,
            panicked,
            cancelled: cancelled + self.aborted,
        }
    }
}

/// How a submit waits for room.
#[derive(Clone, Copy)]
pub(crate) enum Wait<'a> {
    /// Block while the queue is full (`push(job, Wait::WhileFull)`).
    WhileFull,
    /// Never block: a full queue rejects the job at once.
    Never,
    /// Block while full, for at most this long.
    AtMost(Duration),
    /// Block until the token is cancelled; a cancelled push is rejected as
    /// [`Rejected::Full`] (it gave up waiting for room, like a timeout).
    UntilCancelled(&'a CancelToken),
}

/// Takes a job's "accepted" count back when its push does not succeed,
/// including when the backend unwinds (a third-party backend may).
struct Unaccept<'a>(&'a Shared);

impl Drop for Unaccept<'_> {
    fn drop(&mut self) {
        self.0.accepted.fetch_sub(1, Ordering::SeqCst);
        // A `wait_idle` may have seen this job as outstanding.
        self.0.notify_idle();
    }
}

impl Shared {
    fn push(&self, job: Job, how: Wait<'_>) -> Result<(), Rejected<Job>> {
        // SeqCst: see the module docs (a job is accepted before a worker can
        // see it; `stats` reads `accepted` last).
        self.accepted.fetch_add(1, Ordering::SeqCst);
        let unaccept = Unaccept(self);
        let result = match how {
            Wait::WhileFull => self.queue.push(job).map_err(Rejected::Closed),
            Wait::Never => self.queue.try_push(job).map_err(|e| match e {
                TryPushError::Full(j) => Rejected::Full(j),
                TryPushError::Closed(j) => Rejected::Closed(j),
            }),
            Wait::AtMost(d) => self.queue.push_timeout(job, d).map_err(|e| match e {
                PushTimeoutError::Timeout(j) => Rejected::Full(j),
                PushTimeoutError::Closed(j) => Rejected::Closed(j),
            }),
            Wait::UntilCancelled(token) => {
                self.queue
                    .push_cancellable(job, token)
                    .map_err(|e| match e {
                        PushCancelError::Cancelled(j) => Rejected::Full(j),
                        PushCancelError::Closed(j) => Rejected::Closed(j),
                    })
            }
        };
        if result.is_ok() {
            // Accepted for good: keep the count.
            std::mem::forget(unaccept);
        }
        result
    }

    /// The worker loop: pop, run, count, until the queue is closed and
    /// drained.
    fn work(&self, me: usize) {
        let counters = &self.counters[me];
        let sink = |payload: Box<dyn Any + Send>| self.panicked(payload);
        while let Some(job) = self.queue.pop() {
            // SeqCst pairs with the store in `abort`, which comes before its
            // close: a job popped after that store is handed back. A job
            // popped before it may still start after the token fires (the
            // rule `abort`'s docs state; loom model 6 checks the first half).
            if self.aborting.load(Ordering::SeqCst) {
                lock(&self.handed_back).push(job);
                continue;
            }
            // Release: `stats` reads `started` after the final counters; a
            // reader that sees this job finished sees it started too (the
            // final counter's SeqCst store comes later in this thread).
            bump(&counters.started, Ordering::Release);
            // `run` catches the job's panic and drops the caller's values
            // quietly, so this catch is a last line of defence (a task that
            // unwound anyway): the worker must survive and count the job.
            let ended = match catch_unwind(AssertUnwindSafe(|| job.run(&sink))) {
                Ok(ended) => ended,
                Err(payload) => {
                    drop_quietly(payload);
                    Ended::Panicked
                }
            };
            let counter = match ended {
                Ended::Completed => &counters.completed,
                Ended::Panicked => &counters.panicked,
                Ended::Cancelled => &counters.cancelled,
            };
            // SeqCst: the write half of the `wait_idle` handshake (see
            // `notify_idle`), and after `started` for `stats`. A locked RMW
            // although only this worker writes it: a SeqCst store compiles
            // to `xchg`, which costs the same on x86, and loom (0.7) models
            // SeqCst plain stores too weakly for the handshake and reports
            // a false lost wake-up, while the RMW it checks exactly.
            counter.fetch_add(1, Ordering::SeqCst);
            self.notify_idle();
        }
    }

    /// A plain job panicked: give the payload to the hook, then drop it. A
    /// hook that panics, or a payload whose drop panics, is ignored rather
    /// than allowed to kill the worker.
    /// Runs a lifecycle hook on worker `me`, if there is one; its panic
    /// goes where an `execute` job's would, uncounted.
    fn run_hook(&self, hook: Option<&(dyn Fn(usize) + Send + Sync)>, me: usize) {
        if let Some(hook) = hook {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| hook(me))) {
                self.panicked(payload);
            }
        }
    }

    fn panicked(&self, payload: Box<dyn Any + Send>) {
        if let Some(hook) = &self.on_panic {
            if let Err(hook_payload) = catch_unwind(AssertUnwindSafe(|| hook(payload.as_ref()))) {
                drop_quietly(hook_payload);
            }
        }
        drop_quietly(payload);
    }

    /// Completed, panicked and cancelled over all workers, and the jobs
    /// `abort` took back (not included in the three).
    fn finished(&self) -> ((usize, usize, usize), usize) {
        let aborted = load_seqcst(&self.aborted);
        let mut done = (0, 0, 0);
        for c in self.counters.iter() {
            let (completed, panicked, cancelled) = c.finished();
            done.0 += completed;
            done.1 += panicked;
            done.2 += cancelled;
        }
        (done, aborted)
    }

    /// One read of every counter, in the order the module docs require:
    /// finished, then started, then accepted.
    fn read_counters(&self) -> Counters {
        let (finished, aborted) = self.finished();
        let started = self.counters.iter().map(|c| load_seqcst(&c.started)).sum();
        Counters {
            finished,
            aborted,
            started,
            accepted: load_seqcst(&self.accepted),
        }
    }

    /// Accepted jobs that have not finished (queued or running).
    fn outstanding(&self) -> usize {
        let ((c, p, x), aborted) = self.finished();
        load_seqcst(&self.accepted).saturating_sub(c + p + x + aborted)
    }

    /// Wakes `wait_idle` callers if there are any.
    ///
    /// The handshake is the one ringq's waker uses: the worker's counter
    /// update (a `SeqCst` RMW) comes before this `SeqCst` load of
    /// `idle_waiters`; a waiter increments `idle_waiters` (`SeqCst`) before
    /// it reads the counters. In the single total order one of the two sees
    /// the other, so either the waiter sees the job finished, or we see the
    /// waiter and notify under the lock it holds until it sleeps.
    fn notify_idle(&self) {
        if load_seqcst(&self.idle_waiters) != 0 {
            let _guard = lock(&self.idle_lock);
            self.idle.notify_all();
        }
    }

    fn is_worker(&self) -> bool {
        let me = thread::current().id();
        lock(&self.worker_ids).contains(&me)
    }

    fn report(&self) -> Report {
        let ((completed, panicked, cancelled), aborted) = self.finished();
        Report {
            completed,
            panicked,
            cancelled: cancelled + aborted,
        }
    }
}

impl Drop for Shared {
    /// Jobs taken back after an `abort` that could not wait for them (it was
    /// called from a job) are dropped here, on whichever thread lets go of
    /// the pool last, possibly a worker: quietly, as every drop of the
    /// caller's values on a worker.
    fn drop(&mut self) {
        for job in lock(&self.handed_back).drain(..) {
            drop_quietly(job);
        }
    }
}

impl Pool {
    /// A pool of `workers` threads over a queue of `capacity` jobs.
    ///
    /// # Panics
    ///
    /// If `workers` is 0, if `capacity` is 0 or larger than
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

    fn execute_with<F: FnOnce() + Send + 'static>(
        &self,
        f: F,
        how: Wait<'_>,
    ) -> Result<(), Rejected<F>> {
        self.shared
            .push(Job::from_task(Exec(f)), how)
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

    fn submit_with<F, R>(&self, f: F, how: Wait<'_>) -> Result<JobHandle<R>, Rejected<F>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (task, handle) = Submitted::new(f);
        match self.shared.push(Job::from_task(task), how) {
            Ok(()) => Ok(handle),
            Err(r) => Err(r.map(|job| job.into_task::<Submitted<F, R>>().f)),
        }
    }

    pub(crate) fn push_job(&self, job: Job, how: Wait<'_>) -> Result<(), Rejected<Job>> {
        self.shared.push(job, how)
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
        self.shared.queue.close()
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
        self.shared.queue.is_closed()
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
        self.wait_idle_until(None);
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
        self.wait_idle_until(Instant::now().checked_add(timeout))
    }

    /// Waits until every accepted job has ended (`true`) or `deadline`
    /// passed first (`false`).
    fn wait_idle_until(&self, deadline: Option<Instant>) -> bool {
        let shared = &*self.shared;
        let mut guard = lock(&shared.idle_lock);
        loop {
            // SeqCst: the handshake described on `Shared::notify_idle`.
            shared.idle_waiters.fetch_add(1, Ordering::SeqCst);
            if shared.outstanding() == 0 {
                shared.idle_waiters.fetch_sub(1, Ordering::SeqCst);
                return true;
            }
            let timed_out;
            (guard, timed_out) = wait_until(&shared.idle, guard, deadline);
            shared.idle_waiters.fetch_sub(1, Ordering::SeqCst);
            if timed_out {
                return shared.outstanding() == 0;
            }
        }
    }

    /// Closes the pool, runs every queued job, joins the workers and says
    /// how the jobs ended.
    ///
    /// Called from one of the pool's own jobs (an `Arc<Pool>` unwrapped
    /// there), it only closes: the workers finish the queue and exit on
    /// their own, and the report counts what had ended so far.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 4);
    /// pool.execute(|| panic!("job failed")).unwrap();
    /// pool.execute(|| ()).unwrap();
    /// let report = pool.shutdown();
    /// assert_eq!((report.completed, report.panicked, report.cancelled), (1, 1, 0));
    /// ```
    pub fn shutdown(mut self) -> Report {
        self.close_and_join();
        self.shared.report()
    }

    /// Closes the pool, cancels its [`token`](Self::token), takes back every
    /// job that has not started, joins the workers and returns the jobs.
    ///
    /// Jobs already running finish (they can watch the token to stop
    /// early). Every job a worker takes from the queue after the abort
    /// began is handed back instead of run. What does not hold: "no job
    /// starts after the token is cancelled". A worker that took a job just
    /// before the abort began may start it just after the token fires,
    /// because taking a job and starting it are two steps the abort cannot
    /// stop in between. A job that must not run once the pool is aborting
    /// checks the token first (`if token.is_cancelled() { return; }`): it
    /// then either started before the cancel or sees it. Every job taken
    /// back counts as cancelled; run the ones you want with
    /// [`PendingJob::run`].
    ///
    /// Called from one of the pool's own jobs (the pool moved into it), it
    /// cannot wait for the other workers: a job one of them takes back
    /// after `abort` returns is dropped unrun (its handle, if any, resolves
    /// as cancelled) and is missing from this report.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 16);
    /// let token = pool.token().clone();
    /// // A long job that stops when the pool is aborted.
    /// pool.execute(move || while !token.is_cancelled() { std::thread::yield_now() }).unwrap();
    /// for _ in 0..5 {
    ///     pool.execute(|| ()).unwrap();
    /// }
    /// let aborted = pool.abort();
    /// let r = aborted.report;
    /// assert_eq!(r.completed + r.cancelled, 6);
    /// assert_eq!(aborted.pending.len(), r.cancelled);
    /// ```
    pub fn abort(mut self) -> Aborted {
        let shared = self.shared.clone();
        // Before the close: a worker that pops after this hands the job
        // back (SeqCst pairs with the load in `Shared::work`).
        shared.aborting.store(true, Ordering::SeqCst);
        shared.queue.close();
        shared.token.cancel();
        let mut jobs = Vec::new();
        while let Some(job) = shared.queue.try_pop() {
            jobs.push(job);
        }
        self.join();
        jobs.append(&mut lock(&shared.handed_back));
        while let Some(job) = shared.queue.try_pop() {
            jobs.push(job);
        }
        shared.aborted.fetch_add(jobs.len(), Ordering::SeqCst);
        shared.notify_idle();
        let mut pending = Vec::with_capacity(jobs.len());
        for job in jobs {
            if job.is_cancelled() {
                // The caller's closure, which may panic on drop: `abort`
                // must still return every other job and the report.
                drop_quietly(job);
            } else {
                pending.push(PendingJob(job));
            }
        }
        Aborted {
            pending,
            report: shared.report(),
        }
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
        &self.shared.token
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
        let mut last = self.shared.read_counters();
        for _ in 0..4 {
            let again = self.shared.read_counters();
            if again == last {
                // Each finished/started counter only grows, so one read
                // equal at both passes held that value in between; the
                // first read of `accepted` falls inside all those spans:
                // every value is the one it had at that instant.
                break;
            }
            last = again;
        }
        last.stats(self.shared.counters.len(), self.shared.capacity)
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
        Group::new(self)
    }

    fn close_and_join(&mut self) {
        self.shared.queue.close();
        self.join();
    }

    /// Joins the workers, unless we are one of them (then they finish on
    /// their own; joining would wait for ourselves).
    fn join(&mut self) {
        let workers = std::mem::take(&mut self.workers);
        if self.shared.is_worker() {
            return;
        }
        for w in workers {
            // A worker catches every job's panic, so it only ends by
            // returning; a join error would be a bug in the pool.
            w.join().expect("ringq_pool worker thread panicked");
        }
    }
}

impl Drop for Pool {
    /// Shuts the pool down and runs every queued job ([`Pool::shutdown`]).
    /// From inside one of its own jobs it only closes the pool.
    fn drop(&mut self) {
        if !self.workers.is_empty() {
            self.close_and_join();
        }
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

/// A snapshot of a pool's counters ([`Pool::stats`]).
///
/// # Examples
///
/// ```
/// let s = ringq_pool::Pool::new(1, 2).stats();
/// assert_eq!(s.completed + s.panicked + s.cancelled + s.queued + s.active, 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Worker threads.
    pub workers: usize,
    /// Queue capacity.
    pub capacity: usize,
    /// Accepted jobs not yet started, counting submits still blocked on a
    /// full queue (so it can exceed `capacity`).
    pub queued: usize,
    /// Jobs running now (at most `workers` when the snapshot is consistent;
    /// see [`Pool::stats`]).
    pub active: usize,
    /// Jobs that ran and returned.
    pub completed: usize,
    /// Jobs that panicked.
    pub panicked: usize,
    /// Jobs that never ran: cancelled through their handle or group, or
    /// taken back by `abort`.
    pub cancelled: usize,
}

/// How the jobs of a finished pool ended ([`Pool::shutdown`],
/// [`Pool::abort`]).
///
/// # Examples
///
/// ```
/// let r = ringq_pool::Pool::new(1, 2).shutdown();
/// assert_eq!(r, ringq_pool::Report { completed: 0, panicked: 0, cancelled: 0 });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Jobs that ran and returned.
    pub completed: usize,
    /// Jobs that panicked.
    pub panicked: usize,
    /// Jobs that never ran.
    pub cancelled: usize,
}

/// What [`Pool::abort`] returns: the jobs it took back, and the report.
///
/// # Examples
///
/// ```
/// let aborted = ringq_pool::Pool::new(1, 2).abort();
/// assert!(aborted.pending.is_empty());
/// ```
#[derive(Debug)]
pub struct Aborted {
    /// Jobs that had not started, in no particular order. Dropping them
    /// cancels them; [`PendingJob::run`] runs one here.
    pub pending: Vec<PendingJob>,
    /// How all the pool's jobs ended (the pending ones count as cancelled).
    pub report: Report,
}

/// Settings for a [`Pool`] ([`Pool::builder`]).
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// let panics = Arc::new(AtomicUsize::new(0));
/// let seen = panics.clone();
/// let pool = ringq_pool::Pool::builder()
///     .workers(2)
///     .capacity(64)
///     .name("worker")
///     .stack_size(256 * 1024)
///     .on_panic(move |_payload| { seen.fetch_add(1, Ordering::Relaxed); })
///     .build()
///     .unwrap();
/// pool.execute(|| panic!("oops")).unwrap();
/// pool.shutdown();
/// assert_eq!(panics.load(Ordering::Relaxed), 1);
/// ```
pub struct Builder {
    workers: Option<usize>,
    capacity: usize,
    name: String,
    stack_size: Option<usize>,
    on_panic: Option<PanicHook>,
    on_thread_start: Option<ThreadHook>,
    on_thread_stop: Option<ThreadHook>,
    backend: MakeBackend,
}

fn make_backend<B: Backend>(capacity: usize) -> Result<Box<dyn Backend>, CapacityError> {
    B::with_capacity(capacity).map(|b| Box::new(b) as Box<dyn Backend>)
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            workers: None,
            capacity: 1024,
            name: "ringq-pool".to_owned(),
            stack_size: None,
            on_panic: None,
            on_thread_start: None,
            on_thread_stop: None,
            backend: make_backend::<RingqBackend>,
        }
    }
}

impl Builder {
    /// Worker threads (default: `std::thread::available_parallelism`).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::builder().workers(3).build().unwrap();
    /// assert_eq!(pool.stats().workers, 3);
    /// ```
    pub fn workers(mut self, n: usize) -> Builder {
        self.workers = Some(n);
        self
    }

    /// Queue capacity in jobs (default 1024).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::builder().capacity(7).build().unwrap();
    /// assert_eq!(pool.stats().capacity, 7);
    /// ```
    pub fn capacity(mut self, c: usize) -> Builder {
        self.capacity = c;
        self
    }

    /// Worker thread name prefix: workers are named `"{prefix}-{index}"`
    /// (default `ringq-pool`).
    ///
    /// # Examples
    ///
    /// See [`Pool::builder`].
    pub fn name(mut self, prefix: impl Into<String>) -> Builder {
        self.name = prefix.into();
        self
    }

    /// Stack size of each worker, in bytes (default: std's).
    ///
    /// # Examples
    ///
    /// See [`Builder`].
    pub fn stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// Called on the worker with the payload of every `execute` job that
    /// panics (a `submit` job's panic goes to its handle, a group job's to
    /// its group). By default the panic is only counted: Rust's panic hook
    /// has already printed it. A hook that panics is ignored.
    ///
    /// # Examples
    ///
    /// See [`Builder`].
    pub fn on_panic(mut self, f: impl Fn(&(dyn Any + Send)) + Send + Sync + 'static) -> Builder {
        self.on_panic = Some(Box::new(f));
        self
    }

    /// Called on each worker thread, with its index (`0..workers`), when
    /// it starts and before it takes its first job (rayon's
    /// `start_handler`, tokio's `on_thread_start`): for thread-local setup.
    /// A hook that panics is handed to [`on_panic`](Self::on_panic)'s hook
    /// (if any) and otherwise ignored; the worker goes on.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let (started, stopped) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    /// let (s, t) = (started.clone(), stopped.clone());
    /// let pool = ringq_pool::Pool::builder()
    ///     .workers(3)
    ///     .on_thread_start(move |_index| { s.fetch_add(1, Ordering::SeqCst); })
    ///     .on_thread_stop(move |_index| { t.fetch_add(1, Ordering::SeqCst); })
    ///     .build()
    ///     .unwrap();
    /// pool.shutdown(); // joins the workers
    /// assert_eq!((started.load(Ordering::SeqCst), stopped.load(Ordering::SeqCst)), (3, 3));
    /// ```
    pub fn on_thread_start(mut self, f: impl Fn(usize) + Send + Sync + 'static) -> Builder {
        self.on_thread_start = Some(std::sync::Arc::new(f));
        self
    }

    /// Called on each worker thread, with its index, after it took its
    /// last job and before it exits (rayon's `exit_handler`, tokio's
    /// `on_thread_stop`): for flushing thread-local state. Panics are
    /// handled as for [`on_thread_start`](Self::on_thread_start). A
    /// worker of a pool dropped from inside its own job exits without
    /// the pool waiting for it; its hook still runs.
    ///
    /// # Examples
    ///
    /// See [`on_thread_start`](Self::on_thread_start).
    pub fn on_thread_stop(mut self, f: impl Fn(usize) + Send + Sync + 'static) -> Builder {
        self.on_thread_stop = Some(std::sync::Arc::new(f));
        self
    }

    /// The queue the pool runs on (default [`RingqBackend`]).
    ///
    /// # Examples
    ///
    /// See [`Backend`].
    pub fn backend<B: Backend>(mut self) -> Builder {
        self.backend = make_backend::<B>;
        self
    }

    /// Spawns the workers.
    ///
    /// # Errors
    ///
    /// [`BuildError::NoWorkers`], [`BuildError::ZeroCapacity`],
    /// [`BuildError::Capacity`] for a capacity the backend refuses, or
    /// [`BuildError::Spawn`] if a thread cannot be started (workers
    /// already started are shut down first).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{BuildError, Pool};
    ///
    /// let err = Pool::builder().workers(0).build().unwrap_err();
    /// assert!(matches!(err, BuildError::NoWorkers));
    /// assert_eq!(err.to_string(), "a pool needs at least one worker");
    /// ```
    pub fn build(self) -> Result<Pool, BuildError> {
        let workers = match self.workers {
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        if workers == 0 {
            return Err(BuildError::NoWorkers);
        }
        if self.capacity == 0 {
            // A rendezvous queue (ringq's capacity 0) is not a pool backend
            // yet: submitting would need an idle worker to hand each job to.
            return Err(BuildError::ZeroCapacity);
        }
        let queue = (self.backend)(self.capacity).map_err(BuildError::Capacity)?;
        let shared = Arc::new(Shared {
            capacity: queue.capacity(),
            queue,
            token: CancelToken::new(),
            aborting: AtomicBool::new(false),
            accepted: CachePadded::new(AtomicUsize::new(0)),
            aborted: CachePadded::new(AtomicUsize::new(0)),
            counters: (0..workers)
                .map(|_| CachePadded::new(WorkerCounters::default()))
                .collect(),
            idle_waiters: AtomicUsize::new(0),
            idle_lock: Mutex::new(()),
            idle: Condvar::new(),
            handed_back: Mutex::new(Vec::new()),
            on_panic: self.on_panic,
            worker_ids: Mutex::new(Vec::with_capacity(workers)),
        });
        let mut pool = Pool {
            shared: shared.clone(),
            workers: Vec::with_capacity(workers),
        };
        for i in 0..workers {
            let mut builder = thread::Builder::new().name(format!("{}-{i}", self.name));
            if let Some(bytes) = self.stack_size {
                builder = builder.stack_size(bytes);
            }
            let worker_shared = shared.clone();
            let (start, stop) = (self.on_thread_start.clone(), self.on_thread_stop.clone());
            // On error `pool` drops here: close, join the ones started.
            let handle = builder
                .spawn(move || {
                    worker_shared.run_hook(start.as_deref(), i);
                    worker_shared.work(i);
                    worker_shared.run_hook(stop.as_deref(), i);
                })
                .map_err(BuildError::Spawn)?;
            lock(&shared.worker_ids).push(handle.thread().id());
            pool.workers.push(handle);
        }
        Ok(pool)
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("workers", &self.workers)
            .field("capacity", &self.capacity)
            .field("name", &self.name)
            .field("stack_size", &self.stack_size)
            .field("on_panic", &self.on_panic.is_some())
            .field("on_thread_start", &self.on_thread_start.is_some())
            .field("on_thread_stop", &self.on_thread_stop.is_some())
            .finish_non_exhaustive()
    }
}
