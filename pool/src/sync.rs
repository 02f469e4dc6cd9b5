//! The pool's synchronization primitives: std's normally, loom's under
//! `--cfg loom`, so the loom models in `loom-tests/` check the shipped code.
//!
//! The pool is thin: the job queue (ringq) does the lock-free work. What is
//! left here is a mutex and condition variable for the slow paths
//! (`wait_idle`, groups), a few counters, threads with their park/unpark,
//! and the `UnsafeCell` of a job handle's one-shot (`job/oneshot.rs`).
//!
//! One difference between the builds, the same one ringq's shim documents:
//! [`load_seqcst`] is a plain `SeqCst` load normally and a `fetch_add(0,
//! SeqCst)` under loom, because loom models `SeqCst` loads more weakly than
//! C++20 does (loom issue #180) and would report a false lost wake-up on the
//! store-buffering handshake `wait_idle` uses. Because that load writes,
//! [`bump`] (a worker's own counter) is an RMW under loom too.

#[cfg(not(any(loom, shuttle)))]
pub(crate) use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Condvar, Mutex, MutexGuard,
    },
    thread,
};

#[cfg(loom)]
pub(crate) use loom::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Condvar, Mutex, MutexGuard,
    },
    thread,
};

// Shuttle (`--cfg shuttle`, for `shuttle-tests/`): its mutex, condition
// variable, atomics and threads, so its schedulers control every point where
// the pool can interleave. `Arc` is std's (shuttle re-exports it).
#[cfg(all(shuttle, not(loom)))]
pub(crate) use shuttle::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Condvar, Mutex, MutexGuard,
    },
    thread,
};

/// `UnsafeCell` with loom's closure-based access API (loom's own under
/// loom, so a model checks every access to a one-shot's cells; std's under
/// shuttle, which checks schedules, not memory).
#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell;

#[cfg(not(loom))]
pub(crate) use self::cell::UnsafeCell;

#[cfg(not(loom))]
mod cell {
    /// std's `UnsafeCell` behind loom's access API.
    pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(data: T) -> UnsafeCell<T> {
            UnsafeCell(std::cell::UnsafeCell::new(data))
        }

        /// Calls `f` with a mutable raw pointer to the contents.
        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}

/// Parks the calling thread until it is unparked or `deadline` passes
/// (`None`: no deadline); it may also return spuriously. Whether the
/// deadline has passed; the caller re-checks its condition either way.
#[cfg(not(any(loom, shuttle)))]
pub(crate) fn park_until(deadline: Option<std::time::Instant>) -> bool {
    let Some(deadline) = deadline else {
        thread::park();
        return false;
    };
    match deadline.checked_duration_since(std::time::Instant::now()) {
        Some(left) => {
            thread::park_timeout(left);
            std::time::Instant::now() >= deadline
        }
        None => true,
    }
}

/// No clock under loom and shuttle (see [`wait_until`]): a bounded park has
/// timed out at once; an unbounded one parks.
#[cfg(any(loom, shuttle))]
pub(crate) fn park_until(deadline: Option<std::time::Instant>) -> bool {
    match deadline {
        None => {
            thread::park();
            false
        }
        Some(_) => true,
    }
}

/// Locks `m`, ignoring poisoning: the pool never runs a job (or any other
/// caller code) while it holds one of its own locks, so a poisoned lock can
/// only come from a bug in the pool itself, and the data it guards (counters
/// and result slots) is valid after every statement.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Waits on `cv`, ignoring poisoning (see [`lock`]).
pub(crate) fn wait<'a, T>(cv: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    cv.wait(guard)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Waits on `cv` until notified or `deadline` (`None`: until notified),
/// ignoring poisoning (see [`lock`]): the guard, and whether the deadline
/// has passed. The caller re-checks its condition either way.
pub(crate) fn wait_until<'a, T>(
    cv: &Condvar,
    guard: MutexGuard<'a, T>,
    deadline: Option<std::time::Instant>,
) -> (MutexGuard<'a, T>, bool) {
    match deadline {
        None => (wait(cv, guard), false),
        Some(deadline) => wait_deadline(cv, guard, deadline),
    }
}

#[cfg(not(any(loom, shuttle)))]
fn wait_deadline<'a, T>(
    cv: &Condvar,
    guard: MutexGuard<'a, T>,
    deadline: std::time::Instant,
) -> (MutexGuard<'a, T>, bool) {
    let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) else {
        return (guard, true);
    };
    let (guard, _) = cv
        .wait_timeout(guard, left)
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    (guard, std::time::Instant::now() >= deadline)
}

/// Under loom and shuttle there is no clock (as in ringq's shim): every
/// deadline has passed, so a bounded wait re-checks its condition once and
/// times out, without waiting.
#[cfg(any(loom, shuttle))]
fn wait_deadline<'a, T>(
    _cv: &Condvar,
    guard: MutexGuard<'a, T>,
    _deadline: std::time::Instant,
) -> (MutexGuard<'a, T>, bool) {
    (guard, true)
}

/// Adds one to a counter that only the calling thread writes: a plain load
/// and store, no locked instruction. The load is `Relaxed` because this
/// thread wrote every value the counter ever had.
#[cfg(not(loom))]
#[inline(always)]
pub(crate) fn bump(counter: &AtomicUsize, order: Ordering) {
    counter.store(counter.load(Ordering::Relaxed) + 1, order);
}

/// Under loom, an RMW: the readers' [`load_seqcst`] is a `fetch_add(0)`
/// there, a write, and loom let a worker's load-then-store race with it so
/// that a later read saw the counter go back (3, then 2: the hand-off pool
/// model, 2026-11-30). The shipped build has no writer but the worker, so
/// the plain store is exact there.
#[cfg(loom)]
pub(crate) fn bump(counter: &AtomicUsize, order: Ordering) {
    counter.fetch_add(1, order);
}

/// A `SeqCst` load that takes part in a store-buffering handshake; see the
/// module docs.
#[cfg(not(loom))]
#[inline(always)]
pub(crate) fn load_seqcst(a: &AtomicUsize) -> usize {
    a.load(Ordering::SeqCst)
}

/// A `SeqCst` load that takes part in a store-buffering handshake; see the
/// module docs.
#[cfg(loom)]
pub(crate) fn load_seqcst(a: &AtomicUsize) -> usize {
    a.fetch_add(0, Ordering::SeqCst)
}
