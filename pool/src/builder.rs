//! [`Builder`]: a pool's settings, and the spawning of its workers.

use std::any::Any;
use std::fmt;
use std::time::Duration;

use ringq::{CancelToken, CapacityError, WaitPolicy};

use crate::backend::{Backend, RingqBackend};
use crate::error::BuildError;
use crate::pool::Pool;
use crate::roster::{spawn_one, Roster, SpawnSettings};
use crate::sync::Arc;
use crate::workers::{PanicHook, Shared, ThreadHook};

type MakeBackend = fn(usize, WaitPolicy) -> Result<Box<dyn Backend>, CapacityError>;

/// Settings for a [`Pool`] ([`Pool::builder`]).
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// let panics = Arc::new(AtomicUsize::new(0));
/// let seen = panics.clone();
/// let pool = ringq_pool::Pool::builder()
///     .workers(2)
///     .capacity(64)
///     .name("worker")
///     .stack_size(256 * 1024)
///     .on_panic(move |_payload| { seen.fetch_add(1, Ordering::Relaxed); })
///     .build()
///     .unwrap();
/// pool.execute(|| panic!("oops")).unwrap();
/// pool.shutdown();
/// assert_eq!(panics.load(Ordering::Relaxed), 1);
/// ```
pub struct Builder {
    workers: Option<usize>,
    capacity: usize,
    name: String,
    stack_size: Option<usize>,
    on_panic: Option<PanicHook>,
    on_thread_start: Option<ThreadHook>,
    on_thread_stop: Option<ThreadHook>,
    parent: Option<CancelToken>,
    max_workers: Option<usize>,
    keep_alive: Duration,
    wait: WaitPolicy,
    backend: MakeBackend,
}

fn make_backend<B: Backend>(
    capacity: usize,
    wait: WaitPolicy,
) -> Result<Box<dyn Backend>, CapacityError> {
    B::with_wait(capacity, wait).map(|b| Box::new(b) as Box<dyn Backend>)
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            workers: None,
            capacity: 1024,
            name: "ringq-pool".to_owned(),
            stack_size: None,
            on_panic: None,
            on_thread_start: None,
            on_thread_stop: None,
            parent: None,
            max_workers: None,
            keep_alive: DEFAULT_KEEP_ALIVE,
            wait: WaitPolicy::default(),
            backend: make_backend::<RingqBackend>,
        }
    }
}

/// How long a worker above the core size idles before it leaves (Java's
/// cached thread pool uses the same).
const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(60);

impl Builder {
    /// Worker threads (default: `std::thread::available_parallelism`):
    /// the core size, kept while idle. See
    /// [`max_workers`](Self::max_workers) for a set that grows under load.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::builder().workers(3).build().unwrap();
    /// assert_eq!(pool.stats().workers, 3);
    /// ```
    pub fn workers(mut self, n: usize) -> Builder {
        self.workers = Some(n);
        self
    }

    /// Queue capacity in jobs (default 1024).
    ///
    /// Capacity 0 makes a hand-off pool (Java's `SynchronousQueue`
    /// executor): nothing waits in a queue, each job goes straight to an
    /// idle worker. `execute` then blocks until a worker takes the job, and
    /// `try_execute` succeeds only while a worker is idle and waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::builder().capacity(7).build().unwrap();
    /// assert_eq!(pool.stats().capacity, 7);
    ///
    /// let hand_off = ringq_pool::Pool::builder().workers(2).capacity(0).build().unwrap();
    /// let h = hand_off.submit(|| 6 * 7).unwrap(); // waits for a worker to take it
    /// assert_eq!(h.join().unwrap(), 42);
    /// ```
    pub fn capacity(mut self, c: usize) -> Builder {
        self.capacity = c;
        self
    }

    /// Worker thread name prefix: workers are named `"{prefix}-{index}"`
    /// (default `ringq-pool`).
    ///
    /// # Examples
    ///
    /// See [`Pool::builder`].
    pub fn name(mut self, prefix: impl Into<String>) -> Builder {
        self.name = prefix.into();
        self
    }

