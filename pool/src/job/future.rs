//! `JobHandle` as a future: await a job's result from async code, as with
//! tokio's `spawn_blocking`, without a runtime dependency.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{take_result, JobHandle, Progress};
use crate::error::JobError;
use crate::sync::lock;

/// Resolves to what [`join`](JobHandle::join) returns, without blocking
/// the executor's thread: the worker that finishes (or the call that
/// cancels) the job wakes the task. Polling it again after it resolved
/// panics, as `join` can only be called once.
///
/// # Examples
///
/// ```
/// use ringq_pool::Pool;
///
/// let pool = Pool::new(2, 8);
/// let handle = pool.submit(|| 6 * 7).unwrap();
/// assert_eq!(pollster::block_on(handle).unwrap(), 42);
/// ```
impl<R> Future for JobHandle<R> {
    type Output = Result<R, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let state = &self.state;
        let mut progress = lock(&state.progress);
        match *progress {
            Progress::Queued | Progress::Running => {
                // Stored while `progress` is locked: a change of it comes
                // after this and then takes the waker (`HandleState::set`).
                *lock(&state.waker) = Some(cx.waker().clone());
                Poll::Pending
            }
            Progress::Taken => panic!("a JobHandle was polled after it resolved"),
            _ => Poll::Ready(take_result(&mut progress)),
        }
    }
}
