//! [`Completions`]: jobs whose results come back in the order they finish
//! (tokio's `JoinSet`, Java's `ExecutorCompletionService`).
//!
//! The set and its jobs share one [`SetState`]: a mutex over the finished
//! results (in finishing order) and the count of jobs still outstanding,
//! a condition variable for a thread in `next`, and the waker of a task
//! polling the set as a `Stream`. A job's result goes in under the lock,
//! then the condition variable and the waker are signalled; a reader checks
//! and waits (or stores its waker) under the same lock, so no result is
//! missed. Every job delivers exactly once: its result when it runs, or
//! [`JobError::Cancelled`] when it is dropped unrun (an aborted pool drops
//! its pending jobs), through the guard [`Delivery`].

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task;
use std::time::{Duration, Instant};

use crate::error::{JobError, Rejected};
use crate::job::{Ended, Job, PanicSink, Task};
use crate::panic::Panic;
use crate::sync::{lock, wait_until, Arc, AtomicBool, Condvar, Mutex, Ordering};
use crate::unwind::drop_quietly;
use crate::wait::Wait;
use crate::workers::{accept, Shared};

#[cfg(doc)]
use crate::Pool;

/// A set of jobs on a pool whose results you take in the order the jobs
/// finish: [`Pool::completions`].
///
/// [`spawn`](Self::spawn) queues a job into the set;
/// [`next`](Self::next) blocks for the next result to finish and returns
/// `None` once every spawned job's result has been taken;
/// [`try_next`](Self::try_next) and [`next_timeout`](Self::next_timeout)
/// do not block (or not for long). The set is an [`Iterator`] (over
/// `next`) and, with the `stream` feature, a `futures_core::Stream`.
/// A job's panic comes back as [`JobError::Panicked`] in its result.
///
/// Dropping the set cancels the jobs that have not started (a worker that
/// reaches one counts it cancelled and drops it); the running ones finish
/// and their results are dropped. The drop does not wait for them.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let pool = ringq_pool::Pool::new(3, 16);
/// let mut set = pool.completions::<u64>();
/// for ms in [30u64, 1, 10] {
///     set.spawn(move || { std::thread::sleep(Duration::from_millis(ms)); ms }).unwrap();
/// }
/// // Whatever order they finish in, each result comes back once.
/// let mut got: Vec<u64> = set.by_ref().map(|r| r.unwrap()).collect();
/// got.sort_unstable();
/// assert_eq!(got, [1, 10, 30]);
/// assert!(set.next().is_none()); // nothing outstanding
/// ```
pub struct Completions<'pool, R> {
    pool: &'pool Arc<Shared>,
    state: Arc<SetState<R>>,
}

/// Why [`Completions::try_next`] or [`Completions::next_timeout`] returned
/// no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextError {
    /// No job is outstanding: every spawned job's result has been taken
    /// (or nothing was spawned).
    Empty,
    /// Jobs are outstanding but none had finished (now, or by the
    /// timeout).
    Pending,
}

impl fmt::Display for NextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NextError::Empty => "no job of the set is outstanding",
            NextError::Pending => "no job of the set has finished yet",
        })
    }
}

impl std::error::Error for NextError {}

struct SetState<R> {
    inner: Mutex<Inner<R>>,
    /// Signalled after every delivery, for a thread in `next`.
    ready: Condvar,
    /// A task polling the set as a `Stream`: stored under `inner`'s lock
    /// while nothing is ready, taken after every delivery.
    waker: Mutex<Option<task::Waker>>,
    /// Set (under `inner`'s lock) when the `Completions` is dropped: jobs
    /// not started by then are cancelled, results delivered after it are
    /// dropped. `Relaxed` everywhere: a flag with no data behind it (the
    /// results travel under `inner`'s lock, which orders `deliver`'s read
    /// against the drop); a worker that reads it stale runs a job the
    /// drop just cancelled, which the drop's docs allow (it cancels what
    /// has not started by the time a worker looks).
    dropped: AtomicBool,
}

