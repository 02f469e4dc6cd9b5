//! How a blocked call waits: the per-queue [`WaitPolicy`].

/// How a blocked `push` or `pop` waits for the other side, chosen per queue
/// with [`Queue::builder`](crate::Queue::builder). It only changes *how* a
/// call waits; what it returns, and every close, timeout and cancellation
/// rule, is the same under every policy.
///
/// | policy | waits by | wake-up latency | CPU while waiting | use when |
/// |---|---|---|---|---|
/// | [`Adaptive`](Self::Adaptive) (default) | spinning ~3 µs, then parking | sub-µs while the other side is running on another core, a park/unpark (~10 µs) after | little | you don't know the machine, or it is shared |
/// | [`Spin`](Self::Spin) | busy-polling with the CPU's spin hint, never yields or parks | lowest | a whole core per waiting thread | each waiting thread has a core of its own (pinned threads, no oversubscription) |
/// | [`Park`](Self::Park) | parking after one re-check | a park/unpark every time the queue runs dry or full | least | waiting is long and CPU is precious (many idle queues, battery) |
///
/// Under `--cfg loom` every policy waits as the loom build always does:
/// straight to register, re-check, park (see the crate docs).
///
/// # Examples
///
/// ```
/// use ringq::{Queue, WaitPolicy};
///
/// // A hot queue between two pinned threads: busy-poll, never sleep.
/// let q = Queue::<u64>::builder(1024).wait(WaitPolicy::Spin).build();
/// assert_eq!(q.wait_policy(), WaitPolicy::Spin);
/// // A queue that is idle most of the time: park at once.
/// let (tx, rx) = Queue::<u64>::builder(64).wait(WaitPolicy::Park).bounded();
/// tx.push(1).unwrap();
/// assert_eq!(rx.pop(), Ok(1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WaitPolicy {
    /// Spin for about 3 µs (64 rounds of 4 spin hints, an attempt after
    /// each), then park. The spin catches the other side when it runs on
    /// another core; parking is what a busy machine rewards (a woken thread
    /// gets the scheduler's preference, a yielding one waits out other
    /// processes' time slices), so there is no yield phase in between. The
    /// default.
    #[default]
    Adaptive,
    /// Busy-poll with the CPU's spin hint; never yield, never park. The
    /// waiting thread keeps its core busy for as long as it waits, and is
    /// never registered as a waiter, so the other side never pays for
    /// waking it. Timeouts and cancellation are still checked on every
    /// round.
    Spin,
    /// Park after one re-check, without spinning or yielding: the least CPU
    /// while waiting, a park/unpark round trip whenever a wait happens.
    Park,
}
