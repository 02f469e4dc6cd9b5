//! The one-shot a `submit` job and its [`JobHandle`](super::JobHandle)
//! share: one allocation, one atomic state word, the result and the
//! joiner's waiter in cells the word guards. No lock, and no syscall unless
//! a joiner is parked.
//!
//! # The state word
//!
//! The low bits are the job's phase: `QUEUED` → `RUNNING` → `DONE` on the
//! worker, or `QUEUED` → `CANCELLED` (by the handle, or when the job is
//! dropped unrun); the handle moves a final phase to `TAKEN` when it takes
//! the outcome. Two flags belong to the joiner's waiter cell:
//! `LOCKED` (the handle is writing the cell) and `WAITER` (the cell holds a
//! registered waiter: a parked thread or a task's waker).
//!
//! # The handshake
//!
//! Only the handle registers, and it is one owner (`join` takes it by value,
//! `poll` by `&mut`), so registrations never overlap. To register it sets
//! `LOCKED` with a CAS that requires a pending phase, writes the cell, then
//! swaps `LOCKED` for `WAITER` with a CAS (`Release`). The finisher (the
//! worker, or whoever cancels) moves the phase to final with one CAS
//! (`AcqRel`) that leaves both flags as they were, and looks at the flags
//! it replaced:
//!
//! * `WAITER` without `LOCKED`: the handle's release CAS came first, so the
//!   cell holds the waiter and is visible (the `Acquire` half); no
//!   registration can start any more (it needs a pending phase), so the
//!   finisher owns the cell, takes the waiter and wakes it;
//! * `LOCKED`: a registration is in flight; the finisher leaves the cell
//!   alone, and the handle's release CAS fails on the changed phase, so the
//!   handle sees the final phase itself and takes the outcome at once;
//! * neither: nobody waits; the handle will see the phase when it looks.
//!
//! Either the finisher wakes the registered waiter, or the handle sees the
//! final phase: a wake-up is never lost. The result is written before the
//! finisher's CAS (`Release`) and read after the handle's load of the final
//! phase (`Acquire`); while the phase is `RUNNING` only the worker touches
//! it, after `DONE` only the handle.

use std::task::Waker;

use crate::sync::{thread, AtomicUsize, Ordering, UnsafeCell};

const PHASE: usize = 0b111;
const QUEUED: usize = 0;
const RUNNING: usize = 1;
const DONE: usize = 2;
const CANCELLED: usize = 3;
const TAKEN: usize = 4;
/// The waiter cell holds a registered waiter.
const WAITER: usize = 0b1000;
/// The handle is writing the waiter cell.
const LOCKED: usize = 0b1_0000;

/// Whether the phase in `state` is `DONE` or `CANCELLED` (or already
/// `TAKEN`): the job will not change it again.
fn is_final(state: usize) -> bool {
    state & PHASE >= DONE
}

/// Who waits for the outcome.
pub(super) enum Waiter {
    /// A thread in `join`, parked.
    Thread(thread::Thread),
    /// A task awaiting the handle.
    Task(Waker),
}

impl Waiter {
    fn wake(self) {
        match self {
            Waiter::Thread(t) => t.unpark(),
            Waiter::Task(w) => w.wake(),
        }
    }
}

/// What a finished job left for its handle.
pub(super) enum Outcome<R> {
    /// It ran: what it returned, or its panic payload.
    Ran(std::thread::Result<R>),
    /// It never ran.
    Cancelled,
}

/// Where a job is, for `Debug` and `is_finished`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Queued,
    Running,
    /// Ran (returned or panicked: which is in the result, that only the
    /// handle's owner may read).
    Done,
    Cancelled,
    Taken,
}

pub(super) struct Oneshot<R> {
    state: AtomicUsize,
    /// Written by the worker while `RUNNING`, taken by the handle after
    /// `DONE` (module docs).
    result: UnsafeCell<Option<std::thread::Result<R>>>,
    /// The joiner's waiter, guarded by `LOCKED` and `WAITER` (module docs).
    waiter: UnsafeCell<Option<Waiter>>,
}

