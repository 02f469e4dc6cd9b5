//! The one waiting loop behind [`Select`](crate::Select) and
//! [`select!`](crate::select): try every arm, else register on every arm,
//! re-check, park once; woken by any arm.
//!
//! # Why nothing is lost or missed
//!
//! * **Ring arms** register the thread in the queue's waiter list of their
//!   side and then re-check the ring, the handshake of `ring.rs` (the
//!   readiness check's loads of head and tail are SeqCst). A notification a
//!   waiter list addressed to us is used by the next round's attempt on
//!   that arm, or passed on with `notify_one` when we end with another arm
//!   or with a stop, the rule of `wait.rs`'s park phase.
//! * **Rendezvous arms** register a packet under the queue's lock, which
//!   also looks for a partner ("look, else register" is atomic); a partner
//!   or `close()` commits our [`Context`] and we complete that arm.
//! * **Stopping** (deadline, token, or an arm seen ready while registered)
//!   is the context's abort, which fails if a partner committed us first:
//!   then we complete the arm we were committed to. So a select ends with
//!   exactly one outcome.

use crate::sync::Arc;
use crate::wait::context::{Context, Waited};
use crate::wait::{Stop, Until};

/// One arm, as the loop sees it.
pub(crate) trait Arm {
    /// Whether the arm can complete now, without registering. A committing
    /// arm (`select!`) on a rendezvous queue commits a waiting partner here
    /// (and a pop arm takes its value); on a ring a pop arm pops.
    fn try_ready(&mut self) -> bool;
    /// Registers as arm `index` of `cx`, then re-checks: `false` if the arm
    /// is ready (registered or not: `unregister` copes with both).
    fn register(&mut self, cx: &Arc<Context>, index: usize) -> bool;
    /// Whether the arm is still on its waiter list (`false`: a notifier
    /// took it off, which is a wake-up for us).
    fn is_registered(&self) -> bool;
    /// Leaves every list; `true` if a notification was addressed to us.
    fn unregister(&mut self) -> bool;
    /// Passes a notification we did not use on to the next waiter.
    fn pass_on(&self);
    /// Whether reporting this arm uses a notification addressed to it.
    /// `false` for a readiness-only arm: its caller may never complete the
    /// operation, so the notification is passed on even then (a parked
    /// thread may wake to find the value taken, which it tolerates).
    fn uses_notification(&self) -> bool {
        true
    }
    /// `cx` was committed to this arm (by a partner or `close()`): collect
    /// what the partner left. `false`: nothing to complete, go round again.
    fn on_selected(&mut self) -> bool;
}

/// Something that holds an arm: the engine runs over a slice of these, so
/// neither `Select` (boxed arms) nor `select!` (borrowed arms) builds a new
/// `Vec` per call.
pub(crate) trait HoldsArm {
    fn arm(&self) -> &dyn Arm;
    fn arm_mut(&mut self) -> &mut dyn Arm;
}

impl<'r> HoldsArm for Box<dyn Arm + 'r> {
    fn arm(&self) -> &dyn Arm {
        &**self
    }
    fn arm_mut(&mut self) -> &mut dyn Arm {
        &mut **self
    }
}

/// Runs the loop over `arms`, trying them from `start` round. `once`: only
/// the first try (a `default` arm, `try_ready`). Returns the index of the
/// arm that is ready (or committed), or why it stopped.
pub(crate) fn run<A: HoldsArm>(
    arms: &mut [A],
    start: usize,
    until: Until<'_>,
    once: bool,
) -> Result<usize, Stop> {
    let n = arms.len();
    // Arms whose waiter list notified us and whose notification the next
    // try has to use (or pass on).
    let mut notified: Vec<usize> = Vec::new();
    let order = move |k: usize| (start + k) % n;
    loop {
        if until.token.is_some_and(|t| t.is_cancelled()) {
            pass_on(arms, &notified, None);
            return Err(Stop::Cancelled);
        }
        if let Some(i) = (0..n).map(order).find(|&i| arms[i].arm_mut().try_ready()) {
            pass_on(arms, &notified, Some(i));
            return Ok(i);
        }
        // Nothing ready: the notifications were used by these attempts
        // (whoever took what they announced used them).
        notified.clear();
        if once {
            return Err(Stop::Timeout);
        }
        if let Some(stop) = until.stop() {
            return Err(stop);
        }
        let cx = Context::new();
        let all_registered = (0..n)
            .map(order)
            .all(|i| arms[i].arm_mut().register(&cx, i));
        let waited = if all_registered {
            cx.wait(until, || arms.iter().all(|a| a.arm().is_registered()))
        } else {
            match cx.try_abort() {
                Ok(()) => Waited::Woken,
                Err(arm) => Waited::Selected(arm),
            }
        };
        for (i, arm) in arms.iter_mut().enumerate() {
            if arm.arm_mut().unregister() {
                notified.push(i);
            }
        }
        match waited {
            Waited::Selected(i) => {
                if arms[i].arm_mut().on_selected() {
                    pass_on(arms, &notified, Some(i));
                    return Ok(i);
                }
            }
            Waited::Stopped(stop) => {
                // Use a notification that came in meanwhile before leaving.
                if !notified.is_empty() {
                    if let Some(i) = (0..n).map(order).find(|&i| arms[i].arm_mut().try_ready()) {
                        pass_on(arms, &notified, Some(i));
                        return Ok(i);
                    }
                }
                pass_on(arms, &notified, None);
                return Err(stop);
            }
            Waited::Woken => {}
        }
    }
}

/// Passes on every notification in `notified` except `used`'s.
fn pass_on<A: HoldsArm>(arms: &[A], notified: &[usize], used: Option<usize>) {
    for &i in notified {
        if Some(i) != used || !arms[i].arm().uses_notification() {
            arms[i].arm().pass_on();
        }
    }
}

/// Where a select starts trying its arms: random, so that when several are
/// ready each has the same chance and no queue starves. Fixed under loom
/// and shuttle, whose models must replay the same way.
pub(crate) fn random_start(n: usize) -> usize {
    if n <= 1 || cfg!(any(loom, shuttle)) {
        return 0;
    }
    thread_local_random() % n
}

#[cfg(not(any(loom, shuttle)))]
fn thread_local_random() -> usize {
    use core::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = const { Cell::new(0) };
    }
    STATE.with(|s| {
        let mut x = s.get();
        if x == 0 {
            // Seeded once per thread from std's per-process random keys;
            // never 0 (xorshift's fixed point).
            use core::hash::{BuildHasher, Hasher};
            x = std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish()
                | 1;
        }
        // xorshift64.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 32) as usize
    })
}

#[cfg(any(loom, shuttle))]
fn thread_local_random() -> usize {
    0
}
