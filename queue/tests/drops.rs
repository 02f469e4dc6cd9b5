//! Drop accounting: every value is dropped exactly once, wherever it ends up.
#![cfg(feature = "std")]

mod common;

use std::thread;

use common::{scaled, DropLedger};
use ringq::{bounded, Queue};

#[test]
fn values_left_in_the_queue_are_dropped_once() {
    // Several fill levels and positions, so the leftovers straddle the wrap.
    for (cap, pushes, pops) in [(1, 1, 0), (3, 5, 3), (4, 4, 0), (5, 12, 4), (8, 3, 1)] {
        let ledger = DropLedger::new(pushes);
        let q = Queue::new(cap);
        let mut displaced = Vec::new();
        for i in 0..pushes {
            if let Some(old) = q.force_push(ledger.value(i)).unwrap() {
                displaced.push(old);
            }
        }
        for _ in 0..pops {
            drop(q.try_pop().unwrap());
        }
        let before = ledger.counts().iter().sum::<usize>();
        assert_eq!(before, pops, "only the popped values are dropped yet");
        drop(displaced);
        drop(q);
        ledger.assert_each_dropped(1);
    }
}

#[test]
fn values_handed_back_in_errors_are_dropped_once() {
    let ledger = DropLedger::new(6);
    let q = Queue::new(1);
    assert!(q.push(ledger.value(0)).is_ok());
    drop(q.try_push(ledger.value(1)).unwrap_err());
    drop(
        q.push_timeout(ledger.value(2), std::time::Duration::ZERO)
            .unwrap_err(),
    );
    let token = ringq::CancelToken::new();
    token.cancel();
    drop(q.push_cancellable(ledger.value(3), &token).unwrap_err());
    q.close();
    drop(q.push(ledger.value(4)).unwrap_err());
    drop(q.force_push(ledger.value(5)).unwrap_err());
    assert_eq!(ledger.counts(), [0, 1, 1, 1, 1, 1]);
    drop(q);
    ledger.assert_each_dropped(1);
}

#[test]
fn zero_sized_values_with_drop_glue_are_dropped_once() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    struct Zst;
    impl Drop for Zst {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Ordering::SeqCst);
        }
    }
    let q = Queue::new(4);
    for _ in 0..4 {
        q.push(Zst).unwrap();
    }
    drop(q.try_pop().unwrap());
    assert_eq!(DROPS.load(Ordering::SeqCst), 1);
    drop(q);
    assert_eq!(DROPS.load(Ordering::SeqCst), 4);
}

#[test]
fn handles_dropped_with_values_inside_drop_them_once() {
    let n = scaled(1000, 40);
    let ledger = DropLedger::new(n);
    let (tx, rx) = bounded(7);
    thread::scope(|s| {
        s.spawn(|| {
            for i in 0..n {
                if let Err(e) = tx.push(ledger.value(i)) {
                    drop(e); // queue closed by the consumer: value comes back
                }
            }
        });
        // Pop some, then leave with values still queued or in flight.
        for _ in 0..n / 3 {
            drop(rx.pop().unwrap());
        }
        drop(rx);
    });
    drop(tx);
    ledger.assert_each_dropped(1);
}
