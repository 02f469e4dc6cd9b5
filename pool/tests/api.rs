//! The pool's API, method by method, and its rules for misuse.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use common::{assert_identity, occupy_workers};
use ringq_pool::{
    Aborted, Builder, GroupError, JobError, JobHandle, Pool, Rejected, Report, Semaphore, Stats,
};
use static_assertions::assert_impl_all;

assert_impl_all!(Pool: Send, Sync, std::fmt::Debug);
assert_impl_all!(JobHandle<u8>: Send, std::fmt::Debug);
assert_impl_all!(Semaphore: Send, Sync);
assert_impl_all!(Rejected<fn()>: std::error::Error, Send);
// Sync too, so `h.join()?` converts into `Box<dyn Error + Send + Sync>`
// (and `anyhow::Error`).
assert_impl_all!(JobError: std::error::Error, Send, Sync);
assert_impl_all!(GroupError<String>: std::error::Error, Send, Sync);
assert_impl_all!(ringq_pool::PipelineError<String>: std::error::Error, Send, Sync);
assert_impl_all!(ringq_pool::Panic: Send, Sync, std::fmt::Debug, std::fmt::Display);
assert_impl_all!(Aborted: Send, std::fmt::Debug);
assert_impl_all!(Builder: Send, std::fmt::Debug);
assert_impl_all!(ringq_pool::BuildError: std::error::Error, Send, Sync);
assert_impl_all!(Stats: Copy, Eq);
assert_impl_all!(Report: Copy, Eq);

/// A closure type with no `Debug`: `Rejected<F>` must not need one.
struct Opaque;
impl Opaque {
    fn run(self) {}
}

#[test]
fn error_strings_are_pinned_and_never_print_the_job() {
    let full: Rejected<Opaque> = Rejected::Full(Opaque);
    assert_eq!(format!("{full:?}"), "Full(..)");
    assert_eq!(full.to_string(), "job rejected: the pool's queue is full");
    let closed: Rejected<Opaque> = Rejected::Closed(Opaque);
    assert_eq!(format!("{closed:?}"), "Closed(..)");
    assert_eq!(closed.to_string(), "job rejected: the pool is closed");
    closed.into_inner().run();
    assert_eq!(
        JobError::Cancelled.to_string(),
        "job cancelled before it started"
    );
    let pool = Pool::new(1, 1);
    let p = pool.submit(|| panic!("boom")).unwrap().join().unwrap_err();
    assert_eq!(p.to_string(), "job panicked: boom");
    assert_eq!(format!("{p:?}"), "Panicked(\"boom\")");
    assert_eq!(GroupError::Failed("e").to_string(), "job failed: e");
    assert_eq!(format!("{:?}", GroupError::Failed(3)), "Failed(3)");
    assert_eq!(
        GroupError::<u8>::Cancelled.to_string(),
        "job cancelled or refused: the group failed or was cancelled, or the pool is closed"
    );
}

#[test]
fn bad_configuration_is_an_error_from_build_and_a_panic_from_new() {
    use ringq_pool::BuildError;
    use std::error::Error;
    let e = Pool::builder().workers(0).build().unwrap_err();
    assert!(matches!(e, BuildError::NoWorkers), "{e:?}");
    assert!(e.source().is_none());
    let e = Pool::builder()
        .capacity(ringq::MAX_CAPACITY + 1)
        .build()
        .unwrap_err();
    assert!(matches!(e, BuildError::Capacity(_)), "{e:?}");
    assert!(e.to_string().contains("exceeds the maximum"), "{e}");
    assert!(e.source().is_some());
    let msg = std::panic::catch_unwind(|| Pool::new(0, 1)).unwrap_err();
    assert!(ringq_pool::panic_message(msg.as_ref()).contains("at least one worker"));
    let msg = std::panic::catch_unwind(|| Pool::new(1, ringq::MAX_CAPACITY + 1)).unwrap_err();
    assert!(ringq_pool::panic_message(msg.as_ref()).contains("exceeds the maximum"));
    // Capacity 0 is a hand-off pool, not an error (tests/hand_off.rs).
    assert_eq!(Pool::new(1, 0).stats().capacity, 0);
}

