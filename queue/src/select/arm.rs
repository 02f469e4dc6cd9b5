//! The arms of a select: watching arms for [`Select`](crate::Select)
//! (readiness only; nothing is taken or placed) and committing arms for
//! [`select!`](crate::select) (a rendezvous partner is committed, a ring
//! pop arm pops).

use crate::error::{PopError, PushError, TryPopError, TryPushError};
use core::marker::PhantomData;

use super::QueueRef;
use crate::queue::Queue;
use crate::rendezvous::{Packet, Partner, Side};
use crate::sync::{Arc, Thread};
use crate::wait::context::Context;
use crate::wait::{Until, Waker, Who};

use super::engine::Arm;

/// Registration in one waiter list of a queue: the queue side's `Waker`.
struct Watch<'a> {
    waker: &'a Waker,
    thread: Option<Thread>,
}

impl<'a> Watch<'a> {
    fn new(waker: &'a Waker) -> Watch<'a> {
        Watch {
            waker,
            thread: None,
        }
    }

    fn register(&mut self, cx: &Context) {
        let thread = cx.thread().clone();
        self.waker.register(&thread);
        self.thread = Some(thread);
    }

    fn is_registered(&self) -> bool {
        self.thread
            .as_ref()
            .map_or(true, |t| self.waker.is_registered(Who::Thread(t)))
    }

    /// `true` if a notification was addressed to us.
    fn unregister(&mut self) -> bool {
        self.thread
            .take()
            .is_some_and(|t| !self.waker.unregister(Who::Thread(&t)))
    }
}

/// Whether a pop on `q` would not block now (a hint).
fn pop_ready<T>(q: &Queue<T>) -> bool {
    match q.zero() {
        Some(zero) => zero.is_ready(Side::Pop),
        // SeqCst loads of head and tail inside `len` and `is_closed`: the
        // waiter's re-check of the handshake in `ring.rs`.
        None => !q.is_empty() || q.is_closed(),
    }
}

/// Whether a push on `q` would not block now (a hint).
fn push_ready<T>(q: &Queue<T>) -> bool {
    match q.zero() {
        Some(zero) => zero.is_ready(Side::Push),
        // As in `pop_ready`.
        None => q.len() < q.capacity() || q.is_closed(),
    }
}

/// A [`Select`](crate::Select) arm: ready when a pop (`pop == true`) or a
/// push on the queue would not block.
pub(crate) struct WatchArm<'a, T> {
    queue: &'a Queue<T>,
    pop: bool,
    watch: Watch<'a>,
}

impl<'a, T> WatchArm<'a, T> {
    pub(crate) fn new(queue: &'a Queue<T>, pop: bool) -> WatchArm<'a, T> {
        let (pushers, poppers) = queue.wakers();
        WatchArm {
            queue,
            pop,
            watch: Watch::new(if pop { poppers } else { pushers }),
        }
    }

    fn ready(&self) -> bool {
        match self.pop {
            true => pop_ready(self.queue),
            false => push_ready(self.queue),
        }
    }
}

impl<T> Arm for WatchArm<'_, T> {
    fn try_ready(&mut self) -> bool {
        self.ready()
    }

    fn register(&mut self, cx: &Arc<Context>, _index: usize) -> bool {
        // A rendezvous wakes this list when a partner registers.
        self.watch.register(cx);
        !self.ready()
    }

    fn is_registered(&self) -> bool {
        self.watch.is_registered()
    }

    fn unregister(&mut self) -> bool {
        self.watch.unregister()
    }

    fn pass_on(&self) {
        self.watch.waker.notify_one();
    }

    fn on_selected(&mut self) -> bool {
        // Watching arms register no packet: nobody commits them.
        false
    }

    fn uses_notification(&self) -> bool {
        false
    }
}

/// How a committing arm waits on its queue: a packet in a rendezvous
/// queue's list (a partner or `close()` commits it), or the thread in a
/// ring's waiter list of its side (a notification wakes it).
struct Registration<'a, T> {
    queue: &'a Queue<T>,
    side: Side,
    watch: Watch<'a>,
    /// Our packet on a rendezvous queue.
    packet: Option<Arc<Packet<T>>>,
}

impl<'a, T> Registration<'a, T> {
    fn new(queue: &'a Queue<T>, side: Side) -> Registration<'a, T> {
        let (pushers, poppers) = queue.wakers();
        Registration {
            queue,
            side,
            watch: Watch::new(if side == Side::Push { pushers } else { poppers }),
            packet: None,
        }
    }

    /// `false` if the arm is ready (see `Arm::register`).
    fn register(&mut self, cx: &Arc<Context>, index: usize) -> bool {
        let (pushers, poppers) = self.queue.wakers();
        match (self.queue.zero(), self.side) {
            (Some(zero), side) => {
                let packet = Packet::new(cx, index, None);
                // Wakes the other side's `Select` watchers.
                let watchers = if side == Side::Push { poppers } else { pushers };
                let registered = zero.register(side, &packet, watchers);
                self.packet = Some(packet);
                registered
            }
            (None, Side::Pop) => {
                self.watch.register(cx);
                !pop_ready(self.queue)
            }
            (None, Side::Push) => {
                self.watch.register(cx);
                !push_ready(self.queue)
            }
        }
    }

    fn unregister(&mut self) -> bool {
        if let (Some(zero), Some(packet)) = (self.queue.zero(), &self.packet) {
            zero.unregister(self.side, packet);
        }
        self.watch.unregister()
    }
}

/// The `Arm` methods a committing arm hands to its `Registration`.
macro_rules! registration_methods {
    () => {
        fn register(&mut self, cx: &Arc<Context>, index: usize) -> bool {
            self.reg.register(cx, index)
        }
        fn is_registered(&self) -> bool {
            self.reg.watch.is_registered()
        }
        fn unregister(&mut self) -> bool {
            self.reg.unregister()
        }
        fn pass_on(&self) {
            self.reg.watch.waker.notify_one();
        }
    };
}

/// A `select!` pop arm.
#[doc(hidden)]
pub struct PopArm<'a, T> {
    reg: Registration<'a, T>,
    result: Option<Result<T, PopError>>,
    /// Not `Send` (see [`QueueRef`]).
    _here: PhantomData<*const ()>,
}

