//! Shuttle tests of the single-owner flavors: the 4 × 4 test of
//! `queue.rs` becomes 4 × 1 (`mpsc`), 1 × 4 (`spmc`) and 1 × 1 (`spsc`),
//! with `cancel` and a consumer's `close` racing the owned sides. Every
//! value is popped once, handed back once, or still queued; each producer's
//! values arrive in order at every consumer; no thread hangs.
#![cfg(shuttle)]

use ringq::{CancelToken, WaitPolicy};
use shuttle::thread;
use shuttle_tests::check;

/// Values each producer sends: producer `p`'s `i`-th value is `p * 100 + i`.
const PER_PRODUCER: u32 = 3;

/// `n` handles of one side: `vec![h]` for an owned side (n = 1), clones
/// for a shared one.
macro_rules! fan {
    (1, $h:expr) => {
        vec![$h]
    };
    ($n:literal, $h:expr) => {{
        let h = $h;
        let mut all: Vec<_> = (1..$n).map(|_| h.clone()).collect();
        all.push(h);
        all
    }};
}

macro_rules! flavored {
    ($name:ident, $flavor:ident, $np:tt, $nc:tt, $cap:expr, $policy:expr) => {
        #[test]
        #[allow(unused_mut)] // `mut` handles are needed on owned sides only
        fn $name() {
            check(20000, || {
                let (tx, rx) = ringq::Queue::<u32>::builder($cap).wait($policy).$flavor();
                let token = CancelToken::new();
                let producers: Vec<_> = fan!($np, tx)
                    .into_iter()
                    .enumerate()
                    .map(|(p, mut tx)| {
                        let token = token.clone();
                        thread::spawn(move || {
                            let mut back = Vec::new();
                            for i in 0..PER_PRODUCER {
                                let v = p as u32 * 100 + i;
                                let r = if p % 2 == 0 {
                                    tx.push(v).map_err(|e| e.into_inner())
                                } else {
                                    tx.push_cancellable(v, &token).map_err(|e| e.into_inner())
                                };
                                back.extend(r.err());
                            }
                            back
                        })
                    })
                    .collect();
                let consumers: Vec<_> = fan!($nc, rx)
                    .into_iter()
                    .enumerate()
                    .map(|(c, mut rx)| {
                        let token = token.clone();
                        thread::spawn(move || {
                            let mut got = Vec::new();
                            loop {
                                let r = if c % 2 == 1 {
                                    rx.pop_cancellable(&token).map_err(|_| ())
                                } else {
                                    rx.pop().map_err(|_| ())
                                };
                                match r {
                                    Ok(v) => got.push(v),
                                    Err(()) => break,
                                }
                                if c == 0 && got.len() == 1 {
                                    rx.close(); // a consumer's close races the pushes
                                }
                            }
                            (got, rx)
                        })
                    })
                    .collect();
                token.cancel();
                let mut seen = Vec::new();
                for p in producers {
                    seen.extend(p.join().unwrap());
                }
                let mut last = None;
                for c in consumers {
                    let (got, rx) = c.join().unwrap();
                    for p in 0..4 {
                        let mine: Vec<u32> = got.iter().copied().filter(|v| v / 100 == p).collect();
                        assert!(
                            mine.windows(2).all(|w| w[0] < w[1]),
                            "out of order: {mine:?}"
                        );
                    }
                    seen.extend(got);
                    last = Some(rx);
                }
                // Cancelled consumers may leave values behind: still queued.
                let mut rx = last.expect("a consumer");
                seen.extend(rx.try_iter());
                seen.sort_unstable();
                let all: Vec<u32> = (0..$np as u32)
                    .flat_map(|p| (0..PER_PRODUCER).map(move |i| p * 100 + i))
                    .collect();
                assert_eq!(seen, all, "a value was lost or seen twice");
            });
        }
    };
}

flavored!(mpsc_four_by_one_capacity_1, mpsc, 4, 1, 1, WaitPolicy::Park);
flavored!(
    mpsc_four_by_one_capacity_2,
    mpsc,
    4,
    1,
    2,
    WaitPolicy::Adaptive
);
flavored!(spmc_one_by_four_capacity_1, spmc, 1, 4, 1, WaitPolicy::Park);
flavored!(
    spmc_one_by_four_capacity_2,
    spmc,
    1,
    4,
    2,
    WaitPolicy::Adaptive
);
flavored!(spsc_one_by_one_capacity_1, spsc, 1, 1, 1, WaitPolicy::Park);
flavored!(
    spsc_one_by_one_capacity_2,
    spsc,
    1,
    1,
    2,
    WaitPolicy::Adaptive
);
