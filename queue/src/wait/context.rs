//! One blocked operation that a thread on the other side (or `close()`) can
//! complete for it: a rendezvous push or pop, or a `select!` over several
//! queues. The owner parks until its context is selected or it gives up.
//!
//! # The commit
//!
//! `state` starts at `WAITING`. Exactly one compare-and-swap moves it away:
//!
//! * a partner (a popper for a parked pusher, and the reverse) or `close()`
//!   stores `FIRST_ARM + arm`: the owner is now committed to that arm, and
//!   the partner owns the hand-off through the arm's packet
//!   (`rendezvous/packet.rs`);
//! * the owner itself stores `ABORTED` when its deadline or token ran out,
//!   or when it saw an arm become ready while registered: no partner can
//!   commit it any more, so it may leave with its value.
//!
//! Whoever loses the race sees the winner's value and acts on it: an owner
//! whose abort fails completes the arm it was committed to; a partner whose
//! select fails looks for another waiter. So a blocked call ends with
//! exactly one outcome, and a value is handed over at most once.

use core::task;

use super::{Stop, Until};
use crate::cancel::{earlier, CancelToken};
use crate::spin_lock::SpinLock;
use crate::sync::{current, park, park_timeout, Arc, AtomicUsize, Ordering, Thread};

const WAITING: usize = 0;
const ABORTED: usize = 1;
const FIRST_ARM: usize = 2;

/// The commit state of one blocked operation, and who to wake.
pub(crate) struct Context {
    owner: Owner,
    state: AtomicUsize,
}

/// Who waits on a context: a parked thread, or an async task (a rendezvous
/// `PushFuture`, `future.rs`) whose latest waker each poll stores.
enum Owner {
    Thread(Thread),
    Task(SpinLock<task::Waker>),
}

impl Context {
    /// A waiting context for the current thread.
    pub(crate) fn new() -> Arc<Context> {
        Arc::new(Context {
            owner: Owner::Thread(current()),
            state: AtomicUsize::new(WAITING),
        })
    }

    /// A waiting context for an async task, woken through `waker`.
    pub(crate) fn for_task(waker: &task::Waker) -> Arc<Context> {
        Arc::new(Context {
            owner: Owner::Task(SpinLock::new(waker.clone())),
            state: AtomicUsize::new(WAITING),
        })
    }

    /// The owner's thread (only threads select and wait in [`Context::wait`]).
    pub(crate) fn thread(&self) -> &Thread {
        match &self.owner {
            Owner::Thread(thread) => thread,
            Owner::Task(_) => unreachable!("a task's context is never waited on by a thread"),
        }
    }

    /// A task owner's poll: stores its current waker, then says whether
    /// the context still waits. A partner commits (the CAS) before it takes
    /// this lock in [`Context::unpark`], so either it wakes the waker
    /// stored here or this call sees its commit.
    pub(crate) fn refresh_waker(&self, waker: &task::Waker) -> bool {
        if let Owner::Task(stored) = &self.owner {
            stored.with(|stored| {
                if !stored.will_wake(waker) {
                    stored.clone_from(waker);
                }
            });
        }
        self.is_waiting()
    }

    /// Commits the owner to `arm` if it is still waiting; `true` if this
    /// call did. The caller then owns the hand-off and must unpark the owner.
    pub(crate) fn try_select(&self, arm: usize) -> bool {
        // AcqRel on success: Acquire orders the caller's hand-off after the
        // owner's registration (its packet's fields), Release publishes the
        // commit to the owner's Acquire load in `selected`. Acquire on
        // failure: the caller learns the winner and moves on.
        self.state
            .compare_exchange(
                WAITING,
                FIRST_ARM + arm,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }

    /// The owner gives up: `Ok` if nobody committed it first, else the arm
    /// it was committed to.
    pub(crate) fn try_abort(&self) -> Result<(), usize> {
        // AcqRel/Acquire: as in `try_select`; on failure the Acquire makes the
        // partner's commit (and what it wrote before) visible to the owner.
        match self
            .state
            .compare_exchange(WAITING, ABORTED, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => Ok(()),
            Err(state) => Err(state - FIRST_ARM),
        }
    }

    /// Whether nobody (owner or partner) has ended the wait yet.
    pub(crate) fn is_waiting(&self) -> bool {
        // Acquire: pairs with the Release half of the winning CAS.
        self.state.load(Ordering::Acquire) == WAITING
    }

    /// The owner parks until a partner or `close()` commits it (`Selected`),
    /// `until` says stop and the abort wins (`Stopped`), or `registered`
    /// turns false, meaning a waiter list woke it for a queue event that is
    /// not a commit (a `select` watching a ring), and the abort wins
    /// (`Woken`). Must be called by the owner's thread.
    pub(crate) fn wait(&self, until: Until<'_>, mut registered: impl FnMut() -> bool) -> Waited {
        // Registered with the token for the whole wait, so `cancel()`
        // unparks us; `until.stop()` is checked after that.
        let _watch = until.token.map(|t| t.watch(self.thread()));
        loop {
            let stop = until.stop();
            if stop.is_some() || !registered() {
                return match (self.try_abort(), stop) {
                    (Err(arm), _) => Waited::Selected(arm),
                    (Ok(()), Some(stop)) => Waited::Stopped(stop),
                    (Ok(()), None) => Waited::Woken,
                };
            }
            // Park only while nobody committed us and the token has not
            // fired: both are set before the unpark that announces them,
            // so a lost unpark token cannot park us for good (`wait.rs`).
            let cancelled = until.token.is_some_and(CancelToken::is_cancelled);
            if self.is_waiting() && !cancelled {
                match earlier(until.deadline, until.token.and_then(CancelToken::deadline)) {
                    Some(at) => park_timeout(at),
                    None => park(),
                }
            }
            if !self.is_waiting() {
                if let Err(arm) = self.try_abort() {
                    return Waited::Selected(arm);
                }
            }
        }
    }

    /// Wakes the owner (after committing it).
    pub(crate) fn unpark(&self) {
        match &self.owner {
            Owner::Thread(thread) => thread.unpark(),
            Owner::Task(waker) => waker.with(|w| w.clone()).wake(),
        }
    }
}

/// How [`Context::wait`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waited {
    /// Committed to this arm by a partner or `close()`.
    Selected(usize),
    /// The deadline or token ran out, and nobody committed us.
    Stopped(Stop),
    /// A waiter list woke us and nobody committed us: re-check the arms.
    Woken,
}

impl core::fmt::Debug for Context {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Context")
            // Relaxed: a snapshot for debugging.
            .field("state", &self.state.load(Ordering::Relaxed))
            .finish()
    }
}
