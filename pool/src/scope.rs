//! Scoped jobs: [`Pool::scope`] runs jobs that borrow from the caller's
//! stack, and returns only when every one of them has ended (rayon's
//! `scope`, `std::thread::scope`).
//!
//! # Why the borrow is sound
//!
//! A scoped job's closure lives for `'scope`, not `'static`; [`Scope::execute`]
//! erases that lifetime to put it in the pool's queue. What makes that
//! sound is one rule: **`Pool::scope` does not return (or unwind) before
//! every job made in it has ended**, run or dropped unrun. Each job carries
//! a [`Pending`] guard that counts it down when the job is dropped, after
//! its closure (and everything the closure borrowed) is gone, and
//! `Pool::scope` waits for the count to reach zero on every path out,
//! including a panic of the scope's own closure. No job escapes that count:
//! the only way a queued job leaves the pool other than by a worker is
//! [`Pool::abort`] (and the pool's `Drop`), which take the pool by value and
//! so cannot run while `scope` borrows it.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use crate::error::Rejected;
use crate::job::{Ended, Job, PanicSink, Task};
use crate::pool::Pool;
use crate::sync::{lock, wait, Arc, Condvar, Mutex};
use crate::unwind::drop_quietly;
use crate::wait::Wait;
use crate::workers::{accept, Shared};

/// Spawns jobs that may borrow from the enclosing stack; see
/// [`Pool::scope`].
///
/// # Examples
///
/// ```
/// let pool = ringq_pool::Pool::new(2, 16);
/// let words = vec!["a", "bb", "ccc"];
/// let total = std::sync::atomic::AtomicUsize::new(0);
/// pool.scope(|s| {
///     for w in &words {
///         let total = &total;
///         s.execute(move || { total.fetch_add(w.len(), std::sync::atomic::Ordering::Relaxed); })
///             .unwrap();
///     }
/// });
/// assert_eq!(total.into_inner(), 6);
/// ```
pub struct Scope<'scope, 'env: 'scope> {
    shared: Arc<Shared>,
    state: Arc<ScopeState>,
    // Invariant in both lifetimes, as `std::thread::Scope`: `'scope` must
    // not shrink (a job could then outlive what it borrows), nor `'env`.
    scope: PhantomData<&'scope mut &'scope ()>,
    env: PhantomData<&'env mut &'env ()>,
}

/// What a scope's jobs share with the scope.
struct ScopeState {
    /// Jobs made in the scope that have not ended.
    pending: Mutex<usize>,
    ended: Condvar,
    /// The first scoped job's panic, resumed in the caller.
    panic: Mutex<Option<Box<dyn Any + Send>>>,
}

impl ScopeState {
    /// Blocks until every job made in the scope has ended.
    fn wait_all(&self) {
        let mut pending = lock(&self.pending);
        while *pending > 0 {
            pending = wait(&self.ended, pending);
        }
    }
}

/// One job of a scope, counted in `pending` until dropped.
struct Pending(Arc<ScopeState>);

impl Drop for Pending {
    fn drop(&mut self) {
        let mut pending = lock(&self.0.pending);
        *pending -= 1;
        if *pending == 0 {
            self.0.ended.notify_all();
        }
    }
}

/// A scoped job in the queue. Field order matters: `f` drops before
/// `pending`, so the count goes down only once the closure is gone.
struct ScopedJob {
    /// The caller's closure, its lifetime erased (see the module docs).
    f: Box<dyn FnOnce() + Send>,
    pending: Pending,
}

