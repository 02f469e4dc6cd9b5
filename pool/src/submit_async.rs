//! Async submission: [`ExecuteAsync`] and [`SubmitAsync`], the futures of
//! [`Pool::execute_async`](crate::Pool::execute_async) and
//! [`Pool::submit_async`](crate::Pool::submit_async). They wait for room in
//! the queue through the backend's [`AsyncPush`] (ringq's `push_async`),
//! so an async service can feed a blocking pool with backpressure.
//!
//! Both are an [`Admission`] of one job: counted as accepted on the first
//! poll (as a blocking submit counts it before its push), then a `try_push`
//! and, while the queue is full, the backend's async push. The one fact the
//! accounting needs from a withdrawal (`cancel`, or dropping the future) is
//! the backend's own: [`AsyncPush::cancel`] returns the job if and only if
//! it never entered the queue. Then the count is taken back and the job is
//! the caller's again; otherwise the job was accepted (on a hand-off pool a
//! worker may take it without a further poll) and the count stays.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use ringq::TryPushError;

use crate::backend::AsyncPush;
use crate::error::Rejected;
use crate::job::{Exec, Job, JobHandle, Submitted};
use crate::roster::grow_if_busy;
use crate::sync::Arc;
use crate::workers::Shared;

/// Where an [`Admission`] is.
enum Stage<'a> {
    /// Not polled yet: not counted.
    Start(Job),
    /// Counted as accepted; the backend's push waits for room.
    Pushing(Box<dyn AsyncPush + 'a>),
    /// In the queue (a withdrawal came too late); the next poll says so.
    Accepted,
    /// Resolved, or withdrawn with the job handed back.
    Done,
}

/// One job on its way into the queue without blocking a thread.
struct Admission<'a> {
    shared: &'a Arc<Shared>,
    stage: Stage<'a>,
}

impl<'a> Admission<'a> {
    fn new(shared: &'a Arc<Shared>, job: Job) -> Admission<'a> {
        Admission {
            shared,
            stage: Stage::Start(job),
        }
    }

    /// The job is in the queue for good: start a worker if the set may
    /// grow and every worker is busy, as `accept` does.
    fn admitted(&self) {
        if !self.shared.is_hand_off() {
            grow_if_busy(self.shared);
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Rejected<Job>>> {
        let shared = self.shared;
        loop {
            match std::mem::replace(&mut self.stage, Stage::Done) {
                Stage::Start(job) => {
                    shared.count_accepted();
                    if shared.is_hand_off() {
                        // The push waits for an idle worker: start one first
                        // if there is none and the set may grow.
                        grow_if_busy(shared);
                    }
                    match shared.queue().try_push(job) {
                        Ok(()) => {
                            self.admitted();
                            return Poll::Ready(Ok(()));
                        }
                        Err(TryPushError::Closed(job)) => {
                            shared.uncount_accepted();
                            return Poll::Ready(Err(Rejected::Closed(job)));
                        }
                        Err(TryPushError::Full(job)) => {
                            self.stage = Stage::Pushing(shared.queue().push_async(job));
                        }
                    }
                }
                Stage::Pushing(mut push) => match Pin::new(&mut *push).poll(cx) {
                    Poll::Pending => {
                        self.stage = Stage::Pushing(push);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok(())) => {
                        self.admitted();
                        return Poll::Ready(Ok(()));
                    }
                    Poll::Ready(Err(job)) => {
                        shared.uncount_accepted();
                        return Poll::Ready(Err(Rejected::Closed(job)));
                    }
                },
                Stage::Accepted => return Poll::Ready(Ok(())),
                Stage::Done => {
                    panic!("a pool's async submit was polled after it resolved or was cancelled")
                }
            }
        }
    }

    /// Withdraws the job if it has not entered the queue (`Some`, the count
    /// taken back); `None` if it has (the next poll resolves `Ok`), or the
    /// admission already ended.
    fn cancel(&mut self) -> Option<Job> {
        match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Start(job) => Some(job),
            Stage::Pushing(mut push) => match push.cancel() {
                Some(job) => {
                    self.shared.uncount_accepted();
                    Some(job)
                }
                None => {
                    self.admitted();
                    self.stage = Stage::Accepted;
                    None
                }
            },
            stage @ (Stage::Accepted | Stage::Done) => {
                self.stage = stage;
                None
            }
        }
    }
}

impl Drop for Admission<'_> {
    /// An unfinished admission ends here: the job, if it never entered the
    /// queue, is dropped (its handle, if any, resolves as cancelled).
    fn drop(&mut self) {
        drop(self.cancel());
    }
}

/// The future of [`Pool::execute_async`](crate::Pool::execute_async):
/// resolves to `Ok(())` once the job is in the queue, or
/// [`Rejected::Closed`] with the closure if the pool is closed.
///
/// Dropping it unfinished withdraws the job exactly: either it was
/// accepted (and will run) or it is dropped, never run;
/// [`cancel`](Self::cancel) hands the closure back instead. It is `Send`
/// and `Unpin`.
///
/// # Examples
///
/// ```
/// let pool = ringq_pool::Pool::new(2, 8);
/// pollster::block_on(pool.execute_async(|| println!("on a worker"))).unwrap();
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct ExecuteAsync<'a, F> {
    admission: Admission<'a>,
    _f: std::marker::PhantomData<fn() -> F>,
}

