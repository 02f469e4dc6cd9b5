//! `JobHandle` as a future: await a job's result from async code, as with
//! tokio's `spawn_blocking`, without a runtime dependency.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{into_result, JobHandle, Waiter};
use crate::error::JobError;

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
        loop {
            if let Some(outcome) = state.take() {
                return Poll::Ready(into_result(outcome));
            }
            // Registered (or kept, if it is the same waker) before the
            // job's end looks for it; `false`: it ended meanwhile, take it
            // (`job/oneshot.rs`).
            if state.register(Waiter::Task(cx.waker().clone())) {
                return Poll::Pending;
            }
        }
    }
}