#[test]
fn workers_are_named_and_counted() {
    let pool = Pool::builder()
        .workers(3)
        .capacity(8)
        .name("crunch")
        .stack_size(128 * 1024)
        .build()
        .unwrap();
    let mut names: Vec<String> = (0..30)
        .map(|_| {
            pool.submit(|| {
                thread::sleep(Duration::from_micros(200));
                thread::current().name().unwrap().to_owned()
            })
            .unwrap()
        })
        .map(|h| h.join().unwrap())
        .collect();
    names.sort();
    names.dedup();
    assert!(!names.is_empty() && names.len() <= 3, "{names:?}");
    assert!(names
        .iter()
        .all(|n| ["crunch-0", "crunch-1", "crunch-2"].contains(&n.as_str())));
    // A handle resolves just before the worker counts the job; wait_idle is
    // the point after which stats count every finished job.
    pool.wait_idle();
    let s = pool.stats();
    assert_eq!((s.workers, s.capacity, s.completed), (3, 8, 30));
}

#[test]
fn try_execute_gives_the_closure_back_when_full() {
    let pool = Pool::new(1, 2);
    let gate = occupy_workers(&pool, 1);
    let ran = Arc::new(AtomicUsize::new(0));
    let job = |ran: &Arc<AtomicUsize>| {
        let ran = ran.clone();
        move || {
            ran.fetch_add(1, Ordering::SeqCst);
        }
    };
    pool.try_execute(job(&ran)).unwrap();
    pool.try_execute(job(&ran)).unwrap();
    let rejected = pool.try_execute(job(&ran)).unwrap_err();
    assert!(rejected.is_full());
    // Caller runs.
    (rejected.into_inner())();
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert_eq!(pool.stats().queued, 2);
    gate.open();
    pool.wait_idle();
    assert_eq!(ran.load(Ordering::SeqCst), 3);
}

#[test]
fn execute_timeout_reports_full_after_the_timeout() {
    let pool = Pool::new(1, 1);
    let gate = occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap();
    let r = pool.execute_timeout(|| (), Duration::from_millis(20));
    assert!(r.unwrap_err().is_full());
    gate.open();
    pool.execute_timeout(|| (), Duration::from_secs(10))
        .unwrap();
    let s = pool.shutdown();
    assert_eq!(s.completed, 3);
}

#[test]
fn a_closed_pool_answers_closed_even_when_full() {
    let pool = Pool::new(1, 1);
    let gate = occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap();
    pool.close();
    assert!(pool.is_closed());
    assert!(pool.try_execute(|| ()).unwrap_err().is_closed());
    assert!(pool.execute(|| ()).unwrap_err().is_closed());
    assert!(pool
        .execute_timeout(|| (), Duration::from_millis(1))
        .unwrap_err()
        .is_closed());
    assert!(pool.submit(|| 1).unwrap_err().is_closed());
    gate.open();
    // The job queued before the close still runs.
    assert_eq!(pool.shutdown().completed, 2);
}

#[test]
fn close_wakes_a_submitter_blocked_on_a_full_queue() {
    let pool = Pool::new(1, 1);
    let gate = occupy_workers(&pool, 1);
    pool.execute(|| ()).unwrap();
    thread::scope(|s| {
        let blocked = s.spawn(|| pool.execute(|| ()));
        thread::sleep(Duration::from_millis(20));
        pool.close();
        assert!(blocked.join().unwrap().unwrap_err().is_closed());
    });
    gate.open();
    assert_eq!(pool.shutdown().completed, 2);
}

#[test]
fn submit_join_cancel_and_is_finished() {
    let pool = Pool::new(1, 8);
    let gate = occupy_workers(&pool, 1);
    let a = pool.submit(|| "a").unwrap();
    let b = pool.submit(|| "b").unwrap();
    let c = pool.submit(|| -> &str { panic!("c failed") }).unwrap();
    assert!(!a.is_finished());
    assert!(b.cancel());
    assert!(
        !b.cancel(),
        "cancelling twice reports false the second time"
    );
    assert!(b.is_finished());
    assert!(format!("{a:?}").contains("queued"));
    gate.open();
    assert_eq!(a.join().unwrap(), "a");
    assert!(matches!(b.join(), Err(JobError::Cancelled)));
    match c.join() {
        Err(JobError::Panicked(p)) => assert_eq!(p.message(), "c failed"),
        other => panic!("{other:?}"),
    }
    let s = pool.shutdown();
    assert_eq!((s.completed, s.panicked, s.cancelled), (2, 1, 1));
}

