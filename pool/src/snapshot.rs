//! What a pool reports: a live snapshot of its counters ([`Stats`]), how
//! its jobs ended ([`Report`]) and what an abort took back ([`Aborted`]).

use crate::job::PendingJob;
#[cfg(doc)]
use crate::Pool;

/// A snapshot of a pool's counters ([`Pool::stats`]).
///
/// # Examples
///
/// ```
/// let s = ringq_pool::Pool::new(1, 2).stats();
/// assert_eq!(s.completed + s.panicked + s.cancelled + s.queued + s.active, 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Worker threads.
    pub workers: usize,
    /// Queue capacity.
    pub capacity: usize,
    /// Accepted jobs not yet started, counting submits still blocked on a
    /// full queue (so it can exceed `capacity`).
    pub queued: usize,
    /// Jobs running now (at most `workers` when the snapshot is consistent;
    /// see [`Pool::stats`]).
    pub active: usize,
    /// Jobs that ran and returned.
    pub completed: usize,
    /// Jobs that panicked.
    pub panicked: usize,
    /// Jobs that never ran: cancelled through their handle or group, or
    /// taken back by `abort`.
    pub cancelled: usize,
    /// Of `completed`, `panicked` and `cancelled`, the jobs that a
    /// submitter ran on its own thread because the queue was full
    /// ([`Wait::RunHere`](crate::Wait::RunHere)).
    pub ran_here: usize,
}

/// How the jobs of a finished pool ended ([`Pool::shutdown`],
/// [`Pool::abort`]).
///
/// # Examples
///
/// ```
/// let r = ringq_pool::Pool::new(1, 2).shutdown();
/// assert_eq!(r, ringq_pool::Report { completed: 0, panicked: 0, cancelled: 0 });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Jobs that ran and returned.
    pub completed: usize,
    /// Jobs that panicked.
    pub panicked: usize,
    /// Jobs that never ran.
    pub cancelled: usize,
}

/// What [`Pool::abort`] returns: the jobs it took back, and the report.
///
/// # Examples
///
/// ```
/// let aborted = ringq_pool::Pool::new(1, 2).abort();
/// assert!(aborted.pending.is_empty());
/// ```
#[derive(Debug)]
pub struct Aborted {
    /// Jobs that had not started, in no particular order. Dropping them
    /// cancels them; [`PendingJob::run`] runs one here.
    pub pending: Vec<PendingJob>,
    /// How all the pool's jobs ended (the pending ones count as cancelled).
    pub report: Report,
}