struct Inner<R> {
    /// Finished results not yet taken, in finishing order.
    done: VecDeque<Result<R, JobError>>,
    /// Jobs accepted (or being pushed) whose result is not in `done` yet.
    outstanding: usize,
}

impl<R> SetState<R> {
    fn deliver(&self, result: Result<R, JobError>) {
        {
            let mut inner = lock(&self.inner);
            inner.outstanding -= 1;
            // Read under the lock the drop sets it under: a result is
            // either in `done` before the drop empties it, or dropped here.
            if self.dropped.load(Ordering::Relaxed) {
                drop(inner);
                // Nobody will read it; the value is the caller's, and its
                // drop may panic (on a worker, see `unwind.rs`).
                drop_quietly(result);
                return;
            }
            inner.done.push_back(result);
        }
        self.ready.notify_all();
        // Taken with `inner` released: the waker may run the executor's
        // code.
        let waker = lock(&self.waker).take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Takes the next finished result, or says why there is none.
    fn take(inner: &mut Inner<R>) -> Result<Result<R, JobError>, NextError> {
        match inner.done.pop_front() {
            Some(result) => Ok(result),
            None if inner.outstanding == 0 => Err(NextError::Empty),
            None => Err(NextError::Pending),
        }
    }
}

/// Delivers a job's result exactly once: [`Delivery::deliver`] when it ran,
/// or `Cancelled` from `Drop` when the job is dropped without running.
struct Delivery<R> {
    state: Option<Arc<SetState<R>>>,
}

impl<R> Delivery<R> {
    fn deliver(mut self, result: Result<R, JobError>) {
        if let Some(state) = self.state.take() {
            state.deliver(result);
        }
    }

