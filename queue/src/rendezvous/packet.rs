//! The hand-off cell of one registered rendezvous operation: where a
//! pusher's value waits for the popper that commits it, or where a popper
//! receives the value of the pusher that commits it.
//!
//! A plain blocked push registers its value with the packet. A `select!`
//! push arm registers an empty packet and fills it only once a popper has
//! committed it (the value expression is evaluated then, see `select.rs`);
//! that popper waits in [`Packet::wait_value`] until [`Packet::put`] or
//! [`Packet::abandon`] (the value expression panicked: the popper goes back
//! to waiting, having received nothing).

use crate::spin_lock::SpinLock;
use crate::sync::{current, park, Arc, AtomicBool, Ordering, Thread};
use crate::wait::context::Context;

/// One registered rendezvous operation (`arm` of the context `cx`).
pub(crate) struct Packet<T> {
    pub(crate) cx: Arc<Context>,
    pub(crate) arm: usize,
    exchange: SpinLock<Exchange<T>>,
    /// Set (Release) after `exchange` got its value or was abandoned: a
    /// taker checks it right before parking, without the lock, so a wake-up
    /// whose unpark token got lost is still seen (see `wait.rs`).
    done: AtomicBool,
}

struct Exchange<T> {
    value: Option<T>,
    /// `close()` committed this packet: the operation reports `Closed`.
    closed: bool,
    /// The filler will never put a value.
    abandoned: bool,
    /// The thread waiting in `wait_value`, to unpark on `put`/`abandon`.
    taker: Option<Thread>,
}

impl<T> Packet<T> {
    /// A packet for `arm` of `cx`, holding `value` if it has one already.
    pub(crate) fn new(cx: &Arc<Context>, arm: usize, value: Option<T>) -> Arc<Packet<T>> {
        let done = value.is_some();
        Arc::new(Packet {
            cx: cx.clone(),
            arm,
            exchange: SpinLock::new(Exchange {
                value,
                closed: false,
                abandoned: false,
                taker: None,
            }),
            done: AtomicBool::new(done),
        })
    }

    /// Whether `other` is the context of this packet.
    pub(crate) fn belongs_to(&self, other: &Arc<Context>) -> bool {
        Arc::ptr_eq(&self.cx, other)
    }

    /// Puts the value a committed popper waits for, and wakes it.
    pub(crate) fn put(&self, value: T) {
        let taker = self.exchange.with(|e| {
            debug_assert!(e.value.is_none());
            e.value = Some(value);
            e.taker.take()
        });
        self.finish(taker);
    }

    /// The filler gives up: the committed popper gets nothing.
    pub(crate) fn abandon(&self) {
        let taker = self.exchange.with(|e| {
            e.abandoned = true;
            e.taker.take()
        });
        self.finish(taker);
    }

    fn finish(&self, taker: Option<Thread>) {
        // Release: a taker that sees `done` without the lock (before it
        // parks) then takes the lock anyway, which orders the value for it.
        self.done.store(true, Ordering::Release);
        if let Some(t) = taker {
            t.unpark();
        }
    }

    /// Takes the value out (a popper that committed a plain pusher, or a
    /// pusher taking its value back); `None` if there is none.
    pub(crate) fn take(&self) -> Option<T> {
        self.exchange.with(|e| e.value.take())
    }

    /// Marks the packet closed; `close()` does this before it commits it.
    pub(crate) fn mark_closed(&self) {
        self.exchange.with(|e| e.closed = true);
    }

    /// Whether `close()` committed this packet (checked by its owner once
    /// committed, so `mark_closed` came before the commit it saw).
    pub(crate) fn is_closed(&self) -> bool {
        self.exchange.with(|e| e.closed)
    }

    /// Waits until the value is there and takes it, or `None` if the filler
    /// abandoned it. Only for a taker that committed (or was committed to)
    /// this packet, so a `put` or `abandon` is certain to come.
    pub(crate) fn wait_value(&self) -> Option<T> {
        let me = current();
        loop {
            let ready = self.exchange.with(|e| {
                if let Some(v) = e.value.take() {
                    return Some(Some(v));
                }
                if e.abandoned {
                    return Some(None);
                }
                e.taker = Some(me.clone());
                None
            });
            if let Some(outcome) = ready {
                return outcome;
            }
            // Acquire: pairs with `finish`; see `done`.
            if !self.done.load(Ordering::Acquire) {
                park();
            }
        }
    }
}