impl<'a, F: FnOnce() + Send + 'static> ExecuteAsync<'a, F> {
    pub(crate) fn new(shared: &'a Arc<Shared>, f: F) -> ExecuteAsync<'a, F> {
        ExecuteAsync {
            admission: Admission::new(shared, Job::from_task(Exec(f))),
            _f: std::marker::PhantomData,
        }
    }

    /// Withdraws the job: `Some(f)` if it was not accepted (it never runs;
    /// polling afterwards panics), `None` if it already was (it will run,
    /// and polling again resolves `Ok(())` at once) or the future resolved.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let mut exec = pool.execute_async(|| println!("ran"));
    /// let f = exec.cancel().expect("not polled, so not accepted");
    /// f(); // ours again: run it here, keep it or drop it
    /// assert!(exec.cancel().is_none()); // already withdrawn
    /// ```
    pub fn cancel(&mut self) -> Option<F> {
        self.admission
            .cancel()
            .map(|job| job.into_task::<Exec<F>>().0)
    }
}

impl<F: FnOnce() + Send + 'static> Future for ExecuteAsync<'_, F> {
    type Output = Result<(), Rejected<F>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.admission
            .poll(cx)
            .map_err(|r| r.map(|job| job.into_task::<Exec<F>>().0))
    }
}

impl<F> fmt::Debug for ExecuteAsync<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecuteAsync").finish_non_exhaustive()
    }
}

/// The future of [`Pool::submit_async`](crate::Pool::submit_async):
/// resolves to the job's [`JobHandle`] once the job is in the queue (the
/// handle is itself a future of the result), or [`Rejected::Closed`] with
/// the closure if the pool is closed. Withdrawing it is as for
/// [`ExecuteAsync`].
///
/// # Examples
///
/// ```
/// let pool = ringq_pool::Pool::new(2, 8);
/// let answer = pollster::block_on(async {
///     let handle = pool.submit_async(|| 6 * 7).await.unwrap();
///     handle.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct SubmitAsync<'a, F, R> {
    admission: Admission<'a>,
    handle: Option<JobHandle<R>>,
    _f: std::marker::PhantomData<fn() -> F>,
}

impl<'a, F, R> SubmitAsync<'a, F, R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    pub(crate) fn new(shared: &'a Arc<Shared>, f: F) -> SubmitAsync<'a, F, R> {
        let (task, handle) = Submitted::new(f);
        SubmitAsync {
            admission: Admission::new(shared, Job::from_task(task)),
            handle: Some(handle),
            _f: std::marker::PhantomData,
        }
    }

    /// Withdraws the job: `Some(f)` if it was not accepted (it never runs;
    /// polling afterwards panics), `None` if it already was (polling again
    /// resolves at once with its handle) or the future resolved.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let mut submit = pool.submit_async(|| 1);
    /// let f = submit.cancel().expect("not polled, so not accepted");
    /// assert_eq!(f(), 1);
    /// ```
    pub fn cancel(&mut self) -> Option<F> {
        self.admission
            .cancel()
            .map(|job| job.into_task::<Submitted<F, R>>().f)
    }
}

impl<F, R> Future for SubmitAsync<'_, F, R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    type Output = Result<JobHandle<R>, Rejected<F>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.admission.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(())) => {
                Poll::Ready(Ok(self.handle.take().expect("the admission resolves once")))
            }
            Poll::Ready(Err(r)) => {
                Poll::Ready(Err(r.map(|job| job.into_task::<Submitted<F, R>>().f)))
            }
        }
    }
}

impl<F, R> fmt::Debug for SubmitAsync<'_, F, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubmitAsync").finish_non_exhaustive()
    }
}
