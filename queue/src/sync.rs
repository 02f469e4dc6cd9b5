//! The one place where ringq touches synchronization primitives.
//!
//! Every atomic, `UnsafeCell`, `Arc`, `Mutex`, thread park/unpark, spin hint and
//! back-off that the queue uses comes from this module. In a normal build they
//! are the standard library's (and crossbeam-utils' `Backoff`); under
//! `--cfg loom` they are [loom]'s mocks, so the code loom explores is the code
//! that ships. A downstream crate that runs `RUSTFLAGS="--cfg loom" cargo test`
//! therefore gets ringq in loom mode too and can model-check its own code with
//! the queue inside it.
//!
//! Under `--cfg shuttle` (the `shuttle-tests/` crate) atomics, threads and
//! park/unpark are [shuttle]'s, so its random and PCT schedulers control
//! every interleaving point; `UnsafeCell` and `Arc` stay std's. Shuttle
//! treats every atomic as `SeqCst`, so it checks schedules, not orderings:
//! loom remains the ordering check. Its differences from std are loom's
//! (no clock, yields for back-off) except the spin budget ([`SPIN_ROUNDS`]).
//!
//! Without the `std` feature (a `no_std` build) the normal build's
//! atomics are `core`'s and `Arc` is `alloc`'s; threads, parking, clocks
//! and the spin budget are absent, because nothing that waits is compiled
//! (`wait_none.rs`). Loom and shuttle need `std`.
//!
//! The two builds differ only where loom has no equivalent, and each difference
//! is named here:
//!
//! * [`load_seqcst`]: a plain `SeqCst` load normally, a `fetch_add(0, SeqCst)`
//!   under loom. What loom checks is therefore the protocol with the
//!   stronger read-modify-write in the notifier's place: an RMW always reads
//!   the latest value in the modification order, so the waiter's increment
//!   cannot be missed by it in any execution loom explores. That is not a
//!   check of the plain `SeqCst` load that ships; loom models `SeqCst`
//!   *loads* more weakly than C++20 (loom issue #180) and would report false
//!   lost wake-ups on them. What covers the shipped load is the argument in
//!   `ring.rs` (the store-buffering handshake: waiter "SeqCst-increment the
//!   count, then fence and re-check the ring"; notifier "claim, fence, then
//!   SeqCst-load the count"; the single total order of the SeqCst
//!   operations makes one of the two see the other). The hot path keeps a
//!   single `mov` on x86.
//! * [`load_notifier`]: the waiter-count load after a claim. A plain
//!   `SeqCst` load normally, whatever the claim was. Under loom it is the
//!   `fetch_add(0)` of [`load_seqcst`] after a shared side's claim CAS,
//!   but a plain `SeqCst` load after an owned side's claim, whose
//!   `fence(SeqCst)` (`ring/owned.rs`) is what orders it: loom models a
//!   fence-against-fence handshake exactly (checked: its store-buffering
//!   litmus test with both fences passes, with the notifier's fence
//!   removed it fails), so the owned side's models check that fence, which
//!   an RMW in the notifier's place would hide (`loom-tests/README.md`).
//! * [`Backoff`]: under loom every spin or snooze is a `loom::thread::yield_now`
//!   (a retry loop that waits for another thread to move must yield, or loom
//!   runs out of branches).
//! * The spin budget before parking ([`SPIN_ROUNDS`]) is zero under loom,
//!   so models reach the parking path;
//!   [`BUSY_WAIT`] is false, so `WaitPolicy::Spin` parks too: under loom
//!   every wait policy is the same register, re-check, park.
//! * Timed waits: loom has no clock. [`deadline_passed`] is always `true`
//!   under loom, so a timed call makes one full attempt (try, register as a
//!   waiter, try again) and then reports a timeout; [`park_timeout`] never
//!   sleeps there.
//!
//! [loom]: https://docs.rs/loom
//! [shuttle]: https://docs.rs/shuttle

#[cfg(not(any(loom, shuttle)))]
pub(crate) use self::std_impl::*;

#[cfg(loom)]
pub(crate) use self::loom_impl::*;

#[cfg(all(shuttle, not(loom)))]
pub(crate) use self::shuttle_impl::*;

#[cfg(any(loom, shuttle))]
pub(crate) use self::model::*;

#[cfg(not(loom))]
pub(crate) use self::cell::UnsafeCell;

