//! The queue a pool runs on: ringq by default, or your own.
//!
//! The pool needs little from its queue, and this trait is exactly that.
//! Every backend must give the close guarantee ringq gives, because the
//! pool's accounting stands on it: once [`close`](Backend::close) has
//! returned, no push succeeds, every push that did succeed is still popped,
//! and a push blocked on a full queue returns the job.
//!
//! A queue whose blocked send a close cannot wake (crossbeam-channel,
//! `std::sync::mpsc` while a sender lives) needs a gate in front of it: the
//! workspace's `benches/src/backends/` runs the pool over both that way.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use ringq::{
    CancelToken, CapacityError, PopCancelError, PushCancelError, PushError, PushFuture,
    PushTimeoutError, Queue, TryPushError, WaitPolicy,
};

use crate::job::Job;

mod polling;

/// A push in progress that waits for room without blocking a thread: what
/// [`Backend::push_async`] returns. It resolves to `Ok(())` once the job is
/// in the queue, or `Err(job)` once the queue is closed.
///
/// # Examples
///
/// ```
/// use ringq_pool::{Backend, Job, RingqBackend};
///
/// let q = RingqBackend::with_capacity(1).unwrap();
/// pollster::block_on(q.push_async(Job::new(|| ()))).unwrap();
/// let mut push = q.push_async(Job::new(|| ())); // full: would wait
/// assert!(push.cancel().is_some()); // withdrawn before it entered
/// ```
pub trait AsyncPush: Future<Output = Result<(), Job>> + Send + Unpin {
    /// Ends an unfinished push: `Some(job)` if the job never entered the
    /// queue (and now never will), `None` if it did (or the push already
    /// resolved or was cancelled). Polling after this panics.
    fn cancel(&mut self) -> Option<Job>;
}

/// The queue operations a [`Pool`](crate::Pool) uses.
///
/// Implement it to run the pool over another queue; see the module docs for
/// the close guarantee every implementation must give.
///
/// # Examples
///
/// Choosing a backend (ringq is the default):
///
/// ```
/// use ringq_pool::{Pool, RingqBackend};
///
/// let pool = Pool::builder().workers(2).capacity(64).backend::<RingqBackend>().build().unwrap();
/// pool.execute(|| ()).unwrap();
/// ```
pub trait Backend: Send + Sync + 'static {
    /// A queue for at most `capacity` jobs.
    ///
    /// # Errors
    ///
    /// [`CapacityError`] if `capacity` is too large for this backend (or
    /// 0, for a backend that has no rendezvous flavor; ringq's capacity 0
    /// hands each job straight to a waiting worker).
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError>
    where
        Self: Sized;

    /// A queue for at most `capacity` jobs whose blocked calls (an idle
    /// worker's pop, a submitter's push into a full queue) wait as `policy`
    /// says: what [`Builder::wait`](crate::Builder::wait) asks for. The
    /// default ignores the policy and calls
    /// [`with_capacity`](Self::with_capacity); ringq overrides it.
    ///
    /// # Errors
    ///
    /// As [`with_capacity`](Self::with_capacity).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::WaitPolicy;
    /// use ringq_pool::{Backend, Job, RingqBackend};
    ///
    /// let q = RingqBackend::with_wait(8, WaitPolicy::Park).unwrap();
    /// q.push(Job::new(|| ())).unwrap();
    /// assert_eq!(q.len(), 1);
    /// ```
    fn with_wait(capacity: usize, policy: WaitPolicy) -> Result<Self, CapacityError>
    where
        Self: Sized,
    {
        let _ = policy;
        Self::with_capacity(capacity)
    }

    /// Pushes, blocking while full. `Err(job)` once the queue is closed.
    fn push(&self, job: Job) -> Result<(), Job>;

    /// Pushes if there is room now.
    fn try_push(&self, job: Job) -> Result<(), TryPushError<Job>>;

    /// Pushes, blocking while full for at most `timeout`. `Duration::ZERO`
    /// still tries once; a timeout too large for `Instant` means no
    /// deadline. A closed queue answers `Closed`, whatever the timeout.
    fn push_timeout(&self, job: Job, timeout: Duration) -> Result<(), PushTimeoutError<Job>>;

    /// Pushes, blocking while full until `token` is cancelled: `Cancelled`
    /// once it is (at once, without touching the queue, for a token
    /// cancelled before the call), `Closed` when the queue is closed.
    ///
    /// The default waits in [`push_timeout`](Self::push_timeout) slices of
    /// 1 ms and looks at the token between them; a backend that can wake a
    /// blocked push on a token (ringq) overrides it.
    fn push_cancellable(&self, job: Job, token: &CancelToken) -> Result<(), PushCancelError<Job>> {
        const SLICE: Duration = Duration::from_millis(1);
        let mut job = job;
        loop {
            if token.is_cancelled() {
                return Err(PushCancelError::Cancelled(job));
            }
            match self.push_timeout(job, SLICE) {
                Ok(()) => return Ok(()),
                Err(PushTimeoutError::Closed(j)) => return Err(PushCancelError::Closed(j)),
                Err(PushTimeoutError::Timeout(j)) => job = j,
            }
        }
    }

    /// Pushes without blocking a thread: a future that waits for room
    /// (`Pool::execute_async` stands on it). Dropping it unfinished must
    /// behave as [`AsyncPush::cancel`]: the job either entered the queue
    /// or is dropped, never both.
    ///
    /// The default retries [`try_push`](Self::try_push) on every poll and
    /// asks the executor to poll it again at once: correct, but a busy
    /// poll while the queue stays full. ringq overrides it with its
    /// waker-driven `push_async`.
    fn push_async<'a>(&'a self, job: Job) -> Box<dyn AsyncPush + 'a> {
        Box::new(polling::PollingPush {
            try_push: move |job| self.try_push(job),
            job: Some(job),
        })
    }

    /// Pops, blocking while empty and open. `None` once closed and drained.
    fn pop(&self) -> Option<Job>;

    /// Pops if a job is there now.
    fn try_pop(&self) -> Option<Job>;

    /// Pops, blocking while empty and open until `token` is cancelled:
    /// `Cancelled` once it is, `Closed` once the queue is closed and
    /// drained. An idle worker waits here; the token is how a resizable
    /// pool wakes it to retire (`Builder::keep_alive`,
    /// `Pool::set_workers`).
    ///
    /// The default ignores a token that fires during the wait and blocks
    /// in [`pop`](Self::pop): over such a backend idle workers leave only
    /// when they next wake. ringq overrides it.
    fn pop_cancellable(&self, token: &CancelToken) -> Result<Job, PopCancelError> {
        if token.is_cancelled() {
            return self.try_pop().ok_or(PopCancelError::Cancelled);
        }
        self.pop().ok_or(PopCancelError::Closed)
    }

    /// Closes the queue (idempotent): `true` if this call closed it. See
    /// the module docs for what must hold when it returns.
    fn close(&self) -> bool;

    /// Whether the queue is closed.
    fn is_closed(&self) -> bool;

    /// Jobs in the queue now (racy).
    fn len(&self) -> usize;

    /// Whether the queue is empty now (racy).
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity it was made with.
    fn capacity(&self) -> usize;
}