    /// Stack size of each worker, in bytes (default: std's).
    ///
    /// # Examples
    ///
    /// See [`Builder`].
    pub fn stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// Called on the worker with the payload of every `execute` job that
    /// panics (a `submit` job's panic goes to its handle, a group job's to
    /// its group). By default the panic is only counted: Rust's panic hook
    /// has already printed it. A hook that panics is ignored.
    ///
    /// # Examples
    ///
    /// See [`Builder`].
    pub fn on_panic(mut self, f: impl Fn(&(dyn Any + Send)) + Send + Sync + 'static) -> Builder {
        self.on_panic = Some(Box::new(f));
        self
    }

    /// Called on each worker thread, with its index (`0..workers`), when
    /// it starts and before it takes its first job (rayon's
    /// `start_handler`, tokio's `on_thread_start`): for thread-local setup.
    /// A hook that panics is handed to [`on_panic`](Self::on_panic)'s hook
    /// (if any) and otherwise ignored; the worker goes on.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let (started, stopped) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    /// let (s, t) = (started.clone(), stopped.clone());
    /// let pool = ringq_pool::Pool::builder()
    ///     .workers(3)
    ///     .on_thread_start(move |_index| { s.fetch_add(1, Ordering::SeqCst); })
    ///     .on_thread_stop(move |_index| { t.fetch_add(1, Ordering::SeqCst); })
    ///     .build()
    ///     .unwrap();
    /// pool.shutdown(); // joins the workers
    /// assert_eq!((started.load(Ordering::SeqCst), stopped.load(Ordering::SeqCst)), (3, 3));
    /// ```
    pub fn on_thread_start(mut self, f: impl Fn(usize) + Send + Sync + 'static) -> Builder {
        self.on_thread_start = Some(std::sync::Arc::new(f));
        self
    }

    /// Called on each worker thread, with its index, after it took its
    /// last job and before it exits (rayon's `exit_handler`, tokio's
    /// `on_thread_stop`): for flushing thread-local state. Panics are
    /// handled as for [`on_thread_start`](Self::on_thread_start). A
    /// worker of a pool dropped from inside its own job exits without
    /// the pool waiting for it; its hook still runs.
    ///
    /// # Examples
    ///
    /// See [`on_thread_start`](Self::on_thread_start).
    pub fn on_thread_stop(mut self, f: impl Fn(usize) + Send + Sync + 'static) -> Builder {
        self.on_thread_stop = Some(std::sync::Arc::new(f));
        self
    }

    /// Makes the pool's [`token`](Pool::token) a child of `parent`:
    /// cancelling `parent` (or one of its ancestors, or its deadline
    /// passing) cancels the pool's token, and with it every [`Group`]'s
    /// token and every wait on them (a group's queued jobs are then skipped
    /// as cancelled). Plain `execute`/`submit` jobs still run, as in Go:
    /// cancellation is cooperative, and a job that should stop watches the
    /// token. The pool itself stays open; [`Pool::abort`] is what also takes
    /// queued jobs back.
    ///
    /// [`Group`]: crate::Group
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{CancelToken, GroupError, Pool};
    ///
    /// let app = CancelToken::new();
    /// let pool = Pool::builder().workers(2).token(&app).build().unwrap();
    /// app.cancel(); // e.g. on Ctrl-C
    /// assert!(pool.token().is_cancelled());
    /// let group = pool.group::<()>();
    /// assert!(matches!(group.spawn(|_| Ok(())), Err(GroupError::Cancelled)));
    /// ```
    pub fn token(mut self, parent: &CancelToken) -> Builder {
        self.parent = Some(parent.clone());
        self
    }

    /// Lets the worker set grow under load up to `n` workers (default: no
    /// growth, `n` = [`workers`](Self::workers)), Java's core/max sizes:
    /// when a job is accepted while every worker is busy and jobs are
    /// queued, the submitter starts one more worker (the submit pays for
    /// the thread start). Workers above the core size leave after idling
    /// for [`keep_alive`](Self::keep_alive). It is also the most
    /// [`Pool::set_workers`] can ask for.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = ringq_pool::Pool::builder()
    ///     .workers(1)
    ///     .max_workers(4)
    ///     .keep_alive(Duration::from_millis(10))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(pool.stats().workers, 1);
    /// ```
    pub fn max_workers(mut self, n: usize) -> Builder {
        self.max_workers = Some(n);
        self
    }

