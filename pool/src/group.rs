//! Fail-fast groups of jobs (Go's errgroup).
//!
//! A group runs its jobs on a pool under a child of the pool's token. The
//! first job to fail (return `Err` or panic) cancels that token: jobs that
//! have not started are skipped, running ones see the token cancelled, and
//! new `spawn` calls are refused. `wait` returns the first failure.
//!
//! A group made by [`Pool::group_results`] also keeps each job's value, for
//! [`Group::results`] (spawn order) and [`Group::results_by_completion`].

use std::any::Any;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use ringq::CancelToken;

use crate::error::{GroupError, Rejected};
use crate::job::{Ended, Job, PanicSink, Task};
use crate::panic::Panic;
use crate::semaphore::{Permit, Semaphore};
use crate::sync::{lock, wait, Arc, Condvar, Mutex, MutexGuard};
use crate::unwind::drop_quietly;
use crate::wait::Wait;
use crate::workers::{accept, Shared};
#[cfg(doc)]
use crate::Pool;

/// A fail-fast group of jobs on a [`Pool`] ([`Pool::group`]).
///
/// Dropping a group waits for its jobs, like [`wait`](Self::wait) without
/// the result.
///
/// # Examples
///
/// At most 2 jobs of the group in flight; the first error cancels the rest:
///
/// ```
/// use ringq_pool::{GroupError, Pool};
///
/// let pool = Pool::new(4, 64);
/// let group = pool.group::<u32>().limit(2);
/// for i in 0..10u32 {
///     let spawned = group.spawn(move |token| {
///         if token.is_cancelled() {
///             return Ok(()); // a sibling failed: stop early
///         }
///         if i == 3 { Err(i) } else { Ok(()) }
///     });
///     if spawned.is_err() {
///         break; // refused: the group already failed
///     }
/// }
/// assert!(matches!(group.wait(), Err(GroupError::Failed(3))));
/// ```
pub struct Group<'p, E, T = ()> {
    /// The pool's workers, where the group's jobs go.
    pool: &'p Arc<Shared>,
    token: CancelToken,
    state: Arc<GroupState<E, T>>,
    limit: Option<Semaphore>,
}

struct GroupState<E, T> {
    inner: Mutex<Inner<E, T>>,
    done: Condvar,
}

struct Inner<E, T> {
    in_flight: usize,
    /// Failures and skips, in the order they happened.
    errors: Vec<GroupError<E>>,
    /// One per accepted-or-refused spawn, in spawn order.
    values: Vec<Value<T>>,
    /// Jobs that returned `Ok` so far: the next one's completion rank.
    succeeded: usize,
}

/// What became of one spawn, for `results`.
enum Value<T> {
    /// Queued or running, or it failed or was skipped (then `errors` says so).
    Pending,
    /// It returned `Ok`: its rank among the successes, and its value.
    Done(usize, T),
    /// Never accepted: the closure went back to the caller.
    Refused,
}

/// How one job of the group ended, as its guard reports it.
enum Outcome<E, T> {
    Succeeded(T),
    Failed(GroupError<E>),
    /// Refused at the queue: not a job of the group after all.
    Refused,
}

impl<E, T> Inner<E, T> {
    /// Whether a job failed (returned `Err` or panicked), as opposed to
    /// only being skipped.
    fn failed(&self) -> bool {
        self.errors
            .iter()
            .any(|e| !matches!(e, GroupError::Cancelled))
    }
}

impl<E, T> GroupState<E, T> {
    /// Records how spawn number `index` ended.
    fn finish(&self, token: &CancelToken, index: usize, outcome: Outcome<E, T>) {
        let mut inner = lock(&self.inner);
        let fail = matches!(
            outcome,
            Outcome::Failed(GroupError::Failed(_) | GroupError::Panicked(_))
        );
        match outcome {
            Outcome::Succeeded(value) => {
                let rank = inner.succeeded;
                inner.succeeded += 1;
                inner.values[index] = Value::Done(rank, value);
            }
            Outcome::Failed(e) => inner.errors.push(e),
            Outcome::Refused => inner.values[index] = Value::Refused,
        }
        inner.in_flight -= 1;
        let last = inner.in_flight == 0;
        drop(inner);
        if fail {
            token.cancel();
        }
        if last {
            self.done.notify_all();
        }
    }
}

