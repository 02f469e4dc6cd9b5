//! Helpers shared by the pool's integration tests.
#![allow(dead_code)] // each test binary uses a subset

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ringq_pool::{Pool, Stats};

/// Scales a size down under miri, where every step is ~1000x slower.
pub const fn scaled(normal: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else {
        normal
    }
}

/// How many times each job id ran: catches a job run twice as well as never.
#[derive(Clone, Debug)]
pub struct RunLedger(Arc<Vec<AtomicUsize>>);

impl RunLedger {
    pub fn new(n: usize) -> RunLedger {
        RunLedger(Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect()))
    }

    pub fn ran(&self, id: usize) {
        self.0[id].fetch_add(1, Ordering::SeqCst);
    }

    pub fn count(&self, id: usize) -> usize {
        self.0[id].load(Ordering::SeqCst)
    }

    /// Asserts no job ran twice; returns how many ran once.
    pub fn ran_at_most_once(&self) -> usize {
        self.0
            .iter()
            .enumerate()
            .map(|(id, c)| {
                let c = c.load(Ordering::SeqCst);
                assert!(c <= 1, "job {id} ran {c} times");
                c
            })
            .sum()
    }
}

/// Asserts the accounting identity on a snapshot.
pub fn assert_identity(s: &Stats, accepted: usize) {
    assert_eq!(
        s.completed + s.panicked + s.cancelled + s.queued + s.active,
        accepted,
        "{s:?}"
    );
}

/// Blocks the pool's workers until the returned guard is dropped, so tests
/// can fill the queue deterministically. Waits until every worker is inside
/// its blocking job before returning.
pub fn occupy_workers(pool: &Pool, workers: usize) -> Gate {
    let gate = Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
    let started = Arc::new(AtomicUsize::new(0));
    for _ in 0..workers {
        let (gate, started) = (gate.clone(), started.clone());
        pool.execute(move || {
            started.fetch_add(1, Ordering::SeqCst);
            let (lock, cv) = &*gate;
            let mut open = lock.lock().unwrap();
            while !*open {
                open = cv.wait(open).unwrap();
            }
        })
        .unwrap();
    }
    while started.load(Ordering::SeqCst) < workers {
        std::thread::yield_now();
    }
    Gate(gate)
}

/// Opens on drop; see [`occupy_workers`].
#[derive(Debug)]
pub struct Gate(Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>);

impl Gate {
    pub fn open(self) {}
}

impl Drop for Gate {
    fn drop(&mut self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }
}

/// Runs `f` on its own thread and panics if it has not finished within
/// `secs` seconds, so a regression that hangs fails the suite instead of
/// hanging it (the stuck thread is left behind; the test binary still
/// reports the failure and exits).
pub fn watchdog<R: Send + 'static>(
    secs: u64,
    what: &str,
    f: impl FnOnce() -> R + Send + 'static,
) -> R {
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(format!("watched: {what}"))
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn the watched thread");
    // Miri runs ~1000x slower; give it room rather than a false alarm.
    let limit = std::time::Duration::from_secs(if cfg!(miri) { secs * 100 } else { secs });
    match rx.recv_timeout(limit) {
        Ok(r) => {
            worker.join().expect("the watched thread ended");
            r
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: still running after {limit:?} (hung)")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            // `f` panicked: join to resume its panic here.
            match worker.join() {
                Err(payload) => std::panic::resume_unwind(payload),
                Ok(()) => unreachable!("the thread sends before it returns"),
            }
        }
    }
}

/// A value whose `Drop` panics: user data a worker must drop without dying.
#[derive(Debug)]
pub struct PanicOnDrop(pub &'static str);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            panic!("PanicOnDrop({}) dropped", self.0);
        }
    }
}
