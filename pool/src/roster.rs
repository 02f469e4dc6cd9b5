//! The worker set: which worker threads run, in which slots, and how the
//! set grows and shrinks (Java's core/max pool sizes).
//!
//! A pool has `max` slots (`Builder::max_workers`, default `workers`), each
//! with its own counters (see "Accounting" in `workers.rs`). A worker runs
//! in one slot; `live` is the number of occupied slots, and it changes only
//! under `table`'s lock, together with the slots. So:
//!
//! * **Growing.** After a job is accepted, if `live < max`, no worker is
//!   waiting for a job and the queue is not empty, the submitter starts one
//!   more worker ([`grow_if_busy`]). `Pool::set_workers` starts workers up
//!   to the new core size at once.
//! * **Shrinking.** A worker that finds the queue empty while `live > core`
//!   waits for a job at most `keep_alive`; if none came, it retires
//!   ([`Roster::retire`]): under the lock, and only while still
//!   `live > core`, so concurrent retirements never take the set below
//!   `core`. `set_workers` wakes idle workers (it cancels `epoch`) so that
//!   they start such a bounded wait. A worker with an expired keep-alive
//!   still takes a queued job before it leaves.
//! * **Frozen.** While a `broadcast` runs the set neither grows on load
//!   nor retires anyone (`frozen`): it counted the workers, and each must
//!   take one of its calls. Idle workers then wait without a keep-alive;
//!   the thaw wakes them to start it again.
//! * **Nothing is lost.** A worker retires only after a wait that took no
//!   job, and `core >= 1` workers always remain, blocked on the queue or
//!   busy, so a job that arrives while one retires is taken by another.
//!   Counters stay with their slot: a worker that takes a freed slot adds
//!   to them (the lock orders the old worker's last write before the new
//!   worker's first), so the accounting identity holds across the changes.
//! * **Shutting down.** `Pool::shutdown` and `abort` close the queue, then
//!   take every thread handle under the lock and mark the table `closing`,
//!   after which no worker starts; then they join them all, retired ones
//!   included.

use std::io;
use std::time::Duration;

use ringq::CancelToken;

use crate::sync::{lock, thread, Arc, AtomicBool, AtomicUsize, Mutex, Ordering};
use crate::workers::{Shared, ThreadHook};

/// How workers started later (growing, `set_workers`) are made: the
/// builder's settings.
pub(crate) struct SpawnSettings {
    pub(crate) name: String,
    pub(crate) stack_size: Option<usize>,
    pub(crate) on_start: Option<ThreadHook>,
    pub(crate) on_stop: Option<ThreadHook>,
}

/// A worker's copy of the epoch token (see `Roster::epoch_number`).
pub(crate) struct Epoch {
    number: usize,
    pub(crate) token: CancelToken,
}

/// The worker set; see the module docs.
pub(crate) struct Roster {
    /// Slots: the most workers at once.
    max: usize,
    /// Workers kept while idle.
    core: AtomicUsize,
    /// Occupied slots. Written only under `table`'s lock; read without it
    /// as a hint (`Relaxed`: every decision that matters re-reads it under
    /// the lock).
    live: AtomicUsize,
    keep_alive: Duration,
    /// What idle workers wait on besides the queue: `set_workers` cancels
    /// and replaces it to wake them.
    epoch: Mutex<CancelToken>,
    /// Bumped with each new `epoch`, so a worker re-reads the token (under
    /// the lock) only when it changed. `Relaxed`: a worker that misses a
    /// bump waits on the old token, which is cancelled, so it comes back
    /// at once and reads again.
    epoch_number: AtomicUsize,
    /// Set while a `broadcast` runs: the set neither grows on load nor
    /// retires workers (idle ones wait without a keep-alive), so the
    /// workers it counted are the ones it reaches. Written under `table`'s
    /// lock; read there, and without it by idle workers (`Relaxed`: one
    /// that misses the freeze finds it under the lock in `retire`, and one
    /// that misses the thaw is woken by it).
    frozen: AtomicBool,
    table: Mutex<Table>,
    spawn: SpawnSettings,
}