// SAFETY: the cells are only touched under the protocol in the module docs,
// which gives each access to one thread at a time with a happens-before edge
// between owners; the result and the waiter move between threads, so `R`
// must be `Send` (a `Waker` and a `Thread` are).
unsafe impl<R: Send> Sync for Oneshot<R> {}
// SAFETY: as above; the result is the only thread-bound content.
unsafe impl<R: Send> Send for Oneshot<R> {}

impl<R> Oneshot<R> {
    pub(super) fn new() -> Oneshot<R> {
        Oneshot {
            state: AtomicUsize::new(QUEUED),
            result: UnsafeCell::new(None),
            waiter: UnsafeCell::new(None),
        }
    }

    /// Moves the phase from `from` to `to`, keeping the flags: the word
    /// before, or `Err` with the word seen if the phase was not `from`.
    /// `order` is the success ordering; a failure is `Relaxed` (the callers
    /// that act on a failure only need the phase, which no data depends
    /// on).
    fn advance(&self, from: usize, to: usize, order: Ordering) -> Result<usize, usize> {
        // Relaxed: the CAS below decides, with `order`.
        let mut seen = self.state.load(Ordering::Relaxed);
        loop {
            if seen & PHASE != from {
                return Err(seen);
            }
            match self.state.compare_exchange_weak(
                seen,
                seen & !PHASE | to,
                order,
                Ordering::Relaxed,
            ) {
                Ok(before) => return Ok(before),
                Err(now) => seen = now,
            }
        }
    }

    /// The worker takes the job: `QUEUED` → `RUNNING`. `false` if it was
    /// cancelled first (the one CAS on the word decides between the two).
    pub(super) fn start(&self) -> bool {
        // Relaxed: no data moves with the start (the closure is the
        // worker's already); only the order against `cancel`'s CAS on the
        // same word matters, which any RMW gives.
        self.advance(QUEUED, RUNNING, Ordering::Relaxed).is_ok()
    }

    /// The worker ran the job: stores what it returned and wakes the joiner.
    pub(super) fn complete(&self, result: std::thread::Result<R>) {
        // SAFETY: the phase is `RUNNING` (this worker's `start` set it and
        // only this worker leaves it), during which no one else touches
        // the result (module docs).
        self.result.with_mut(|r| unsafe { *r = Some(result) });
        // AcqRel: Release publishes the result to the handle; Acquire sees
        // a registered waiter's cell (module docs).
        match self.advance(RUNNING, DONE, Ordering::AcqRel) {
            Ok(before) => self.wake(before),
            Err(_) => unreachable!("only the worker that started a job finishes it"),
        }
    }

    /// `QUEUED` → `CANCELLED` and wakes the joiner; `false` if the job had
    /// started or ended.
    pub(super) fn cancel(&self) -> bool {
        // AcqRel: Acquire sees a registered waiter's cell; Release orders
        // the phase for the handle, as `complete` does.
        match self.advance(QUEUED, CANCELLED, Ordering::AcqRel) {
            Ok(before) => {
                self.wake(before);
                true
            }
            Err(_) => false,
        }
    }

    /// After a move to a final phase from `before`: wakes the registered
    /// waiter, if the flags say the cell is ours (module docs).
    fn wake(&self, before: usize) {
        if before & (WAITER | LOCKED) == WAITER {
            // The handle's registration was complete (our Acquire saw it)
            // and none can start now (module docs).
            // SAFETY: `WAITER` without `LOCKED` as the phase turned final:
            // this is the only access to the cell.
            let waiter = self.waiter.with_mut(|w| unsafe { (*w).take() });
            if let Some(waiter) = waiter {
                waiter.wake();
            }
        }
    }

    /// Where the job is: a snapshot.
    pub(super) fn phase(&self) -> Phase {
        // Relaxed: a report; no data is read through it.
        match self.state.load(Ordering::Relaxed) & PHASE {
            QUEUED => Phase::Queued,
            RUNNING => Phase::Running,
            DONE => Phase::Done,
            CANCELLED => Phase::Cancelled,
            _ => Phase::Taken,
        }
    }

