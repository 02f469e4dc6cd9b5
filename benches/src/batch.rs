//! Batch push and pop, one producer and one consumer: ringq's `push_from`
//! and `pop_into` at a batch size, against ringq's own single calls and
//! kanal's `drain_into` (kanal has no batch send: its producer sends one by
//! one, its consumer drains what is there, or blocks in `recv` for one when
//! nothing is).

use std::collections::VecDeque;
use std::sync::Barrier;
use std::thread;
use std::time::Instant;

use crate::scenario::{checked, Outcome, Span};

/// What a batch run measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batch {
    /// ringq, `push` and `pop` one value at a time.
    RingqSingle,
    /// ringq, `push_from` chunks of this many values and `pop_into` with
    /// this `max`.
    Ringq(usize),
    /// kanal, `send` one at a time and `drain_into`.
    KanalDrain,
}

impl Batch {
    /// The rows of the batch table, in order.
    pub const ALL: [Batch; 5] = [
        Batch::RingqSingle,
        Batch::Ringq(1),
        Batch::Ringq(8),
        Batch::Ringq(64),
        Batch::KanalDrain,
    ];

    /// The row's name.
    pub fn name(self) -> String {
        match self {
            Batch::RingqSingle => "ringq push/pop".to_string(),
            Batch::Ringq(k) => format!("ringq batch {k}"),
            Batch::KanalDrain => "kanal drain_into".to_string(),
        }
    }
}

/// Runs `batch` once: `messages` values through a queue of capacity `cap`.
pub fn run_batch(batch: Batch, cap: usize, messages: u64) -> Outcome {
    match batch {
        Batch::RingqSingle => spsc(
            ringq::Queue::new(cap),
            |q, v| q.push(v).expect("open"),
            |q, sum| {
                *sum = sum.wrapping_add(q.pop().expect("open"));
                1
            },
            messages,
        ),
        Batch::Ringq(k) => {
            let q = ringq::Queue::new(cap);
            let barrier = Barrier::new(2);
            let (span, sum) = thread::scope(|s| {
                let (q, barrier) = (&q, &barrier);
                let producer = s.spawn(move || {
                    let mut src = VecDeque::with_capacity(k);
                    barrier.wait();
                    let start = Instant::now();
                    let mut next = 0;
                    while next < messages {
                        let end = (next + k as u64).min(messages);
                        src.extend(next..end);
                        q.push_from(&mut src).expect("open");
                        next = end;
                    }
                    Span::new(start)
                });
                let mut buf = Vec::with_capacity(k);
                barrier.wait();
                let start = Instant::now();
                let (mut got, mut sum) = (0u64, 0u64);
                while got < messages {
                    got += q.pop_into(&mut buf, k).expect("open") as u64;
                    sum = buf.drain(..).fold(sum, u64::wrapping_add);
                }
                let span = Span::new(start).union(producer.join().expect("producer"));
                (span, sum)
            });
            checked(sum, messages, span.elapsed())
        }
        Batch::KanalDrain => {
            let (tx, rx) = kanal::bounded(cap);
            let barrier = Barrier::new(2);
            let (span, sum) = thread::scope(|s| {
                let barrier = &barrier;
                let producer = s.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    for v in 0..messages {
                        tx.send(v).expect("open");
                    }
                    Span::new(start)
                });
                let mut buf = Vec::with_capacity(cap);
                barrier.wait();
                let start = Instant::now();
                let (mut got, mut sum) = (0u64, 0u64);
                while got < messages {
                    let n = rx.drain_into(&mut buf).expect("open");
                    if n == 0 {
                        sum = sum.wrapping_add(rx.recv().expect("open"));
                        got += 1;
                    }
                    got += buf.len() as u64;
                    sum = buf.drain(..).fold(sum, u64::wrapping_add);
                }
                let span = Span::new(start).union(producer.join().expect("producer"));
                (span, sum)
            });
            checked(sum, messages, span.elapsed())
        }
    }
}

