//! The workers: the state they share with the pool handle, the job loop,
//! the counters and the one way a job enters the queue.
//!
//! # Accounting
//!
//! Every accepted job ends exactly once, as completed, panicked or
//! cancelled, and at every moment
//! `accepted == completed + panicked + cancelled + queued + active`.
//! The counters behind that:
//!
//! * `accepted` is incremented by the submitter *before* the push (and
//!   decremented again if the push is rejected), so a job is always counted
//!   as accepted before any worker can see it;
//! * each worker has its own cache-padded `started`, `completed`,
//!   `panicked` and `cancelled`, which only that worker writes, so workers
//!   never share a counter line. `started` goes up (a plain store, no
//!   locked instruction) before the job runs, the final counter after;
//! * jobs that `abort` takes back (never started) are added to one
//!   pool-wide `aborted`.
//!
//! Then `active = started - (completed + panicked + cancelled)` per worker
//! and `queued = accepted - started - aborted`. [`Pool::stats`] reads the
//! final counters and `aborted` first, then `started`, then `accepted`, all
//! `SeqCst`. A job counted as finished had already been counted as started,
//! and a started or aborted job had already been accepted, so reading in
//! that order never sees a job in a later stage without its earlier one:
//! `active` and `queued` are never negative and the identity holds in every
//! snapshot (a job that moves while we read counts in its earlier stage).

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use crossbeam_utils::CachePadded;
use ringq::{CancelToken, PopCancelError, PushCancelError, PushTimeoutError, TryPushError};

use crate::backend::Backend;
use crate::error::Rejected;
use crate::job::{Ended, Job, PanicSink};
use crate::roster::{grow_if_busy, Epoch, Roster};
use crate::snapshot::{Report, Stats};
use crate::sync::{
    bump, load_seqcst, lock, wait_until, Arc, AtomicBool, AtomicUsize, Condvar, Mutex, MutexGuard,
    Ordering,
};
use crate::unwind::drop_quietly;
use crate::wait::Wait;

pub(crate) type PanicHook = Box<dyn Fn(&(dyn Any + Send)) + Send + Sync>;
/// A worker lifecycle hook, called with the worker's index. (std's `Arc`
/// in every build: loom's cannot hold a `dyn`, and a hook takes part in no
/// handshake.)
pub(crate) type ThreadHook = std::sync::Arc<ThreadHookFn>;
pub(crate) type ThreadHookFn = dyn Fn(usize) + Send + Sync;

/// What the workers and the pool handle share.
pub(crate) struct Shared {
    queue: Box<dyn Backend>,
    token: CancelToken,
    /// Set by `abort` before it closes the queue: a worker that pops a job
    /// after this hands it back instead of running it.
    aborting: AtomicBool,
    accepted: CachePadded<AtomicUsize>,
    /// Jobs `abort` took back (its own count; workers count their own).
    aborted: CachePadded<AtomicUsize>,
    counters: Box<[CachePadded<WorkerCounters>]>,
    /// The counters of jobs that submitters ran themselves
    /// ([`Wait::RunHere`]): shared by every submitting thread, so written
    /// with RMWs (see [`Shared::run_here`]).
    here: CachePadded<WorkerCounters>,
    /// Threads in `wait_idle`; see [`Shared::notify_idle`].
    idle_waiters: AtomicUsize,
    idle_lock: Mutex<()>,
    idle: Condvar,
    handed_back: Mutex<Vec<Job>>,
    on_panic: Option<PanicHook>,
    /// The worker threads and their slots (`roster.rs`).
    roster: Roster,
    /// Held by a `broadcast` for its whole run: two at once could each
    /// hold some workers at their barrier and wait for the rest forever.
    broadcasting: Mutex<()>,
    capacity: usize,
}

/// One worker's counters; only that worker writes them.
#[derive(Default)]
struct WorkerCounters {
    started: AtomicUsize,
    completed: AtomicUsize,
    panicked: AtomicUsize,
    cancelled: AtomicUsize,
    /// Whether this worker waits for a job: the growing hint of
    /// `roster.rs` (`Relaxed`: a stale value grows the set one job early
    /// or late, nothing more). On the worker's own line, so setting it
    /// costs no shared write.
    waiting: AtomicBool,
}

impl WorkerCounters {
    /// Jobs this worker finished (read before `started`, see the module
    /// docs).
    fn finished(&self) -> (usize, usize, usize) {
        (
            load_seqcst(&self.completed),
            load_seqcst(&self.panicked),
            load_seqcst(&self.cancelled),
        )
    }
}

