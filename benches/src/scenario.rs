//! The scenarios: who sends, who receives, and how a run is timed.
//!
//! Threads are spawned before the clock starts and released together by a
//! barrier; the clock stops when the last one finishes. Every run checks a
//! checksum of what came out against what went in, so a queue that loses or
//! duplicates values is reported as such instead of as a number.

use std::hint::black_box;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use crate::channels::Channel;

/// A benchmark scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// One thread: pushes a batch of `capacity` values, pops them, repeats.
    Seq,
    /// One producer, one consumer.
    Spsc,
    /// Four producers, one consumer.
    Mpsc,
    /// One producer, four consumers.
    Spmc,
    /// Four producers, four consumers.
    Mpmc,
    /// Round trips through two capacity-1 queues between two threads.
    PingPong,
    /// One thread: `try_send` then `try_recv`, per pair.
    Uncontended,
}

impl Scenario {
    /// Every scenario, in report order.
    pub const ALL: [Scenario; 7] = [
        Scenario::Seq,
        Scenario::Spsc,
        Scenario::Mpsc,
        Scenario::Spmc,
        Scenario::Mpmc,
        Scenario::PingPong,
        Scenario::Uncontended,
    ];

    /// The name used in tables and filters.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Seq => "seq",
            Scenario::Spsc => "spsc",
            Scenario::Mpsc => "mpsc",
            Scenario::Spmc => "spmc",
            Scenario::Mpmc => "mpmc",
            Scenario::PingPong => "pingpong",
            Scenario::Uncontended => "uncontended",
        }
    }

    /// `(producers, consumers)` for the threaded throughput scenarios.
    pub fn threads(self) -> Option<(usize, usize)> {
        match self {
            Scenario::Spsc => Some((1, 1)),
            Scenario::Mpsc => Some((4, 1)),
            Scenario::Spmc => Some((1, 4)),
            Scenario::Mpmc => Some((4, 4)),
            _ => None,
        }
    }

    /// Whether the capacity is part of the scenario (pingpong always uses 1).
    pub fn uses_capacity(self) -> bool {
        !matches!(self, Scenario::PingPong | Scenario::Uncontended)
    }
}

/// One timed run: how long `messages` took, or that values went missing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// Every value came out exactly once (by checksum).
    Ok(Duration),
    /// The checksum of what came out differs from what went in.
    Corrupted,
    /// The implementation has no queue of this shape (a single-owner side
    /// asked for several threads).
    Unsupported,
}

/// Runs `scenario` once over `messages` values (for pingpong: round trips;
/// for uncontended: push/pop pairs) at capacity `cap`.
pub fn run<C: Channel>(scenario: Scenario, cap: usize, messages: u64) -> Outcome {
    match scenario {
        Scenario::Seq => seq::<C>(cap, messages),
        Scenario::PingPong => ping_pong::<C>(messages),
        Scenario::Uncontended => uncontended::<C>(messages),
        threaded => {
            let (p, c) = threaded.threads().expect("threaded scenario");
            producers_consumers::<C>(p, c, cap, messages)
        }
    }
}

