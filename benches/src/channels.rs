//! One trait over every queue we compare, and its implementations.

use std::sync::{Arc, Mutex};

use crossbeam_utils::Backoff;

/// A bounded queue as the scenarios use it: blocking send and receive of
/// `u64`s through handles that each thread owns (`&mut`, so single-owner
/// flavors fit: ringq's `spsc`/`mpsc`/`spmc`, crossfire's `spsc`/`mpsc`,
/// rtrb).
pub trait Channel: 'static {
    /// The sending handle.
    type Tx: Send;
    /// The receiving handle.
    type Rx: Send;
    /// Short name for tables.
    const NAME: &'static str;
    /// One queue holding up to `cap` values, with `producers` sending and
    /// `consumers` receiving handles; `None` if this implementation has no
    /// such shape (a single-owner side asked for two handles).
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>>;
    /// Blocks until `v` is in the queue.
    fn send(tx: &mut Self::Tx, v: u64);
    /// Blocks until a value comes out.
    fn recv(rx: &mut Self::Rx) -> u64;
    /// Non-blocking send; `false` when full.
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool;
    /// Non-blocking receive.
    fn try_recv(rx: &mut Self::Rx) -> Option<u64>;
}

/// The sending and receiving handles of one queue.
pub type Ends<C> = (Vec<<C as Channel>::Tx>, Vec<<C as Channel>::Rx>);

/// `producers` clones of `tx` and `consumers` of `rx`: the ends of a queue
/// whose handles are `Clone`.
pub fn cloned<Tx: Clone, Rx: Clone>(
    (tx, rx): (Tx, Rx),
    producers: usize,
    consumers: usize,
) -> Option<(Vec<Tx>, Vec<Rx>)> {
    Some((vec![tx; producers], vec![rx; consumers]))
}

/// The ends of a queue whose sides are fanned out by `fan_tx` / `fan_rx`:
/// [`one`] for a single-owner side (exactly one handle), [`many`] for a
/// shared one.
pub fn owned<Tx, Rx>(
    (tx, rx): (Tx, Rx),
    producers: usize,
    consumers: usize,
    fan_tx: impl Fn(Tx, usize) -> Option<Vec<Tx>>,
    fan_rx: impl Fn(Rx, usize) -> Option<Vec<Rx>>,
) -> Option<(Vec<Tx>, Vec<Rx>)> {
    Some((fan_tx(tx, producers)?, fan_rx(rx, consumers)?))
}

/// One handle, if one is asked for.
pub fn one<H>(h: H, n: usize) -> Option<Vec<H>> {
    (n == 1).then(|| vec![h])
}

/// `n` clones of `h`.
pub fn many<H: Clone>(h: H, n: usize) -> Option<Vec<H>> {
    Some(vec![h; n])
}

/// `ringq::Queue` shared by reference (an `Arc` here).
#[derive(Debug)]
pub struct RingqQueue;

impl Channel for RingqQueue {
    type Tx = Arc<ringq::Queue<u64>>;
    type Rx = Arc<ringq::Queue<u64>>;
    const NAME: &'static str = "ringq";
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        let q = Arc::new(ringq::Queue::new(cap));
        cloned((q.clone(), q), producers, consumers)
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        tx.push(v).expect("open");
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        rx.pop().expect("open")
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.try_push(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
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
            fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
                let q = Arc::new(ringq::Queue::builder(cap).wait($policy).build());
                cloned((q.clone(), q), producers, consumers)
            }
            #[inline]
            fn send(tx: &mut Self::Tx, v: u64) {
                RingqQueue::send(tx, v)
            }
            #[inline]
            fn recv(rx: &mut Self::Rx) -> u64 {
                RingqQueue::recv(rx)
            }
            #[inline]
            fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
                RingqQueue::try_send(tx, v)
            }
            #[inline]
            fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
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
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        cloned(ringq::bounded(cap), producers, consumers)
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        tx.push(v).expect("open");
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        rx.pop().expect("open")
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.try_push(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
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
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        cloned(crossbeam_channel::bounded(cap), producers, consumers)
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        rx.recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
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
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        cloned(kanal::bounded(cap), producers, consumers)
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        rx.recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        matches!(tx.try_send(v), Ok(true))
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
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
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        cloned(crossfire::mpmc::bounded_blocking(cap), producers, consumers)
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        rx.recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
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
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        cloned(async_channel::bounded(cap), producers, consumers)
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        tx.send_blocking(v).expect("open");
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        rx.recv_blocking().expect("open")
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
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
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        cloned(flume::bounded(cap), producers, consumers)
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        rx.recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
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
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        cloned(
            {
                let (tx, rx) = std::sync::mpsc::sync_channel(cap);
                (tx, Arc::new(Mutex::new(rx)))
            },
            producers,
            consumers,
        )
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        tx.send(v).expect("open");
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        rx.lock().expect("not poisoned").recv().expect("open")
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.try_send(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.lock().expect("not poisoned").try_recv().ok()
    }
}

/// How the queues with no blocking calls (rtrb, `ArrayQueue`,
/// concurrent-queue) send and receive here: retry with crossbeam-utils'
/// `Backoff` (spin, then yield) until the call succeeds. The same loop for
/// each, so their rows compare the queues, not the waiting.
#[inline]
pub fn retry<T>(mut attempt: impl FnMut() -> Option<T>) -> T {
    let backoff = Backoff::new();
    loop {
        if let Some(v) = attempt() {
            return v;
        }
        backoff.snooze();
    }
}

