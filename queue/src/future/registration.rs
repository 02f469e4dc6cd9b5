//! An async operation's place in one waiter list, across its polls.

use std::ops::ControlFlow;
use std::task;

use crate::wait::{TaskId, Waker, Who};

/// Whether, and under which id, an async operation is on a waiter list.
/// Its owner must call [`Registration::abandon`] when it is dropped.
#[derive(Debug, Default)]
pub(crate) struct Registration {
    /// Taken on the first registration (most operations never wait).
    id: Option<TaskId>,
    registered: bool,
}

impl Registration {
    pub(crate) const fn new() -> Registration {
        Registration {
            id: None,
            registered: false,
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
}

impl Registration {
    /// One poll of a ring operation (`future.rs`'s steps 1-3) over
    /// `attempt`, a non-blocking try: `Break` when it finished, `Continue`
    /// with the state back when the caller should return `Pending` (we are
    /// registered on `list` with `waker` and re-checked after that).
    pub(crate) fn poll<S, R>(
        &mut self,
        list: &Waker,
        waker: &task::Waker,
        state: S,
        mut attempt: impl FnMut(S) -> ControlFlow<R, S>,
    ) -> ControlFlow<R, S> {
        // A notification addressed to us is used by the attempt below.
        self.leave(list);
        let state = attempt(state)?;
        self.register(list, waker);
        // The re-check that makes `Pending` safe (handshake in `ring.rs`).
        match attempt(state) {
            ControlFlow::Break(r) => {
                self.abandon(list);
                ControlFlow::Break(r)
            }
            pending => pending,
        }
    }
}
