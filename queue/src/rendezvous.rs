//! The capacity-0 flavor of a queue: a rendezvous, Go's `make(chan T)`.
//!
//! Nothing is ever stored in the queue. A blocked pusher registers a
//! [`Packet`] with its value in `pushers`; a popper that finds it commits the
//! pusher's [`Context`] and takes the value; and symmetrically a blocked
//! popper registers an empty packet in `poppers` for a pusher to commit and
//! fill. Both lists live under one lock, so "look for a partner, else
//! register" is atomic: two calls of opposite sides cannot both register
//! and miss each other.
//!
//! The commit is the context's compare-and-swap (`wait/context.rs`), not
//! the removal from the list: an entry whose owner has aborted or been
//! committed elsewhere (a `select` registers on several queues) is skipped
//! and dropped by whoever finds it, and its owner's own removal tolerates
//! that. So a push that returns `Ok` was received by exactly one popper,
//! and one that reports failure takes its value back from its packet,
//! which no popper committed.
//!
//! `close()` marks every registered packet closed and then commits it, so
//! its owner, seeing the commit, reports `Closed` (a pusher with its value
//! back). No lock is held while a value is moved or a thread unparked
//! besides the packet's own.

mod packet;

use alloc::collections::VecDeque;

pub(crate) use self::packet::Packet;
use crate::spin_lock::SpinLock;
use crate::sync::{Arc, AtomicBool, Ordering};
use crate::wait::context::{Context, Waited};
use crate::wait::{Stop, Until, Waker};

/// The two lists of registered operations, and the close flag.
struct Lists<T> {
    pushers: VecDeque<Arc<Packet<T>>>,
    poppers: VecDeque<Arc<Packet<T>>>,
    closed: bool,
}

/// Which side of the rendezvous an operation is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Push,
    Pop,
}

/// What looking for a partner found.
pub(crate) enum Partner<T> {
    /// A waiting operation of the other side, now committed to us.
    Found(Arc<Packet<T>>),
    /// Nobody waits on the other side.
    None,
    /// The queue is closed.
    Closed,
}

/// A rendezvous queue's state (see the module docs).
pub(crate) struct Zero<T> {
    lists: SpinLock<Lists<T>>,
    /// Mirrors `lists.closed` for `is_closed` without the lock; set under it.
    closed: AtomicBool,
}

impl<T> Lists<T> {
    fn side(&mut self, side: Side) -> &mut VecDeque<Arc<Packet<T>>> {
        match side {
            Side::Push => &mut self.pushers,
            Side::Pop => &mut self.poppers,
        }
    }

    /// Commits the oldest operation of `side` that still waits, dropping the
    /// stale entries in front of it.
    fn commit(&mut self, side: Side) -> Partner<T> {
        if self.closed {
            return Partner::Closed;
        }
        let list = self.side(side);
        while let Some(packet) = list.pop_front() {
            if packet.cx.try_select(packet.arm) {
                return Partner::Found(packet);
            }
        }
        Partner::None
    }

    /// Whether an operation of `side` other than `me`'s waits.
    fn has_waiting(&mut self, side: Side, me: &Arc<Context>) -> bool {
        self.side(side)
            .iter()
            .any(|p| !p.belongs_to(me) && p.cx.is_waiting())
    }
}