/// `crossbeam_queue::ArrayQueue`: non-blocking only; its blocking send and
/// receive here are [`retry`] loops.
#[derive(Debug)]
pub struct ArrayQueue;

impl Channel for ArrayQueue {
    type Tx = Arc<crossbeam_queue::ArrayQueue<u64>>;
    type Rx = Arc<crossbeam_queue::ArrayQueue<u64>>;
    const NAME: &'static str = "ArrayQueue(spin)";
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        let q = Arc::new(crossbeam_queue::ArrayQueue::new(cap));
        cloned((q.clone(), q), producers, consumers)
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        retry(|| tx.push(v).ok());
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        retry(|| rx.pop())
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.push(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.pop()
    }
}

/// `concurrent_queue::ConcurrentQueue::bounded`: non-blocking only; its
/// blocking send and receive here are [`retry`] loops.
#[derive(Debug)]
pub struct ConcurrentQueue;

impl Channel for ConcurrentQueue {
    type Tx = Arc<concurrent_queue::ConcurrentQueue<u64>>;
    type Rx = Arc<concurrent_queue::ConcurrentQueue<u64>>;
    const NAME: &'static str = "concurrent-queue(spin)";
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        let q = Arc::new(concurrent_queue::ConcurrentQueue::bounded(cap));
        cloned((q.clone(), q), producers, consumers)
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        retry(|| tx.push(v).ok());
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        retry(|| rx.pop().ok())
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.push(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.pop().ok()
    }
}

/// rtrb's SPSC ring (`rtrb::RingBuffer`): non-blocking only, so its
/// blocking send and receive here are [`retry`] loops; one producer and
/// one consumer only. It has no capacity 0 (a rendezvous): capacity 0 asks
/// for 1.
#[derive(Debug)]
pub struct Rtrb;

impl Channel for Rtrb {
    type Tx = rtrb::Producer<u64>;
    type Rx = rtrb::Consumer<u64>;
    const NAME: &'static str = "rtrb(spin)";
    fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
        owned(
            rtrb::RingBuffer::new(cap.max(1)),
            producers,
            consumers,
            one,
            one,
        )
    }
    #[inline]
    fn send(tx: &mut Self::Tx, v: u64) {
        retry(|| tx.push(v).ok());
    }
    #[inline]
    fn recv(rx: &mut Self::Rx) -> u64 {
        retry(|| rx.pop().ok())
    }
    #[inline]
    fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
        tx.push(v).is_ok()
    }
    #[inline]
    fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.pop().ok()
    }
}

/// The ringq handles of a flavor: `Producer<u64, P, C>` / `Consumer<u64, P, C>`.
macro_rules! ringq_flavor {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $make:ident, $p:ident, $c:ident, $fan_tx:ident, $fan_rx:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $ty;

        impl Channel for $ty {
            type Tx = ringq::Producer<u64, ringq::$p, ringq::$c>;
            type Rx = ringq::Consumer<u64, ringq::$p, ringq::$c>;
            const NAME: &'static str = $name;
            fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
                owned(ringq::$make(cap), producers, consumers, $fan_tx, $fan_rx)
            }
            #[inline]
            fn send(tx: &mut Self::Tx, v: u64) {
                tx.push(v).expect("open");
            }
            #[inline]
            fn recv(rx: &mut Self::Rx) -> u64 {
                rx.pop().expect("open")
            }
            #[inline]
            fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
                tx.try_push(v).is_ok()
            }
            #[inline]
            fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
                rx.try_pop().ok()
            }
        }
    };
}

ringq_flavor!(
    /// `ringq::spsc`: both sides owned (a store and a fence per claim).
    RingqSpsc, "ringq-spsc", spsc, Single, Single, one, one
);
ringq_flavor!(
    /// `ringq::mpsc`: shared producers, an owned consumer.
    RingqMpsc, "ringq-mpsc", mpsc, Multi, Single, many, one
);
ringq_flavor!(
    /// `ringq::spmc`: an owned producer, shared consumers.
    RingqSpmc, "ringq-spmc", spmc, Single, Multi, one, many
);

/// crossfire's flavors other than MPMC: `Tx`/`MTx` and `Rx` handles.
macro_rules! crossfire_flavor {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $module:ident, $tx:ident, $fan_tx:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $ty;

        impl Channel for $ty {
            type Tx = crossfire::$tx<crossfire::$module::Array<u64>>;
            type Rx = crossfire::Rx<crossfire::$module::Array<u64>>;
            const NAME: &'static str = $name;
            fn ends(cap: usize, producers: usize, consumers: usize) -> Option<Ends<Self>> {
                owned(crossfire::$module::bounded_blocking(cap), producers, consumers, $fan_tx, one)
            }
            #[inline]
            fn send(tx: &mut Self::Tx, v: u64) {
                tx.send(v).expect("open");
            }
            #[inline]
            fn recv(rx: &mut Self::Rx) -> u64 {
                rx.recv().expect("open")
            }
            #[inline]
            fn try_send(tx: &mut Self::Tx, v: u64) -> bool {
                tx.try_send(v).is_ok()
            }
            #[inline]
            fn try_recv(rx: &mut Self::Rx) -> Option<u64> {
                rx.try_recv().ok()
            }
        }
    };
}

crossfire_flavor!(
    /// `crossfire::spsc::bounded_blocking` (one producer, one consumer).
    CrossfireSpsc, "crossfire-spsc", spsc, Tx, one
);
crossfire_flavor!(
    /// `crossfire::mpsc::bounded_blocking` (shared producers, one consumer).
    CrossfireMpsc, "crossfire-mpsc", mpsc, MTx, many
);