/// The raw counters behind a [`Stats`], summed over the workers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counters {
    /// Completed, panicked, cancelled (by workers).
    finished: (usize, usize, usize),
    aborted: usize,
    started: usize,
    accepted: usize,
    /// Of `finished`, the jobs submitters ran themselves.
    ran_here: usize,
}

impl Counters {
    pub(crate) fn stats(self, workers: usize, capacity: usize) -> Stats {
        let (completed, panicked, cancelled) = self.finished;
        let ran = completed + panicked + cancelled;
        // Never negative by the argument in the module docs; saturating so
        // a broken argument shows as a wrong count, not a panic.
        Stats {
            workers,
            capacity,
            queued: self.accepted.saturating_sub(self.started + self.aborted),
            active: self.started.saturating_sub(ran),
            completed,
            panicked,
            cancelled: cancelled + self.aborted,
            ran_here: self.ran_here,
        }
    }
}

/// Takes a job's "accepted" count back when its push does not succeed,
/// including when the backend unwinds (a third-party backend may).
struct Unaccept<'a>(&'a Shared);

impl Drop for Unaccept<'_> {
    fn drop(&mut self) {
        self.0.accepted.fetch_sub(1, Ordering::SeqCst);
        // A `wait_idle` may have seen this job as outstanding.
        self.0.notify_idle();
    }
}

impl Shared {
    /// The state of a pool of `workers` over `queue`, before any worker
    /// starts.
    pub(crate) fn new(
        queue: Box<dyn Backend>,
        roster: Roster,
        token: CancelToken,
        on_panic: Option<PanicHook>,
    ) -> Shared {
        Shared {
            capacity: queue.capacity(),
            queue,
            token,
            aborting: AtomicBool::new(false),
            accepted: CachePadded::new(AtomicUsize::new(0)),
            aborted: CachePadded::new(AtomicUsize::new(0)),
            counters: (0..roster.max())
                .map(|_| CachePadded::new(WorkerCounters::default()))
                .collect(),
            here: CachePadded::new(WorkerCounters::default()),
            idle_waiters: AtomicUsize::new(0),
            idle_lock: Mutex::new(()),
            idle: Condvar::new(),
            handed_back: Mutex::new(Vec::new()),
            on_panic,
            roster,
            broadcasting: Mutex::new(()),
        }
    }

    /// The body of the worker thread in slot `me`: its start hook, the
    /// job loop, its stop hook.
    pub(crate) fn run_worker(&self, me: usize) {
        let settings = self.roster.spawn_settings();
        self.run_hook(settings.on_start.as_deref(), me);
        self.work(me);
        self.run_hook(settings.on_stop.as_deref(), me);
    }

    pub(crate) fn roster(&self) -> &Roster {
        &self.roster
    }

    /// Whether some worker waits for a job (a hint; see `roster.rs`).
    pub(crate) fn a_worker_waits(&self) -> bool {
        self.counters
            .iter()
            .any(|c| c.waiting.load(Ordering::Relaxed))
    }

    /// Whether a job waits for a worker: one is queued, or (hand-off
    /// pool) a submitter is about to wait for one.
    pub(crate) fn jobs_waiting(&self) -> bool {
        self.capacity == 0 || !self.queue.is_empty()
    }

    /// The queue (for the async submissions, `submit_async.rs`, which
    /// count a job with [`count_accepted`](Self::count_accepted) as `push`
    /// does).
    pub(crate) fn queue(&self) -> &dyn Backend {
        &*self.queue
    }

    /// Counts a job as accepted before its push, as `push` does (see
    /// "Accounting"); [`uncount_accepted`](Self::uncount_accepted) takes
    /// it back if the push does not succeed.
    pub(crate) fn count_accepted(&self) {
        // SeqCst: as in `push`.
        self.accepted.fetch_add(1, Ordering::SeqCst);
    }

    /// Takes back a [`count_accepted`](Self::count_accepted) whose push
    /// failed or was withdrawn.
    pub(crate) fn uncount_accepted(&self) {
        drop(Unaccept(self));
    }

    /// Whether this is a hand-off pool (capacity 0).
    pub(crate) fn is_hand_off(&self) -> bool {
        self.capacity == 0
    }