impl<T> Zero<T> {
    pub(crate) fn new() -> Zero<T> {
        Zero {
            lists: SpinLock::new(Lists {
                pushers: VecDeque::new(),
                poppers: VecDeque::new(),
                closed: false,
            }),
            closed: AtomicBool::new(false),
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        // SeqCst: as the ring's `is_closed`, for callers' own handshakes.
        self.closed.load(Ordering::SeqCst)
    }

    /// Closes; commits every registered operation with its packet marked
    /// closed. Returns `true` if this call closed it.
    pub(crate) fn close(&self) -> bool {
        let registered = self.lists.with(|l| {
            if l.closed {
                return None;
            }
            l.closed = true;
            // SeqCst: see `is_closed`.
            self.closed.store(true, Ordering::SeqCst);
            Some((
                core::mem::take(&mut l.pushers),
                core::mem::take(&mut l.poppers),
            ))
        });
        let Some((pushers, poppers)) = registered else {
            return false;
        };
        for packet in pushers.into_iter().chain(poppers) {
            // Marked before the commit: an owner that sees the commit sees
            // the mark (`Packet::is_closed`).
            packet.mark_closed();
            if packet.cx.try_select(packet.arm) {
                packet.cx.unpark();
            }
        }
        true
    }

    /// Commits the oldest waiting operation of `side`, if any.
    pub(crate) fn commit(&self, side: Side) -> Partner<T> {
        self.lists.with(|l| l.commit(side))
    }

    /// Gives `value` to a waiting popper, if there is one.
    pub(crate) fn try_push(&self, value: T) -> Result<(), (bool, T)> {
        match self.commit(Side::Pop) {
            Partner::Found(popper) => {
                popper.put(value);
                popper.cx.unpark();
                Ok(())
            }
            Partner::None => Err((false, value)),
            Partner::Closed => Err((true, value)),
        }
    }

    /// Takes the value of a waiting pusher, if there is one. `Err(true)`:
    /// closed.
    pub(crate) fn try_pop(&self) -> Result<T, bool> {
        loop {
            match self.commit(Side::Push) {
                Partner::Found(pusher) => {
                    pusher.cx.unpark();
                    // A `select!` push arm fills its packet once committed;
                    // if it gave up (its value expression panicked), look
                    // for another pusher.
                    if let Some(v) = pusher.wait_value() {
                        return Ok(v);
                    }
                }
                Partner::None => return Err(false),
                Partner::Closed => return Err(true),
            }
        }
    }

    /// Registers `packet` on `side` unless the queue is closed or an
    /// operation of the other side (not of the packet's own context) waits:
    /// `true` if registered. Then wakes the other side's watchers (`watchers`:
    /// threads in a `Select` waiting for this side to be ready).
    pub(crate) fn register(&self, side: Side, packet: &Arc<Packet<T>>, watchers: &Waker) -> bool {
        let other = match side {
            Side::Push => Side::Pop,
            Side::Pop => Side::Push,
        };
        let registered = self.lists.with(|l| {
            if l.closed || l.has_waiting(other, &packet.cx) {
                return false;
            }
            l.side(side).push_back(packet.clone());
            true
        });
        if registered {
            watchers.notify_all();
        }
        registered
    }

    /// Removes `packet` from `side` if it is still there.
    pub(crate) fn unregister(&self, side: Side, packet: &Arc<Packet<T>>) {
        self.lists.with(|l| {
            let list = l.side(side);
            if let Some(pos) = list.iter().position(|p| Arc::ptr_eq(p, packet)) {
                list.remove(pos);
            }
        });
    }

    /// Whether an operation of `side` would not block now: the queue is
    /// closed or the other side has a waiting operation (a hint, for
    /// `Select`).
    pub(crate) fn is_ready(&self, side: Side) -> bool {
        let other = match side {
            Side::Push => Side::Pop,
            Side::Pop => Side::Push,
        };
        self.lists
            .with(|l| l.closed || l.side(other).iter().any(|p| p.cx.is_waiting()))
    }

    /// A blocking push: hands `value` to a popper, waiting for one until
    /// `until` says stop. `Ok(Err(v))`: closed; `Err((stop, v))`: stopped,
    /// and no popper received `v`.
    pub(crate) fn push(
        &self,
        mut value: T,
        until: Until<'_>,
        watchers: &Waker,
    ) -> Result<Result<(), T>, (Stop, T)> {
        loop {
            match self.try_push(value) {
                Ok(()) => return Ok(Ok(())),
                Err((true, v)) => return Ok(Err(v)),
                Err((false, v)) => value = v,
            }
            if let Some(stop) = until.stop() {
                return Err((stop, value));
            }
            let cx = Context::new();
            let packet = Packet::new(&cx, 0, Some(value));
            if self.register(Side::Push, &packet, watchers) {
                match cx.wait(until, || true) {
                    // Committed by close: the value is still in the packet.
                    Waited::Selected(_) if packet.is_closed() => {
                        return Ok(Err(take_back(&packet)));
                    }
                    // Committed by a popper, who takes the value.
                    Waited::Selected(_) => return Ok(Ok(())),
                    Waited::Stopped(stop) => {
                        // Aborted: no popper can commit the packet now.
                        self.unregister(Side::Push, &packet);
                        return Err((stop, take_back(&packet)));
                    }
                    Waited::Woken => unreachable!("`registered` is always true"),
                }
            }
            // Not registered (a popper arrived or the queue closed since
            // the attempt above; `wait` never returns `Woken` here): the
            // packet was never visible, so the value is still in it.
            value = take_back(&packet);
        }
    }

    /// A blocking pop: takes the value of a pusher, waiting for one until
    /// `until` says stop. `Ok(None)`: closed.
    pub(crate) fn pop(&self, until: Until<'_>, watchers: &Waker) -> Result<Option<T>, Stop> {
        loop {
            match self.try_pop() {
                Ok(v) => return Ok(Some(v)),
                Err(true) => return Ok(None),
                Err(false) => {}
            }
            if let Some(stop) = until.stop() {
                return Err(stop);
            }
            let cx = Context::new();
            let packet = Packet::new(&cx, 0, None);
            if !self.register(Side::Pop, &packet, watchers) {
                continue;
            }
            match cx.wait(until, || true) {
                Waited::Selected(_) if packet.is_closed() => return Ok(None),
                // Committed by a pusher: its value comes (a `select!` push
                // arm may still be evaluating it; if it panicked, we got
                // nothing and wait again).
                Waited::Selected(_) => {
                    if let Some(v) = packet.wait_value() {
                        return Ok(Some(v));
                    }
                }
                Waited::Stopped(stop) => {
                    self.unregister(Side::Pop, &packet);
                    return Err(stop);
                }
                Waited::Woken => unreachable!("`registered` is always true"),
            }
        }
    }

    /// Hands `value` to a waiting popper; if none waits, gives it back as
    /// the displaced value. `Err(value)`: closed.
    pub(crate) fn force_push(&self, value: T) -> Result<Option<T>, T> {
        match self.try_push(value) {
            Ok(()) => Ok(None),
            Err((false, v)) => Ok(Some(v)),
            Err((true, v)) => Err(v),
        }
    }
}

/// The value of a pusher's own packet that no popper took.
pub(crate) fn take_back<T>(packet: &Packet<T>) -> T {
    packet
        .take()
        .expect("a packet no popper committed keeps its value")
}

impl<T> core::fmt::Debug for Zero<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Zero")
            .field("closed", &self.is_closed())
            .finish()
    }
}
