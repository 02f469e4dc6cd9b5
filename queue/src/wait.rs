//! How a blocked call waits: spin, then park; and the waiter lists that
//! wake parked threads.
//!
//! # The two phases (`WaitPolicy::Adaptive`)
//!
//! 1. **Spin** [`SPIN_ROUNDS`] short rounds of PAUSE instructions, with an
//!    attempt after each: about 3 µs, long enough to see the other side of
//!    the queue move when it is running on another core (it moves within
//!    a microsecond or two), short enough to cost little when it is not.
//! 2. **Park**: register in the [`Waker`] of the side we wait on, re-try once,
//!    then park until a notifier, `close()`, the cancel token or the deadline
//!    wakes us. A parked thread uses no CPU.
//!
//! There is no yield phase between them. Until 2026-11-30 blocked calls
//! yielded the CPU up to 64 times before parking; on this project's 2-vCPU
//! machines (Linux 6.18, the EEVDF scheduler) that measured worse on both an
//! idle and a busy machine. EEVDF's `sched_yield` rarely hands the core over
//! (median 0.78 µs with two CPU-burning processes running) but pushes the
//! caller's deadline back by a slice each time, so a thread that waits by
//! yielding keeps its core, stays runnable, and then loses to other
//! processes for whole time slices, while a thread that parked is woken
//! with the scheduler's preference. In 3-trial `compare` runs on
//! 2026-11-30 with two CPU-burning processes, the variants with a yield
//! phase (64 or 8 yields, with or without skipping it after slow or
//! fruitless yields) gave loaded throughput geomeans of 0.6-0.7× std and
//! 0.5-0.6× flume, and all but one of them a sparse-latency p50 of 0.45-2 ms
//! (the exception: 11.7 µs); without the yield phase the geomeans were 1.9×
//! and 1.6× and the p50 15 µs, and the idle geomeans did not drop (see the
//! README and `sync.rs`).
//!
//! `WaitPolicy::Park` goes straight to phase 2; `WaitPolicy::Spin` repeats
//! phase 1 until done and never registers.
//!
//! Only phase 2 touches a lock (a spin lock, see `spin_lock.rs`), and only when some thread is actually parked
//! does the other side's fast path pay more than one atomic load
//! ([`Waker::notify_one`]).
//!
//! # No lost wake-ups
//!
//! * Queue events: the waiter registers (SeqCst increment of `count`) before
//!   its last re-check; the notifier loads `count` with SeqCst after its claim.
//!   See the handshake in `ring.rs`.
//! * `close()`: [`Waker::notify_all`] always takes the lock. A waiter that
//!   registered before it is woken; one that registers after it acquires the
//!   lock after the closer released it, so it sees the close mark.
//! * A notification that reaches a thread which then leaves without a fresh
//!   attempt is passed on to the next waiter (see [`park_phase`]).
//! * Cancellation: see `CancelToken::watch`.

pub(crate) mod context;
pub(crate) mod waiter;

use alloc::collections::VecDeque;
use core::ops::ControlFlow;
use core::task;
use std::time::Instant;

use crate::cancel::{earlier, CancelToken};
use crate::policy::WaitPolicy;
pub(crate) use crate::ring::Check;
use crate::spin_lock::SpinLock;
use crate::sync::{
    current, deadline_passed, load_notifier, load_seqcst, park, park_timeout, spin_hint,
    AtomicUsize, Ordering, Thread, BUSY_WAIT, SPIN_PAUSES, SPIN_ROUNDS,
};
pub(crate) use crate::wait::waiter::{Taken, TaskId, Waiter, Who};

