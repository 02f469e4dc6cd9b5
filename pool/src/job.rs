//! Jobs as they travel through the queue, and the handles that wait on them.
//!
//! Every job is a boxed [`Task`]. The worker asks it to run and learns how it
//! ended, which is all the pool counts; where the result goes (nowhere, a
//! [`JobHandle`], a group) is the task's business.

use std::any::Any;
use std::fmt;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

mod future;
mod oneshot;

use self::oneshot::{Oneshot, Outcome, Phase, Waiter};
use crate::error::JobError;
use crate::panic::Panic;
use crate::sync::{park_until, thread, Arc};
use crate::unwind::drop_quietly;

/// How a job ended, as the pool counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ended {
    /// It ran and returned (a group job that returned `Err` counts here too).
    Completed,
    /// It ran and panicked.
    Panicked,
    /// It never ran: its handle or its group cancelled it first.
    Cancelled,
}

/// Where the panic payload of a plain `execute` job goes.
pub(crate) type PanicSink<'a> = &'a dyn Fn(Box<dyn Any + Send>);

/// One unit of work in the queue.
pub(crate) trait Task: Send + 'static {
    /// Runs the job (unless it was cancelled while queued) and says how it
    /// ended. A plain job's panic payload goes to `sink`; jobs with a handle
    /// or a group keep theirs. Every value of the caller's that `run` drops
    /// (a cancelled closure, a result nobody will read) is dropped with
    /// [`drop_quietly`], so `run` itself does not unwind.
    fn run(self: Box<Self>, sink: PanicSink<'_>) -> Ended;

    /// Whether the job was cancelled while it waited in the queue, so that
    /// it will never run.
    fn is_cancelled(&self) -> bool {
        false
    }

    /// The concrete task, so a rejected job can give the caller's closure
    /// back.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

/// A job in the pool's queue: what a [`Backend`](crate::Backend) stores.
///
/// It is opaque; a backend only moves it around.
///
/// # Examples
///
/// A backend's tests can make one with [`Job::new`]:
///
/// ```
/// use ringq_pool::Job;
///
/// let job = Job::new(|| ());
/// assert_eq!(format!("{job:?}"), "Job { .. }");
/// ```
pub struct Job(Box<dyn Task>);

impl Job {
    /// Wraps a closure as a job (the pool does this in `execute`).
    ///
    /// # Examples
    ///
    /// ```
    /// let job = ringq_pool::Job::new(|| println!("hello"));
    /// # drop(job);
    /// ```
    pub fn new<F: FnOnce() + Send + 'static>(f: F) -> Job {
        Job(Box::new(Exec(f)))
    }

    pub(crate) fn from_task<T: Task>(task: T) -> Job {
        Job(Box::new(task))
    }

    pub(crate) fn run(self, sink: PanicSink<'_>) -> Ended {
        self.0.run(sink)
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }

    /// The task this job was made from. Only called on jobs the pool just
    /// built from a `T`, so the type always matches.
    pub(crate) fn into_task<T: Task>(self) -> T {
        *self
            .0
            .into_any()
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("a rejected job has the type it was built with"))
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Job { .. }")
    }
}

/// A plain `execute` job.
pub(crate) struct Exec<F>(pub(crate) F);

