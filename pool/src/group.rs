//! Fail-fast groups of jobs (Go's errgroup).
//!
//! A group runs its jobs on a pool under a child of the pool's token. The
//! first job to fail (return `Err` or panic) cancels that token: jobs that
//! have not started are skipped, running ones see the token cancelled, and
//! new `spawn` calls are refused. `wait` returns the first failure.

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
use crate::workers::{Shared, Wait};
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
pub struct Group<'p, E> {
    /// The pool's workers, where the group's jobs go.
    pool: &'p Shared,
    token: CancelToken,
    state: Arc<GroupState<E>>,
    limit: Option<Semaphore>,
}

struct GroupState<E> {
    inner: Mutex<Inner<E>>,
    done: Condvar,
}

struct Inner<E> {
    in_flight: usize,
    /// Failures and skips, in the order they happened.
    errors: Vec<GroupError<E>>,
}

impl<E> Inner<E> {
    /// Whether a job failed (returned `Err` or panicked), as opposed to
    /// only being skipped.
    fn failed(&self) -> bool {
        self.errors
            .iter()
            .any(|e| !matches!(e, GroupError::Cancelled))
    }
}

impl<E> GroupState<E> {
    /// Records how one accepted job ended (`None`: it ran and succeeded).
    fn finish(&self, token: &CancelToken, outcome: Option<GroupError<E>>) {
        let mut inner = lock(&self.inner);
        let fail = matches!(
            outcome,
            Some(GroupError::Failed(_) | GroupError::Panicked(_))
        );
        inner.errors.extend(outcome);
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
struct GroupJob<F, E> {
    f: F,
    end: EndGuard<E>,
}

/// Ends the job in its group exactly once: with the outcome `run` stored,
/// or as skipped if the job is dropped unrun (taken back by an abort and
/// dropped). Holds the limit permit until then.
struct EndGuard<E> {
    state: Arc<GroupState<E>>,
    token: CancelToken,
    outcome: Option<Option<GroupError<E>>>,
    _permit: Option<Permit>,
}

impl<E> Drop for EndGuard<E> {
    fn drop(&mut self) {
        let outcome = self.outcome.take().unwrap_or(Some(GroupError::Cancelled));
        self.state.finish(&self.token, outcome);
    }
}

impl<F, E> Task for GroupJob<F, E>
where
    F: FnOnce(&CancelToken) -> Result<(), E> + Send + 'static,
    E: Send + 'static,
{
    fn run(self: Box<Self>, _sink: PanicSink<'_>) -> Ended {
        let GroupJob { f, mut end } = *self;
        if end.token.is_cancelled() {
            // Skipped before it started: a sibling failed or the group was
            // cancelled. Drop `f` under catch_unwind: its captures are the
            // caller's and may panic on drop.
            drop_quietly(f);
            end.outcome = Some(Some(GroupError::Cancelled));
            // A forgotten `Group` leaves this guard the last owner of the
            // group's errors, which are the caller's values.
            drop_quietly(end);
            return Ended::Cancelled;
        }
        let token = end.token.clone();
        let (outcome, ended) = match catch_unwind(AssertUnwindSafe(move || f(&token))) {
            Ok(Ok(())) => (None, Ended::Completed),
            Ok(Err(e)) => (Some(GroupError::Failed(e)), Ended::Completed),
            Err(payload) => (
                Some(GroupError::Panicked(Panic::new(payload))),
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

impl<'p, E: Send + 'static> Group<'p, E> {
    pub(crate) fn new(pool: &'p Shared) -> Group<'p, E> {
        Group {
            pool,
            token: pool.token().child(),
            state: Arc::new(GroupState {
                inner: Mutex::new(Inner {
                    in_flight: 0,
                    errors: Vec::new(),
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
        F: FnOnce(&CancelToken) -> Result<(), E> + Send + 'static,
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
        F: FnOnce(&CancelToken) -> Result<(), E> + Send + 'static,
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
        F: FnOnce(&CancelToken) -> Result<(), E> + Send + 'static,
    {
        // Again after waiting for the permit: a sibling may have failed
        // meanwhile (its permit comes back only after it cancelled).
        if self.token.is_cancelled() {
            return Err(Rejected::Closed(f));
        }
        lock(&self.state.inner).in_flight += 1;
        let job = GroupJob {
            f,
            end: EndGuard {
                state: self.state.clone(),
                token: self.token.clone(),
                outcome: None,
                _permit: permit,
            },
        };
        match self.pool.push(Job::from_task(job), how) {
            Ok(()) => Ok(()),
            Err(rejected) => {
                let full = rejected.is_full();
                // Never accepted: end it without recording anything, and
                // give the closure back.
                let GroupJob { f, mut end } = rejected.into_inner().into_task::<GroupJob<F, E>>();
                end.outcome = Some(None);
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
        let errors = self.wait_errors();
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

impl<E> Group<'_, E> {
    /// Waits until no job of the group is in flight.
    fn settle(&self) -> MutexGuard<'_, Inner<E>> {
        let mut inner = lock(&self.state.inner);
        while inner.in_flight != 0 {
            inner = wait(&self.state.done, inner);
        }
        inner
    }
}

impl<E> Drop for Group<'_, E> {
    fn drop(&mut self) {
        drop(self.settle());
    }
}

impl<E> fmt::Debug for Group<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = lock(&self.state.inner);
        f.debug_struct("Group")
            .field("in_flight", &inner.in_flight)
            .field("failed", &inner.failed())
            .field("cancelled", &self.token.is_cancelled())
            .finish()
    }
}
