//! Tests that need the crate's internals: counter wrap-around.

use alloc::vec::Vec;
#[cfg(feature = "std")]
use std::thread;

use crate::{Queue, TryPopError, TryPushError};

/// Laps round the ring in the wrap tests: enough to cross the wrap point
/// (the counters start two laps below it) several times over.
const LAPS: usize = if cfg!(miri) { 6 } else { 50 };

#[test]
fn counters_wrap_around_single_thread() {
    for cap in [1, 2, 3, 7, 64] {
        let q = Queue::new_near_wrap(cap);
        let mut next_in = 0usize;
        let mut next_out = 0usize;
        for _ in 0..LAPS {
            // Fill, checking the full edge, then drain, checking the empty edge.
            for _ in 0..cap {
                q.try_push(next_in).unwrap();
                next_in += 1;
            }
            assert!(q.is_full(), "cap {cap}");
            assert_eq!(q.len(), cap);
            assert_eq!(q.try_push(usize::MAX), Err(TryPushError::Full(usize::MAX)));
            for _ in 0..cap {
                assert_eq!(q.try_pop(), Ok(next_out));
                next_out += 1;
            }
            assert!(q.is_empty());
            assert_eq!(q.try_pop(), Err(TryPopError::Empty));
            // And a half-full step, so head and tail cross the wrap point at
            // different times.
            q.try_push(next_in).unwrap();
            next_in += 1;
            assert_eq!(q.len(), 1);
            assert_eq!(q.try_pop(), Ok(next_out));
            next_out += 1;
        }
    }
}

#[test]
fn force_push_and_close_across_wrap() {
    let q = Queue::new_near_wrap(3);
    for i in 0..(3 * LAPS) {
        let displaced = q.force_push(i).unwrap();
        assert_eq!(displaced, i.checked_sub(3));
    }
    assert_eq!(q.len(), 3);
    assert!(q.close());
    assert_eq!(q.try_push(0), Err(TryPushError::Closed(0)));
    let start = 3 * LAPS - 3;
    assert_eq!(
        q.try_iter().collect::<Vec<_>>(),
        (start..3 * LAPS).collect::<Vec<_>>()
    );
    assert_eq!(q.try_pop(), Err(TryPopError::Closed));
}

#[test]
#[cfg(feature = "std")] // blocking push and pop
fn counters_wrap_around_two_threads() {
    let per_lap = 2;
    let n = per_lap * LAPS * 4;
    let q = Queue::new_near_wrap(per_lap);
    thread::scope(|s| {
        s.spawn(|| {
            for i in 0..n {
                q.push(i).unwrap();
            }
            q.close();
        });
        let got: Vec<usize> = q.iter().collect();
        assert_eq!(got, (0..n).collect::<Vec<_>>());
    });
}
