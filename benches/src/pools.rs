//! Worker pools under tiny jobs: ringq-pool (over ringq, crossbeam-channel
//! and std's sync_channel), the `threadpool` crate and rayon.
//!
//! One run submits `jobs` jobs from one thread and waits until all have
//! run; the result is the wall time from the first submit to the last job's
//! end, divided by the number of jobs. Each pool waits the way it offers:
//! ringq-pool `wait_idle` (or joining `submit` handles), threadpool `join`,
//! rayon a crossbeam-utils `WaitGroup` (one clone per job: rayon has no
//! "wait for the pool" call).

use std::hint::black_box;
use std::time::{Duration, Instant};

use ringq_pool::{Backend, Pool, RingqBackend, WaitPolicy};

use crate::backends::{CrossbeamBackend, StdBackend};

/// What each job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// An empty closure: measures the pool alone.
    Empty,
    /// About 1 µs of spinning.
    Micro,
}

impl Work {
    /// The name used in tables.
    pub fn name(self) -> &'static str {
        match self {
            Work::Empty => "empty",
            Work::Micro => "1us",
        }
    }

    #[inline]
    fn run(self) {
        if self == Work::Micro {
            let start = Instant::now();
            while start.elapsed() < Duration::from_micros(1) {
                std::hint::spin_loop();
            }
        }
        black_box(());
    }
}

/// A worker pool as the benchmarks drive it.
pub trait Executor {
    /// The name used in tables.
    const NAME: &'static str;
    /// Whether `capacity` means anything (threadpool and rayon are unbounded).
    const BOUNDED: bool = true;
    /// Times `jobs` jobs through the pool (see the module docs).
    fn time(workers: usize, capacity: usize, jobs: usize, work: Work) -> Duration;
}

/// ringq-pool's `execute` over backend `B`.
#[derive(Debug)]
pub struct RingqPool<B>(std::marker::PhantomData<B>);

/// ringq-pool's `submit` (with a handle per job) over ringq.
#[derive(Debug)]
pub struct RingqPoolSubmit;

/// The `threadpool` crate (unbounded queue).
#[derive(Debug)]
pub struct ThreadPool;

/// `rayon::ThreadPool::spawn` (unbounded queue).
#[derive(Debug)]
pub struct Rayon;

/// The wait policy ringq-pool's workers get in these runs (`pool_compare
/// --wait`); unset: the builder's default.
static WAIT: std::sync::OnceLock<WaitPolicy> = std::sync::OnceLock::new();

/// Sets the wait policy of every ringq-pool built here from now on; `false`
/// if one was already set.
pub fn set_wait(policy: WaitPolicy) -> bool {
    WAIT.set(policy).is_ok()
}

fn ringq_pool<B: Backend>(workers: usize, capacity: usize) -> Pool {
    let builder = Pool::builder();
    let builder = match WAIT.get() {
        Some(&policy) => builder.wait(policy),
        None => builder,
    };
    builder
        .workers(workers)
        .capacity(capacity)
        .backend::<B>()
        .build()
        .expect("pool")
}

fn time_ringq_execute<B: Backend>(
    workers: usize,
    capacity: usize,
    jobs: usize,
    work: Work,
) -> Duration {
    let pool = ringq_pool::<B>(workers, capacity);
    let start = Instant::now();
    for _ in 0..jobs {
        pool.execute(move || work.run()).expect("open");
    }
    pool.wait_idle();
    let elapsed = start.elapsed();
    assert_eq!(
        pool.shutdown().completed,
        jobs,
        "{}",
        std::any::type_name::<B>()
    );
    elapsed
}

impl Executor for RingqPool<RingqBackend> {
    const NAME: &'static str = "ringq-pool";
    fn time(workers: usize, capacity: usize, jobs: usize, work: Work) -> Duration {
        time_ringq_execute::<RingqBackend>(workers, capacity, jobs, work)
    }
}

impl Executor for RingqPool<CrossbeamBackend> {
    const NAME: &'static str = "pool/crossbeam";
    fn time(workers: usize, capacity: usize, jobs: usize, work: Work) -> Duration {
        time_ringq_execute::<CrossbeamBackend>(workers, capacity, jobs, work)
    }
}

impl Executor for RingqPool<StdBackend> {
    const NAME: &'static str = "pool/std";
    fn time(workers: usize, capacity: usize, jobs: usize, work: Work) -> Duration {
        time_ringq_execute::<StdBackend>(workers, capacity, jobs, work)
    }
}

impl Executor for RingqPoolSubmit {
    const NAME: &'static str = "ringq-pool submit";
    fn time(workers: usize, capacity: usize, jobs: usize, work: Work) -> Duration {
        let pool = ringq_pool::<RingqBackend>(workers, capacity);
        let mut handles = Vec::with_capacity(jobs);
        let start = Instant::now();
        for _ in 0..jobs {
            handles.push(pool.submit(move || work.run()).expect("open"));
        }
        for h in handles {
            h.join().expect("no panic");
        }
        start.elapsed()
    }
}

impl Executor for ThreadPool {
    const NAME: &'static str = "threadpool";
    const BOUNDED: bool = false;
    fn time(workers: usize, _capacity: usize, jobs: usize, work: Work) -> Duration {
        let pool = threadpool::ThreadPool::new(workers);
        let start = Instant::now();
        for _ in 0..jobs {
            pool.execute(move || work.run());
        }
        pool.join();
        start.elapsed()
    }
}

impl Executor for Rayon {
    const NAME: &'static str = "rayon";
    const BOUNDED: bool = false;
    fn time(workers: usize, _capacity: usize, jobs: usize, work: Work) -> Duration {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()
            .expect("rayon pool");
        let done = crossbeam_utils::sync::WaitGroup::new();
        let start = Instant::now();
        for _ in 0..jobs {
            let done = done.clone();
            pool.spawn(move || {
                work.run();
                drop(done);
            });
        }
        done.wait();
        start.elapsed()
    }
}
