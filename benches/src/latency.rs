//! Sparse latency: one message every ~50 µs from a sleep-paced producer,
//! one-way latency measured by the consumer. This is where a queue's way of
//! waiting shows: the consumer has usually given up spinning by the time a
//! message comes, so the number is mostly "how fast does a waiting consumer
//! wake".

use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use crate::channels::Channel;
use crate::cpu::process_cpu;

/// What one sparse run measured.
#[derive(Clone, Debug, Default)]
pub struct Sparse {
    /// One-way latency of every message (send call to receive return).
    pub samples: Vec<Duration>,
    /// Process CPU time the run used.
    pub cpu: Duration,
}

/// Sends `messages` values through a capacity-64 queue of `C`, sleeping
/// `gap` between sends.
pub fn sparse<C: Channel>(messages: usize, gap: Duration) -> Sparse {
    let (mut txs, mut rxs) = C::ends(64, 1, 1).expect("every implementation has 1 x 1");
    let (mut tx, mut rx) = (txs.pop().expect("a sender"), rxs.pop().expect("a receiver"));
    let start = &Barrier::new(2);
    let base = Instant::now();
    let cpu_before = process_cpu();
    let samples = thread::scope(|s| {
        let consumer = s.spawn(move || {
            start.wait();
            let mut samples = Vec::with_capacity(messages);
            for _ in 0..messages {
                let sent_ns = C::recv(&mut rx);
                let now_ns = base.elapsed().as_nanos() as u64;
                samples.push(Duration::from_nanos(now_ns.saturating_sub(sent_ns)));
            }
            samples
        });
        start.wait();
        for _ in 0..messages {
            thread::sleep(gap);
            C::send(&mut tx, base.elapsed().as_nanos() as u64);
        }
        consumer.join().expect("consumer")
    });
    Sparse {
        samples,
        cpu: process_cpu().saturating_sub(cpu_before),
    }
}
