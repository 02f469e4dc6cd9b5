//! Async push and pop on tokio's multi-thread runtime, mixed with blocking
//! threads, with futures dropped at random points. (Not built under loom or
//! shuttle, whose `--cfg` tokio reads as its own; skipped under miri, where
//! the runtime is too slow: `asynchronous.rs` covers miri with pollster.)
#![cfg(feature = "std")]
#![cfg(not(any(loom, shuttle)))]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::scaled;
use ringq::{PopError, Queue};

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

const PRODUCERS: u64 = 4;

fn per_producer() -> u64 {
    scaled(2_000, 20) as u64
}

/// Checks an exact multiset (each value once) and per-producer order.
fn check_received(received: &[Vec<u64>]) {
    let mut seen = HashMap::new();
    for stream in received {
        let mut last = HashMap::new();
        for &v in stream {
            *seen.entry(v).or_insert(0) += 1;
            let (producer, seq) = (v >> 32, v & 0xffff_ffff);
            if let Some(prev) = last.insert(producer, seq) {
                assert!(prev < seq, "producer {producer}: {prev} then {seq}");
            }
        }
    }
    assert_eq!(seen.len() as u64, PRODUCERS * per_producer(), "values lost");
    assert!(seen.values().all(|&n| n == 1), "a value received twice");
}

#[test]
#[cfg_attr(miri, ignore = "tokio's runtime is too slow under miri")]
fn async_producers_blocking_consumers() {
    for capacity in [0, 1, 64] {
        let q = Arc::new(Queue::new(capacity));
        let rt = tokio_runtime();
        let consumers: Vec<_> = (0..4)
            .map(|_| {
                let q = q.clone();
                thread::spawn(move || q.iter().collect::<Vec<u64>>())
            })
            .collect();
        rt.block_on(async {
            let tasks: Vec<_> = (0..PRODUCERS)
                .map(|p| {
                    let q = q.clone();
                    tokio::spawn(async move {
                        for i in 0..per_producer() {
                            q.push_async(p << 32 | i).await.unwrap();
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
        });
        q.close();
        let received: Vec<_> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
        check_received(&received);
    }
}

#[test]
#[cfg_attr(miri, ignore = "tokio's runtime is too slow under miri")]
fn blocking_producers_async_consumers() {
    for capacity in [0, 1, 64] {
        let q = Arc::new(Queue::new(capacity));
        let rt = tokio_runtime();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let q = q.clone();
                thread::spawn(move || {
                    for i in 0..per_producer() {
                        q.push(p << 32 | i).unwrap();
                    }
                })
            })
            .collect();
        let received = rt.block_on(async {
            let tasks: Vec<_> = (0..4)
                .map(|_| {
                    let q = q.clone();
                    tokio::spawn(async move {
                        let mut got = Vec::new();
                        while let Ok(v) = q.pop_async().await {
                            got.push(v);
                        }
                        got
                    })
                })
                .collect();
            for p in producers {
                tokio::task::spawn_blocking(move || p.join().unwrap())
                    .await
                    .unwrap();
            }
            q.close();
            let mut received = Vec::new();
            for t in tasks {
                received.push(t.await.unwrap());
            }
            received
        });
        check_received(&received);
    }
}

/// Futures dropped at random points, on both sides, by `tokio::time::timeout`
/// and `tokio::select!`: every value is received once, or handed back and
/// pushed again, never lost, never twice.
#[test]
#[cfg_attr(miri, ignore = "tokio's runtime is too slow under miri")]
fn dropped_futures_lose_nothing() {
    for capacity in [0, 1, 64] {
        let q = Arc::new(Queue::new(capacity));
        let handed_back = Arc::new(AtomicUsize::new(0));
        let rt = tokio_runtime();
        let received = rt.block_on(async {
            let consumers: Vec<_> = (0..4)
                .map(|c| {
                    let q = q.clone();
                    tokio::spawn(async move {
                        let mut got = Vec::new();
                        let mut n = 0u32;
                        loop {
                            n += 1;
                            // Every other pop gets one poll (a zero timeout)
                            // and is dropped if pending: it took nothing.
                            let popped = if (n + c) % 2 == 0 {
                                match tokio::time::timeout(Duration::ZERO, q.pop_async()).await {
                                    Ok(r) => r,
                                    Err(_) => continue,
                                }
                            } else {
                                q.pop_async().await
                            };
                            match popped {
                                Ok(v) => got.push(v),
                                Err(PopError) => return got,
                            }
                        }
                    })
                })
                .collect();
            let producers: Vec<_> = (0..PRODUCERS)
                .map(|p| {
                    let q = q.clone();
                    let handed_back = handed_back.clone();
                    tokio::spawn(async move {
                        for i in 0..per_producer() {
                            let mut value = p << 32 | i;
                            loop {
                                let mut push = q.push_async(value);
                                tokio::select! {
                                    r = &mut push => { r.unwrap(); break; }
                                    _ = tokio::task::yield_now() => {}
                                }
                                match push.cancel() {
                                    Some(v) => {
                                        handed_back.fetch_add(1, Ordering::Relaxed);
                                        value = v;
                                    }
                                    None => break, // it completed as the timer fired
                                }
                            }
                        }
                    })
                })
                .collect();
            for p in producers {
                p.await.unwrap();
            }
            q.close();
            let mut received = Vec::new();
            for c in consumers {
                received.push(c.await.unwrap());
            }
            received
        });
        check_received(&received);
        eprintln!(
            "capacity {capacity}: {} pushes cancelled and retried",
            handed_back.load(Ordering::Relaxed)
        );
    }
}