/// Threads parked on one side of a queue (pushers or poppers), and async
/// tasks waiting on that side (`future.rs`).
pub(crate) struct Waker {
    /// Number of entries in `waiters`. Non-zero means a notifier must take
    /// the lock; zero lets the fast path skip it.
    count: AtomicUsize,
    /// Waiting threads and tasks, oldest first. Notifiers `unpark` a thread
    /// while holding the lock, so once `unregister` returns no late
    /// `unpark` from this list can reach the thread (it may find a stored
    /// token at its next `park`, which every caller of `park` tolerates).
    /// A task's waker is called after the lock is released (it may run
    /// the executor's code); a late wake of a task is a spurious poll,
    /// which every future here tolerates.
    waiters: SpinLock<VecDeque<Waiter>>,
}

impl Waker {
    pub(crate) fn new() -> Waker {
        Waker {
            count: AtomicUsize::new(0),
            waiters: SpinLock::new(VecDeque::new()),
        }
    }

    /// Adds `thread` to the list. The caller must re-check the queue after
    /// this returns and before parking.
    pub(crate) fn register(&self, thread: &Thread) {
        self.push(Waiter::Thread(thread.clone()));
    }

    /// Adds the task `id` to the list with `waker`. The caller must
    /// re-check the queue after this returns and before returning
    /// `Pending` (the same handshake as a thread's).
    pub(crate) fn register_task(&self, id: TaskId, waker: &task::Waker) {
        self.push(Waiter::Task {
            id,
            waker: waker.clone(),
        });
    }

    fn push(&self, waiter: Waiter) {
        self.waiters.with(|waiters| {
            waiters.push_back(waiter);
            // SeqCst: the waiter's half of the handshake in `ring.rs`; it must
            // precede the re-check's fence in the total order.
            self.count.fetch_add(1, Ordering::SeqCst);
        });
    }

    /// Removes `who` from the list. Returns `false` if it was no longer
    /// there, i.e. a notifier took it out: a notification was addressed to it.
    pub(crate) fn unregister(&self, who: Who<'_>) -> bool {
        self.waiters
            .with(|waiters| match waiters.iter().position(|w| w.is(who)) {
                Some(pos) => {
                    waiters.remove(pos);
                    // Relaxed: `count` only changes under the lock; a notifier that
                    // reads a stale non-zero value just takes the lock for nothing.
                    self.count.fetch_sub(1, Ordering::Relaxed);
                    true
                }
                None => false,
            })
    }

    /// Whether `who` is still on the list: `false` once a notifier took
    /// it off (a notification was addressed to it).
    pub(crate) fn is_registered(&self, who: Who<'_>) -> bool {
        self.waiters
            .with(|waiters| waiters.iter().any(|w| w.is(who)))
    }

    /// Wakes the oldest waiter, if any. One SeqCst load when none is.
    #[inline]
    pub(crate) fn notify_one(&self) {
        // SeqCst (through the shim's loom-aware load): the notifier's half of
        // the handshake in `ring.rs`.
        if load_seqcst(&self.count) != 0 {
            self.notify_slow(1);
        }
    }

    /// Wakes up to `n` waiters after a claim that made `n` values (or
    /// slots) available: after a shared side's claim CAS, or after an owned
    /// side's claim (`owned`), whose `fence(SeqCst)` (`ring/owned.rs`)
    /// orders the count load. The load is the shim's [`load_notifier`]: a
    /// `SeqCst` load in a normal build either way (one `mov` on x86); under
    /// loom the RMW that stands in for a shared side's `SeqCst` load, and
    /// a plain load after an owned side's fence, so the models check that
    /// fence as it ships (`sync.rs`).
    #[inline]
    pub(crate) fn notify_claimed(&self, n: usize, owned: bool) {
        if n != 0 && load_notifier(&self.count, owned) != 0 {
            self.notify_slow(n);
        }
    }

    /// Wakes every waiter. Always takes the lock (see the module docs:
    /// the close handshake goes through the lock, not through `count`).
    pub(crate) fn notify_all(&self) {
        self.notify_slow(usize::MAX);
    }