struct Table {
    /// The worker thread in each slot, if any.
    ids: Vec<Option<thread::ThreadId>>,
    /// Every worker thread not joined yet, retired ones included.
    handles: Vec<thread::JoinHandle<()>>,
    /// Set once the pool shuts down: no worker starts after it.
    closing: bool,
}

impl Roster {
    pub(crate) fn new(
        core: usize,
        max: usize,
        keep_alive: Duration,
        spawn: SpawnSettings,
    ) -> Roster {
        Roster {
            max,
            core: AtomicUsize::new(core),
            live: AtomicUsize::new(0),
            keep_alive,
            epoch: Mutex::new(CancelToken::new()),
            epoch_number: AtomicUsize::new(0),
            table: Mutex::new(Table {
                ids: vec![None; max],
                handles: Vec::with_capacity(max),
                closing: false,
            }),
            frozen: AtomicBool::new(false),
            spawn,
        }
    }

    pub(crate) fn max(&self) -> usize {
        self.max
    }

    pub(crate) fn live(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    pub(crate) fn spawn_settings(&self) -> &SpawnSettings {
        &self.spawn
    }

    /// The slot of the calling worker thread, or `None` on any other
    /// thread.
    pub(crate) fn slot_of_current(&self) -> Option<usize> {
        let me = thread::current().id();
        lock(&self.table).ids.iter().position(|id| *id == Some(me))
    }

    /// What an idle worker waits on: the current epoch (kept in the
    /// worker's `seen`, re-read only when it changed), bounded by
    /// `keep_alive` if the set is above its core size (`Some(deadline
    /// token)`; the epoch tells the two apart afterwards).
    pub(crate) fn idle_wait(&self, seen: &mut Epoch) -> Option<CancelToken> {
        let number = self.epoch_number.load(Ordering::Relaxed);
        if number != seen.number {
            seen.token = lock(&self.epoch).clone();
            seen.number = number;
        }
        let extra = !self.frozen.load(Ordering::Relaxed)
            && self.live.load(Ordering::Relaxed) > self.core.load(Ordering::Relaxed);
        extra.then(|| seen.token.with_timeout(self.keep_alive))
    }

    /// The epoch a new worker starts from.
    pub(crate) fn epoch(&self) -> Epoch {
        let token = lock(&self.epoch);
        Epoch {
            number: self.epoch_number.load(Ordering::Relaxed),
            token: token.clone(),
        }
    }

    /// Retires the worker in `slot` if the set is still above its core
    /// size: frees the slot and says `true`; else `false`.
    pub(crate) fn retire(&self, slot: usize) -> bool {
        let mut table = lock(&self.table);
        if self.frozen.load(Ordering::Relaxed)
            || self.live.load(Ordering::Relaxed) <= self.core.load(Ordering::Relaxed)
        {
            return false;
        }
        table.ids[slot] = None;
        self.live.fetch_sub(1, Ordering::Relaxed);
        true
    }

    /// The worker in `slot` leaves because the queue is closed and drained.
    pub(crate) fn leave(&self, slot: usize) {
        let mut table = lock(&self.table);
        table.ids[slot] = None;
        self.live.fetch_sub(1, Ordering::Relaxed);
    }

    /// Freezes the set (see the `frozen` field) and says how many workers it
    /// has; [`thaw`](Self::thaw) undoes it. `set_workers` can still start
    /// workers meanwhile.
    pub(crate) fn freeze(&self) -> usize {
        let _table = lock(&self.table);
        self.frozen.store(true, Ordering::Relaxed);
        self.live.load(Ordering::Relaxed)
    }

    /// Ends a freeze, and wakes the idle workers so that those above the
    /// core size start their keep-alive again.
    pub(crate) fn thaw(&self) {
        let table = lock(&self.table);
        self.frozen.store(false, Ordering::Relaxed);
        drop(table);
        self.wake_idle();
    }

    /// Wakes every idle worker (a new epoch) to look at the set again.
    fn wake_idle(&self) {
        let mut epoch = lock(&self.epoch);
        let old = std::mem::replace(&mut *epoch, CancelToken::new());
        self.epoch_number.fetch_add(1, Ordering::Relaxed);
        drop(epoch);
        old.cancel();
    }

    /// Marks the set closing and hands out every thread handle: no worker
    /// starts after this.
    pub(crate) fn close(&self) -> Vec<thread::JoinHandle<()>> {
        let mut table = lock(&self.table);
        table.closing = true;
        std::mem::take(&mut table.handles)
    }

    /// Sets the core size and, when it shrank, wakes the idle workers so
    /// they start a bounded wait (see the module docs).
    fn set_core(&self, n: usize) {
        let before = self.core.swap(n, Ordering::Relaxed);
        if n < before || self.live.load(Ordering::Relaxed) > n {
            self.wake_idle();
        }
    }
}

/// Starts one worker in a free slot, unless the set is full or closing
/// (or frozen, when `growing` on load): `Ok(true)` if it started.
pub(crate) fn spawn_one(shared: &Arc<Shared>, growing: bool) -> io::Result<bool> {
    let roster = shared.roster();
    let mut table = lock(&roster.table);
    if table.closing || (growing && roster.frozen.load(Ordering::Relaxed)) {
        return Ok(false);
    }
    let Some(slot) = table.ids.iter().position(Option::is_none) else {
        return Ok(false);
    };
    reap_finished(&mut table.handles);
    let settings = &roster.spawn;
    let mut builder = thread::Builder::new().name(format!("{}-{slot}", settings.name));
    if let Some(bytes) = settings.stack_size {
        builder = builder.stack_size(bytes);
    }
    let worker = shared.clone();
    // Under the lock: the worker's first look at the table (a retirement,
    // a job asking for its slot) waits until it is registered here.
    let handle = builder.spawn(move || worker.run_worker(slot))?;
    table.ids[slot] = Some(handle.thread().id());
    roster.live.fetch_add(1, Ordering::Relaxed);
    table.handles.push(handle);
    Ok(true)
}

/// Joins the handles of workers that have already exited (retired ones),
/// so a pool that grows and shrinks for days keeps no pile of them.
#[cfg(not(any(loom, shuttle)))]
fn reap_finished(handles: &mut Vec<thread::JoinHandle<()>>) {
    let mut i = 0;
    while i < handles.len() {
        if handles[i].is_finished() {
            // Exited: the join returns at once. A worker never unwinds.
            let _ = handles.swap_remove(i).join();
        } else {
            i += 1;
        }
    }
}

/// (Loom and shuttle threads cannot be asked whether they finished; the
/// models are too short to pile up handles.)
#[cfg(any(loom, shuttle))]
fn reap_finished(_handles: &mut Vec<thread::JoinHandle<()>>) {}

/// After a job was accepted: start one more worker if the set may grow,
/// no worker is waiting for a job and jobs are queued. On a hand-off pool
/// (capacity 0) nothing is ever queued, so there the caller asks before
/// its push, while it would otherwise wait for a worker. A fixed-size pool
/// pays one `Relaxed` load of a line that rarely changes.
#[inline]
pub(crate) fn grow_if_busy(shared: &Arc<Shared>) {
    let roster = shared.roster();
    if roster.live.load(Ordering::Relaxed) < roster.max {
        grow_slow(shared);
    }
}

#[cold]
fn grow_slow(shared: &Arc<Shared>) {
    if !shared.a_worker_waits() && shared.jobs_waiting() {
        // A worker that cannot start leaves the job to the others.
        let _ = spawn_one(shared, true);
    }
}

/// `Pool::set_workers`: the new core size, workers started up to it at
/// once; above it, idle workers leave after `keep_alive`.
pub(crate) fn set_workers(shared: &Arc<Shared>, n: usize) -> io::Result<()> {
    let roster = shared.roster();
    roster.set_core(n);
    while roster.live.load(Ordering::Relaxed) < n {
        if !spawn_one(shared, false)? {
            break; // closing (or a racing call filled the slots)
        }
    }
    Ok(())
}
