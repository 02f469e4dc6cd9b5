//! An async operation's place in one waiter list, across its polls.

use core::ops::ControlFlow;
use core::task;

use crate::wait::{Check, TaskId, Waker, Who};

/// How many times a pending operation yields (asks to be polled again at
/// once, without registering) before it registers and waits for a
/// notification. See [`Registration::poll`].
const YIELDS: u8 = 2;

/// Whether, and under which id, an async operation is on a waiter list.
/// Its owner must call [`Registration::abandon`] when it is dropped.
#[derive(Debug)]
pub(crate) struct Registration {
    /// Taken on the first registration (most operations never wait).
    id: Option<TaskId>,
    registered: bool,
    /// Times this operation yielded instead of registering.
    yielded: u8,
}

impl Registration {
    pub(crate) const fn new() -> Registration {
        Registration {
            id: None,
            registered: false,
            yielded: 0,
        }
    }

    /// Puts the operation on `list`, woken through `waker`. The caller
    /// then re-checks the queue before returning `Pending`.
    pub(crate) fn register(&mut self, list: &Waker, waker: &task::Waker) {
        debug_assert!(!self.registered);
        let id = *self.id.get_or_insert_with(TaskId::new);
        list.register_task(id, waker);
        self.registered = true;
    }

    /// Leaves `list` if on it: `true` if a notifier had taken us off, i.e.
    /// a notification was addressed to us, which the caller's next attempt
    /// uses or the caller passes on.
    pub(crate) fn leave(&mut self, list: &Waker) -> bool {
        match (self.registered, self.id) {
            (true, Some(id)) => {
                self.registered = false;
                !list.unregister(Who::Task(id))
            }
            _ => false,
        }
    }

    /// Leaves `list` without a further attempt (the operation finished on
    /// an earlier attempt, or is dropped): passes a notification that
    /// reached us on to the next waiter.
    pub(crate) fn abandon(&mut self, list: &Waker) {
        if self.leave(list) {
            list.notify_one();
        }
    }

    /// One poll of an operation (`future.rs`'s steps 1-4) over `attempt`,
    /// a non-blocking try: `Break` when it finished, `Continue` with the
    /// state back when the caller should return `Pending` (either we
    /// yielded, having woken `waker` already, or we are registered on
    /// `list` with `waker` and re-checked after that).
    pub(crate) fn poll<S, R>(
        &mut self,
        list: &Waker,
        waker: &task::Waker,
        state: S,
        mut attempt: impl FnMut(S, Check) -> ControlFlow<R, S>,
    ) -> ControlFlow<R, S> {
        // A notification addressed to us is used by the attempt below.
        let woken = self.leave(list);
        let state = match attempt(state, Check::Poll) {
            ControlFlow::Break(r) => return self.finished(r),
            ControlFlow::Continue(state) => state,
        };
        if !woken && self.yielded < YIELDS {
            // Not woken for this poll (a first one, say): yield rather than
            // register at once. The other side is often running on another
            // worker thread and moves within a microsecond or two; one trip
            // through the executor's run queue lets it, and lets the tasks
            // queued on this worker run meanwhile, while registering costs
            // the other side a lock and a wake-up. (Nothing is registered,
            // so no notification can be missed: the executor polls again.)
            //
            // Measured (`compare --scenario async`, 2026-11-30, 3 runs of
            // 9 trials, idle, then 2 burner processes): geomeans
            // ringq/tokio-mpsc and ringq/crossfire were 1.19-1.45 and
            // 0.44-0.57 idle with neither spin nor yield, 1.6-2.4 and
            // 1.3-2.4 loaded; spinning 64 rounds first (as a blocked thread
            // does) gave 2.05-2.24 and 0.73-0.83 idle but 0.21-0.94 and
            // 0.29-0.74 loaded (the spinning task burns the worker's slice
            // while the other side is not running); 2 yields gave
            // 1.87-2.29 and 0.72-0.84 idle, 1.46-2.90 and 1.55-1.64 loaded
            // (1 and 4 yields: within the noise of 2).
            self.yielded += 1;
            waker.wake_by_ref();
            return ControlFlow::Continue(state);
        }
        self.register(list, waker);
        // The re-check that makes `Pending` safe (handshake in `ring.rs`).
        match attempt(state, Check::Recheck) {
            ControlFlow::Break(r) => {
                self.abandon(list);
                self.finished(r)
            }
            pending => pending,
        }
    }

    /// The operation finished: a `Stream`, which polls on with the same
    /// registration, starts its next item with a fresh yield budget.
    fn finished<R, S>(&mut self, r: R) -> ControlFlow<R, S> {
        self.yielded = 0;
        ControlFlow::Break(r)
    }
}