/// One producer calling `send` per value, one consumer calling `recv`
/// until `messages` arrived (`recv` returns how many it took).
fn spsc<Q: Sync>(
    q: Q,
    send: impl Fn(&Q, u64) + Send + Sync,
    recv: impl Fn(&Q, &mut u64) -> u64,
    messages: u64,
) -> Outcome {
    let barrier = Barrier::new(2);
    let (span, sum) = thread::scope(|s| {
        let (q, barrier, send) = (&q, &barrier, &send);
        let producer = s.spawn(move || {
            barrier.wait();
            let start = Instant::now();
            for v in 0..messages {
                send(q, v);
            }
            Span::new(start)
        });
        barrier.wait();
        let start = Instant::now();
        let (mut got, mut sum) = (0u64, 0u64);
        while got < messages {
            got += recv(q, &mut sum);
        }
        let span = Span::new(start).union(producer.join().expect("producer"));
        (span, sum)
    });
    checked(sum, messages, span.elapsed())
}

/// The capacity of every batch run.
pub const BATCH_CAPACITY: usize = 1024;

/// The batch table: each row's median throughput over interleaved trials.
#[derive(Debug)]
pub struct BatchTable {
    /// Trials per row (rows interleaved within each trial).
    pub trials: usize,
    /// Messages per run.
    pub messages: u64,
    /// Each row and its median Mmsg/s (`None`: a run lost or duplicated
    /// values).
    pub rows: Vec<(Batch, Option<f64>)>,
}

/// Measures every row of [`Batch::ALL`], `trials` times each, interleaved.
pub fn measure_table(trials: usize, messages: u64) -> BatchTable {
    let mut samples = vec![Vec::new(); Batch::ALL.len()];
    let mut corrupted = [false; Batch::ALL.len()];
    for _ in 0..trials {
        for (i, &batch) in Batch::ALL.iter().enumerate() {
            match run_batch(batch, BATCH_CAPACITY, messages) {
                Outcome::Ok(d) => samples[i].push(messages as f64 / d.as_secs_f64() / 1e6),
                Outcome::Corrupted | Outcome::Unsupported => corrupted[i] = true,
            }
        }
    }
    let rows = Batch::ALL
        .iter()
        .zip(samples)
        .zip(corrupted)
        .map(|((&b, s), bad)| (b, (!bad).then(|| crate::summary::median(&s))))
        .collect();
    BatchTable {
        trials,
        messages,
        rows,
    }
}

impl BatchTable {
    fn median_of(&self, batch: Batch) -> Option<f64> {
        self.rows.iter().find(|r| r.0 == batch).and_then(|r| r.1)
    }

    /// The table in markdown, with each row's ratio to ringq's single calls
    /// and to kanal's `drain_into` (above 1: this row is faster).
    pub fn markdown(&self) -> String {
        let single = self.median_of(Batch::RingqSingle);
        let kanal = self.median_of(Batch::KanalDrain);
        let ratio = |x: Option<f64>, base: Option<f64>| match (x, base) {
            (Some(x), Some(b)) => format!("{:.2}", x / b),
            _ => "-".to_string(),
        };
        let mut out = format!(
            "## Batch push and pop (spsc, capacity {BATCH_CAPACITY}, idle; {} interleaved trials, {} messages per run)\n\n\
             | row | median Mmsg/s | ÷ ringq push/pop | ÷ kanal drain_into |\n|---|---:|---:|---:|\n",
            self.trials, self.messages
        );
        for &(b, m) in &self.rows {
            let mmsg = m.map_or("LOST/DUP".to_string(), |v| format!("{v:.1}"));
            out.push_str(&format!(
                "| {} | {mmsg} | {} | {} |\n",
                b.name(),
                ratio(m, single),
                ratio(m, kanal)
            ));
        }
        out
    }

    /// The table as a JSON object.
    pub fn json(&self) -> String {
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|&(b, m)| {
                format!(
                    "{{\"row\":\"{}\",\"median_mmsg_per_s\":{}}}",
                    b.name(),
                    m.map_or("null".to_string(), |v| format!("{v:.4}"))
                )
            })
            .collect();
        format!(
            "{{\"capacity\":{BATCH_CAPACITY},\"trials\":{},\"messages\":{},\"rows\":[{}]}}",
            self.trials,
            self.messages,
            rows.join(",")
        )
    }
}