    /// How long a worker above the core size waits for a job before it
    /// leaves (default 60 s; `Duration::ZERO`: as soon as it finds the
    /// queue empty). See [`max_workers`](Self::max_workers).
    ///
    /// # Examples
    ///
    /// See [`max_workers`](Self::max_workers).
    pub fn keep_alive(mut self, idle: Duration) -> Builder {
        self.keep_alive = idle;
        self
    }

    /// How a worker waits for a job, and a submitter for room in a full
    /// queue (default [`WaitPolicy::Adaptive`]: spin about 3 µs, then
    /// park): the job queue's [`WaitPolicy`], given to the backend through
    /// [`Backend::with_wait`] (a backend without policies ignores it).
    /// [`Spin`](WaitPolicy::Spin) keeps every idle worker on its core and
    /// never parks it, for workers with cores of their own;
    /// [`Park`](WaitPolicy::Park) parks at once, for a pool that idles
    /// most of the time. Measured idle and loaded in the README ("The
    /// worker pool").
    ///
    /// Whatever the policy, a submitter pays for a wake-up only when a
    /// worker is parked: ringq's push reads one waiter count and unparks
    /// no one while the workers spin (they register only before they
    /// park).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::WaitPolicy;
    ///
    /// let pool = ringq_pool::Pool::builder().workers(1).wait(WaitPolicy::Park).build().unwrap();
    /// assert_eq!(pool.submit(|| 2 + 2).unwrap().join().unwrap(), 4);
    /// ```
    pub fn wait(mut self, policy: WaitPolicy) -> Builder {
        self.wait = policy;
        self
    }

    /// The queue the pool runs on (default [`RingqBackend`]).
    ///
    /// # Examples
    ///
    /// See [`Backend`].
    pub fn backend<B: Backend>(mut self) -> Builder {
        self.backend = make_backend::<B>;
        self
    }

    /// Spawns the workers.
    ///
    /// # Errors
    ///
    /// [`BuildError::NoWorkers`], [`BuildError::MaxWorkers`] (below
    /// `workers`), [`BuildError::Capacity`] for a capacity the backend refuses, or
    /// [`BuildError::Spawn`] if a thread cannot be started (workers
    /// already started are shut down first).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{BuildError, Pool};
    ///
    /// let err = Pool::builder().workers(0).build().unwrap_err();
    /// assert!(matches!(err, BuildError::NoWorkers));
    /// assert_eq!(err.to_string(), "a pool needs at least one worker");
    /// ```
    pub fn build(self) -> Result<Pool, BuildError> {
        let workers = match self.workers {
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        if workers == 0 {
            return Err(BuildError::NoWorkers);
        }
        let max = self.max_workers.unwrap_or(workers);
        if max < workers {
            return Err(BuildError::MaxWorkers { workers, max });
        }
        let queue = (self.backend)(self.capacity, self.wait).map_err(BuildError::Capacity)?;
        let token = self
            .parent
            .as_ref()
            .map_or_else(CancelToken::new, CancelToken::child);
        let spawn = SpawnSettings {
            name: self.name,
            stack_size: self.stack_size,
            on_start: self.on_thread_start,
            on_stop: self.on_thread_stop,
        };
        let roster = Roster::new(workers, max, self.keep_alive, spawn);
        let pool = Pool::from_shared(Arc::new(Shared::new(queue, roster, token, self.on_panic)));
        for _ in 0..workers {
            // On error `pool` drops here: close, join the ones started.
            spawn_one(&pool.shared, false).map_err(BuildError::Spawn)?;
        }
        Ok(pool)
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("workers", &self.workers)
            .field("capacity", &self.capacity)
            .field("name", &self.name)
            .field("stack_size", &self.stack_size)
            .field("on_panic", &self.on_panic.is_some())
            .field("on_thread_start", &self.on_thread_start.is_some())
            .field("on_thread_stop", &self.on_thread_stop.is_some())
            .field("max_workers", &self.max_workers)
            .field("keep_alive", &self.keep_alive)
            .field("wait", &self.wait)
            .field("parent_token", &self.parent)
            .finish_non_exhaustive()
    }
}