    /// Accepts `job` and pushes it, waiting as `how` says: the one way into
    /// the queue, for `Pool` and `Group` alike (see "Accounting"); the
    /// async submissions (`submit_async.rs`) count the same way.
    pub(crate) fn push(&self, job: Job, how: Wait<'_>) -> Result<(), Rejected<Job>> {
        // SeqCst: see the module docs (a job is accepted before a worker can
        // see it; `stats` reads `accepted` last).
        self.count_accepted();
        let unaccept = Unaccept(self);
        let result = match how {
            Wait::WhileFull => self.queue.push(job).map_err(Rejected::Closed),
            Wait::Never | Wait::RunHere => self.queue.try_push(job).map_err(|e| match e {
                TryPushError::Full(j) => Rejected::Full(j),
                TryPushError::Closed(j) => Rejected::Closed(j),
            }),
            Wait::AtMost(d) => self.queue.push_timeout(job, d).map_err(|e| match e {
                PushTimeoutError::Timeout(j) => Rejected::Full(j),
                PushTimeoutError::Closed(j) => Rejected::Closed(j),
            }),
            Wait::UntilCancelled(token) => {
                self.queue
                    .push_cancellable(job, token)
                    .map_err(|e| match e {
                        PushCancelError::Cancelled(j) => Rejected::Full(j),
                        PushCancelError::Closed(j) => Rejected::Closed(j),
                    })
            }
        };
        if result.is_ok() {
            // Accepted for good: keep the count.
            std::mem::forget(unaccept);
        }
        result
    }

    /// The worker loop: pop, run, count, until the queue is closed and
    /// drained or the worker retires (`roster.rs`).
    fn work(&self, me: usize) {
        let counters = &self.counters[me];
        let sink = |payload: Box<dyn Any + Send>| self.panicked(payload);
        let mut epoch = self.roster.epoch();
        while let Some(job) = self.next_job(me, &mut epoch) {
            // SeqCst pairs with the store in `abort`, which comes before its
            // close: a job popped after that store is handed back. A job
            // popped before it may still start after the token fires (the
            // rule `abort`'s docs state; loom model 6 checks the first half).
            if self.aborting.load(Ordering::SeqCst) {
                lock(&self.handed_back).push(job);
                continue;
            }
            // Release: `stats` reads `started` after the final counters; a
            // reader that sees this job finished sees it started too (the
            // final counter's SeqCst store comes later in this thread).
            bump(&counters.started, Ordering::Release);
            self.run_counted(job, counters, &sink);
        }
    }

    /// Runs a started job and counts how it ended in `counters`, then
    /// wakes `wait_idle` callers: the second half of a job's life, on a
    /// worker (`work`) or on a submitter (`run_here`).
    #[inline]
    fn run_counted(&self, job: Job, counters: &WorkerCounters, sink: PanicSink<'_>) {
        // `run` catches the job's panic and drops the caller's values
        // quietly, so this catch is a last line of defence (a task that
        // unwound anyway): the thread must survive and count the job.
        let ended = match catch_unwind(AssertUnwindSafe(|| job.run(sink))) {
            Ok(ended) => ended,
            Err(payload) => {
                drop_quietly(payload);
                Ended::Panicked
            }
        };
        let counter = match ended {
            Ended::Completed => &counters.completed,
            Ended::Panicked => &counters.panicked,
            Ended::Cancelled => &counters.cancelled,
        };
        // SeqCst: the write half of the `wait_idle` handshake (see
        // `notify_idle`), and after `started` for `stats`. A locked RMW
        // although only a worker writes its own: a SeqCst store compiles
        // to `xchg`, which costs the same on x86, and loom (0.7) models
        // SeqCst plain stores too weakly for the handshake and reports a
        // false lost wake-up, while the RMW it checks exactly. (The
        // submitters' shared `here` needs the RMW anyway.)
        counter.fetch_add(1, Ordering::SeqCst);
        self.notify_idle();
    }

    /// The next job for the worker in slot `me`, or `None` when it leaves:
    /// the queue is closed and drained, or it idled for `keep_alive` while
    /// the set was above its core size and retired.
    fn next_job(&self, me: usize, epoch: &mut Epoch) -> Option<Job> {
        let waiting = &self.counters[me].waiting;
        loop {
            let bounded = self.roster.idle_wait(epoch);
            if bounded.is_some() {
                // Only an idle worker leaves: take a queued job first (the
                // pop below gives up at once on an expired keep-alive).
                // Without a keep-alive the pop tries before it waits.
                if let Some(job) = self.queue.try_pop() {
                    return Some(job);
                }
            }
            let epoch = &epoch.token;
            waiting.store(true, Ordering::Relaxed);
            let got = self
                .queue
                .pop_cancellable(bounded.as_ref().unwrap_or(epoch));
            waiting.store(false, Ordering::Relaxed);
            match got {
                Ok(job) => return Some(job),
                Err(PopCancelError::Closed) => {
                    self.roster.leave(me);
                    return None;
                }
                // The keep-alive ran out (not a `set_workers` wake-up).
                Err(PopCancelError::Cancelled) => {
                    if bounded.is_some() && !epoch.is_cancelled() && self.roster.retire(me) {
                        return None;
                    }
                }
            }
        }
    }