/// Spin rounds a blocked call makes before it parks (`WaitPolicy::Adaptive`):
/// each round is [`SPIN_PAUSES`] spin hints, then one attempt. 64 rounds
/// are about 3 µs on this project's 2-vCPU machines (PAUSE measured at
/// 9.6 ns). `wait.rs` says why there is no yield phase after it.
///
/// Measured with `compare` (2026-11-30, 3 interleaved trials, 50,000
/// messages idle and 20,000 with two CPU-burning processes): variants of
/// the former 2 rounds then up to 64 yields (with and without skipping the
/// yields after slow ones) gave idle geomeans of 1.5-1.8× crossbeam and
/// 1.0-1.5× crossfire and loaded ones of 0.6-0.7× std and 0.5-0.6× flume;
/// 64 rounds then park gave 2.4× / 1.3× idle and 1.9× / 1.6× loaded, and
/// pingpong 2.9 M round trips/s. Zero under loom, so models reach the parking path
/// (a loom spin is a yield that means "do not run me until another thread
/// has moved", which would hide a missing wake-up). One under shuttle, so
/// its schedules cover the spin phase without spending hundreds of
/// scheduling points per wait; two under miri, where every spin round is
/// interpreted (64 made the CI miri step take 36 minutes) and the parking
/// path is what the interpreter should exercise.
#[cfg(all(feature = "std", not(any(loom, shuttle, miri))))]
pub(crate) const SPIN_ROUNDS: u32 = 64;
#[cfg(loom)]
pub(crate) const SPIN_ROUNDS: u32 = 0;
#[cfg(all(shuttle, not(loom)))]
pub(crate) const SPIN_ROUNDS: u32 = 1;
#[cfg(all(feature = "std", miri, not(any(loom, shuttle))))]
pub(crate) const SPIN_ROUNDS: u32 = 2;

/// Whether `WaitPolicy::Spin` busy-waits. `false` under loom, where a
/// busy-wait would only be loom yields and every policy parks instead (the
/// module docs list this with the other loom differences). `false` under
/// shuttle too: a busy-wait there is an unbounded run of scheduling points.
#[cfg(all(feature = "std", not(any(loom, shuttle))))]
pub(crate) const BUSY_WAIT: bool = true;
#[cfg(any(loom, shuttle))]
pub(crate) const BUSY_WAIT: bool = false;

/// A number never returned before in this process: the identity of an
/// async operation in waiter lists (`wait/waiter.rs`).
///
/// The one atomic outside the shim's switch: it takes part in no
/// handshake (only uniqueness matters, which a relaxed `fetch_add` on one
/// location gives in every build), so loom and shuttle need not explore
/// it. 2^64 ids do not run out.
#[cfg(feature = "std")]
pub(crate) fn next_task_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    // Relaxed: uniqueness only, see above.
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Spin hints per spin round (see [`SPIN_ROUNDS`]).
#[cfg(feature = "std")]
pub(crate) const SPIN_PAUSES: u32 = 4;

#[cfg(not(loom))]
mod cell {
    /// `UnsafeCell` with loom's closure-based access API, so the same call
    /// sites compile in both builds.
    #[derive(Debug)]
    pub(crate) struct UnsafeCell<T>(core::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(data: T) -> UnsafeCell<T> {
            UnsafeCell(core::cell::UnsafeCell::new(data))
        }

        /// Calls `f` with a shared raw pointer to the contents.
        #[inline(always)]
        pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        /// Calls `f` with a mutable raw pointer to the contents.
        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}

#[cfg(not(any(loom, shuttle)))]
mod std_impl {
    pub(crate) use alloc::sync::Arc;
    #[cfg(feature = "std")]
    pub(crate) use core::hint::spin_loop as spin_hint;
    pub(crate) use core::sync::atomic::{fence, AtomicBool, AtomicUsize, Ordering};
    #[cfg(feature = "std")]
    pub(crate) use std::thread::{current, park, Thread};
    #[cfg(feature = "std")]
    use std::time::Instant;

    /// A `SeqCst` load that takes part in the waiter/notifier handshake.
    ///
    /// See the module docs: a plain `SeqCst` load here, a `fetch_add(0)` under
    /// loom.
    #[cfg(feature = "std")]
    #[inline(always)]
    pub(crate) fn load_seqcst(a: &AtomicUsize) -> usize {
        a.load(Ordering::SeqCst)
    }

    /// The waiter-count load after a claim (module docs): a plain
    /// `SeqCst` load, after a shared or an owned side's claim alike.
    #[cfg(feature = "std")]
    #[inline(always)]
    pub(crate) fn load_notifier(a: &AtomicUsize, _owned: bool) -> usize {
        a.load(Ordering::SeqCst)
    }

    /// Whether `deadline` has passed. Under loom this is always `true`.
    #[cfg(feature = "std")]
    #[inline]
    pub(crate) fn deadline_passed(deadline: Instant) -> bool {
        Instant::now() >= deadline
    }

    /// Parks the current thread until `deadline` at the latest (it may wake
    /// earlier, spuriously or by `unpark`).
    #[cfg(feature = "std")]
    pub(crate) fn park_timeout(deadline: Instant) {
        if let Some(left) = deadline.checked_duration_since(Instant::now()) {
            std::thread::park_timeout(left);
        }
    }