    /// Whether the job was cancelled before it started.
    pub(super) fn is_cancelled(&self) -> bool {
        // Relaxed: the worker learns the same through `start`'s CAS; this
        // is `abort`'s sorting of jobs it already owns.
        self.state.load(Ordering::Relaxed) & PHASE == CANCELLED
    }

    /// The handle takes the outcome if the job has ended, leaving `TAKEN`.
    ///
    /// Only the handle calls this (it owns the handle, by value or
    /// `&mut`), so there is one taker.
    ///
    /// # Panics
    ///
    /// If the outcome was already taken (a handle polled after it
    /// resolved).
    pub(super) fn take(&self) -> Option<Outcome<R>> {
        // Acquire: pairs with the finisher's Release, for the result.
        let state = self.state.load(Ordering::Acquire);
        let outcome = match state & PHASE {
            QUEUED | RUNNING => return None,
            DONE => {
                // SAFETY: `DONE` was published after the worker's last
                // access (Acquire above); only the handle, the one taker,
                // reads it now.
                let result = self.result.with_mut(|r| unsafe { (*r).take() });
                Outcome::Ran(result.unwrap_or_else(|| unreachable!("DONE has a result")))
            }
            CANCELLED => Outcome::Cancelled,
            _ => panic!("a JobHandle was polled or joined after it resolved"),
        };
        // Relaxed: in a final phase nobody else writes the word, and no
        // data depends on `TAKEN`.
        self.state.store(state & !PHASE | TAKEN, Ordering::Relaxed);
        Some(outcome)
    }

    /// Registers `waiter` as the one to wake when the job ends, replacing
    /// an earlier one (a task polled again with a new waker). `false` if
    /// the job has already ended: take the outcome instead.
    ///
    /// Only the handle calls this, never concurrently with itself.
    pub(super) fn register(&self, waiter: Waiter) -> bool {
        // Acquire: a final phase seen here is taken by the caller.
        let mut seen = self.state.load(Ordering::Acquire);
        loop {
            if is_final(seen) {
                return false;
            }
            // Acquire on both: as above, for the final phase a failure
            // may show; the cell itself needs no ordering to lock (no one
            // but the handle writes it while the phase is pending).
            match self.state.compare_exchange_weak(
                seen,
                seen | LOCKED,
                Ordering::Acquire,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(now) => seen = now,
            }
        }
        // SAFETY: `LOCKED` is ours and the phase was pending when we set
        // it: a finisher that turns it final now sees `LOCKED` and leaves
        // the cell alone (module docs).
        self.waiter.with_mut(|w| unsafe {
            let keep = matches!((&*w, &waiter), (Some(Waiter::Task(old)), Waiter::Task(new)) if old.will_wake(new));
            if !keep {
                *w = Some(waiter);
            }
        });
        let mut locked = seen | LOCKED;
        loop {
            // Release: publishes the cell to the finisher's Acquire. On
            // failure Acquire: a final phase there is the finisher's
            // Release, whose result the caller takes.
            match self.state.compare_exchange_weak(
                locked,
                locked & !LOCKED | WAITER,
                Ordering::Release,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(now) if is_final(now) => {
                    // The finisher saw `LOCKED` and left the waiter to us.
                    // SAFETY: we still hold `LOCKED`, and the finisher
                    // has passed the point where it could look.
                    let stale = self.waiter.with_mut(|w| unsafe { (*w).take() });
                    // Relaxed: in a final phase nobody else writes the word.
                    self.state
                        .store(now & !(LOCKED | WAITER), Ordering::Relaxed);
                    drop(stale);
                    return false;
                }
                // The worker started the job (`QUEUED` → `RUNNING`), or a
                // weak CAS failed spuriously: the lock is still ours.
                Err(now) => locked = now,
            }
        }
    }
}