    /// The job was refused: it was never outstanding for the reader, so it
    /// leaves without a result.
    fn disarm(mut self) {
        if let Some(state) = self.state.take() {
            lock(&state.inner).outstanding -= 1;
        }
    }
}

impl<R> Drop for Delivery<R> {
    fn drop(&mut self) {
        if let Some(state) = self.state.take() {
            state.deliver(Err(JobError::Cancelled));
        }
    }
}

/// A job of a set: the closure and where its result goes.
struct SetJob<F, R> {
    f: F,
    delivery: Delivery<R>,
}

impl<F, R> Task for SetJob<F, R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    fn run(self: Box<Self>, _sink: PanicSink<'_>) -> Ended {
        let SetJob { f, delivery } = *self;
        if self_cancelled(&delivery) {
            // The closure's captures are the caller's; see `unwind.rs`.
            drop_quietly(f);
            delivery.deliver(Err(JobError::Cancelled));
            return Ended::Cancelled;
        }
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(value) => {
                delivery.deliver(Ok(value));
                Ended::Completed
            }
            Err(payload) => {
                delivery.deliver(Err(JobError::Panicked(Panic::new(payload))));
                Ended::Panicked
            }
        }
    }

    fn is_cancelled(&self) -> bool {
        self_cancelled(&self.delivery)
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

fn self_cancelled<R>(delivery: &Delivery<R>) -> bool {
    delivery
        .state
        .as_ref()
        .is_some_and(|s| s.dropped.load(Ordering::Relaxed))
}

impl<'pool, R: Send + 'static> Completions<'pool, R> {
    pub(crate) fn new(pool: &'pool Arc<Shared>) -> Completions<'pool, R> {
        Completions {
            pool,
            state: Arc::new(SetState {
                inner: Mutex::new(Inner {
                    done: VecDeque::new(),
                    outstanding: 0,
                }),
                ready: Condvar::new(),
                waker: Mutex::new(None),
                dropped: AtomicBool::new(false),
            }),
        }
    }

    /// Queues `f` into the set, blocking while the pool's queue is full.
    ///
    /// # Errors
    ///
    /// [`Rejected::Closed`] with `f` if the pool is closed.
    ///
    /// # Examples
    ///
    /// See [`Completions`].
    pub fn spawn<F>(&self, f: F) -> Result<(), Rejected<F>>
    where
        F: FnOnce() -> R + Send + 'static,
    {
        self.spawn_with(f, Wait::WhileFull)
    }

    /// Queues `f` into the set if there is room now; never blocks.
    ///
    /// # Errors
    ///
    /// [`Rejected::Full`] with `f` if the queue is full,
    /// [`Rejected::Closed`] if the pool is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let mut set = pool.completions();
    /// if let Err(rejected) = set.try_spawn(|| 1) {
    ///     drop(rejected.into_inner()); // full: ours again
    /// }
    /// assert!(set.next().map_or(true, |r| r.unwrap() == 1));
    /// ```
    pub fn try_spawn<F>(&self, f: F) -> Result<(), Rejected<F>>
    where
        F: FnOnce() -> R + Send + 'static,
    {
        self.spawn_with(f, Wait::Never)
    }

    /// Queues `f` into the set, doing what `how` says while the pool's
    /// queue is full (as [`Pool::execute_with`]; with
    /// [`Wait::RunHere`] the job may run on this thread, and its result
    /// is in the set when this returns).
    ///
    /// # Errors
    ///
    /// As [`Pool::execute_with`].
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::Wait;
    ///
    /// let pool = ringq_pool::Pool::new(1, 1);
    /// let mut set = pool.completions();
    /// for i in 0..4 {
    ///     set.spawn_with(move || i, Wait::RunHere).unwrap();
    /// }
    /// let mut got: Vec<i32> = set.map(|r| r.unwrap()).collect();
    /// got.sort_unstable();
    /// assert_eq!(got, [0, 1, 2, 3]);
    /// ```
    pub fn spawn_with<F>(&self, f: F, how: Wait<'_>) -> Result<(), Rejected<F>>
    where
        F: FnOnce() -> R + Send + 'static,
    {
        // Outstanding before the job can run and deliver.
        lock(&self.state.inner).outstanding += 1;
        let job = SetJob {
            f,
            delivery: Delivery {
                state: Some(self.state.clone()),
            },
        };
        accept(self.pool, Job::from_task(job), how).map_err(|rejected| {
            rejected.map(|job| {
                let SetJob { f, delivery } = job.into_task::<SetJob<F, R>>();
                delivery.disarm();
                f
            })
        })
    }

    /// Blocks until a job of the set finishes and returns its result, or
    /// `None` at once if no job is outstanding (every result was taken).
    /// A result that finished earlier and was not taken yet comes first.
    ///
    /// (The inherent method; the [`Iterator`] impl calls it.)
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let mut set = pool.completions();
    /// set.spawn(|| "a").unwrap();
    /// assert_eq!(set.next().unwrap().unwrap(), "a");
    /// assert!(set.next().is_none());
    /// ```
    #[allow(clippy::should_implement_trait)] // it does, through this
    pub fn next(&mut self) -> Option<Result<R, JobError>> {
        self.next_until(None).ok()
    }

    /// The next finished result if there is one now; never blocks.
    ///
    /// # Errors
    ///
    /// [`NextError::Pending`] if jobs are outstanding but none has
    /// finished, [`NextError::Empty`] if none is outstanding.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::NextError;
    ///
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let mut set = pool.completions::<u8>();
    /// assert_eq!(set.try_next().unwrap_err(), NextError::Empty);
    /// set.spawn(|| 7).unwrap();
    /// pool.wait_idle();
    /// assert_eq!(set.try_next().unwrap().unwrap(), 7);
    /// ```
    pub fn try_next(&mut self) -> Result<Result<R, JobError>, NextError> {
        SetState::take(&mut lock(&self.state.inner))
    }

    /// [`next`](Self::next), waiting at most `timeout`.
    ///
    /// # Errors
    ///
    /// [`NextError::Pending`] if no job finished in time,
    /// [`NextError::Empty`] (at once) if none is outstanding.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let mut set = pool.completions();
    /// set.spawn(|| 3).unwrap();
    /// assert_eq!(set.next_timeout(Duration::from_secs(60)).unwrap().unwrap(), 3);
    /// ```
    pub fn next_timeout(&mut self, timeout: Duration) -> Result<Result<R, JobError>, NextError> {
        // A timeout too large for `Instant`: no deadline.
        self.next_until(Instant::now().checked_add(timeout))
    }

    fn next_until(&mut self, deadline: Option<Instant>) -> Result<Result<R, JobError>, NextError> {
        let state = &*self.state;
        let mut inner = lock(&state.inner);
        loop {
            match SetState::take(&mut inner) {
                Err(NextError::Pending) => {}
                taken => return taken,
            }
            let timed_out;
            (inner, timed_out) = wait_until(&state.ready, inner, deadline);
            if timed_out {
                return SetState::take(&mut inner);
            }
        }
    }

    /// Jobs whose result has not been taken: outstanding ones and finished
    /// ones not yet returned by `next`.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let mut set = pool.completions();
    /// set.spawn(|| ()).unwrap();
    /// assert_eq!(set.len(), 1);
    /// set.next();
    /// assert!(set.is_empty());
    /// ```
    pub fn len(&self) -> usize {
        let inner = lock(&self.state.inner);
        inner.outstanding + inner.done.len()
    }

    /// Whether every spawned job's result has been taken (`len() == 0`).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// assert!(pool.completions::<()>().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<R: Send + 'static> Iterator for Completions<'_, R> {
    type Item = Result<R, JobError>;

    /// [`Completions::next`]: blocks for the next result; `None` once
    /// every result was taken.
    fn next(&mut self) -> Option<Self::Item> {
        Completions::next(self)
    }
}

#[cfg(feature = "stream")]
mod stream {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use super::{Completions, NextError, SetState};
    use crate::error::JobError;
    use crate::sync::lock;

    /// The results in finishing order, without blocking the executor's
    /// thread: the worker that finishes a job wakes the task. Ends
    /// (`None`) once every spawned job's result was taken; spawning more
    /// afterwards makes it yield again.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_core::Stream;
    /// use std::pin::Pin;
    ///
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let mut set = pool.completions();
    /// set.spawn(|| 5).unwrap();
    /// let next = std::future::poll_fn(|cx| Pin::new(&mut set).poll_next(cx));
    /// assert_eq!(pollster::block_on(next).unwrap().unwrap(), 5);
    /// ```
    impl<R: Send + 'static> futures_core::Stream for Completions<'_, R> {
        type Item = Result<R, JobError>;

        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let state = &*self.state;
            let mut inner = lock(&state.inner);
            match SetState::take(&mut inner) {
                Ok(result) => Poll::Ready(Some(result)),
                Err(NextError::Empty) => Poll::Ready(None),
                Err(NextError::Pending) => {
                    // Stored while `inner` is locked: a delivery comes after
                    // this and then takes the waker.
                    *lock(&state.waker) = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        }

        fn size_hint(&self) -> (usize, Option<usize>) {
            let n = self.len();
            (n, Some(n))
        }
    }
}

impl<R> Drop for Completions<'_, R> {
    /// Cancels the jobs not started yet and drops the results not taken
    /// (see [`Completions`]); does not wait for running jobs.
    fn drop(&mut self) {
        let done = {
            let mut inner = lock(&self.state.inner);
            self.state.dropped.store(true, Ordering::Relaxed);
            std::mem::take(&mut inner.done)
        };
        drop(done);
    }
}

impl<R> fmt::Debug for Completions<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = lock(&self.state.inner);
        f.debug_struct("Completions")
            .field("outstanding", &inner.outstanding)
            .field("finished", &inner.done.len())
            .finish()
    }
}
