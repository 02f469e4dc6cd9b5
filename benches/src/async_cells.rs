//! Async throughput: producers and consumers as tasks on tokio's
//! multi-thread runtime (2 worker threads, this project's core count),
//! ringq's `push_async`/`pop_async` against `tokio::sync::mpsc`, flume,
//! kanal, crossfire and async-channel, each through its own async API.
//!
//! Shapes: spsc (1 → 1) and mpmc (4 → 4); `tokio::sync::mpsc` has a single
//! consumer, so it has spsc cells only. Every run sends the values
//! `0..messages` once, split over the producers, and checks that the
//! consumers received exactly that many with the right sum.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

/// Capacities of the async cells.
pub const ASYNC_CAPACITIES: [usize; 3] = [1, 64, 1024];

/// Producer and consumer task counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One producer task, one consumer task.
    Spsc,
    /// Four producer tasks, four consumer tasks.
    Mpmc,
}

impl Shape {
    /// Both shapes, in table order.
    pub const ALL: [Shape; 2] = [Shape::Spsc, Shape::Mpmc];

    /// The shape's name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Spsc => "spsc",
            Shape::Mpmc => "mpmc",
        }
    }

    fn tasks(self) -> (u64, usize) {
        match self {
            Shape::Spsc => (1, 1),
            Shape::Mpmc => (4, 4),
        }
    }
}

/// One async channel implementation.
pub trait AsyncChan {
    /// The sending half (cloned per producer task).
    type Tx: Clone + Send + 'static;
    /// The receiving half.
    type Rx: Send + 'static;
    /// The name in tables.
    const NAME: &'static str;
    /// A bounded channel of capacity `cap` (> 0).
    fn new(cap: usize) -> (Self::Tx, Self::Rx);
    /// Another receiver of the same channel; `None` if there can be only one.
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx>;
    /// Sends `v`, waiting while full.
    fn send(tx: &Self::Tx, v: u64) -> impl Future<Output = ()> + Send + '_;
    /// Receives a value; `None` once every sender is gone and it is drained.
    fn recv(rx: &mut Self::Rx) -> impl Future<Output = Option<u64>> + Send + '_;
}

/// ringq: `Producer::push_async`, `Consumer::pop_async`.
#[derive(Debug)]
pub struct Ringq;

impl AsyncChan for Ringq {
    type Tx = ringq::Producer<u64>;
    type Rx = ringq::Consumer<u64>;
    const NAME: &'static str = "ringq";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        ringq::bounded(cap)
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
    async fn send(tx: &Self::Tx, v: u64) {
        tx.push_async(v).await.expect("open");
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.pop_async().await.ok()
    }
}

/// `tokio::sync::mpsc::channel`.
#[derive(Debug)]
pub struct TokioMpsc;

impl AsyncChan for TokioMpsc {
    type Tx = tokio::sync::mpsc::Sender<u64>;
    type Rx = tokio::sync::mpsc::Receiver<u64>;
    const NAME: &'static str = "tokio mpsc";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        tokio::sync::mpsc::channel(cap)
    }
    fn clone_rx(_: &Self::Rx) -> Option<Self::Rx> {
        None
    }
    async fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).await.expect("open");
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await
    }
}

/// `crossfire::mpmc::bounded_async`.
#[derive(Debug)]
pub struct Crossfire;

impl AsyncChan for Crossfire {
    type Tx = crossfire::MAsyncTx<crossfire::mpmc::Array<u64>>;
    type Rx = crossfire::MAsyncRx<crossfire::mpmc::Array<u64>>;
    const NAME: &'static str = "crossfire";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        crossfire::mpmc::bounded_async(cap)
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
    async fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).await.expect("open");
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await.ok()
    }
}

/// `kanal::bounded_async`.
#[derive(Debug)]
pub struct Kanal;

impl AsyncChan for Kanal {
    type Tx = kanal::AsyncSender<u64>;
    type Rx = kanal::AsyncReceiver<u64>;
    const NAME: &'static str = "kanal";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        kanal::bounded_async(cap)
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
    async fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).await.expect("open");
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await.ok()
    }
}

/// `flume::bounded` with `send_async`/`recv_async`.
#[derive(Debug)]
pub struct Flume;

impl AsyncChan for Flume {
    type Tx = flume::Sender<u64>;
    type Rx = flume::Receiver<u64>;
    const NAME: &'static str = "flume";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        flume::bounded(cap)
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
    async fn send(tx: &Self::Tx, v: u64) {
        tx.send_async(v).await.expect("open");
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv_async().await.ok()
    }
}

/// `async_channel::bounded`.
#[derive(Debug)]
pub struct AsyncChannel;

impl AsyncChan for AsyncChannel {
    type Tx = async_channel::Sender<u64>;
    type Rx = async_channel::Receiver<u64>;
    const NAME: &'static str = "async-channel";
    fn new(cap: usize) -> (Self::Tx, Self::Rx) {
        async_channel::bounded(cap)
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
    async fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).await.expect("open");
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await.ok()
    }
}