impl<'a, T> PopArm<'a, T> {
    #[doc(hidden)]
    pub fn new(queue: QueueRef<'a, T>) -> PopArm<'a, T> {
        PopArm {
            reg: Registration::new(queue.get(), Side::Pop),
            result: None,
            _here: PhantomData,
        }
    }

    /// The arm's result, once the select chose it.
    #[doc(hidden)]
    pub fn take(&mut self) -> Result<T, PopError> {
        self.result.take().expect("select! chose this pop arm")
    }
}

impl<T> Arm for PopArm<'_, T> {
    fn try_ready(&mut self) -> bool {
        // On a rendezvous `try_pop` commits a waiting pusher and takes its
        // value; on a ring it pops.
        match self.reg.queue.try_pop() {
            Ok(v) => self.result = Some(Ok(v)),
            Err(TryPopError::Closed) => self.result = Some(Err(PopError)),
            Err(TryPopError::Empty) => return false,
        }
        true
    }

    registration_methods!();

    fn on_selected(&mut self) -> bool {
        let Some(packet) = self.reg.packet.take() else {
            return false;
        };
        if packet.is_closed() {
            self.result = Some(Err(PopError));
            return true;
        }
        // A pusher committed us: its value comes (a `select!` push arm may
        // still be evaluating it, and gives up only if that panics).
        match packet.wait_value() {
            Some(v) => {
                self.result = Some(Ok(v));
                true
            }
            None => false,
        }
    }
}

/// A `select!` push arm. Its value is evaluated only once the arm is
/// chosen, then handed over by [`PushArm::complete`].
#[doc(hidden)]
pub struct PushArm<'a, T> {
    reg: Registration<'a, T>,
    /// The packet of the popper we are committed to fill (its own, or ours
    /// when a popper committed us).
    target: Option<Arc<Packet<T>>>,
    /// The rendezvous queue closed on us.
    closed: bool,
    /// Not `Send` (see [`QueueRef`]).
    _here: PhantomData<*const ()>,
}

impl<'a, T> PushArm<'a, T> {
    #[doc(hidden)]
    pub fn new(queue: QueueRef<'a, T>) -> PushArm<'a, T> {
        PushArm {
            reg: Registration::new(queue.get(), Side::Push),
            target: None,
            closed: false,
            _here: PhantomData,
        }
    }

    /// Completes the chosen push arm with `value` (evaluated only now).
    ///
    /// On a rendezvous queue the popper is already committed: it receives
    /// `value`. On a ring the arm was chosen because there was room; if
    /// another producer took it first, the push waits for room within the
    /// select's own deadline and token, and if those run out first the
    /// value comes back in the `Err`, as it does when the queue is closed.
    #[doc(hidden)]
    pub fn complete(&mut self, value: T, limits: &super::Limits<'_>) -> Result<(), PushError<T>> {
        let queue = self.reg.queue;
        if queue.zero().is_some() {
            if self.closed {
                return Err(PushError(value));
            }
            let target = self.target.take().expect("select! chose this push arm");
            target.put(value);
            target.cx.unpark();
            return Ok(());
        }
        match queue.try_push(value) {
            Ok(()) => Ok(()),
            Err(TryPushError::Closed(v)) => Err(PushError(v)),
            Err(TryPushError::Full(v)) => {
                let until: Until<'_> = limits.until();
                queue.push_within(v, until).map_err(PushError)
            }
        }
    }
}

impl<T> Drop for PushArm<'_, T> {
    fn drop(&mut self) {
        // Chosen but never completed: the value expression panicked. The
        // committed popper gets nothing and goes back to waiting.
        if let Some(target) = self.target.take() {
            target.abandon();
            target.cx.unpark();
        }
    }
}

impl<T> Arm for PushArm<'_, T> {
    fn try_ready(&mut self) -> bool {
        match self.reg.queue.zero() {
            Some(zero) => match zero.commit(Side::Pop) {
                Partner::Found(popper) => {
                    popper.cx.unpark();
                    self.target = Some(popper);
                    true
                }
                Partner::Closed => {
                    self.closed = true;
                    true
                }
                Partner::None => false,
            },
            None => push_ready(self.reg.queue),
        }
    }

    registration_methods!();

    fn on_selected(&mut self) -> bool {
        let Some(packet) = self.reg.packet.take() else {
            return false;
        };
        if packet.is_closed() {
            self.closed = true;
        } else {
            // A popper committed us and waits on our packet for the value.
            self.target = Some(packet);
        }
        true
    }
}

impl<T> core::fmt::Debug for PopArm<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PopArm")
            .field("done", &self.result.is_some())
            .finish()
    }
}

impl<T> core::fmt::Debug for PushArm<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PushArm")
            .field("closed", &self.closed)
            .finish()
    }
}
