//! Regressions for the faults a review found: each test below hung or failed
//! before its fix. Hangs run under a watchdog, so the suite fails instead of
//! hanging.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::{occupy_workers, scaled, watchdog, PanicOnDrop};
use ringq::Consumer;
use ringq_pool::pipeline::Pipeline;
use ringq_pool::{GroupError, JobError, Pool, Report};

fn counts(r: Report) -> (usize, usize, usize) {
    (r.completed, r.panicked, r.cancelled)
}

/// A panic payload whose own drop panics with a payload that panics on drop
/// too: the worker drops the chain (a few levels deep) rather than die.
struct NestedBomb;

impl Drop for NestedBomb {
    fn drop(&mut self) {
        std::panic::panic_any(PanicOnDrop("inner payload"));
    }
}

// --- 1. A panicking `Drop` must not kill a worker. ---

#[test]
fn a_cancelled_submit_closure_that_panics_on_drop_leaves_the_worker_alive() {
    watchdog(10, "cancelled submit closure", || {
        let pool = Pool::new(1, 4);
        let gate = occupy_workers(&pool, 1);
        let bomb = PanicOnDrop("cancelled closure");
        let h = pool
            .submit(move || {
                let _keep = &bomb;
            })
            .unwrap();
        assert!(h.cancel());
        gate.open(); // the worker pops the cancelled job and drops its closure
        pool.wait_idle();
        assert!(matches!(h.join(), Err(JobError::Cancelled)));
        assert_eq!(pool.submit(|| 5).unwrap().join().unwrap(), 5);
        assert_eq!(counts(pool.shutdown()), (2, 0, 1));
    });
}

#[test]
fn a_detached_submit_result_that_panics_on_drop_leaves_the_worker_alive() {
    watchdog(10, "detached submit result", || {
        let pool = Pool::new(1, 4);
        let gate = occupy_workers(&pool, 1);
        // The handle is gone before the job runs: the worker drops the result.
        drop(pool.submit(|| PanicOnDrop("detached result")).unwrap());
        gate.open();
        pool.wait_idle();
        assert_eq!(pool.submit(|| 5).unwrap().join().unwrap(), 5);
        assert_eq!(counts(pool.shutdown()), (3, 0, 0));
    });
}

#[test]
fn an_execute_payload_that_panics_on_drop_leaves_the_worker_alive() {
    watchdog(10, "execute panic payload", || {
        let hooked = Arc::new(AtomicUsize::new(0));
        let seen = hooked.clone();
        let pool = Pool::builder()
            .workers(1)
            .capacity(4)
            .on_panic(move |_| {
                seen.fetch_add(1, Ordering::SeqCst);
            })
            .build()
            .unwrap();
        pool.execute(|| std::panic::panic_any(PanicOnDrop("payload")))
            .unwrap();
        pool.wait_idle();
        assert_eq!(pool.submit(|| 5).unwrap().join().unwrap(), 5);
        assert_eq!(hooked.load(Ordering::SeqCst), 1);
        assert_eq!(counts(pool.shutdown()), (1, 1, 0));
    });
}

#[test]
fn a_payload_whose_drop_panics_with_a_bomb_is_dropped_and_the_worker_lives() {
    watchdog(10, "nested panic payload", || {
        let pool = Pool::new(1, 4);
        pool.execute(|| std::panic::panic_any(NestedBomb)).unwrap();
        pool.wait_idle();
        assert_eq!(pool.submit(|| 5).unwrap().join().unwrap(), 5);
        assert_eq!(counts(pool.shutdown()), (1, 1, 0));
    });
}

#[test]
fn a_plain_pool_without_a_hook_survives_a_bomb_payload() {
    watchdog(10, "payload without hook", || {
        let pool = Pool::new(1, 4);
        pool.execute(|| std::panic::panic_any(PanicOnDrop("payload")))
            .unwrap();
        pool.wait_idle();
        assert_eq!(pool.stats().panicked, 1);
        assert_eq!(counts(pool.shutdown()), (0, 1, 0));
    });
}

