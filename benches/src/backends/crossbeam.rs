//! crossbeam-channel as a pool backend.

use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, SendTimeoutError, Sender};
use ringq::{CapacityError, PushTimeoutError, Queue, TryPushError};
use ringq_pool::{Backend, Job};

use super::{pop_in_slices, push_in_slices, Gate};

/// A `crossbeam_channel::bounded` queue. Its
/// blocked send cannot be woken by a close, so it goes through a
/// [`Gate`] and waits in 1 ms slices.
///
/// # Examples
///
/// ```
/// use ringq_benches::backends::CrossbeamBackend;
/// use ringq_pool::Pool;
///
/// let pool = Pool::builder().workers(2).capacity(8).backend::<CrossbeamBackend>().build().unwrap();
/// assert_eq!(pool.submit(|| 1).unwrap().join().unwrap(), 1);
/// ```
#[derive(Debug)]
pub struct CrossbeamBackend {
    tx: Sender<Job>,
    rx: Receiver<Job>,
    gate: Gate,
    capacity: usize,
}

impl Backend for CrossbeamBackend {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        // Validate like ringq does: crossbeam would make a rendezvous
        // channel for 0 and abort on an impossible allocation.
        Queue::<()>::try_new(capacity)?;
        let (tx, rx) = crossbeam_channel::bounded(capacity);
        Ok(CrossbeamBackend {
            tx,
            rx,
            gate: Gate::default(),
            capacity,
        })
    }

    fn push(&self, job: Job) -> Result<(), Job> {
        self.push_until(job, None).map_err(|e| e.into_inner())
    }

    fn try_push(&self, job: Job) -> Result<(), TryPushError<Job>> {
        self.gate
            .try_pass(job, |j| self.tx.try_send(j).map_err(|e| e.into_inner()))
    }

    fn push_timeout(&self, job: Job, timeout: Duration) -> Result<(), PushTimeoutError<Job>> {
        // A timeout too large for `Instant` is no deadline.
        self.push_until(job, Instant::now().checked_add(timeout))
    }

    fn pop(&self) -> Option<Job> {
        pop_in_slices(
            &self.gate,
            || self.rx.try_recv().ok(),
            |slice| self.rx.recv_timeout(slice).ok(),
        )
    }

    fn try_pop(&self) -> Option<Job> {
        self.rx.try_recv().ok()
    }

    fn close(&self) -> bool {
        self.gate.close()
    }

    fn is_closed(&self) -> bool {
        self.gate.is_closed()
    }

    fn len(&self) -> usize {
        self.rx.len()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

impl CrossbeamBackend {
    fn push_until(&self, job: Job, deadline: Option<Instant>) -> Result<(), PushTimeoutError<Job>> {
        push_in_slices(&self.gate, job, deadline, |j, slice| {
            self.tx.send_timeout(j, slice).map_err(|e| match e {
                SendTimeoutError::Timeout(j) | SendTimeoutError::Disconnected(j) => j,
            })
        })
    }
}