    /// Runs a lifecycle hook on worker `me`, if there is one; its panic
    /// goes where an `execute` job's would, uncounted.
    fn run_hook(&self, hook: Option<&ThreadHookFn>, me: usize) {
        if let Some(hook) = hook {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| hook(me))) {
                self.panicked(payload);
            }
        }
    }

    /// A plain job panicked: give the payload to the hook, then drop it. A
    /// hook that panics, or a payload whose drop panics, is ignored rather
    /// than allowed to kill the worker.
    pub(crate) fn panicked(&self, payload: Box<dyn Any + Send>) {
        if let Some(hook) = &self.on_panic {
            if let Err(hook_payload) = catch_unwind(AssertUnwindSafe(|| hook(payload.as_ref()))) {
                drop_quietly(hook_payload);
            }
        }
        drop_quietly(payload);
    }

    /// Runs an accepted job on the calling (submitting) thread
    /// ([`Wait::RunHere`]), counted in `here` as a worker counts its own:
    /// `started` before it runs, the final counter after. Several
    /// submitters share `here`, so both are RMWs (`bump`'s plain store is
    /// for one writer); the orderings are `work`'s, for the same reasons
    /// (`stats` reads finished, then started, then accepted; the final
    /// counter is the write half of the `wait_idle` handshake).
    fn run_here(&self, job: Job) {
        let sink = |payload: Box<dyn Any + Send>| self.panicked(payload);
        self.here.started.fetch_add(1, Ordering::SeqCst);
        self.run_counted(job, &self.here, &sink);
    }

    /// Completed, panicked and cancelled over all workers and the
    /// submitters that ran jobs themselves, the jobs `abort` took back (not
    /// included in the three), and how many of the three the submitters
    /// ran.
    fn finished(&self) -> ((usize, usize, usize), usize, usize) {
        let aborted = load_seqcst(&self.aborted);
        let here = self.here.finished();
        let mut done = here;
        for c in self.counters.iter() {
            let (completed, panicked, cancelled) = c.finished();
            done.0 += completed;
            done.1 += panicked;
            done.2 += cancelled;
        }
        (done, aborted, here.0 + here.1 + here.2)
    }

    /// One read of every counter, in the order the module docs require:
    /// finished, then started, then accepted.
    pub(crate) fn read_counters(&self) -> Counters {
        let (finished, aborted, ran_here) = self.finished();
        let started = self
            .counters
            .iter()
            .chain([&self.here])
            .map(|c| load_seqcst(&c.started))
            .sum();
        Counters {
            finished,
            aborted,
            started,
            accepted: load_seqcst(&self.accepted),
            ran_here,
        }
    }

    /// Accepted jobs that have not finished (queued or running).
    pub(crate) fn outstanding(&self) -> usize {
        let ((c, p, x), aborted, _) = self.finished();
        load_seqcst(&self.accepted).saturating_sub(c + p + x + aborted)
    }

    /// Wakes `wait_idle` callers if there are any.
    ///
    /// The handshake is the one ringq's waker uses: the worker's counter
    /// update (a `SeqCst` RMW) comes before this `SeqCst` load of
    /// `idle_waiters`; a waiter increments `idle_waiters` (`SeqCst`) before
    /// it reads the counters. In the single total order one of the two sees
    /// the other, so either the waiter sees the job finished, or we see the
    /// waiter and notify under the lock it holds until it sleeps.
    pub(crate) fn notify_idle(&self) {
        if load_seqcst(&self.idle_waiters) != 0 {
            let _guard = lock(&self.idle_lock);
            self.idle.notify_all();
        }
    }

    /// Waits until every accepted job has ended (`true`) or `deadline`
    /// passed first (`false`).
    pub(crate) fn wait_idle_until(&self, deadline: Option<Instant>) -> bool {
        let shared = self;
        let mut guard = lock(&shared.idle_lock);
        loop {
            // SeqCst: the handshake described on `Shared::notify_idle`.
            shared.idle_waiters.fetch_add(1, Ordering::SeqCst);
            if shared.outstanding() == 0 {
                shared.idle_waiters.fetch_sub(1, Ordering::SeqCst);
                return true;
            }
            let timed_out;
            (guard, timed_out) = wait_until(&shared.idle, guard, deadline);
            shared.idle_waiters.fetch_sub(1, Ordering::SeqCst);
            if timed_out {
                return shared.outstanding() == 0;
            }
        }
    }

    /// A snapshot of the counters: [`Pool::stats`](crate::Pool::stats)
    /// says what it guarantees.
    pub(crate) fn stats(&self) -> Stats {
        let mut last = self.read_counters();
        for _ in 0..4 {
            let again = self.read_counters();
            if again == last {
                // Each finished/started counter only grows, so one read
                // equal at both passes held that value in between; the
                // first read of `accepted` falls inside all those spans:
                // every value is the one it had at that instant.
                break;
            }
            last = again;
        }
        last.stats(self.roster.live(), self.capacity)
    }

    /// The first half of an abort, before the workers are joined: mark
    /// the pool aborting, close, cancel the token, take back what is
    /// queued.
    pub(crate) fn start_abort(&self) -> Vec<Job> {
        // Before the close: a worker that pops after this hands the job
        // back (SeqCst pairs with the load in `work`).
        self.aborting.store(true, Ordering::SeqCst);
        self.queue.close();
        self.token.cancel();
        let mut jobs = Vec::new();
        while let Some(job) = self.queue.try_pop() {
            jobs.push(job);
        }
        jobs
    }

    /// The second half, after the join: add the jobs the workers handed
    /// back and any a late push left, and count them all as aborted.
    pub(crate) fn end_abort(&self, jobs: &mut Vec<Job>) {
        jobs.append(&mut lock(&self.handed_back));
        while let Some(job) = self.queue.try_pop() {
            jobs.push(job);
        }
        self.aborted.fetch_add(jobs.len(), Ordering::SeqCst);
        self.notify_idle();
    }

    /// Closes the queue: `true` if this call closed it.
    pub(crate) fn close(&self) -> bool {
        self.queue.close()
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.queue.is_closed()
    }

    /// The pool's token, which `abort` cancels.
    pub(crate) fn token(&self) -> &CancelToken {
        &self.token
    }

    /// The index of the calling worker thread (`0..workers`), or `None`
    /// on any other thread.
    pub(crate) fn worker_index(&self) -> Option<usize> {
        self.roster.slot_of_current()
    }

    /// Serializes `broadcast`s (see the field).
    pub(crate) fn broadcast_lock(&self) -> MutexGuard<'_, ()> {
        lock(&self.broadcasting)
    }

    pub(crate) fn is_worker(&self) -> bool {
        self.worker_index().is_some()
    }

    pub(crate) fn report(&self) -> Report {
        let ((completed, panicked, cancelled), aborted, _) = self.finished();
        Report {
            completed,
            panicked,
            cancelled: cancelled + aborted,
        }
    }
}