/// The default backend: a [`ringq::Queue`].
///
/// # Examples
///
/// ```
/// use ringq_pool::{Backend, Job, RingqBackend};
///
/// let q = RingqBackend::with_capacity(2).unwrap();
/// q.push(Job::new(|| ())).unwrap();
/// q.close();
/// assert!(q.pop().is_some()); // drains
/// assert!(q.pop().is_none()); // then reports closed
/// ```
#[derive(Debug)]
pub struct RingqBackend(Queue<Job>);

impl Backend for RingqBackend {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        Queue::try_new(capacity).map(RingqBackend)
    }

    fn with_wait(capacity: usize, policy: WaitPolicy) -> Result<Self, CapacityError> {
        Queue::builder(capacity)
            .wait(policy)
            .try_build()
            .map(RingqBackend)
    }

    #[inline]
    fn push(&self, job: Job) -> Result<(), Job> {
        self.0.push(job).map_err(|e| e.into_inner())
    }

    #[inline]
    fn try_push(&self, job: Job) -> Result<(), TryPushError<Job>> {
        self.0.try_push(job)
    }

    fn push_timeout(&self, job: Job, timeout: Duration) -> Result<(), PushTimeoutError<Job>> {
        self.0.push_timeout(job, timeout)
    }

    fn push_cancellable(&self, job: Job, token: &CancelToken) -> Result<(), PushCancelError<Job>> {
        self.0.push_cancellable(job, token)
    }

    fn push_async<'a>(&'a self, job: Job) -> Box<dyn AsyncPush + 'a> {
        Box::new(RingqPush(self.0.push_async(job)))
    }

    #[inline]
    fn pop(&self) -> Option<Job> {
        self.0.pop().ok()
    }

    fn try_pop(&self) -> Option<Job> {
        self.0.try_pop().ok()
    }

    fn pop_cancellable(&self, token: &CancelToken) -> Result<Job, PopCancelError> {
        self.0.pop_cancellable(token)
    }

    fn close(&self) -> bool {
        self.0.close()
    }

    fn is_closed(&self) -> bool {
        self.0.is_closed()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

/// ringq's [`PushFuture`]: woken by the pop that makes room.
struct RingqPush<'a>(PushFuture<'a, Job>);

impl Future for RingqPush<'_> {
    type Output = Result<(), Job>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map_err(PushError::into_inner)
    }
}

impl AsyncPush for RingqPush<'_> {
    fn cancel(&mut self) -> Option<Job> {
        self.0.cancel()
    }
}
