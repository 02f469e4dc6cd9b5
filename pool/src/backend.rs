//! The queue a pool runs on: ringq by default, others behind features.
//!
//! The pool needs little from its queue, and this trait is exactly that.
//! Every backend must give the close guarantee ringq gives, because the
//! pool's accounting stands on it: once [`close`](Backend::close) has
//! returned, no push succeeds, every push that did succeed is still popped,
//! and a push blocked on a full queue returns the job.
//!
//! Queues whose blocked send cannot be woken by a close (crossbeam-channel
//! and `std::sync::mpsc` while the pool still holds a sender) get that
//! guarantee from [`Gate`]: they wait in short slices and look at a closed
//! flag between them.

use std::time::Duration;
#[cfg(any(feature = "crossbeam", feature = "std-mpsc"))]
use std::time::Instant;

use ringq::{CancelToken, CapacityError, PushCancelError, PushTimeoutError, Queue, TryPushError};

use crate::job::Job;
use crate::sync::{AtomicBool, AtomicUsize, Ordering::SeqCst};

/// The queue operations a [`Pool`](crate::Pool) uses.
///
/// Implement it to run the pool over another queue; see the module docs for
/// the close guarantee every implementation must give.
///
/// # Examples
///
/// Choosing a backend (ringq is the default):
///
/// ```
/// use ringq_pool::{Pool, RingqBackend};
///
/// let pool = Pool::builder().workers(2).capacity(64).backend::<RingqBackend>().build().unwrap();
/// pool.execute(|| ()).unwrap();
/// ```
pub trait Backend: Send + Sync + 'static {
    /// A queue for at most `capacity` jobs.
    ///
    /// # Errors
    ///
    /// [`CapacityError`] if `capacity` is too large for this backend.
    /// ([`Builder::build`](crate::Builder::build) refuses 0 before it asks a
    /// backend: ringq's capacity 0 is a rendezvous queue, which the pool
    /// does not support yet.)
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError>
    where
        Self: Sized;

    /// Pushes, blocking while full. `Err(job)` once the queue is closed.
    fn push(&self, job: Job) -> Result<(), Job>;

    /// Pushes if there is room now.
    fn try_push(&self, job: Job) -> Result<(), TryPushError<Job>>;

    /// Pushes, blocking while full for at most `timeout`. `Duration::ZERO`
    /// still tries once; a timeout too large for `Instant` means no
    /// deadline. A closed queue answers `Closed`, whatever the timeout.
    fn push_timeout(&self, job: Job, timeout: Duration) -> Result<(), PushTimeoutError<Job>>;

    /// Pushes, blocking while full until `token` is cancelled: `Cancelled`
    /// once it is (at once, without touching the queue, for a token
    /// cancelled before the call), `Closed` when the queue is closed.
    ///
    /// The default waits in [`push_timeout`](Self::push_timeout) slices of
    /// 1 ms and looks at the token between them; a backend that can wake a
    /// blocked push on a token (ringq) overrides it.
    fn push_cancellable(&self, job: Job, token: &CancelToken) -> Result<(), PushCancelError<Job>> {
        const SLICE: Duration = Duration::from_millis(1);
        let mut job = job;
        loop {
            if token.is_cancelled() {
                return Err(PushCancelError::Cancelled(job));
            }
            match self.push_timeout(job, SLICE) {
                Ok(()) => return Ok(()),
                Err(PushTimeoutError::Closed(j)) => return Err(PushCancelError::Closed(j)),
                Err(PushTimeoutError::Timeout(j)) => job = j,
            }
        }
    }

    /// Pops, blocking while empty and open. `None` once closed and drained.
    fn pop(&self) -> Option<Job>;

    /// Pops if a job is there now.
    fn try_pop(&self) -> Option<Job>;

    /// Closes the queue (idempotent): `true` if this call closed it. See
    /// the module docs for what must hold when it returns.
    fn close(&self) -> bool;

    /// Whether the queue is closed.
    fn is_closed(&self) -> bool;

    /// Jobs in the queue now (racy).
    fn len(&self) -> usize;

    /// Whether the queue is empty now (racy).
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity it was made with.
    fn capacity(&self) -> usize;
}

/// The default backend: a [`ringq::Queue`].
///
/// # Examples
///
/// ```
/// use ringq_pool::{Backend, Job, RingqBackend};
///
/// let q = RingqBackend::with_capacity(2).unwrap();
/// q.push(Job::new(|| ())).unwrap();
/// q.close();
/// assert!(q.pop().is_some()); // drains
/// assert!(q.pop().is_none()); // then reports closed
/// ```
#[derive(Debug)]
pub struct RingqBackend(Queue<Job>);

