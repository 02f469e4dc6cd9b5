//! Pool backends over other queues, so `pool_compare` and the pool
//! criterion group can run the same [`ringq_pool::Pool`] over
//! crossbeam-channel and `std::sync::mpsc` as over ringq.
//!
//! They live here, not in `ringq-pool`, because they exist to compare. Every
//! backend must give the close guarantee [`ringq_pool::Backend`] states.
//! Neither queue can wake a blocked send with a close (the pool still holds
//! a sender), so both get that guarantee from a [`Gate`]: they wait in
//! short slices and look at a closed flag between them. `tests/backends.rs`
//! runs the pool's stress scenarios over both.

mod crossbeam;
mod gate;
mod std_mpsc;

use std::time::{Duration, Instant};

use ringq::PushTimeoutError;
use ringq_pool::Job;

pub use self::crossbeam::CrossbeamBackend;
pub use self::gate::Gate;
pub use self::std_mpsc::StdBackend;

/// How long an adapter over a queue that close cannot wake waits before it
/// looks at the closed flag again. It bounds how late a blocked submitter or
/// an idle worker notices a close; it costs nothing while jobs flow.
const SLICE: Duration = Duration::from_millis(1);

/// Blocks in slices of [`SLICE`] on `attempt` until it succeeds, the gate
/// closes, or `deadline` passes. Shared by the adapters' `push` and
/// `push_timeout`. Every round makes one attempt before it looks at the
/// deadline, so a zero timeout still tries once, and a closed gate answers
/// `Closed` whatever the deadline.
fn push_in_slices(
    gate: &Gate,
    mut job: Job,
    deadline: Option<Instant>,
    attempt: impl Fn(Job, Duration) -> Result<(), Job>,
) -> Result<(), PushTimeoutError<Job>> {
    loop {
        let slice = match deadline {
            None => SLICE,
            // Past the deadline: one attempt that does not wait.
            Some(d) => d
                .checked_duration_since(Instant::now())
                .unwrap_or(Duration::ZERO)
                .min(SLICE),
        };
        match gate.pass(job, |j| attempt(j, slice)) {
            Ok(()) => return Ok(()),
            Err((j, true)) => return Err(PushTimeoutError::Closed(j)),
            Err((j, false)) => job = j,
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(PushTimeoutError::Timeout(job));
        }
    }
}

/// Pops in slices until a job arrives or the gate is sealed and the queue
/// empty.
fn pop_in_slices(
    gate: &Gate,
    try_pop: impl Fn() -> Option<Job>,
    wait_pop: impl Fn(Duration) -> Option<Job>,
) -> Option<Job> {
    loop {
        if let Some(job) = wait_pop(SLICE) {
            return Some(job);
        }
        // Sealed first, then empty: a job pushed before the seal is in the
        // queue by the time we look.
        if gate.is_sealed() {
            return try_pop();
        }
    }
}
