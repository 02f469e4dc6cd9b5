//! `std::sync::mpsc` as a pool backend.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ringq::{CapacityError, PushTimeoutError, Queue, TryPushError};
use ringq_pool::{Backend, Job};

use super::{pop_in_slices, push_in_slices, Gate};

/// A `std::sync::mpsc::sync_channel` queue. Its
/// receiver is not `Sync`, so workers share it behind a mutex; its
/// sender has no timed send on stable Rust, so a blocked push retries
/// `try_send` with a back-off of yields and sleeps of up to 1 ms, behind
/// a [`Gate`] for an exact close. Expect it to be the slowest backend;
/// it exists to compare against.
///
/// # Examples
///
/// ```
/// use ringq_benches::backends::StdBackend;
/// use ringq_pool::Pool;
///
/// let pool = Pool::builder().workers(2).capacity(8).backend::<StdBackend>().build().unwrap();
/// assert_eq!(pool.submit(|| 1).unwrap().join().unwrap(), 1);
/// ```
#[derive(Debug)]
pub struct StdBackend {
    tx: SyncSender<Job>,
    rx: Mutex<Receiver<Job>>,
    gate: Gate,
    queued: AtomicUsize,
    capacity: usize,
}

impl Backend for StdBackend {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        // 0 would make a rendezvous channel; validate like ringq.
        Queue::<()>::try_new(capacity)?;
        let (tx, rx) = std::sync::mpsc::sync_channel(capacity);
        Ok(StdBackend {
            tx,
            rx: Mutex::new(rx),
            gate: Gate::default(),
            queued: Default::default(),
            capacity,
        })
    }

    fn push(&self, job: Job) -> Result<(), Job> {
        self.push_until(job, None).map_err(|e| e.into_inner())
    }

    fn try_push(&self, job: Job) -> Result<(), TryPushError<Job>> {
        self.gate.try_pass(job, |j| self.send_now(j))
    }

    fn push_timeout(&self, job: Job, timeout: Duration) -> Result<(), PushTimeoutError<Job>> {
        // A timeout too large for `Instant` is no deadline.
        self.push_until(job, Instant::now().checked_add(timeout))
    }

    fn pop(&self) -> Option<Job> {
        pop_in_slices(
            &self.gate,
            || self.try_pop(),
            |slice| {
                let rx = self.rx.lock().unwrap_or_else(PoisonError::into_inner);
                rx.recv_timeout(slice).ok().map(|job| self.took(job))
            },
        )
    }

    fn try_pop(&self) -> Option<Job> {
        let rx = self.rx.lock().unwrap_or_else(PoisonError::into_inner);
        rx.try_recv().ok().map(|job| self.took(job))
    }

    fn close(&self) -> bool {
        self.gate.close()
    }

    fn is_closed(&self) -> bool {
        self.gate.is_closed()
    }

    fn len(&self) -> usize {
        // std's channel has no len; this count is racy like every len.
        self.queued.load(Ordering::Relaxed)
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

impl StdBackend {
    fn send_now(&self, job: Job) -> Result<(), Job> {
        // Count first so `len` never goes below zero when a worker pops
        // the job before we return. Relaxed: `len` is advisory.
        self.queued.fetch_add(1, Ordering::Relaxed);
        self.tx.try_send(job).map_err(|e| {
            self.queued.fetch_sub(1, Ordering::Relaxed);
            match e {
                TrySendError::Full(j) | TrySendError::Disconnected(j) => j,
            }
        })
    }

    fn took(&self, job: Job) -> Job {
        self.queued.fetch_sub(1, Ordering::Relaxed);
        job
    }

    fn push_until(&self, job: Job, deadline: Option<Instant>) -> Result<(), PushTimeoutError<Job>> {
        push_in_slices(&self.gate, job, deadline, |j, slice| {
            // No timed send: back off over the slice.
            let until = Instant::now() + slice;
            let mut j = j;
            let mut round = 0u32;
            loop {
                match self.send_now(j) {
                    Ok(()) => return Ok(()),
                    Err(back) => j = back,
                }
                if Instant::now() >= until {
                    return Err(j);
                }
                round += 1;
                if round < 64 {
                    std::thread::yield_now();
                } else {
                    std::thread::sleep(Duration::from_micros(50));
                }
            }
        })
    }
}