impl Backend for RingqBackend {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        Queue::try_new(capacity).map(RingqBackend)
    }

    #[inline]
    fn push(&self, job: Job) -> Result<(), Job> {
        self.0.push(job).map_err(|e| e.into_inner())
    }

    #[inline]
    fn try_push(&self, job: Job) -> Result<(), TryPushError<Job>> {
        self.0.try_push(job)
    }

    fn push_timeout(&self, job: Job, timeout: Duration) -> Result<(), PushTimeoutError<Job>> {
        self.0.push_timeout(job, timeout)
    }

    fn push_cancellable(&self, job: Job, token: &CancelToken) -> Result<(), PushCancelError<Job>> {
        self.0.push_cancellable(job, token)
    }

    #[inline]
    fn pop(&self) -> Option<Job> {
        self.0.pop().ok()
    }

    fn try_pop(&self) -> Option<Job> {
        self.0.try_pop().ok()
    }

    fn close(&self) -> bool {
        self.0.close()
    }

    fn is_closed(&self) -> bool {
        self.0.is_closed()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

/// How long an adapter over a queue that close cannot wake waits before it
/// looks at the closed flag again. It bounds how late a blocked submitter or
/// an idle worker notices a close; it costs nothing while jobs flow.
#[cfg(any(feature = "crossbeam", feature = "std-mpsc"))]
const SLICE: Duration = Duration::from_millis(1);

/// Exact close for a queue whose blocked operations close cannot wake.
///
/// Pushers announce themselves (`pushing += 1`), then check `closed`;
/// `close` sets `closed`, then waits until `pushing` is 0 and only then sets
/// `sealed`. Both sides use `SeqCst` so that of "pusher increments, then
/// loads `closed`" and "close stores `closed`, then loads `pushing`" at least
/// one sees the other: either the pusher sees the close and fails, or close
/// waits for the push to finish. So once `close` returns, no push can
/// succeed, and poppers that see `sealed` and an empty queue know nothing
/// more can arrive.
#[derive(Debug, Default)]
pub struct Gate {
    pushing: AtomicUsize,
    closed: AtomicBool,
    sealed: AtomicBool,
}

impl Gate {
    /// Runs `push` unless the gate is closed; `push` gets the item back on
    /// `Err` and so does the caller, tagged with whether the gate was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::backend::Gate;
    ///
    /// let gate = Gate::default();
    /// assert_eq!(gate.pass(1, |x| Ok::<(), u8>(drop(x))), Ok(()));
    /// gate.close();
    /// assert_eq!(gate.pass(2, |x| Ok::<(), u8>(drop(x))), Err((2, true)));
    /// ```
    pub fn pass<T>(&self, item: T, push: impl FnOnce(T) -> Result<(), T>) -> Result<(), (T, bool)> {
        // SeqCst: the store-buffering pair with `close`, see the type docs.
        self.pushing.fetch_add(1, SeqCst);
        let result = if self.closed.load(SeqCst) {
            Err((item, true))
        } else {
            push(item).map_err(|item| (item, false))
        };
        // Release at least, so that `close`'s SeqCst load of 0 happens after
        // the push is complete; SeqCst for simplicity (an RMW either way).
        self.pushing.fetch_sub(1, SeqCst);
        result
    }

    /// [`pass`](Self::pass) for a push that does not wait: a failure is
    /// `Closed` if the gate was closed, else `Full`.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::TryPushError;
    /// use ringq_pool::backend::Gate;
    ///
    /// let gate = Gate::default();
    /// assert_eq!(gate.try_pass(1, Err), Err(TryPushError::Full(1)));
    /// gate.close();
    /// assert_eq!(gate.try_pass(2, |_| Ok(())), Err(TryPushError::Closed(2)));
    /// ```
    pub fn try_pass<T>(
        &self,
        item: T,
        push: impl FnOnce(T) -> Result<(), T>,
    ) -> Result<(), TryPushError<T>> {
        self.pass(item, push).map_err(|(item, closed)| {
            if closed {
                TryPushError::Closed(item)
            } else {
                TryPushError::Full(item)
            }
        })
    }

    /// Closes the gate and waits for pushes already past it (a push is
    /// one bounded attempt, so this wait is short). Returns whether this
    /// call closed it.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::backend::Gate;
    ///
    /// let gate = Gate::default();
    /// assert!(gate.close());
    /// assert!(!gate.close());
    /// assert!(gate.is_closed() && gate.is_sealed());
    /// ```
    pub fn close(&self) -> bool {
        // SeqCst: the store-buffering pair with `pass`, see the type docs.
        let first = !self.closed.swap(true, SeqCst);
        while self.pushing.load(SeqCst) != 0 {
            crate::sync::thread::yield_now();
        }
        self.sealed.store(true, SeqCst);
        first
    }

    /// Whether the gate is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!ringq_pool::backend::Gate::default().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed.load(SeqCst)
    }

    /// Whether the gate is closed and every push that got past it has
    /// finished: a popper that then sees an empty queue may stop.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!ringq_pool::backend::Gate::default().is_sealed());
    /// ```
    pub fn is_sealed(&self) -> bool {
        // SeqCst pairs with the store in `close`; Acquire would do, SeqCst
        // keeps one ordering for the whole gate.
        self.sealed.load(SeqCst)
    }
}