#[test]
fn a_dropped_handle_detaches_the_job() {
    let pool = Pool::new(1, 4);
    let (tx, rx) = mpsc::channel();
    drop(pool.submit(move || tx.send(1).unwrap()).unwrap());
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(1));
}

#[test]
fn on_panic_gets_the_payload_and_the_worker_survives() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let pool = Pool::builder()
        .workers(1)
        .capacity(4)
        .on_panic(move |p| {
            sink.lock()
                .unwrap()
                .push(ringq_pool::panic_message(p).to_owned())
        })
        .build()
        .unwrap();
    pool.execute(|| panic!("first")).unwrap();
    pool.execute(|| std::panic::panic_any(7u32)).unwrap();
    assert_eq!(pool.submit(|| 5).unwrap().join().unwrap(), 5);
    let report = pool.shutdown();
    assert_eq!((report.completed, report.panicked), (1, 2));
    assert_eq!(
        *seen.lock().unwrap(),
        ["first", "<non-string panic payload>"]
    );
}

#[test]
fn a_panicking_hook_does_not_kill_the_worker() {
    let pool = Pool::builder()
        .workers(1)
        .capacity(4)
        .on_panic(|_| panic!("hook failed too"))
        .build()
        .unwrap();
    pool.execute(|| panic!("job failed")).unwrap();
    assert_eq!(pool.submit(|| 1).unwrap().join().unwrap(), 1);
}

#[test]
fn wait_idle_counts_every_finished_job() {
    let pool = Pool::new(2, 4);
    for round in 1..=scaled_rounds() {
        for _ in 0..10 {
            pool.execute(|| ()).unwrap();
        }
        pool.wait_idle();
        let s = pool.stats();
        assert_eq!(s.completed, round * 10, "{s:?}");
        assert_eq!((s.queued, s.active), (0, 0));
    }
}

fn scaled_rounds() -> usize {
    common::scaled(20, 2)
}

