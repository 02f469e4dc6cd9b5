//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a subset

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// Scales a size down under miri, where every step is ~1000x slower.
pub const fn scaled(normal: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else {
        normal
    }
}

/// Gives a thread that is about to block time to get past its spin and yield
/// phases and park. Correctness never depends on it: a test that runs before
/// the thread parks still checks the same outcome, on the spin path.
pub fn let_it_park() {
    thread::sleep(Duration::from_millis(if cfg!(miri) { 1 } else { 30 }));
}

/// Per-value drop counters: catches a value dropped twice as well as never.
#[derive(Clone, Debug)]
pub struct DropLedger(Arc<Vec<AtomicUsize>>);

impl DropLedger {
    pub fn new(n: usize) -> DropLedger {
        DropLedger(Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect()))
    }

    pub fn value(&self, id: usize) -> Tracked {
        Tracked {
            id,
            ledger: self.clone(),
        }
    }

    /// How many times each value was dropped.
    pub fn counts(&self) -> Vec<usize> {
        self.0.iter().map(|c| c.load(Ordering::SeqCst)).collect()
    }

    pub fn assert_each_dropped(&self, times: usize) {
        for (id, c) in self.counts().into_iter().enumerate() {
            assert_eq!(c, times, "value {id} dropped {c} times");
        }
    }
}

/// A value that records its drop in a ledger.
#[derive(Debug)]
pub struct Tracked {
    pub id: usize,
    ledger: DropLedger,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.ledger.0[self.id].fetch_add(1, Ordering::SeqCst);
    }
}
