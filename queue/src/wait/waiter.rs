//! One entry of a waiter list: a parked thread, or an async task's
//! [`Waker`](std::task::Waker) (`future.rs`). Both kinds sit in the same
//! lists, so a blocking thread and a task wait on one queue side together
//! and a notifier wakes whichever is oldest.

use core::task::Waker as TaskWaker;

use crate::sync::{next_task_id, Thread};

/// A thread to unpark or a task to wake.
#[derive(Clone)]
pub(crate) enum Waiter {
    Thread(Thread),
    Task { id: TaskId, waker: TaskWaker },
}

/// Identifies an async operation (a future, a `Consumer` used as a
/// `Stream`) in waiter lists across its polls: its `Waker` may change from
/// one poll to the next, and two operations of one task must not be
/// mistaken for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TaskId(u64);

impl TaskId {
    /// A fresh id, never handed out before in this process.
    pub(crate) fn new() -> TaskId {
        TaskId(next_task_id())
    }
}

/// Who to look for in a waiter list.
#[derive(Clone, Copy)]
pub(crate) enum Who<'a> {
    Thread(&'a Thread),
    Task(TaskId),
}

impl Waiter {
    /// Unparks the thread or wakes the task.
    pub(crate) fn wake(self) {
        match self {
            Waiter::Thread(thread) => thread.unpark(),
            Waiter::Task { waker, .. } => waker.wake(),
        }
    }

    /// Whether this entry is `who`'s.
    pub(crate) fn is(&self, who: Who<'_>) -> bool {
        match (self, who) {
            (Waiter::Thread(t), Who::Thread(me)) => t.id() == me.id(),
            (Waiter::Task { id, .. }, Who::Task(me)) => *id == me,
            _ => false,
        }
    }

    /// Who this entry is.
    pub(crate) fn who(&self) -> Who<'_> {
        match self {
            Waiter::Thread(thread) => Who::Thread(thread),
            Waiter::Task { id, .. } => Who::Task(*id),
        }
    }
}

/// Waiters taken off a list under its lock: threads are unparked at once
/// (still under the lock, see `Waker::waiters`), tasks are kept here and
/// woken by [`Taken::wake_tasks`] once the lock is released (a task's
/// waker may run the executor's code). The first task is kept without
/// allocating: a single notification is the async hot path.
#[derive(Default)]
pub(crate) struct Taken {
    first: Option<Waiter>,
    more: Vec<Waiter>,
}

impl Taken {
    /// Unparks `waiter` if it is a thread, keeps it if it is a task.
    pub(crate) fn take(&mut self, waiter: Waiter) {
        match waiter {
            Waiter::Thread(thread) => thread.unpark(),
            task if self.first.is_none() => self.first = Some(task),
            task => self.more.push(task),
        }
    }

    /// Wakes the tasks kept. Call with no lock held.
    pub(crate) fn wake_tasks(self) {
        self.first
            .into_iter()
            .chain(self.more)
            .for_each(Waiter::wake);
    }
}