/// The implementations of the async table; ringq first, its ratios are
/// against the others.
pub const ASYNC_IMPLS: [&str; 6] = [
    Ringq::NAME,
    TokioMpsc::NAME,
    Crossfire::NAME,
    Kanal::NAME,
    Flume::NAME,
    AsyncChannel::NAME,
];

/// The runtime every async cell runs on: tokio's multi-thread scheduler
/// with 2 workers.
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a tokio runtime")
}

/// What one async run gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsyncOutcome {
    /// Every value arrived once; the wall time.
    Ok(Duration),
    /// The implementation has no such cell (tokio's mpsc has one consumer).
    Unsupported,
    /// A value was lost or duplicated.
    Corrupted,
}

/// Runs the implementation named `name` once.
pub fn run_async(
    rt: &Runtime,
    name: &str,
    shape: Shape,
    cap: usize,
    messages: u64,
) -> AsyncOutcome {
    match name {
        Ringq::NAME => run::<Ringq>(rt, shape, cap, messages),
        TokioMpsc::NAME => run::<TokioMpsc>(rt, shape, cap, messages),
        Crossfire::NAME => run::<Crossfire>(rt, shape, cap, messages),
        Kanal::NAME => run::<Kanal>(rt, shape, cap, messages),
        Flume::NAME => run::<Flume>(rt, shape, cap, messages),
        AsyncChannel::NAME => run::<AsyncChannel>(rt, shape, cap, messages),
        other => panic!("no async implementation named {other}"),
    }
}

fn run<C: AsyncChan>(rt: &Runtime, shape: Shape, cap: usize, messages: u64) -> AsyncOutcome {
    let (producers, consumers) = shape.tasks();
    let per = messages / producers;
    let total = per * producers;
    let (tx, rx) = C::new(cap);
    let mut rxs = Vec::with_capacity(consumers);
    for _ in 1..consumers {
        match C::clone_rx(&rx) {
            Some(r) => rxs.push(r),
            None => return AsyncOutcome::Unsupported,
        }
    }
    rxs.push(rx);
    rt.block_on(async move {
        let start = Instant::now();
        let receivers: Vec<_> = rxs
            .into_iter()
            .map(|mut rx| {
                tokio::spawn(async move {
                    let (mut n, mut sum) = (0u64, 0u64);
                    while let Some(v) = C::recv(&mut rx).await {
                        n += 1;
                        sum = sum.wrapping_add(v);
                    }
                    (n, sum)
                })
            })
            .collect();
        let senders: Vec<_> = (0..producers)
            .map(|p| {
                let tx = tx.clone();
                tokio::spawn(async move {
                    for v in p * per..(p + 1) * per {
                        C::send(&tx, v).await;
                    }
                })
            })
            .collect();
        drop(tx); // the last sender task's handle closes the channel
        for s in senders {
            s.await.expect("a producer task");
        }
        let (mut n, mut sum) = (0u64, 0u64);
        for r in receivers {
            let (rn, rs) = r.await.expect("a consumer task");
            n += rn;
            sum = sum.wrapping_add(rs);
        }
        let elapsed = start.elapsed();
        let want = (0..total).fold(0u64, u64::wrapping_add);
        if n == total && sum == want {
            AsyncOutcome::Ok(elapsed)
        } else {
            AsyncOutcome::Corrupted
        }
    })
}

/// One implementation's samples in one cell: every trial's Mmsg/s; `None`
/// once a run lost or duplicated values, an empty list for a cell the
/// implementation does not have.
pub type Samples = Option<Vec<f64>>;

/// The async table of one section (idle or loaded).
#[derive(Debug)]
pub struct AsyncTable {
    /// Background burner processes during the runs.
    pub load: usize,
    /// Interleaved trials per cell.
    pub trials: usize,
    /// Messages per run.
    pub messages: u64,
    /// Per cell (shape, capacity): per implementation, its [`Samples`].
    pub cells: Vec<(Shape, usize, Vec<Samples>)>,
}

/// Measures every async cell `trials` times, implementations interleaved
/// (starting one later each trial), with `load` burner processes running.
pub fn measure_table(trials: usize, messages: u64, load: usize) -> AsyncTable {
    let _load = (load > 0).then(|| {
        let l = crate::load::Load::start(load);
        std::thread::sleep(Duration::from_millis(300)); // let them get going
        l
    });
    let rt = runtime();
    let mut cells: Vec<_> = Shape::ALL
        .iter()
        .flat_map(|&s| ASYNC_CAPACITIES.iter().map(move |&c| (s, c)))
        .map(|(s, c)| (s, c, vec![Some(Vec::new()); ASYNC_IMPLS.len()]))
        .collect();
    for trial in 0..trials {
        for (shape, cap, rates) in &mut cells {
            for k in 0..ASYNC_IMPLS.len() {
                let i = (k + trial) % ASYNC_IMPLS.len();
                match (
                    run_async(&rt, ASYNC_IMPLS[i], *shape, *cap, messages),
                    &mut rates[i],
                ) {
                    (AsyncOutcome::Ok(d), Some(r)) => {
                        r.push(messages as f64 / d.as_secs_f64() / 1e6)
                    }
                    (AsyncOutcome::Corrupted, slot) => *slot = None,
                    _ => {}
                }
            }
        }
    }
    AsyncTable {
        load,
        trials,
        messages,
        cells,
    }
}