    /// Runs `f` on a new thread at `deadline`: the timer behind a deadline
    /// token's `cancelled()` future (`cancel/cancelled.rs`). `false` if no
    /// thread could be started.
    #[cfg(feature = "std")]
    pub(crate) fn spawn_timer(deadline: Instant, f: impl FnOnce() + Send + 'static) -> bool {
        std::thread::Builder::new()
            .name("ringq-deadline".into())
            .spawn(move || {
                while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                    std::thread::sleep(left);
                }
                f();
            })
            .is_ok()
    }

    /// Exponential back-off for retry loops: crossbeam-utils' `Backoff`.
    ///
    /// `spin` is for a lost CAS (another thread made progress, retry soon);
    /// `snooze` is for waiting on another thread to finish a step it already
    /// started (a claimed slot not yet stamped).
    #[derive(Debug)]
    pub(crate) struct Backoff(crossbeam_utils::Backoff);

    impl Backoff {
        #[inline]
        pub(crate) fn new() -> Backoff {
            Backoff(crossbeam_utils::Backoff::new())
        }
        #[inline]
        pub(crate) fn spin(&self) {
            self.0.spin()
        }
        #[inline]
        pub(crate) fn snooze(&self) {
            self.0.snooze()
        }
    }
}

#[cfg(loom)]
mod loom_impl {
    pub(crate) use loom::sync::atomic::{fence, AtomicBool, AtomicUsize, Ordering};
    pub(crate) use loom::sync::Arc;
    /// A spin hint is a loom yield (a spinning thread must let others move).
    pub(crate) use loom::thread::yield_now as spin_hint;
    pub(crate) use loom::thread::{current, park, Thread};

    pub(crate) use loom::cell::UnsafeCell;

    /// Under loom: `fetch_add(0, SeqCst)`, see the module docs.
    #[cfg(feature = "std")]
    #[inline(always)]
    pub(crate) fn load_seqcst(a: &AtomicUsize) -> usize {
        a.fetch_add(0, Ordering::SeqCst)
    }

    /// Under loom: the RMW after a shared side's claim, a plain load after
    /// an owned side's fenced claim (module docs).
    #[cfg(feature = "std")]
    #[inline(always)]
    pub(crate) fn load_notifier(a: &AtomicUsize, owned: bool) -> usize {
        if owned {
            a.load(Ordering::SeqCst)
        } else {
            load_seqcst(a)
        }
    }
}

/// Shuttle's primitives (`--cfg shuttle`, used by `shuttle-tests/`): its
/// atomics, threads and park/unpark, so its schedulers control every
/// interleaving point; `UnsafeCell` and `Arc` stay std's (shuttle checks
/// schedules, not memory orderings: every shuttle atomic is sequentially
/// consistent, which is why loom stays the ordering check).
#[cfg(all(shuttle, not(loom)))]
mod shuttle_impl {
    pub(crate) use shuttle::hint::spin_loop as spin_hint;
    pub(crate) use shuttle::sync::atomic::{fence, AtomicBool, AtomicUsize, Ordering};
    pub(crate) use shuttle::thread::{current, park, Thread};
    pub(crate) use std::sync::Arc;

    /// Every shuttle atomic is sequentially consistent: a plain load.
    #[cfg(feature = "std")]
    #[inline(always)]
    pub(crate) fn load_seqcst(a: &AtomicUsize) -> usize {
        a.load(Ordering::SeqCst)
    }

    /// As [`load_seqcst`], after either kind of claim.
    #[cfg(feature = "std")]
    #[inline(always)]
    pub(crate) fn load_notifier(a: &AtomicUsize, _owned: bool) -> usize {
        a.load(Ordering::SeqCst)
    }
}

/// What loom and shuttle share: neither has a clock, and every back-off step
/// must hand the model's scheduler a yield.
#[cfg(any(loom, shuttle))]
mod model {
    #[cfg(loom)]
    use loom::thread::yield_now;
    #[cfg(all(shuttle, not(loom)))]
    use shuttle::thread::yield_now;
    use std::time::Instant;

    /// No clock: every deadline has passed.
    #[inline]
    pub(crate) fn deadline_passed(_deadline: Instant) -> bool {
        true
    }

    /// No clock: every deadline has passed, so a deadline token is already
    /// cancelled and no timer is ever needed.
    pub(crate) fn spawn_timer(_deadline: Instant, _f: impl FnOnce() + Send + 'static) -> bool {
        unreachable!("without a clock a deadline token is cancelled at once")
    }

    /// No clock: a timed park returns at once, after a yield so the model
    /// can schedule another thread.
    pub(crate) fn park_timeout(_deadline: Instant) {
        yield_now();
    }

    /// Back-off whose every step is a yield.
    #[derive(Debug)]
    pub(crate) struct Backoff;

    impl Backoff {
        pub(crate) fn new() -> Backoff {
            Backoff
        }
        pub(crate) fn spin(&self) {
            yield_now();
        }
        pub(crate) fn snooze(&self) {
            yield_now();
        }
    }
}