impl<F: FnOnce() + Send + 'static> Task for Exec<F> {
    fn run(self: Box<Self>, sink: PanicSink<'_>) -> Ended {
        match catch_unwind(AssertUnwindSafe(self.0)) {
            Ok(()) => Ended::Completed,
            Err(payload) => {
                sink(payload);
                Ended::Panicked
            }
        }
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// A `submit` job: the closure and the state its handle waits on.
pub(crate) struct Submitted<F, R> {
    pub(crate) f: F,
    state: CancelOnDrop<R>,
}

/// Resolves the handle as `Cancelled` when the job is dropped without having
/// run (dropped from an aborted pool's pending list, for example), so a
/// `join` never waits for a job that no longer exists.
struct CancelOnDrop<R>(Arc<Oneshot<R>>);

impl<R> Drop for CancelOnDrop<R> {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

impl<F, R> Submitted<F, R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    pub(crate) fn new(f: F) -> (Submitted<F, R>, JobHandle<R>) {
        let state = Arc::new(Oneshot::new());
        let handle = JobHandle {
            state: state.clone(),
        };
        (
            Submitted {
                f,
                state: CancelOnDrop(state),
            },
            handle,
        )
    }
}

impl<F, R> Task for Submitted<F, R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    fn run(self: Box<Self>, _sink: PanicSink<'_>) -> Ended {
        let Submitted { f, state } = *self;
        if !state.0.start() {
            // Cancelled while queued: the closure's captures are the
            // caller's and may panic on drop.
            drop_quietly(f);
            drop_quietly(state);
            return Ended::Cancelled;
        }
        let result = catch_unwind(AssertUnwindSafe(f));
        let ended = if result.is_ok() {
            Ended::Completed
        } else {
            Ended::Panicked
        };
        state.0.complete(result);
        // With the handle already dropped, this drops the result (or the
        // panic payload), which is the caller's and may panic on drop.
        drop_quietly(state);
        ended
    }

    fn is_cancelled(&self) -> bool {
        self.state.0.is_cancelled()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// The result of a job given to [`Pool::submit`](crate::Pool::submit).
///
/// Dropping the handle detaches the job: it still runs, its result is
/// dropped.
///
/// # Examples
///
/// ```
/// use ringq_pool::Pool;
///
/// let pool = Pool::new(2, 8);
/// let h = pool.submit(|| 6 * 7).unwrap();
/// assert_eq!(h.join().unwrap(), 42);
/// ```
pub struct JobHandle<R> {
    /// Shared with the job (`job/oneshot.rs`).
    state: Arc<Oneshot<R>>,
}

impl<R> JobHandle<R> {
    /// Waits for the job and returns what it returned.
    ///
    /// # Errors
    ///
    /// [`JobError::Panicked`] with the payload if it panicked,
    /// [`JobError::Cancelled`] if it never ran (cancelled through this
    /// handle, or left unrun by [`Pool::abort`](crate::Pool::abort)).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{JobError, Pool};
    ///
    /// let pool = Pool::new(1, 4);
    /// let h = pool.submit(|| -> u8 { panic!("no") }).unwrap();
    /// assert!(matches!(h.join(), Err(JobError::Panicked(_))));
    /// ```
    pub fn join(self) -> Result<R, JobError> {
        match self.join_until(None) {
            Ok(result) => result,
            Err(_) => unreachable!("without a deadline the wait never times out"),
        }
    }

    /// [`join`](Self::join), waiting at most `timeout`: `Err` with the
    /// handle back if the job has not finished by then (wait again, or
    /// drop it to detach the job).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::Pool;
    /// use std::sync::mpsc;
    /// use std::time::Duration;
    ///
    /// let pool = Pool::new(1, 4);
    /// let (go_tx, go) = mpsc::channel::<()>();
    /// let h = pool.submit(move || { go.recv().unwrap(); 5 }).unwrap();
    /// let h = h.join_timeout(Duration::from_millis(10)).unwrap_err().0; // still running
    /// go_tx.send(()).unwrap();
    /// assert_eq!(h.join_timeout(Duration::from_secs(60)).unwrap().unwrap(), 5);
    /// ```
    pub fn join_timeout(self, timeout: Duration) -> Result<Result<R, JobError>, JoinTimeout<R>> {
        // A timeout too large for `Instant`: no deadline.
        self.join_until(Instant::now().checked_add(timeout))
    }

    /// Waits until the job has ended and takes its result, or until
    /// `deadline` (`None`: no deadline) and hands the handle back.
    ///
    /// A join that times out leaves its thread registered: the job's end
    /// unparks it once more, later, which `park`'s contract (it may return
    /// spuriously) allows every parker on that thread.
    fn join_until(self, deadline: Option<Instant>) -> Result<Result<R, JobError>, JoinTimeout<R>> {
        let mut registered = false;
        loop {
            if let Some(outcome) = self.state.take() {
                return Ok(into_result(outcome));
            }
            if !registered {
                // Registered once: the cell keeps this thread until the
                // job ends, and the loop re-checks after every wake-up.
                registered = self.state.register(Waiter::Thread(thread::current()));
                continue;
            }
            if park_until(deadline) {
                return match self.state.take() {
                    Some(outcome) => Ok(into_result(outcome)),
                    None => Err(JoinTimeout(self)),
                };
            }
        }
    }

    /// Whether the job has finished (ran, panicked or was cancelled), so
    /// that [`join`](Self::join) will not block.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::Pool;
    ///
    /// let pool = Pool::new(1, 4);
    /// let h = pool.submit(|| 1).unwrap();
    /// pool.wait_idle();
    /// assert!(h.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        !matches!(self.state.phase(), Phase::Queued | Phase::Running)
    }

    /// Cancels the job if it has not started: returns `true` if it had not,
    /// and now never will (its `join` returns [`JobError::Cancelled`]);
    /// `false` if it is running or finished.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{JobError, Pool};
    /// use std::sync::mpsc;
    ///
    /// let pool = Pool::new(1, 4);
    /// let (started_tx, started) = mpsc::channel();
    /// let (go_tx, go) = mpsc::channel::<()>();
    /// let busy = pool.submit(move || { started_tx.send(()).unwrap(); go.recv().unwrap(); }).unwrap();
    /// started.recv().unwrap(); // the only worker is busy now
    /// let waiting = pool.submit(|| 2).unwrap();
    /// assert!(waiting.cancel());
    /// assert!(!busy.cancel()); // already running
    /// go_tx.send(()).unwrap();
    /// assert!(matches!(waiting.join(), Err(JobError::Cancelled)));
    /// busy.join().unwrap();
    /// ```
    pub fn cancel(&self) -> bool {
        self.state.cancel()
    }
}

/// [`JobHandle::join_timeout`] ran out of time: the handle, to wait again.
pub struct JoinTimeout<R>(pub JobHandle<R>);

impl<R> fmt::Debug for JoinTimeout<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JoinTimeout").field(&self.0).finish()
    }
}

