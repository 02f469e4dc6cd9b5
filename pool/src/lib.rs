//! A thin worker pool on [ringq]: backpressure, drain or abort, panic
//! isolation, fail-fast groups and pipelines.
//!
//! The queue does the synchronization; this crate adds the workers and the
//! bookkeeping Go programmers get from worker pools, `errgroup` and
//! pipelines:
//!
//! * [`Pool`]: a fixed set of workers over a bounded queue. `execute` and
//!   `submit` block while the queue is full, `try_execute`/`try_submit`
//!   never block, `execute_timeout`/`submit_timeout` block for a while, and
//!   a rejected job comes back to the caller ([`Rejected::into_inner`]);
//!   [`Pool::execute_with`] takes the policy as a [`Wait`], including
//!   [`Wait::RunHere`] (the caller runs the job when the queue is full).
//!   [`Pool::shutdown`] (and `Drop`) runs every queued job,
//!   [`Pool::shutdown_timeout`] gives up at a deadline, and [`Pool::abort`]
//!   hands them back. A panicking job never kills a worker.
//! * [`Pool::scope`]: jobs that borrow from the caller's stack;
//!   [`Pool::broadcast`]: a call on every worker.
//! * A resizable worker set ([`Builder::max_workers`],
//!   [`Builder::keep_alive`], [`Pool::set_workers`]) and a hand-off pool
//!   (capacity 0: each job goes straight to an idle worker).
//! * [`Pool::execute_async`] / [`Pool::submit_async`]: submitting from
//!   async code, waiting for room without blocking the executor.
//! * [`Pool::completions`]: a set of jobs whose results come back in the
//!   order they finish ([`Completions`], tokio's `JoinSet`); dropping it
//!   cancels what has not started.
//! * [`JobHandle`]: the result of a `submit`ted job; it can be cancelled
//!   before it starts. Lock-free: one allocation with an atomic state
//!   word, and no syscall unless a joiner is parked.
//! * [`Builder::wait`]: how idle workers (and submitters on a full queue)
//!   wait, the queue's [`WaitPolicy`].
//! * [`Group`]: the first error or panic cancels the group's token and the
//!   jobs that have not started, with an optional limit on jobs in flight;
//!   `try_spawn` hands a refused closure back; [`Pool::group_results`]
//!   also collects the jobs' values.
//! * Errors are `Send + Sync` (a caught panic travels as a [`Panic`]: its
//!   message, and its payload by value), so `handle.join()?` converts into
//!   `Box<dyn Error + Send + Sync>`.
//! * [`Semaphore`]: permits on a ringq queue, one or several at a time.
//! * [`pipeline`]: sources, stages, ordered and unordered parallel maps and
//!   fan-in, stopped as a whole by one token.
//! * [`Backend`]: the queue the pool runs on; ringq by default, or your
//!   own (the workspace's benchmarks run the pool over crossbeam-channel
//!   and `std::sync::mpsc` through it).
//!
//! # Accounting
//!
//! Every accepted job ends exactly once: completed, panicked, or cancelled
//! before it started. [`Pool::stats`] satisfies
//! `completed + panicked + cancelled + queued + active == accepted` in every
//! snapshot.
//!
//! # What misuse gets
//!
//! | misuse | result |
//! |---|---|
//! | `Pool::new(0, _)`, a capacity too large | panic with a message pointing at the caller (`Pool::builder().build()` returns a [`BuildError`] instead) |
//! | `set_workers(0)` or above `max_workers`, or on a closed pool | [`ResizeError`] |
//! | `broadcast` from one of the pool's own jobs | panic with a message (that worker could never take its share) |
//! | submitting to a closed pool | `Rejected::Closed(f)`: your closure comes back |
//! | `wait_idle` from one of the pool's own jobs | panic with a message (it would wait for itself) |
//! | dropping or `shutdown` of the pool inside its own job | closes only; the workers finish the queue and exit on their own |
//! | blocking `execute` from inside a job while every worker does the same on a full queue | deadlock, as with any bounded pool: use `try_execute` from jobs |
//! | polling an [`ExecuteAsync`]/[`SubmitAsync`] after it resolved, or after a `cancel` that handed the closure back | a panic saying so |
//! | [`Wait::RunHere`] on a closed pool | `Rejected::Closed(f)`: a closed pool runs nothing, not even on the caller |
//! | `JobHandle::join`, [`Completions::next`], `Group::wait`, dropping a `Group`, or [`Pool::scope`] from inside a job of the same pool, while the awaited jobs are queued behind it | deadlock when every worker does it (the awaited jobs never get a worker); not detected: join or wait from outside the pool |
//! | a job, result or panic payload whose `Drop` panics | caught on the worker (and the panic payloads that drop throws, 4 levels deep; past that one is leaked); the worker lives on and the job is counted |
//! | `Group::limit(0)`, a pipeline stage with 0 workers, `Semaphore::new` above `ringq::MAX_CAPACITY` | panic with a message naming the call, pointing at the caller |
//!
//! # Examples
//!
//! ```
//! use ringq_pool::Pool;
//!
//! let pool = Pool::new(4, 256);
//! let handles: Vec<_> = (0..8u64).map(|i| pool.submit(move || i * i).unwrap()).collect();
//! let total: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
//! assert_eq!(total, 140);
//! ```
//!
//! [ringq]: https://docs.rs/ringq

mod broadcast;
mod builder;
mod completions;
mod error;
mod group;
mod job;
mod panic;
mod pool;
mod roster;
mod scope;
mod semaphore;
mod shutdown;
mod snapshot;
mod submit_async;
mod sync;
mod unwind;
mod wait;
mod workers;

pub mod backend;
pub mod pipeline;

pub use crate::backend::{AsyncPush, Backend, RingqBackend};
pub use crate::builder::Builder;
pub use crate::completions::{Completions, NextError};
pub use crate::error::{
    panic_message, BuildError, GroupError, JobError, PipelineError, Rejected, ResizeError,
};
pub use crate::group::Group;
pub use crate::job::{Job, JobHandle, JoinTimeout, PendingJob};
pub use crate::panic::Panic;
pub use crate::pool::Pool;
pub use crate::scope::Scope;
pub use crate::semaphore::{Permit, Semaphore};
pub use crate::shutdown::ShutdownTimeout;
pub use crate::snapshot::{Aborted, Report, Stats};
pub use crate::submit_async::{ExecuteAsync, SubmitAsync};
pub use crate::wait::Wait;
pub use ringq::{CancelToken, WaitPolicy};
