//! [`Wait`]: what a submit does while the pool's queue is full.

use std::time::Duration;

use ringq::CancelToken;

#[cfg(doc)]
use crate::{Pool, Rejected, Stats};

/// What a submit does while the pool's queue is full: the policy
/// [`Pool::execute_with`] and [`Pool::submit_with`] take. The named calls
/// are shorthands: `execute` is `WhileFull`, `try_execute` is `Never`,
/// `execute_timeout(d)` is `AtMost(d)`, `execute_cancellable(t)` is
/// `UntilCancelled(t)`.
///
/// A closed pool rejects the job ([`Rejected::Closed`]) whatever the policy;
/// none of them runs a job on a closed pool.
///
/// # Examples
///
/// ```
/// use ringq_pool::{Pool, Wait};
///
/// let pool = Pool::new(1, 1);
/// for i in 0..4 {
///     // Java's `CallerRunsPolicy`: when the queue is full the submitter
///     // runs the job itself, which slows it down to the pool's pace.
///     pool.execute_with(move || println!("job {i}"), Wait::RunHere).unwrap();
/// }
/// pool.wait_idle();
/// let s = pool.stats();
/// assert_eq!(s.completed, 4);
/// assert!(s.ran_here <= 4);
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Wait<'a> {
    /// Block while the queue is full.
    WhileFull,
    /// Never block: a full queue rejects the job at once
    /// ([`Rejected::Full`]).
    Never,
    /// Block while full for at most this long, then reject the job as
    /// [`Rejected::Full`]. `Duration::ZERO` still tries once; a duration
    /// too large for `Instant` means no deadline.
    AtMost(Duration),
    /// Block while full until the token (or an ancestor) is cancelled, then
    /// reject the job as [`Rejected::Full`] (it gave up waiting for room,
    /// like a timeout). A token cancelled before the call rejects at once.
    UntilCancelled(&'a CancelToken),
    /// Never block: a full queue (on a hand-off pool, no idle worker) runs
    /// the job on the calling thread, now, before the call returns (Java's
    /// `CallerRunsPolicy`). The job is isolated as on a worker: a plain
    /// job's panic goes to [`Builder::on_panic`](crate::Builder::on_panic)
    /// and does not unwind into the caller, a `submit` job's goes to its
    /// handle. It is counted as every job is (accepted, `active` while it
    /// runs, then completed or panicked) and in [`Stats::ran_here`]; while
    /// it runs, `active` may exceed `workers`.
    RunHere,
}