/// Blocks in slices of [`SLICE`] on `attempt` until it succeeds, the gate
/// closes, or `deadline` passes. Shared by the adapters' `push` and
/// `push_timeout`. Every round makes one attempt before it looks at the
/// deadline, so a zero timeout still tries once, and a closed gate answers
/// `Closed` whatever the deadline.
#[cfg(any(feature = "crossbeam", feature = "std-mpsc"))]
fn push_in_slices(
    gate: &Gate,
    mut job: Job,
    deadline: Option<Instant>,
    attempt: impl Fn(Job, Duration) -> Result<(), Job>,
) -> Result<(), PushTimeoutError<Job>> {
    loop {
        let slice = match deadline {
            None => SLICE,
            // Past the deadline: one attempt that does not wait.
            Some(d) => d
                .checked_duration_since(Instant::now())
                .unwrap_or(Duration::ZERO)
                .min(SLICE),
        };
        match gate.pass(job, |j| attempt(j, slice)) {
            Ok(()) => return Ok(()),
            Err((j, true)) => return Err(PushTimeoutError::Closed(j)),
            Err((j, false)) => job = j,
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(PushTimeoutError::Timeout(job));
        }
    }
}

/// Pops in slices until a job arrives or the gate is sealed and the queue
/// empty.
#[cfg(any(feature = "crossbeam", feature = "std-mpsc"))]
fn pop_in_slices(
    gate: &Gate,
    try_pop: impl Fn() -> Option<Job>,
    wait_pop: impl Fn(Duration) -> Option<Job>,
) -> Option<Job> {
    loop {
        if let Some(job) = wait_pop(SLICE) {
            return Some(job);
        }
        // Sealed first, then empty: a job pushed before the seal is in the
        // queue by the time we look.
        if gate.is_sealed() {
            return try_pop();
        }
    }
}

#[cfg(feature = "crossbeam")]
pub use self::crossbeam_backend::CrossbeamBackend;

#[cfg(feature = "crossbeam")]
mod crossbeam_backend {
    use super::*;
    use crossbeam_channel::{Receiver, SendTimeoutError, Sender};

    /// A `crossbeam_channel::bounded` queue (feature `crossbeam`). Its
    /// blocked send cannot be woken by a close, so it goes through a
    /// [`Gate`] and waits in 1 ms slices.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{CrossbeamBackend, Pool};
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
        fn push_until(
            &self,
            job: Job,
            deadline: Option<Instant>,
        ) -> Result<(), PushTimeoutError<Job>> {
            push_in_slices(&self.gate, job, deadline, |j, slice| {
                self.tx.send_timeout(j, slice).map_err(|e| match e {
                    SendTimeoutError::Timeout(j) | SendTimeoutError::Disconnected(j) => j,
                })
            })
        }
    }
}

#[cfg(feature = "std-mpsc")]
pub use self::std_backend::StdBackend;

#[cfg(feature = "std-mpsc")]
mod std_backend {
    use super::*;
    use crate::sync::{lock, Mutex, Ordering};
    use std::sync::mpsc::{Receiver, SyncSender, TrySendError};

    /// A `std::sync::mpsc::sync_channel` queue (feature `std-mpsc`). Its
    /// receiver is not `Sync`, so workers share it behind a mutex; its
    /// sender has no timed send on stable Rust, so a blocked push retries
    /// `try_send` with a back-off of yields and sleeps of up to 1 ms, behind
    /// a [`Gate`] for an exact close. Expect it to be the slowest backend;
    /// it exists to compare against.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{Pool, StdBackend};
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
                    let rx = lock(&self.rx);
                    rx.recv_timeout(slice).ok().map(|job| self.took(job))
                },
            )
        }

        fn try_pop(&self) -> Option<Job> {
            let rx = lock(&self.rx);
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

        fn push_until(
            &self,
            job: Job,
            deadline: Option<Instant>,
        ) -> Result<(), PushTimeoutError<Job>> {
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
}
