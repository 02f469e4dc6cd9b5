//! The threads spinning on one side of a queue, and the one wake-up a
//! notifier may leave to them instead of unparking a parked waiter (Go's
//! scheduler keeps the same rule for its spinning threads: while one
//! spins, a new goroutine wakes no parked thread).
//!
//! # Why
//!
//! A blocked call spins before it parks (`wait.rs`). While a thread spins
//! on a side, a value (or a free slot) that appears there is taken by it
//! within a spin round; unparking a parked thread as well costs the
//! notifier a lock and a futex call and wakes a thread that will most
//! likely find nothing. A pool whose submitter is slower than its workers
//! paid exactly that on every job: one worker spinning, another parked,
//! every `execute` an unpark.
//!
//! # The handshake
//!
//! One word per side: the number of spinners (in units of [`ONE`]) and
//! the [`OWED`] bit, "a notification was left to the spinners".
//!
//! * A spinner adds [`ONE`] when its spin phase starts and, when the
//!   phase ends (for any reason), subtracts it and clears [`OWED`] in one
//!   CAS ([`Spinners::leave`]). If the bit was set, the notification is
//!   now this spinner's to deliver: when it goes on to park, its own
//!   register-and-re-check is the delivery (it is a parked waiter that
//!   looks at the queue once more); when it leaves the call (it finished,
//!   or its deadline or token stopped it) and the side is still ready (a
//!   value, or room, is left), it delivers it with `notify_one`.
//! * A notifier that found parked waiters sets [`OWED`] with one CAS that
//!   also checks that some thread spins and that no notification is owed
//!   already ([`Spinners::take_over`]); only then does it skip the wake-up.
//!   At most one notification is owed at a time: any other is delivered
//!   as usual.
//!
//! Exact, because the word's modification order is total: the notifier's
//! CAS set the bit while the count was non-zero, so some spinner's
//! `leave` comes after it in that order, sees the bit and takes the
//! notification over. The two CASes are `AcqRel`: the spinner's acquires
//! the notifier's release, so the claim that made the side ready (which
//! precedes the notifier's CAS) is visible to the spinner's readiness
//! check or re-check. A deferred notification is therefore delivered
//! late, never lost, and never while the side is not ready any more (the
//! value it announced was taken: by this spinner, typically).
//!
//! Under loom the spin budget is zero unless a model sets it
//! (`sync.rs`), and a phase of zero rounds does not count itself: the
//! other models explore the protocol without spinners, as it runs with
//! `WaitPolicy::Park`.

use crate::sync::{AtomicUsize, Ordering};

/// "A notification is owed": set by a notifier, taken by a spinner.
const OWED: usize = 1;
/// One spinner in the count.
const ONE: usize = 2;

/// The spinners of one side and the notification left to them.
#[derive(Debug)]
pub(crate) struct Spinners(AtomicUsize);

impl Spinners {
    pub(crate) fn new() -> Spinners {
        Spinners(AtomicUsize::new(0))
    }

    /// A spin phase starts.
    #[inline]
    pub(crate) fn enter(&self) {
        // Relaxed: a notifier that misses this spinner delivers its
        // notification as usual (module docs); nothing is published.
        self.0.fetch_add(ONE, Ordering::Relaxed);
    }

    /// A spin phase ends: `true` if a notification was owed, which is now
    /// the caller's to deliver (module docs).
    #[inline]
    pub(crate) fn leave(&self) -> bool {
        // Relaxed: a guess, validated by the CAS.
        let mut word = self.0.load(Ordering::Relaxed);
        loop {
            // AcqRel: acquires the release of a notifier that set `OWED`
            // (module docs).
            match self.0.compare_exchange_weak(
                word,
                (word - ONE) & !OWED,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return word & OWED != 0,
                Err(w) => word = w,
            }
        }
    }

    /// Leaves one notification to the spinners: `true` if some thread
    /// spins and none was owed yet, and the notifier must skip it.
    #[inline]
    pub(crate) fn take_over(&self) -> bool {
        // Relaxed: a guess, validated by the CAS.
        let mut word = self.0.load(Ordering::Relaxed);
        loop {
            if word < ONE || word & OWED != 0 {
                return false;
            }
            // AcqRel: releases the claim that made the side ready to the
            // spinner whose `leave` takes it (module docs).
            match self.0.compare_exchange_weak(
                word,
                word | OWED,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(w) => word = w,
            }
        }
    }
}
