//! Stress: 4 producers x 4 consumers, every value counted in and out.
//!
//! Each value encodes `(producer, sequence)`. Every consumer checks that each
//! producer's values reach it in increasing order; at the end every value
//! whose push succeeded must have been popped exactly once (a per-value
//! counter catches loss and duplication), and every value whose push failed
//! must have come back to its producer.
#![cfg(feature = "std")]

mod common;

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Barrier;
use std::thread;

use common::scaled;
use ringq::{CancelToken, Queue, WaitPolicy};

const PRODUCERS: usize = 4;
const CONSUMERS: usize = 4;
/// Values per producer: 100,000 per run in all.
const PER_PRODUCER: usize = scaled(25_000, 30);
const CAPACITIES: [usize; 3] = [1, 3, 64];

fn encode(producer: usize, seq: usize) -> usize {
    producer * PER_PRODUCER + seq
}

/// How a run ends.
#[derive(Clone, Copy, Debug)]
enum Ending {
    /// Producers push everything, then the queue is closed.
    Complete,
    /// A separate thread closes the queue while producers are still pushing.
    CloseMidway,
    /// A token shared by everyone is cancelled midway.
    CancelMidway,
}

/// What a producer did: pushed values `0..accepted` and got value
/// `accepted` back (if it stopped early).
struct Produced {
    accepted: usize,
}

fn produce(q: &Queue<usize>, p: usize, ending: Ending, token: &CancelToken) -> Produced {
    for seq in 0..PER_PRODUCER {
        let v = encode(p, seq);
        let back = match ending {
            Ending::CancelMidway => q.push_cancellable(v, token).err().map(|e| e.into_inner()),
            // Mix the blocking and non-blocking paths.
            _ if seq % 7 == 0 => loop {
                match q.try_push(v) {
                    Ok(()) => break None,
                    Err(e) if e.is_full() => thread::yield_now(),
                    Err(e) => break Some(e.into_inner()),
                }
            },
            _ => q.push(v).err().map(|e| e.into_inner()),
        };
        if let Some(back) = back {
            assert_eq!(back, v, "a failed push hands back its own value");
            return Produced { accepted: seq };
        }
    }
    Produced {
        accepted: PER_PRODUCER,
    }
}

/// Pops until closed (or cancelled); returns the values in pop order.
fn consume(q: &Queue<usize>, ending: Ending, token: &CancelToken) -> Vec<usize> {
    let mut got = Vec::new();
    loop {
        let v = match ending {
            Ending::CancelMidway => q.pop_cancellable(token).ok(),
            _ => q.pop().ok(),
        };
        match v {
            Some(v) => got.push(v),
            None => return got,
        }
    }
}

fn check_order(popped: &[usize]) {
    let mut last = [None::<usize>; PRODUCERS];
    for &v in popped {
        let (p, seq) = (v / PER_PRODUCER, v % PER_PRODUCER);
        if let Some(prev) = last[p] {
            assert!(seq > prev, "producer {p}: {seq} after {prev}");
        }
        last[p] = Some(seq);
    }
}

fn run(cap: usize, ending: Ending) {
    run_with(cap, ending, WaitPolicy::Adaptive);
}

fn run_with(cap: usize, ending: Ending, policy: WaitPolicy) {
    let q = Queue::builder(cap).wait(policy).build();
    let token = CancelToken::new();
    let start = Barrier::new(PRODUCERS + CONSUMERS + 1);
    let midway = AtomicBool::new(false);
    let (produced, mut popped) = thread::scope(|s| {
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let (q, token, start, midway) = (&q, &token, &start, &midway);
                s.spawn(move || {
                    start.wait();
                    let out = produce(q, p, ending, token);
                    if p == 0 {
                        midway.store(true, Ordering::SeqCst);
                    }
                    out
                })
            })
            .collect();
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    consume(&q, ending, &token)
                })
            })
            .collect();
        start.wait();
        match ending {
            Ending::Complete => {}
            Ending::CloseMidway | Ending::CancelMidway => {
                // Stop once some values have gone through, while producers
                // are still pushing.
                while q.is_empty() && !midway.load(Ordering::SeqCst) {
                    thread::yield_now();
                }
                thread::yield_now();
                if matches!(ending, Ending::CloseMidway) {
                    q.close();
                } else {
                    token.cancel();
                }
            }
        }
        let produced: Vec<Produced> = producers.into_iter().map(|h| h.join().unwrap()).collect();
        if matches!(ending, Ending::Complete) {
            q.close();
        }
        let popped: Vec<Vec<usize>> = consumers.into_iter().map(|h| h.join().unwrap()).collect();
        (produced, popped)
    });
    for run in &popped {
        check_order(run);
    }
    // Cancelled consumers may leave values behind: they are still queued.
    let leftover: Vec<usize> = q.try_iter().collect();
    check_order(&leftover);
    popped.push(leftover);

    let seen: Vec<AtomicU8> = (0..PRODUCERS * PER_PRODUCER)
        .map(|_| AtomicU8::new(0))
        .collect();
    for v in popped.iter().flatten() {
        seen[*v].fetch_add(1, Ordering::Relaxed);
    }
    let mut total_in = 0;
    for (p, out) in produced.iter().enumerate() {
        total_in += out.accepted;
        for seq in 0..PER_PRODUCER {
            let n = seen[encode(p, seq)].load(Ordering::Relaxed);
            let expected = u8::from(seq < out.accepted);
            assert_eq!(
                n, expected,
                "cap {cap} {ending:?}: value ({p}, {seq}) popped {n} times"
            );
        }
    }
    if matches!(ending, Ending::Complete) {
        assert_eq!(total_in, PRODUCERS * PER_PRODUCER);
    }
}

