//! The default [`AsyncPush`](super::AsyncPush) of a backend that has no
//! waker-driven push: retry `try_push` on every poll, asking to be polled
//! again at once.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use ringq::TryPushError;

use super::AsyncPush;
use crate::job::Job;

/// A push that retries on every poll (a busy poll through the executor).
pub(super) struct PollingPush<P> {
    pub(super) try_push: P,
    pub(super) job: Option<Job>,
}

impl<P> Future for PollingPush<P>
where
    P: Fn(Job) -> Result<(), TryPushError<Job>> + Unpin,
{
    type Output = Result<(), Job>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let job = this
            .job
            .take()
            .expect("a backend's push was polled after it resolved or was cancelled");
        match (this.try_push)(job) {
            Ok(()) => Poll::Ready(Ok(())),
            Err(TryPushError::Closed(job)) => Poll::Ready(Err(job)),
            Err(TryPushError::Full(job)) => {
                this.job = Some(job);
                // No one will wake us when room appears: ask to be polled
                // again (the executor runs its other tasks first).
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }
}

impl<P> AsyncPush for PollingPush<P>
where
    P: Fn(Job) -> Result<(), TryPushError<Job>> + Send + Unpin,
{
    fn cancel(&mut self) -> Option<Job> {
        self.job.take()
    }
}
