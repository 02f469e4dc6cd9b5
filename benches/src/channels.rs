//! One trait over every queue we compare, and its implementations.

use std::sync::{Arc, Mutex};

use crossbeam_utils::Backoff;

/// A bounded queue as the scenarios use it: blocking send and receive of
/// `u64`s through cloneable handles.
pub trait Channel: 'static {
    /// The sending handle.
    type Tx: Clone + Send;
    /// The receiving handle.
    type Rx: Clone + Send;
    /// Short name for tables.
    const NAME: &'static str;
    /// A queue holding up to `cap` values.
    fn new(cap: usize) -> (Self::Tx, Self::Rx);
    /// Blocks until `v` is in the queue.
    fn send(tx: &Self::Tx, v: u64);
    /// Blocks until a value comes out.
    fn recv(rx: &Self::Rx) -> u64;
    /// Non-blocking send; `false` when full.
    fn try_send(tx: &Self::Tx, v: u64) -> bool;
    /// Non-blocking receive.
    fn try_recv(rx: &Self::Rx) -> Option<u64>;
}

/// `ringq::Queue` shared by reference (an `Arc` here).
#[derive(Debug)]
pub struct RingqQueue;

impl Channel for RingqQueue {
    type Tx = Arc<ringq::Queue<u64>>;
    type Rx = Arc<ringq::Queue<u64>>;
    const NAME: &'static str = "ringq";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        let q = Arc::new(ringq::Queue::new(cap));
        (q.clone(), q)
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        tx.push(v).expect("open");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.pop().expect("open")
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_push(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.try_pop().ok()
    }
}

/// `ringq::Queue` built with `WaitPolicy::Spin` (busy-polls, never parks).
#[derive(Debug)]
pub struct RingqSpin;

/// `ringq::Queue` built with `WaitPolicy::Park` (parks after one re-check).
#[derive(Debug)]
pub struct RingqPark;

macro_rules! ringq_with_policy {
    ($ty:ident, $name:literal, $policy:expr) => {
        impl Channel for $ty {
            type Tx = Arc<ringq::Queue<u64>>;
            type Rx = Arc<ringq::Queue<u64>>;
            const NAME: &'static str = $name;
            fn new(cap: usize) -> (Self::Tx, Self::Rx) {
                let q = Arc::new(ringq::Queue::builder(cap).wait($policy).build());
                (q.clone(), q)
            }
            #[inline]
            fn send(tx: &Self::Tx, v: u64) {
                RingqQueue::send(tx, v)
            }
            #[inline]
            fn recv(rx: &Self::Rx) -> u64 {
                RingqQueue::recv(rx)
            }
            #[inline]
            fn try_send(tx: &Self::Tx, v: u64) -> bool {
                RingqQueue::try_send(tx, v)
            }
            #[inline]
            fn try_recv(rx: &Self::Rx) -> Option<u64> {
                RingqQueue::try_recv(rx)
            }
        }
    };
}

ringq_with_policy!(RingqSpin, "ringq-spin", ringq::WaitPolicy::Spin);
ringq_with_policy!(RingqPark, "ringq-park", ringq::WaitPolicy::Park);

/// `ringq::bounded`: `Producer` / `Consumer` handles.
#[derive(Debug)]
pub struct RingqHandles;

impl Channel for RingqHandles {
    type Tx = ringq::Producer<u64>;
    type Rx = ringq::Consumer<u64>;
    const NAME: &'static str = "ringq-handles";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        ringq::bounded(cap)
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        tx.push(v).expect("open");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.pop().expect("open")
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_push(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.try_pop().ok()
    }
}

/// `crossbeam_channel::bounded`.
#[derive(Debug)]
pub struct Crossbeam;

impl Channel for Crossbeam {
    type Tx = crossbeam_channel::Sender<u64>;
    type Rx = crossbeam_channel::Receiver<u64>;
    const NAME: &'static str = "crossbeam";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        crossbeam_channel::bounded(cap)
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.try_recv().ok()
    }
}

/// `kanal::bounded`.
#[derive(Debug)]
pub struct Kanal;

impl Channel for Kanal {
    type Tx = kanal::Sender<u64>;
    type Rx = kanal::Receiver<u64>;
    const NAME: &'static str = "kanal";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        kanal::bounded(cap)
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        matches!(tx.try_send(v), Ok(true))
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.try_recv().ok().flatten()
    }
}