#[test]
fn abort_survives_cancelled_jobs_that_panic_on_drop() {
    watchdog(10, "abort with bombs", || {
        let pool = Pool::new(1, 4);
        let gate = occupy_workers(&pool, 1);
        let bomb = PanicOnDrop("aborted closure");
        let h = pool
            .submit(move || {
                let _keep = &bomb;
            })
            .unwrap();
        assert!(h.cancel());
        let opener = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            gate.open();
        });
        let aborted = pool.abort();
        opener.join().unwrap();
        assert!(aborted.pending.is_empty());
        assert_eq!(counts(aborted.report), (1, 0, 1));
    });
}

// --- 2, 3, 4. Dropping a pipeline's output stops every stage. ---

/// Builds a pipeline on an endless source, reads `read` values, optionally
/// pauses so the stages fill their queues, drops the output and waits, many
/// times: every round must end.
fn drop_the_output_repeatedly(
    what: &'static str,
    rounds: usize,
    read: usize,
    pause: Option<Duration>,
    build: fn(&mut Pipeline<()>, Consumer<u64>) -> Consumer<u64>,
) {
    // `RINGQ_SOAK_ROUNDS=N` runs N rounds instead (a long soak; the
    // map_ordered race took 7,000-49,000 rounds to show before its fix).
    let rounds = std::env::var("RINGQ_SOAK_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(rounds);
    let limit = 120 + rounds as u64 / 100;
    watchdog(limit, what, move || {
        for round in 0..rounds {
            let mut p = Pipeline::<()>::new();
            let xs = p.source(0u64.., 4);
            let ys = build(&mut p, xs);
            for _ in 0..read {
                assert!(ys.pop().is_ok(), "{what}: round {round} ended early");
            }
            if let Some(pause) = pause {
                thread::sleep(pause);
            }
            drop(ys);
            // The reader left; no stage failed and nobody cancelled.
            p.wait()
                .unwrap_or_else(|e| panic!("{what}: round {round}: {e:?}"));
        }
    });
}

const ROUNDS: usize = scaled(2000, 3);
const PAUSED_ROUNDS: usize = scaled(300, 2);
const PAUSE: Duration = Duration::from_micros(300);

fn stage(p: &mut Pipeline<()>, xs: Consumer<u64>) -> Consumer<u64> {
    p.stage(xs, 2, 4, |x| Ok(Some(x)))
}

fn map_unordered(p: &mut Pipeline<()>, xs: Consumer<u64>) -> Consumer<u64> {
    p.map_unordered(xs, 2, 4, |x| Ok(x + 1))
}

fn map_ordered(p: &mut Pipeline<()>, xs: Consumer<u64>) -> Consumer<u64> {
    p.map_ordered(xs, 2, 4, |x| Ok(x + 1))
}

/// A filter that drops everything never pushes: it must notice the
/// dropped output some other way.
fn filter_everything(p: &mut Pipeline<()>, xs: Consumer<u64>) -> Consumer<u64> {
    p.stage(xs, 2, 4, |_| Ok(None))
}

/// The same filter feeding a second stage: the second stage sits in a pop
/// that nothing will ever satisfy when its output is dropped.
fn filter_then_stage(p: &mut Pipeline<()>, xs: Consumer<u64>) -> Consumer<u64> {
    let nothing = p.stage(xs, 1, 4, |_| Ok(None::<u64>));
    p.stage(nothing, 2, 4, |x| Ok(Some(x)))
}

/// Every kind of stage after one another.
fn chain(p: &mut Pipeline<()>, xs: Consumer<u64>) -> Consumer<u64> {
    let a = p.map_ordered(xs, 2, 3, |x| Ok(x * 2));
    let b = p.map_unordered(a, 2, 3, Ok);
    let c = p.stage(b, 2, 2, |x| Ok(Some(x)));
    p.fan_in(vec![c], 2)
}

#[test]
fn stage_read_one_drop_wait() {
    drop_the_output_repeatedly("stage", ROUNDS, 1, None, stage);
    drop_the_output_repeatedly("stage paused", PAUSED_ROUNDS, 1, Some(PAUSE), stage);
}

#[test]
fn map_unordered_read_one_drop_wait() {
    drop_the_output_repeatedly("map_unordered", ROUNDS, 1, None, map_unordered);
    drop_the_output_repeatedly(
        "map_unordered paused",
        PAUSED_ROUNDS,
        1,
        Some(PAUSE),
        map_unordered,
    );
}

#[test]
fn map_ordered_read_one_drop_wait() {
    drop_the_output_repeatedly("map_ordered", ROUNDS, 1, None, map_ordered);
    drop_the_output_repeatedly(
        "map_ordered paused",
        PAUSED_ROUNDS,
        1,
        Some(PAUSE),
        map_ordered,
    );
}

#[test]
fn a_filter_that_drops_everything_stops_when_its_output_is_dropped() {
    drop_the_output_repeatedly("filter", ROUNDS / 4, 0, None, filter_everything);
    drop_the_output_repeatedly(
        "filter paused",
        PAUSED_ROUNDS / 4,
        0,
        Some(PAUSE),
        filter_everything,
    );
    drop_the_output_repeatedly("filter, stage", ROUNDS / 4, 0, None, filter_then_stage);
}

#[test]
fn a_chain_of_every_stage_kind_stops_when_its_output_is_dropped() {
    drop_the_output_repeatedly("chain", ROUNDS / 4, 1, None, chain);
    drop_the_output_repeatedly("chain paused", PAUSED_ROUNDS / 4, 1, Some(PAUSE), chain);
}

// --- 5. A group's spawn blocked on a full pool queue is cancellable. ---

#[test]
fn a_group_spawn_blocked_on_a_full_queue_returns_cancelled_promptly() {
    watchdog(10, "group spawn on a full queue", || {
        let pool = Pool::new(1, 1);
        let gate = occupy_workers(&pool, 1);
        pool.execute(|| ()).unwrap(); // the queue is full now
        let group = pool.group::<()>();
        thread::scope(|s| {
            let spawner = s.spawn(|| group.spawn(|_| Ok(())));
            // Give the spawn time to block (if the cancel comes first, the
            // spawn must still say `Cancelled`).
            thread::sleep(Duration::from_millis(50));
            group.cancel();
            // The worker stays occupied until after this join: a spawn that
            // only returned once room appeared would hang here.
            let r = spawner.join().unwrap();
            assert!(matches!(r, Err(GroupError::Cancelled)), "{r:?}");
        });
        assert_eq!(pool.stats().queued, 1, "the queued job is still there");
        drop(group);
        gate.open();
        assert_eq!(counts(pool.shutdown()), (2, 0, 0));
    });
}

// --- 6. A backend that unwinds in `push` leaves the counts exact. ---

/// ringq underneath, but `push` panics while `BOOM` is set (the job is
/// dropped by the unwinding, as a third-party backend's bug would).
#[derive(Debug)]
struct PanickyBackend(ringq_pool::RingqBackend);

static BOOM: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl ringq_pool::Backend for PanickyBackend {
    fn with_capacity(capacity: usize) -> Result<Self, ringq::CapacityError> {
        ringq_pool::RingqBackend::with_capacity(capacity).map(PanickyBackend)
    }
    fn push(&self, job: ringq_pool::Job) -> Result<(), ringq_pool::Job> {
        if BOOM.load(Ordering::SeqCst) {
            panic!("backend push fails");
        }
        self.0.push(job)
    }
    fn try_push(&self, job: ringq_pool::Job) -> Result<(), ringq::TryPushError<ringq_pool::Job>> {
        self.0.try_push(job)
    }
    fn push_timeout(
        &self,
        job: ringq_pool::Job,
        timeout: Duration,
    ) -> Result<(), ringq::PushTimeoutError<ringq_pool::Job>> {
        self.0.push_timeout(job, timeout)
    }
    fn pop(&self) -> Option<ringq_pool::Job> {
        self.0.pop()
    }
    fn try_pop(&self) -> Option<ringq_pool::Job> {
        self.0.try_pop()
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

#[test]
fn a_backend_that_unwinds_in_push_does_not_leave_a_phantom_job() {
    watchdog(10, "unwinding backend", || {
        let pool = Pool::builder()
            .workers(1)
            .capacity(4)
            .backend::<PanickyBackend>()
            .build()
            .unwrap();
        BOOM.store(true, Ordering::SeqCst);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.execute(|| ())));
        BOOM.store(false, Ordering::SeqCst);
        assert!(r.is_err(), "the backend's panic reaches the caller");
        // The job never got in: not counted, and wait_idle does not wait
        // for it.
        pool.wait_idle();
        let s = pool.stats();
        assert_eq!((s.queued, s.active, s.completed), (0, 0, 0), "{s:?}");
        pool.execute(|| ()).unwrap();
        assert_eq!(counts(pool.shutdown()), (1, 0, 0));
    });
}