impl<R> fmt::Display for JoinTimeout<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the job did not finish in time")
    }
}

impl<R> std::error::Error for JoinTimeout<R> {}

/// What `join` returns for a job's outcome.
fn into_result<R>(outcome: Outcome<R>) -> Result<R, JobError> {
    match outcome {
        Outcome::Ran(Ok(r)) => Ok(r),
        Outcome::Ran(Err(payload)) => Err(JobError::Panicked(Panic::new(payload))),
        Outcome::Cancelled => Err(JobError::Cancelled),
    }
}

impl<R> fmt::Debug for JobHandle<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state.phase() {
            Phase::Queued => "queued",
            Phase::Running => "running",
            Phase::Cancelled => "cancelled",
            Phase::Done => "finished",
            Phase::Taken => "joined",
        };
        f.debug_struct("JobHandle").field("state", &state).finish()
    }
}

/// A job that [`Pool::abort`](crate::Pool::abort) took back unrun.
///
/// Run it on the current thread with [`run`](Self::run), or drop it: a
/// dropped `submit` job resolves its handle as [`JobError::Cancelled`], a
/// dropped group job counts as cancelled in its group.
///
/// # Examples
///
/// ```
/// use ringq_pool::Pool;
/// use std::sync::mpsc;
///
/// let pool = Pool::new(1, 8);
/// let (go_tx, go) = mpsc::channel::<()>();
/// pool.execute(move || go.recv().unwrap_or(())).unwrap(); // occupies the worker
/// let (tx, rx) = mpsc::channel();
/// pool.execute(move || tx.send("ran").unwrap()).unwrap();
/// let aborted = {
///     let pool = pool;
///     drop(go_tx); // lets the first job end whenever it is reached
///     pool.abort()
/// };
/// for job in aborted.pending {
///     job.run(); // caller runs what the pool did not
/// }
/// assert_eq!(rx.try_recv(), Ok("ran"));
/// ```
#[must_use = "dropping a pending job cancels it; call `run` to run it here"]
pub struct PendingJob(pub(crate) Job);

impl PendingJob {
    /// Runs the job on the calling thread. A plain job's panic propagates to
    /// the caller; a `submit` job's panic goes to its handle, as it would
    /// have on a worker. A job whose handle cancelled it does nothing.
    ///
    /// # Examples
    ///
    /// See [`PendingJob`].
    pub fn run(self) {
        self.0.run(&|payload| resume_unwind(payload));
    }
}

impl fmt::Debug for PendingJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PendingJob { .. }")
    }
}