/// `crossfire::mpmc::bounded_blocking` (call `crossfire::detect_backoff_cfg()`
/// once before using it, as its docs ask; `compare` does).
#[derive(Debug)]
pub struct Crossfire;

impl Channel for Crossfire {
    type Tx = crossfire::MTx<crossfire::mpmc::Array<u64>>;
    type Rx = crossfire::MRx<crossfire::mpmc::Array<u64>>;
    const NAME: &'static str = "crossfire";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        crossfire::mpmc::bounded_blocking(cap)
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.try_recv().ok()
    }
}

/// `async_channel::bounded` through its blocking calls (`send_blocking`,
/// `recv_blocking`).
#[derive(Debug)]
pub struct AsyncChannel;

impl Channel for AsyncChannel {
    type Tx = async_channel::Sender<u64>;
    type Rx = async_channel::Receiver<u64>;
    const NAME: &'static str = "async-channel";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        async_channel::bounded(cap)
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        tx.send_blocking(v).expect("open");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.recv_blocking().expect("open")
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.try_recv().ok()
    }
}

/// `flume::bounded`.
#[derive(Debug)]
pub struct Flume;

impl Channel for Flume {
    type Tx = flume::Sender<u64>;
    type Rx = flume::Receiver<u64>;
    const NAME: &'static str = "flume";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        flume::bounded(cap)
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.try_recv().ok()
    }
}

/// `std::sync::mpsc::sync_channel`. Its receiver is not `Clone`, so for
/// multi-consumer runs every consumer shares it behind a `Mutex` (that lock is
/// part of what this row measures).
#[derive(Debug)]
pub struct Std;

impl Channel for Std {
    type Tx = std::sync::mpsc::SyncSender<u64>;
    type Rx = Arc<Mutex<std::sync::mpsc::Receiver<u64>>>;
    const NAME: &'static str = "std";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        let (tx, rx) = std::sync::mpsc::sync_channel(cap);
        (tx, Arc::new(Mutex::new(rx)))
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        rx.lock().expect("not poisoned").recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.lock().expect("not poisoned").try_recv().ok()
    }
}

/// `crossbeam_queue::ArrayQueue`: non-blocking only; its blocking send and
/// receive here spin with crossbeam's `Backoff` on full/empty.
#[derive(Debug)]
pub struct ArrayQueue;

impl Channel for ArrayQueue {
    type Tx = Arc<crossbeam_queue::ArrayQueue<u64>>;
    type Rx = Arc<crossbeam_queue::ArrayQueue<u64>>;
    const NAME: &'static str = "ArrayQueue(spin)";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        let q = Arc::new(crossbeam_queue::ArrayQueue::new(cap));
        (q.clone(), q)
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        let backoff = Backoff::new();
        let mut v = v;
        while let Err(back) = tx.push(v) {
            v = back;
            backoff.snooze();
        }
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        let backoff = Backoff::new();
        loop {
            if let Some(v) = rx.pop() {
                return v;
            }
            backoff.snooze();
        }
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.push(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.pop()
    }
}

/// `concurrent_queue::ConcurrentQueue::bounded`: non-blocking only; its
/// blocking send and receive here spin with crossbeam's `Backoff`.
#[derive(Debug)]
pub struct ConcurrentQueue;

impl Channel for ConcurrentQueue {
    type Tx = Arc<concurrent_queue::ConcurrentQueue<u64>>;
    type Rx = Arc<concurrent_queue::ConcurrentQueue<u64>>;
    const NAME: &'static str = "concurrent-queue(spin)";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        let q = Arc::new(concurrent_queue::ConcurrentQueue::bounded(cap));
        (q.clone(), q)
    }
    #[inline]
    fn send(tx: &Self::Tx, v: u64) {
        let backoff = Backoff::new();
        let mut v = v;
        while let Err(e) = tx.push(v) {
            v = e.into_inner();
            backoff.snooze();
        }
    }
    #[inline]
    fn recv(rx: &Self::Rx) -> u64 {
        let backoff = Backoff::new();
        loop {
            if let Ok(v) = rx.pop() {
                return v;
            }
            backoff.snooze();
        }
    }
    #[inline]
    fn try_send(tx: &Self::Tx, v: u64) -> bool {
        tx.push(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &Self::Rx) -> Option<u64> {
        rx.pop().ok()
    }
}