#[test]
fn mpmc_every_value_exactly_once_in_producer_order() {
    for cap in CAPACITIES {
        run(cap, Ending::Complete);
    }
}

#[test]
fn mpmc_with_close_racing_the_producers() {
    for cap in CAPACITIES {
        run(cap, Ending::CloseMidway);
    }
}

#[test]
fn mpmc_with_cancellation_firing_midway() {
    for cap in CAPACITIES {
        run(cap, Ending::CancelMidway);
    }
}

/// The same three endings under the other wait policies: how a call waits
/// must not change what it returns. (Spin with 8 threads on a 2-core
/// machine is slow but must still be exact.)
#[test]
fn every_wait_policy_is_exact() {
    for policy in [WaitPolicy::Spin, WaitPolicy::Park] {
        for ending in [Ending::Complete, Ending::CloseMidway, Ending::CancelMidway] {
            run_with(3, ending, policy);
        }
    }
}

/// `force_push` racing consumers: every value is popped, displaced (and
/// returned), or left in the queue, exactly once.
#[test]
fn force_push_racing_pops() {
    let n = scaled(50_000, 40);
    for cap in CAPACITIES {
        let q = Queue::new(cap);
        let done = AtomicBool::new(false);
        let (displaced, popped) = thread::scope(|s| {
            let pushers: Vec<_> = (0..2)
                .map(|p| {
                    let q = &q;
                    s.spawn(move || {
                        let mut back = Vec::new();
                        for i in 0..n {
                            back.extend(q.force_push(p * n + i).unwrap());
                        }
                        back
                    })
                })
                .collect();
            let poppers: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        let mut got = Vec::new();
                        while !done.load(Ordering::SeqCst) {
                            got.extend(q.try_pop().ok());
                        }
                        got
                    })
                })
                .collect();
            let displaced: Vec<usize> = pushers
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect();
            done.store(true, Ordering::SeqCst);
            let popped: Vec<usize> = poppers
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect();
            (displaced, popped)
        });
        let mut all: Vec<usize> = displaced
            .into_iter()
            .chain(popped)
            .chain(q.try_iter())
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..2 * n).collect::<Vec<_>>(), "cap {cap}");
    }
}

/// A semaphore's use of the queue: `capacity` tokens, threads that take
/// one (a blocking `pop`) and give it back with `try_push`, which must
/// never say "full": after my pop completed, at most `capacity - 1` tokens
/// are queued, whatever another pop is doing (one may have claimed the
/// slot my push needs and not yet released it while later pops complete).
#[test]
fn try_push_never_says_full_with_room() {
    const THREADS: usize = 4;
    let rounds = scaled(50_000, 60);
    for cap in [2, 3] {
        let q = Queue::new(cap);
        for token in 0..cap {
            q.push(token).unwrap();
        }
        thread::scope(|s| {
            for _ in 0..THREADS {
                s.spawn(|| {
                    for _ in 0..rounds {
                        let token = q.pop().unwrap();
                        if let Err(e) = q.try_push(token) {
                            panic!("try_push said {e} with a token out");
                        }
                    }
                });
            }
        });
        let mut left: Vec<usize> = q.try_iter().collect();
        left.sort_unstable();
        assert_eq!(left, (0..cap).collect::<Vec<_>>(), "every token back once");
    }
}