impl Task for ScopedJob {
    fn run(self: Box<Self>, _sink: PanicSink<'_>) -> Ended {
        let ScopedJob { f, pending } = *self;
        let ended = match catch_unwind(AssertUnwindSafe(f)) {
            Ok(()) => Ended::Completed,
            Err(payload) => {
                let mut first = lock(&pending.0.panic);
                if first.is_none() {
                    *first = Some(payload);
                } else {
                    drop(first);
                    drop_quietly(payload);
                }
                Ended::Panicked
            }
        };
        drop(pending);
        ended
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

impl<'scope> Scope<'scope, '_> {
    /// Queues `f` as a job of this scope, blocking while the queue is full.
    /// `f` may borrow anything that outlives the scope. A panic in `f` is
    /// caught on the worker and resumed in the caller of
    /// [`Pool::scope`] once every job of the scope has ended (the first
    /// one, if several panic).
    ///
    /// # Errors
    ///
    /// [`Rejected::Closed`] with `f` if the pool is closed.
    ///
    /// # Examples
    ///
    /// See [`Pool::scope`].
    pub fn execute<F>(&'scope self, f: F) -> Result<(), Rejected<F>>
    where
        F: FnOnce() + Send + 'scope,
    {
        self.push(f, Wait::WhileFull)
    }

    /// [`execute`](Self::execute) if there is room now; never blocks (the
    /// one to use from inside a scoped job).
    ///
    /// # Errors
    ///
    /// [`Rejected::Full`] with `f` if the queue is full,
    /// [`Rejected::Closed`] if the pool is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let mut ran_here = false;
    /// pool.scope(|s| {
    ///     if let Err(rejected) = s.try_execute(|| ran_here = true) {
    ///         (rejected.into_inner())(); // full: run it here
    ///     }
    /// });
    /// assert!(ran_here);
    /// ```
    pub fn try_execute<F>(&'scope self, f: F) -> Result<(), Rejected<F>>
    where
        F: FnOnce() + Send + 'scope,
    {
        self.push(f, Wait::Never)
    }

    fn push<F>(&'scope self, f: F, how: Wait<'_>) -> Result<(), Rejected<F>>
    where
        F: FnOnce() + Send + 'scope,
    {
        *lock(&self.state.pending) += 1;
        let pending = Pending(self.state.clone());
        let boxed: Box<dyn FnOnce() + Send + 'scope> = Box::new(f);
        // The closure may borrow for `'scope`; `Pool::scope` waits for
        // `pending` to reach zero before `'scope` ends, and `pending` drops
        // after `f` (the module docs; `ScopedJob`'s field order).
        // SAFETY: only the lifetime changes (same type, same vtable), by that.
        let f: Box<dyn FnOnce() + Send + 'static> = unsafe { std::mem::transmute(boxed) };
        let job = ScopedJob { f, pending };
        accept(&self.shared, Job::from_task(job), how).map_err(|rejected| {
            rejected.map(|job| {
                let ScopedJob { f, pending } = job.into_task::<ScopedJob>();
                drop(pending);
                // `f` is the `Box<F>` made above and was never run, so its
                // data pointer is the `*mut F` of that `Box::new`.
                // SAFETY: by that; the cast drops only the vtable.
                *unsafe { Box::from_raw(Box::into_raw(f).cast::<F>()) }
            })
        })
    }
}

impl fmt::Debug for Scope<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("pending", &*lock(&self.state.pending))
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// Runs `f` with a [`Scope`] whose jobs may borrow from the caller's
    /// stack, and returns `f`'s result once every job spawned in the scope
    /// has ended (rayon's `scope`, `std::thread::scope`).
    ///
    /// Scoped jobs are ordinary jobs of the pool: they wait in its queue,
    /// count in its [`stats`](Self::stats), and a panic in one is caught on
    /// its worker; here it is resumed in the caller after the scope joined
    /// (the first one, if several panic; `on_panic` does not see it). A
    /// panic of `f` itself also waits for the jobs, then resumes.
    ///
    /// Do not call it from one of this pool's own jobs while the other
    /// workers are all doing the same: its jobs would wait behind it for a
    /// worker (the misuse table in the crate docs).
    ///
    /// # Examples
    ///
    /// Summing chunks of a local vector in parallel, without `Arc` or
    /// `'static`:
    ///
    /// ```
    /// use std::sync::Mutex;
    ///
    /// let pool = ringq_pool::Pool::new(4, 64);
    /// let data: Vec<u64> = (1..=1000).collect();
    /// let sums = Mutex::new(Vec::new());
    /// pool.scope(|s| {
    ///     for chunk in data.chunks(100) {
    ///         let sums = &sums;
    ///         s.execute(move || sums.lock().unwrap().push(chunk.iter().sum::<u64>())).unwrap();
    ///     }
    /// });
    /// assert_eq!(sums.into_inner().unwrap().iter().sum::<u64>(), 500_500);
    /// ```
    ///
    /// A job's panic comes back to the caller:
    ///
    /// ```
    /// use std::panic::{catch_unwind, AssertUnwindSafe};
    ///
    /// let pool = ringq_pool::Pool::new(2, 8);
    /// let caught = catch_unwind(AssertUnwindSafe(|| {
    ///     pool.scope(|s| {
    ///         s.execute(|| panic!("scoped job failed")).unwrap();
    ///         s.execute(|| ()).unwrap();
    ///     })
    /// }));
    /// assert_eq!(ringq_pool::panic_message(caught.unwrap_err().as_ref()), "scoped job failed");
    /// ```
    pub fn scope<'env, F, T>(&'env self, f: F) -> T
    where
        F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
    {
        let scope = Scope {
            shared: self.shared.clone(),
            state: Arc::new(ScopeState {
                pending: Mutex::new(0),
                ended: Condvar::new(),
                panic: Mutex::new(None),
            }),
            scope: PhantomData,
            env: PhantomData,
        };
        let result = catch_unwind(AssertUnwindSafe(|| f(&scope)));
        // The rule the module docs argue from: no way out before this.
        scope.state.wait_all();
        let job_panic = lock(&scope.state.panic).take();
        match result {
            Err(payload) => {
                if let Some(p) = job_panic {
                    drop_quietly(p);
                }
                resume_unwind(payload)
            }
            Ok(value) => match job_panic {
                Some(payload) => resume_unwind(payload),
                None => value,
            },
        }
    }
}