impl Drop for Shared {
    /// Jobs taken back after an `abort` that could not wait for them (it was
    /// called from a job) are dropped here, on whichever thread lets go of
    /// the pool last, possibly a worker: quietly, as every drop of the
    /// caller's values on a worker.
    fn drop(&mut self) {
        for job in lock(&self.handed_back).drain(..) {
            drop_quietly(job);
        }
    }
}

/// Accepts `job` into the pool behind `shared` (see [`Shared::push`]),
/// growing the worker set if it may and every worker is busy (`roster.rs`).
pub(crate) fn accept(shared: &Arc<Shared>, job: Job, how: Wait<'_>) -> Result<(), Rejected<Job>> {
    let pushed = if shared.capacity == 0 {
        // Hand-off: the push waits for an idle worker; start one first if
        // there is none and the set may grow.
        grow_if_busy(shared);
        shared.push(job, how)
    } else {
        shared.push(job, how).inspect(|()| grow_if_busy(shared))
    };
    match (pushed, how) {
        // Full (never closed): the caller runs it. `push` took the
        // "accepted" count back, so take it again: from here the job is
        // accepted, then started and finished by `run_here`.
        (Err(Rejected::Full(job)), Wait::RunHere) => {
            shared.count_accepted();
            shared.run_here(job);
            Ok(())
        }
        (pushed, _) => pushed,
    }
}