#[test]
fn wait_idle_from_inside_a_job_panics_instead_of_hanging() {
    let pool = Arc::new(Pool::new(1, 4));
    let inner = pool.clone();
    let h = pool.submit(move || inner.wait_idle()).unwrap();
    match h.join() {
        Err(JobError::Panicked(p)) => {
            assert!(p.message().contains("wait for itself"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn dropping_the_last_pool_handle_inside_a_job_does_not_deadlock() {
    let pool = Arc::new(Pool::new(2, 8));
    let (tx, rx) = mpsc::channel();
    for i in 0..4 {
        let tx = tx.clone();
        pool.execute(move || tx.send(i).unwrap()).unwrap();
    }
    let last = pool.clone();
    let done = tx.clone();
    pool.execute(move || {
        // Wait until the caller has dropped its handle, then drop the last.
        while Arc::strong_count(&last) > 1 {
            thread::yield_now();
        }
        drop(last);
        done.send(99).unwrap();
    })
    .unwrap();
    drop(pool);
    drop(tx);
    let mut got: Vec<i32> = rx.iter().collect();
    got.sort();
    assert_eq!(got, [0, 1, 2, 3, 99]);
}

#[test]
fn shutdown_inside_a_job_only_closes() {
    let pool = Pool::new(2, 8);
    let (tx, rx) = mpsc::channel::<Pool>();
    let (report_tx, report_rx) = mpsc::channel();
    pool.execute(move || {
        let pool = rx.recv().unwrap();
        report_tx.send(pool.shutdown()).unwrap();
    })
    .unwrap();
    // Hand the pool to its own job, which owns it from now on.
    tx.send(pool).unwrap();
    let report = report_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(report.panicked, 0);
}

#[test]
fn stats_identity_holds_while_jobs_flow() {
    let pool = Pool::new(2, 4);
    let accepted = common::scaled(2_000, 50);
    thread::scope(|s| {
        s.spawn(|| {
            for i in 0..accepted {
                if i % 7 == 0 {
                    pool.execute(|| panic!("seventh")).unwrap();
                } else {
                    pool.execute(|| ()).unwrap();
                }
            }
        });
        for _ in 0..common::scaled(200, 5) {
            let s = pool.stats();
            let total = s.completed + s.panicked + s.cancelled + s.queued + s.active;
            assert!(total <= accepted, "{s:?}");
        }
    });
    pool.wait_idle();
    assert_identity(&pool.stats(), accepted);
    assert_eq!(pool.stats().panicked, accepted.div_ceil(7));
}

#[test]
fn abort_returns_unstarted_jobs_and_resolves_their_handles() {
    let pool = Pool::new(1, 8);
    let gate = occupy_workers(&pool, 1);
    let handle = pool.submit(|| 1).unwrap();
    let cancelled = pool.submit(|| 2).unwrap();
    assert!(cancelled.cancel());
    let ran = Arc::new(AtomicUsize::new(0));
    for _ in 0..3 {
        let ran = ran.clone();
        pool.execute(move || {
            ran.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    }
    let token = pool.token().clone();
    let aborted = thread::scope(|s| {
        let a = s.spawn(|| pool.abort());
        while !token.is_cancelled() {
            thread::yield_now();
        }
        gate.open();
        a.join().unwrap()
    });
    assert_eq!(
        ran.load(Ordering::SeqCst),
        0,
        "no queued job ran after the abort"
    );
    // 1 handle job + 3 plain jobs come back; the cancelled one does not.
    assert_eq!(aborted.pending.len(), 4);
    assert_eq!(
        aborted.report,
        Report {
            completed: 1,
            panicked: 0,
            cancelled: 5
        }
    );
    let mut pending = aborted.pending;
    // Run everything but one: the handle job resolves either way.
    let dropped = pending.pop().unwrap();
    drop(dropped);
    for job in pending {
        job.run();
    }
    let resolved = handle.join();
    assert!(
        matches!(resolved, Ok(1) | Err(JobError::Cancelled)),
        "{resolved:?}"
    );
    assert!(matches!(cancelled.join(), Err(JobError::Cancelled)));
    assert!((2..=3).contains(&ran.load(Ordering::SeqCst)));
}

#[test]
fn pending_job_run_propagates_a_plain_jobs_panic() {
    let pool = Pool::new(1, 4);
    let gate = occupy_workers(&pool, 1);
    pool.execute(|| panic!("later")).unwrap();
    let aborted = thread::scope(|s| {
        let a = s.spawn(|| pool.abort());
        thread::sleep(Duration::from_millis(10));
        gate.open();
        a.join().unwrap()
    });
    let job = aborted.pending.into_iter().next().unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run()));
    assert_eq!(
        ringq_pool::panic_message(caught.unwrap_err().as_ref()),
        "later"
    );
}

#[test]
fn debug_output_shows_counters() {
    let pool = Pool::new(1, 2);
    let text = format!("{pool:?}");
    assert!(
        text.contains("workers: 1") && text.contains("closed: false"),
        "{text}"
    );
    assert!(format!("{:?}", Pool::builder()).contains("capacity: 1024"));
    assert!(format!("{:?}", Semaphore::new(2)).contains("available: 2"));
}

#[test]
fn dropping_queue_handles_inside_callbacks_closes_without_deadlock() {
    // The last producer dropped from inside the consumer's own iteration:
    // the iterator drains what was queued and ends.
    let (tx, rx) = ringq::bounded(4);
    tx.push(1).unwrap();
    tx.push(2).unwrap();
    let mut tx = Some(tx);
    let got: Vec<i32> = rx.iter().inspect(|_| drop(tx.take())).collect();
    assert_eq!(got, [1, 2]);

    // The last consumer dropped inside a pool job while a producer is
    // blocked on the full queue: the producer gets its value back.
    let pool = Pool::new(1, 4);
    let (tx, rx) = ringq::bounded::<u32>(1);
    tx.push(0).unwrap();
    thread::scope(|s| {
        let blocked = s.spawn(|| tx.push(7));
        thread::sleep(Duration::from_millis(10));
        pool.execute(move || drop(rx)).unwrap();
        assert_eq!(blocked.join().unwrap(), Err(ringq::PushError(7)));
    });

    // A job handle dropped inside the job it belongs to.
    let (htx, hrx) = mpsc::channel::<JobHandle<()>>();
    let h = pool
        .submit(move || drop(hrx.recv_timeout(Duration::from_secs(10))))
        .unwrap();
    htx.send(h).unwrap();
    pool.wait_idle();
    assert_eq!(pool.stats().completed, 2);
}

#[test]
fn zero_limits_are_documented_panics() {
    let pool = Pool::new(1, 4);
    let msg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pool.group::<()>().limit(0);
    }))
    .unwrap_err();
    assert!(ringq_pool::panic_message(msg.as_ref()).contains("limit(0)"));
    let msg = std::panic::catch_unwind(|| {
        let mut p = ringq_pool::pipeline::Pipeline::<()>::new();
        let xs = p.source(0..1u8, 1);
        p.stage(xs, 0, 1, |x| Ok(Some(x)))
    })
    .unwrap_err();
    assert!(ringq_pool::panic_message(msg.as_ref()).contains("at least one worker"));
}

#[test]
fn job_errors_convert_into_send_sync_boxed_errors() {
    fn run(pool: &Pool) -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
        let h = pool.submit(|| -> u32 { panic!("no value") }).unwrap();
        Ok(h.join()?)
    }
    let pool = Pool::new(1, 2);
    let err = run(&pool).unwrap_err();
    assert_eq!(err.to_string(), "job panicked: no value");
    // The payload is still there, by value.
    let p = match pool.submit(|| std::panic::panic_any(7u8)).unwrap().join() {
        Err(JobError::Panicked(p)) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(p.message(), "<non-string panic payload>");
    assert_eq!(p.into_payload().downcast_ref::<u8>(), Some(&7));
}

#[test]
fn constructor_panics_point_at_the_caller_and_name_the_type() {
    use std::panic::{catch_unwind, set_hook, take_hook};
    use std::sync::Mutex;
    static LOCATION: Mutex<Option<String>> = Mutex::new(None);
    let hook = take_hook();
    // Only this test's own panics (other tests panic on other threads).
    let me = std::thread::current().id();
    set_hook(Box::new(move |info| {
        if std::thread::current().id() == me {
            *LOCATION.lock().unwrap() = info.location().map(|l| l.file().to_owned());
        }
    }));
    let cases: [(fn(), &str); 3] = [
        (|| drop(Pool::new(0, 1)), "at least one worker"),
        (
            || drop(Semaphore::new(usize::MAX)),
            "ringq_pool::Semaphore::new",
        ),
        (
            || {
                let pool = Pool::new(1, 1);
                let _g = pool.group::<()>().limit(0);
            },
            "Group::limit(0)",
        ),
    ];
    let mut seen = Vec::new();
    for (f, text) in cases {
        let msg = catch_unwind(f).unwrap_err();
        let msg = ringq_pool::panic_message(msg.as_ref()).to_owned();
        seen.push((msg.contains(text), LOCATION.lock().unwrap().take(), msg));
    }
    set_hook(hook);
    for (has_text, file, msg) in seen {
        assert!(has_text, "{msg}");
        assert_eq!(file.as_deref(), Some(file!()), "{msg}");
    }
}

#[test]
fn submit_has_the_three_waiting_modes_of_execute() {
    use std::time::Duration;
    let pool = Pool::new(1, 1);
    let gate = common::occupy_workers(&pool, 1);
    let first = pool.try_submit(|| 1).unwrap(); // fills the queue
    let f = match pool.try_submit(|| 2) {
        Err(Rejected::Full(f)) => f,
        other => panic!("full queue: {:?}", other.map(|_| ())),
    };
    assert_eq!(f(), 2); // the closure came back
    match pool.submit_timeout(|| 3, Duration::from_millis(5)) {
        Err(Rejected::Full(f)) => assert_eq!(f(), 3),
        other => panic!("full queue: {:?}", other.map(|_| ())),
    }
    gate.open();
    assert_eq!(first.join().unwrap(), 1);
    let h = pool.submit_timeout(|| 4, Duration::from_secs(10)).unwrap();
    assert_eq!(h.join().unwrap(), 4);
    assert!(pool.close());
    assert!(!pool.close());
    assert!(pool.try_submit(|| 5).unwrap_err().is_closed());
}