    /// Takes up to `n` of the oldest waiters off the list; unparks the
    /// threads under the lock and wakes the tasks after it ([`Taken`]).
    #[cold]
    fn notify_slow(&self, n: usize) {
        let taken = self.waiters.with(|waiters| {
            let n = n.min(waiters.len());
            // Relaxed: under the lock, see `unregister`.
            self.count.fetch_sub(n, Ordering::Relaxed);
            let mut taken = Taken::default();
            waiters.drain(..n).for_each(|w| taken.take(w));
            taken
        });
        taken.wake_tasks();
    }
}

impl core::fmt::Debug for Waker {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Waker")
            .field("parked", &self.count.load(Ordering::Relaxed))
            .finish()
    }
}

/// Why a blocked call gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Timeout,
    Cancelled,
}

/// When a blocked call should stop waiting.
#[derive(Clone, Copy)]
pub(crate) struct Until<'a> {
    pub(crate) deadline: Option<Instant>,
    pub(crate) token: Option<&'a CancelToken>,
}

impl Until<'_> {
    /// Wait until the operation can complete.
    pub(crate) const FOREVER: Until<'static> = Until {
        deadline: None,
        token: None,
    };

    #[inline]
    pub(crate) fn stop(&self) -> Option<Stop> {
        if self.token.is_some_and(CancelToken::is_cancelled) {
            return Some(Stop::Cancelled);
        }
        if self.deadline.is_some_and(deadline_passed) {
            return Some(Stop::Timeout);
        }
        None
    }
}

/// Retries `attempt` until it breaks (the operation finished: success or
/// closed), waiting between attempts as `policy` says, or until `until`
/// says stop (the state, e.g. the value being pushed, comes back).
///
/// `attempt` must be non-blocking and must have already failed once: this is
/// the slow path. It is told what its verdict must be ([`Check`]): a poll
/// in the spin phase, the waiter's re-check after registering.
#[inline(never)]
pub(crate) fn block<S, R>(
    waker: &Waker,
    policy: WaitPolicy,
    state: S,
    until: Until<'_>,
    attempt: impl FnMut(S, Check) -> ControlFlow<R, S>,
) -> Result<R, (Stop, S)> {
    match policy {
        // Under loom `BUSY_WAIT` is false: every policy parks (`sync.rs`).
        WaitPolicy::Spin if BUSY_WAIT => spin_phase(state, until, attempt),
        WaitPolicy::Park | WaitPolicy::Spin => park_phase(waker, state, until, attempt),
        WaitPolicy::Adaptive => adaptive(waker, state, until, attempt),
    }
}

/// `WaitPolicy::Spin`: spin rounds until done or stopped, without limit.
/// Never registers, so no notifier ever pays for this waiter.
fn spin_phase<S, R>(
    state: S,
    until: Until<'_>,
    mut attempt: impl FnMut(S, Check) -> ControlFlow<R, S>,
) -> Result<R, (Stop, S)> {
    match spin(None, state, &until, &mut attempt)? {
        ControlFlow::Break(r) => Ok(r),
        ControlFlow::Continue(_) => unreachable!("spin without a limit only breaks or stops"),
    }
}

/// `WaitPolicy::Adaptive`: spin briefly, then park (the module docs).
fn adaptive<S, R>(
    waker: &Waker,
    state: S,
    until: Until<'_>,
    mut attempt: impl FnMut(S, Check) -> ControlFlow<R, S>,
) -> Result<R, (Stop, S)> {
    // Under loom the budget is zero (see `sync.rs`): straight to parking.
    match spin(Some(SPIN_ROUNDS), state, &until, &mut attempt)? {
        ControlFlow::Break(r) => Ok(r),
        ControlFlow::Continue(state) => park_phase(waker, state, until, attempt),
    }
}