/// Sum of `0..n`, the checksum every run must reproduce.
fn expected_sum(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// The one sending and one receiving handle of a new queue.
fn pair<C: Channel>(cap: usize) -> Option<(C::Tx, C::Rx)> {
    let (mut txs, mut rxs) = C::ends(cap, 1, 1)?;
    Some((txs.pop()?, rxs.pop()?))
}

fn seq<C: Channel>(cap: usize, messages: u64) -> Outcome {
    let Some((mut tx, mut rx)) = pair::<C>(cap) else {
        return Outcome::Unsupported;
    };
    let start = Instant::now();
    let mut sum = 0u64;
    let mut next = 0u64;
    while next < messages {
        let batch = (cap as u64).min(messages - next);
        for v in next..next + batch {
            C::send(&mut tx, v);
        }
        for _ in 0..batch {
            sum = sum.wrapping_add(C::recv(&mut rx));
        }
        next += batch;
    }
    let elapsed = start.elapsed();
    checked(sum, messages, elapsed)
}

pub(crate) fn checked(sum: u64, messages: u64, elapsed: Duration) -> Outcome {
    if sum == expected_sum(messages) {
        Outcome::Ok(elapsed)
    } else {
        Outcome::Corrupted
    }
}

/// `producers` threads send `0..messages` between them (interleaved by
/// index); `consumers` threads receive `messages / consumers` each.
///
/// Every worker reads the clock itself, right after the barrier and right
/// after its last operation; the run lasts from the earliest start to the
/// latest end. (Timing from the main thread is wrong on a 2-vCPU machine:
/// with nine runnable threads the main thread can be scheduled after the
/// workers have already finished, which reported impossible rates.)
fn producers_consumers<C: Channel>(
    producers: usize,
    consumers: usize,
    cap: usize,
    messages: u64,
) -> Outcome {
    let messages = messages - messages % (producers * consumers) as u64;
    let Some((txs, rxs)) = C::ends(cap, producers, consumers) else {
        return Outcome::Unsupported;
    };
    let barrier = Barrier::new(producers + consumers);
    let (span, sum) = thread::scope(|s| {
        let senders: Vec<_> = txs
            .into_iter()
            .enumerate()
            .map(|(p, mut tx)| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    let mut v = p as u64;
                    while v < messages {
                        C::send(&mut tx, v);
                        v += producers as u64;
                    }
                    (Span::new(start), 0u64)
                })
            })
            .collect();
        let per_consumer = messages / consumers as u64;
        let receivers: Vec<_> = rxs
            .into_iter()
            .map(|mut rx| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    let mut sum = 0u64;
                    for _ in 0..per_consumer {
                        sum = sum.wrapping_add(C::recv(&mut rx));
                    }
                    (Span::new(start), sum)
                })
            })
            .collect();
        senders
            .into_iter()
            .chain(receivers)
            .map(|h| h.join().expect("benchmark thread"))
            .fold((None::<Span>, 0u64), |(span, sum), (s, x)| {
                (Some(span.map_or(s, |t| t.union(s))), sum.wrapping_add(x))
            })
    });
    let elapsed = span.expect("at least one thread").elapsed();
    checked(sum, messages, elapsed)
}

/// The wall-clock interval one thread was busy, from its start to now.
#[derive(Clone, Copy)]
pub(crate) struct Span {
    start: Instant,
    end: Instant,
}

impl Span {
    pub(crate) fn new(start: Instant) -> Span {
        Span {
            start,
            end: Instant::now(),
        }
    }

    pub(crate) fn union(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub(crate) fn elapsed(self) -> Duration {
        self.end - self.start
    }
}

fn ping_pong<C: Channel>(round_trips: u64) -> Outcome {
    let (Some((mut ping_tx, mut ping_rx)), Some((mut pong_tx, mut pong_rx))) =
        (pair::<C>(1), pair::<C>(1))
    else {
        return Outcome::Unsupported;
    };
    let barrier = Barrier::new(2);
    let (elapsed, sum) = thread::scope(|s| {
        let barrier_ref = &barrier;
        s.spawn(move || {
            barrier_ref.wait();
            for _ in 0..round_trips {
                let v = C::recv(&mut ping_rx);
                C::send(&mut pong_tx, v);
            }
        });
        barrier.wait();
        let start = Instant::now();
        let mut sum = 0u64;
        for v in 0..round_trips {
            C::send(&mut ping_tx, v);
            sum = sum.wrapping_add(C::recv(&mut pong_rx));
        }
        (start.elapsed(), sum)
    });
    checked(sum, round_trips, elapsed)
}

fn uncontended<C: Channel>(pairs: u64) -> Outcome {
    let Some((mut tx, mut rx)) = pair::<C>(64) else {
        return Outcome::Unsupported;
    };
    let start = Instant::now();
    let mut sum = 0u64;
    for v in 0..pairs {
        assert!(
            C::try_send(&mut tx, black_box(v)),
            "{} full when empty",
            C::NAME
        );
        sum = sum.wrapping_add(C::try_recv(&mut rx).unwrap_or(u64::MAX));
    }
    let elapsed = start.elapsed();
    checked(black_box(sum), pairs, elapsed)
}