/// A group job in the pool's queue.
struct GroupJob<F, E, T> {
    f: F,
    end: EndGuard<E, T>,
}

/// Ends the job in its group exactly once: with the outcome `run` stored,
/// or as skipped if the job is dropped unrun (taken back by an abort and
/// dropped). Holds the limit permit until then.
struct EndGuard<E, T> {
    state: Arc<GroupState<E, T>>,
    token: CancelToken,
    /// Which spawn this is (its slot in `Inner::values`).
    index: usize,
    outcome: Option<Outcome<E, T>>,
    _permit: Option<Permit>,
}

impl<E, T> Drop for EndGuard<E, T> {
    fn drop(&mut self) {
        let outcome = self
            .outcome
            .take()
            .unwrap_or(Outcome::Failed(GroupError::Cancelled));
        self.state.finish(&self.token, self.index, outcome);
    }
}

impl<F, E, T> Task for GroupJob<F, E, T>
where
    F: FnOnce(&CancelToken) -> Result<T, E> + Send + 'static,
    E: Send + 'static,
    T: Send + 'static,
{
    fn run(self: Box<Self>, _sink: PanicSink<'_>) -> Ended {
        let GroupJob { f, mut end } = *self;
        if end.token.is_cancelled() {
            // Skipped before it started: a sibling failed or the group was
            // cancelled. Drop `f` under catch_unwind: its captures are the
            // caller's and may panic on drop.
            drop_quietly(f);
            end.outcome = Some(Outcome::Failed(GroupError::Cancelled));
            // A forgotten `Group` leaves this guard the last owner of the
            // group's errors, which are the caller's values.
            drop_quietly(end);
            return Ended::Cancelled;
        }
        let token = end.token.clone();
        let (outcome, ended) = match catch_unwind(AssertUnwindSafe(move || f(&token))) {
            Ok(Ok(value)) => (Outcome::Succeeded(value), Ended::Completed),
            Ok(Err(e)) => (Outcome::Failed(GroupError::Failed(e)), Ended::Completed),
            Err(payload) => (
                Outcome::Failed(GroupError::Panicked(Panic::new(payload))),
                Ended::Panicked,
            ),
        };
        end.outcome = Some(outcome);
        drop_quietly(end);
        ended
    }

    fn is_cancelled(&self) -> bool {
        self.end.token.is_cancelled()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

impl<'p, E: Send + 'static, T: Send + 'static> Group<'p, E, T> {
    pub(crate) fn new(pool: &'p Arc<Shared>) -> Group<'p, E, T> {
        Group {
            pool,
            token: pool.token().child(),
            state: Arc::new(GroupState {
                inner: Mutex::new(Inner {
                    in_flight: 0,
                    errors: Vec::new(),
                    values: Vec::new(),
                    succeeded: 0,
                }),
                done: Condvar::new(),
            }),
            limit: None,
        }
    }

    /// At most `n` of this group's jobs in flight (queued or running) at a
    /// time, whatever the pool's size; `spawn` blocks at the limit.
    ///
    /// # Panics
    ///
    /// If `n` is 0 (no job could ever be spawned).
    ///
    /// # Examples
    ///
    /// See [`Group`].
    #[track_caller]
    pub fn limit(mut self, n: usize) -> Self {
        assert!(n > 0, "Group::limit(0) would refuse every job");
        self.limit = Some(Semaphore::new(n));
        self
    }

    /// Runs `f` on the pool as part of the group. `f` gets the group's
    /// token, cancelled once any job of the group fails. Blocks at the
    /// group's limit and while the pool's queue is full; either wait ends
    /// as soon as the group is cancelled or fails.
    ///
    /// # Errors
    ///
    /// [`GroupError::Cancelled`] (and `f` is dropped) if the group has
    /// already failed or been cancelled, or the pool is closed.
    ///
    /// # Examples
    ///
    /// See [`Group`].
    pub fn spawn<F>(&self, f: F) -> Result<(), GroupError<E>>
    where
        F: FnOnce(&CancelToken) -> Result<T, E> + Send + 'static,
    {
        if self.token.is_cancelled() {
            return Err(GroupError::Cancelled);
        }
        let permit = match &self.limit {
            None => None,
            Some(sem) => Some(
                sem.acquire_cancellable(&self.token)
                    .ok_or(GroupError::Cancelled)?,
            ),
        };
        // Cancellable: a group cancelled (or failed) while this spawn waits
        // for room in the pool's queue must not wait for the room.
        self.push(f, permit, Wait::UntilCancelled(&self.token))
            .map_err(|_| GroupError::Cancelled)
    }

    /// Like [`spawn`](Self::spawn) but never blocks, and hands `f` back
    /// when it cannot take it: [`Rejected::Full`] if the group is at its
    /// limit or the pool's queue is full, [`Rejected::Closed`] if the group
    /// has failed or been cancelled, or the pool is closed.
    ///
    /// # Errors
    ///
    /// As above; the closure is in the error ([`Rejected::into_inner`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::Rejected;
    ///
    /// let pool = ringq_pool::Pool::new(1, 8);
    /// let group = pool.group::<()>();
    /// assert!(group.try_spawn(|_| Ok(())).is_ok());
    /// group.cancel();
    /// match group.try_spawn(|_| Ok(())) {
    ///     Err(Rejected::Closed(f)) => drop(f), // ours again: run it, keep it or drop it
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn try_spawn<F>(&self, f: F) -> Result<(), Rejected<F>>
    where
        F: FnOnce(&CancelToken) -> Result<T, E> + Send + 'static,
    {
        if self.token.is_cancelled() {
            return Err(Rejected::Closed(f));
        }
        let permit = match &self.limit {
            None => None,
            Some(sem) => match sem.try_acquire() {
                Some(p) => Some(p),
                None => return Err(Rejected::Full(f)),
            },
        };
        self.push(f, permit, Wait::Never)
    }

    /// Queues `f` as a job of the group; on refusal the closure comes back
    /// (and the job ends without an outcome).
    fn push<F>(&self, f: F, permit: Option<Permit>, how: Wait<'_>) -> Result<(), Rejected<F>>
    where
        F: FnOnce(&CancelToken) -> Result<T, E> + Send + 'static,
    {
        // Again after waiting for the permit: a sibling may have failed
        // meanwhile (its permit comes back only after it cancelled).
        if self.token.is_cancelled() {
            return Err(Rejected::Closed(f));
        }
        let index = {
            let mut inner = lock(&self.state.inner);
            inner.in_flight += 1;
            inner.values.push(Value::Pending);
            inner.values.len() - 1
        };
        let job = GroupJob {
            f,
            end: EndGuard {
                state: self.state.clone(),
                token: self.token.clone(),
                index,
                outcome: None,
                _permit: permit,
            },
        };
        match accept(self.pool, Job::from_task(job), how) {
            Ok(()) => Ok(()),
            Err(rejected) => {
                let full = rejected.is_full();
                // Never accepted: end it without recording anything, and
                // give the closure back.
                let GroupJob { f, mut end } =
                    rejected.into_inner().into_task::<GroupJob<F, E, T>>();
                end.outcome = Some(Outcome::Refused);
                drop(end);
                Err(if full {
                    Rejected::Full(f)
                } else {
                    Rejected::Closed(f)
                })
            }
        }
    }

    /// The group's token: cancelled by the first failure, by
    /// [`cancel`](Self::cancel), or by the pool's abort.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 8);
    /// let group = pool.group::<()>();
    /// assert!(!group.token().is_cancelled());
    /// ```
    pub fn token(&self) -> &CancelToken {
        &self.token
    }

    /// Cancels the group: jobs not yet started are skipped, new ones are
    /// refused, running ones see the token cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 8);
    /// let group = pool.group::<()>();
    /// group.cancel();
    /// assert!(group.spawn(|_| Ok(())).is_err());
    /// ```
    pub fn cancel(&self) {
        self.token.cancel();
    }

    fn wait_errors(&self) -> Vec<GroupError<E>> {
        std::mem::take(&mut self.settle().errors)
    }

    /// Waits for every job of the group and returns the first failure.
    ///
    /// # Errors
    ///
    /// The first [`GroupError::Failed`] or [`GroupError::Panicked`], in the
    /// order they happened; if none but some job was skipped (the group or
    /// the pool was cancelled), [`GroupError::Cancelled`].
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let group = pool.group::<()>();
    /// group.spawn(|_| Ok(())).unwrap();
    /// assert!(group.wait().is_ok());
    /// ```
    pub fn wait(self) -> Result<(), GroupError<E>> {
        first_failure(self.wait_errors())
    }

    /// Waits for every job of the group and returns their values in spawn
    /// order (a spawn that was refused has none), or the first failure as
    /// [`wait`](Self::wait) does.
    ///
    /// # Errors
    ///
    /// As [`wait`](Self::wait).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(4, 64);
    /// let group = pool.group_results::<u64, String>();
    /// for i in 0..8u64 {
    ///     group.spawn(move |_| Ok(i * i)).unwrap();
    /// }
    /// assert_eq!(group.results().unwrap(), [0, 1, 4, 9, 16, 25, 36, 49]);
    /// ```
    pub fn results(self) -> Result<Vec<T>, GroupError<E>> {
        self.collect(|values| values)
    }

    /// [`results`](Self::results) in the order the jobs finished instead.
    ///
    /// # Errors
    ///
    /// As [`wait`](Self::wait).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let group = pool.group_results::<&str, ()>();
    /// group.spawn(|_| { std::thread::sleep(Duration::from_millis(50)); Ok("slow") }).unwrap();
    /// group.spawn(|_| Ok("fast")).unwrap();
    /// let mut done = group.results_by_completion().unwrap();
    /// assert_eq!(done.len(), 2);
    /// done.sort(); // (which finished first is up to the scheduler)
    /// assert_eq!(done, ["fast", "slow"]);
    /// ```
    pub fn results_by_completion(self) -> Result<Vec<T>, GroupError<E>> {
        self.collect(|mut values| {
            values.sort_by_key(|(rank, _)| *rank);
            values
        })
    }

    /// Waits, then the values (as `(rank, value)` in spawn order, put in
    /// the wanted order by `order`) or the first failure.
    fn collect(
        self,
        order: impl FnOnce(Vec<(usize, T)>) -> Vec<(usize, T)>,
    ) -> Result<Vec<T>, GroupError<E>> {
        let (errors, values) = {
            let mut inner = self.settle();
            (
                std::mem::take(&mut inner.errors),
                std::mem::take(&mut inner.values),
            )
        };
        first_failure(errors)?;
        let values = values
            .into_iter()
            .filter_map(|v| match v {
                Value::Done(rank, value) => Some((rank, value)),
                Value::Refused => None,
                Value::Pending => unreachable!("no failure, so every accepted job succeeded"),
            })
            .collect();
        Ok(order(values).into_iter().map(|(_, value)| value).collect())
    }

    /// Waits for every job of the group and returns every failure, in the
    /// order they happened, with one [`GroupError::Cancelled`] per job that
    /// was skipped.
    ///
    /// # Errors
    ///
    /// All of them, if there was any.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 8);
    /// let group = pool.group::<i32>();
    /// group.spawn(|_| Err(1)).unwrap();
    /// let errors = group.wait_all().unwrap_err();
    /// assert!(!errors.is_empty());
    /// ```
    pub fn wait_all(self) -> Result<(), Vec<GroupError<E>>> {
        let errors = self.wait_errors();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The first failure among `errors`; else `Cancelled` if a job was
/// skipped; else `Ok`.
fn first_failure<E>(errors: Vec<GroupError<E>>) -> Result<(), GroupError<E>> {
    let mut skipped = false;
    for e in errors {
        match e {
            GroupError::Cancelled => skipped = true,
            failure => return Err(failure),
        }
    }
    if skipped {
        Err(GroupError::Cancelled)
    } else {
        Ok(())
    }
}

impl<E, T> Group<'_, E, T> {
    /// Waits until no job of the group is in flight.
    fn settle(&self) -> MutexGuard<'_, Inner<E, T>> {
        let mut inner = lock(&self.state.inner);
        while inner.in_flight != 0 {
            inner = wait(&self.state.done, inner);
        }
        inner
    }
}

impl<E, T> Drop for Group<'_, E, T> {
    fn drop(&mut self) {
        drop(self.settle());
    }
}

impl<E, T> fmt::Debug for Group<'_, E, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = lock(&self.state.inner);
        f.debug_struct("Group")
            .field("in_flight", &inner.in_flight)
            .field("failed", &inner.failed())
            .field("cancelled", &self.token.is_cancelled())
            .finish()
    }
}