/// Spin rounds ([`SPIN_PAUSES`] spin hints, then one attempt), at most
/// `rounds` of them (`None`: no limit): `Break` when the operation
/// finished, `Continue` with the state when the rounds ran out, `Err` when
/// `until` says stop.
fn spin<S, R>(
    rounds: Option<u32>,
    mut state: S,
    until: &Until<'_>,
    attempt: &mut impl FnMut(S, Check) -> ControlFlow<R, S>,
) -> Result<ControlFlow<R, S>, (Stop, S)> {
    let mut left = rounds;
    loop {
        if left == Some(0) {
            return Ok(ControlFlow::Continue(state));
        }
        if let Some(stop) = until.stop() {
            // The spin phase's polls may have said "full" ("empty") while
            // the other side was between a claim and its stamp: the last
            // word before giving up is the exact verdict (`Check`).
            return match attempt(state, Check::Recheck) {
                ControlFlow::Break(r) => Ok(ControlFlow::Break(r)),
                ControlFlow::Continue(s) => Err((stop, s)),
            };
        }
        for _ in 0..SPIN_PAUSES {
            spin_hint();
        }
        state = match attempt(state, Check::Poll) {
            ControlFlow::Break(r) => return Ok(ControlFlow::Break(r)),
            ControlFlow::Continue(s) => s,
        };
        left = left.map(|n| n - 1);
    }
}

/// Phase 2: register, re-check, park; repeat.
///
/// Notifications: a notifier removes the oldest waiter from the list and
/// unparks it. When our `unregister` finds us already removed, a notification
/// was ours. It is "used" by the attempt we make after it (that attempt sees
/// the room or value the notifier made, unless another thread took it first,
/// in which case that thread used it). If instead we leave with a result from
/// an attempt made *before* the notification, we pass it on with
/// `notify_one`, or a second parked thread could sleep next to free room.
#[cold]
fn park_phase<S, R>(
    waker: &Waker,
    mut state: S,
    until: Until<'_>,
    mut attempt: impl FnMut(S, Check) -> ControlFlow<R, S>,
) -> Result<R, (Stop, S)> {
    let me = current();
    // Registered with the token (and its ancestors) for the whole phase, so
    // `cancel()` unparks us; checked by `until.stop()` after each registration.
    let _watch = until.token.map(|t| t.watch(&me));
    loop {
        waker.register(&me);
        // The re-check that makes parking safe (handshake in `ring.rs`).
        match attempt(state, Check::Recheck) {
            ControlFlow::Break(r) => {
                if !waker.unregister(Who::Thread(&me)) {
                    // Notified after registering, but this result may predate
                    // the notification: pass it on.
                    waker.notify_one();
                }
                return Ok(r);
            }
            ControlFlow::Continue(s) => state = s,
        }
        if let Some(stop) = until.stop() {
            if !waker.unregister(Who::Thread(&me)) {
                // Notified since the attempt above: use it before leaving.
                match attempt(state, Check::Recheck) {
                    ControlFlow::Break(r) => return Ok(r),
                    ControlFlow::Continue(s) => state = s,
                }
            }
            return Err((stop, state));
        }
        // Park only while still on the list and the token has not fired.
        // A notifier takes us off the list before it unparks us, and a
        // cancel sets the flag before it unparks us, so a wake-up whose
        // unpark token got lost (see `spin_lock.rs` and loom-tests'
        // README: a loom model with two pushers deadlocked without this
        // check) is still seen here, and the next round's attempt uses it.
        // With std's tokens this costs one lock round trip per park.
        let cancelled = until.token.is_some_and(CancelToken::is_cancelled);
        if waker.is_registered(Who::Thread(&me)) && !cancelled {
            // Wake by the call's own deadline and by its token's, if any.
            match earlier(until.deadline, until.token.and_then(CancelToken::deadline)) {
                Some(at) => park_timeout(at),
                None => park(),
            }
        }
        // Whether woken by a notification, the token, the deadline or
        // spuriously, leave the list; the next round's attempt uses a
        // notification if there was one.
        waker.unregister(Who::Thread(&me));
    }
}