impl AsyncTable {
    /// Per cell, per implementation: the median Mmsg/s; `Err(true)` if a
    /// run lost or duplicated values, `Err(false)` for no such cell.
    fn medians(&self) -> Vec<Vec<Result<f64, bool>>> {
        self.cells
            .iter()
            .map(|(_, _, rates)| {
                rates
                    .iter()
                    .map(|r| match r {
                        None => Err(true),
                        Some(v) if v.is_empty() => Err(false),
                        Some(v) => Ok(crate::summary::median(v)),
                    })
                    .collect()
            })
            .collect()
    }

    /// Per implementation after ringq: the geometric mean of ringq/other
    /// over the cells both have.
    pub fn geomeans(&self) -> Vec<Option<f64>> {
        let medians = self.medians();
        (1..ASYNC_IMPLS.len())
            .map(|i| {
                let ratios: Vec<f64> = medians
                    .iter()
                    .filter_map(|row| match (row[0], row[i]) {
                        (Ok(r), Ok(o)) => Some(r / o),
                        _ => None,
                    })
                    .collect();
                crate::summary::geomean(&ratios)
            })
            .collect()
    }

    /// The table in markdown: medians, then ratios ringq/other (above 1:
    /// ringq faster) and their geomeans.
    pub fn markdown(&self) -> String {
        let title = match self.load {
            0 => "idle machine".to_string(),
            n => format!("{n} background processes burning CPU"),
        };
        let mut out = format!(
            "## Async throughput (tokio multi-thread runtime, 2 workers; {title}; {} interleaved trials, {} messages per run)\n\n\
             Median Mmsg/s; in brackets ringq/other (above 1 = ringq faster). tokio's mpsc has one consumer: no mpmc cells.\n\n| cell |",
            self.trials, self.messages
        );
        for name in ASYNC_IMPLS {
            out.push_str(&format!(" {name} |"));
        }
        out.push_str(&format!("\n|---|{}\n", "---:|".repeat(ASYNC_IMPLS.len())));
        for ((shape, cap, _), row) in self.cells.iter().zip(self.medians()) {
            out.push_str(&format!("| {}/{cap} |", shape.name()));
            for (i, m) in row.iter().enumerate() {
                let cell = match (m, row[0], i) {
                    (Ok(v), _, 0) => format!("{v:.2}"),
                    (Ok(v), Ok(r), _) => format!("{v:.2} ({:.2})", r / v),
                    (Ok(v), _, _) => format!("{v:.2}"),
                    (Err(true), _, _) => "LOST/DUP".to_string(),
                    (Err(false), _, _) => "-".to_string(),
                };
                out.push_str(&format!(" {cell} |"));
            }
            out.push('\n');
        }
        out.push_str("| **geomean ringq/other** | |");
        for g in self.geomeans() {
            out.push_str(&g.map_or(" - |".to_string(), |g| format!(" **{g:.2}** |")));
        }
        out.push('\n');
        out
    }

    /// The table as a JSON object.
    pub fn json(&self) -> String {
        let cells: Vec<String> = self
            .cells
            .iter()
            .zip(self.medians())
            .map(|((shape, cap, _), row)| {
                let values: Vec<String> = ASYNC_IMPLS
                    .iter()
                    .zip(row)
                    .map(|(name, m)| match m {
                        Ok(v) => format!("\"{name}\":{v:.4}"),
                        Err(_) => format!("\"{name}\":null"),
                    })
                    .collect();
                format!(
                    "{{\"cell\":\"{}/{cap}\",\"median_mmsg_per_s\":{{{}}}}}",
                    shape.name(),
                    values.join(",")
                )
            })
            .collect();
        let geomeans: Vec<String> = ASYNC_IMPLS[1..]
            .iter()
            .zip(self.geomeans())
            .map(|(name, g)| {
                format!(
                    "\"{name}\":{}",
                    g.map_or("null".to_string(), |g| format!("{g:.4}"))
                )
            })
            .collect();
        format!(
            "{{\"load\":{},\"trials\":{},\"messages\":{},\"cells\":[{}],\"geomean_ringq_over\":{{{}}}}}",
            self.load,
            self.trials,
            self.messages,
            cells.join(","),
            geomeans.join(",")
        )
    }
}
