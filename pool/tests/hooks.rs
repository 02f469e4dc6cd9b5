//! Worker lifecycle hooks: `on_thread_start`, `on_thread_stop`.

use std::sync::{Arc, Mutex};
use std::thread;

use ringq_pool::Pool;

#[test]
fn hooks_run_once_per_worker_on_the_worker_with_its_name() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (start, stop) = (seen.clone(), seen.clone());
    let pool = Pool::builder()
        .workers(2)
        .name("hooked")
        .on_thread_start(move |i| {
            let name = thread::current().name().map(str::to_owned);
            start.lock().unwrap().push(format!("start {i} {name:?}"));
        })
        .on_thread_stop(move |i| stop.lock().unwrap().push(format!("stop {i}")))
        .build()
        .unwrap();
    pool.execute(|| ()).unwrap();
    pool.shutdown();
    let mut seen = seen.lock().unwrap().clone();
    seen.sort();
    assert_eq!(
        seen,
        [
            "start 0 Some(\"hooked-0\")",
            "start 1 Some(\"hooked-1\")",
            "stop 0",
            "stop 1"
        ]
    );
}

#[test]
fn a_panicking_hook_goes_to_on_panic_and_the_worker_lives_on() {
    let reported = Arc::new(Mutex::new(Vec::new()));
    let sink = reported.clone();
    let pool = Pool::builder()
        .workers(1)
        .on_thread_start(|_| panic!("start hook failed"))
        .on_thread_stop(|_| panic!("stop hook failed"))
        .on_panic(move |p| {
            let msg = ringq_pool::panic_message(p).to_owned();
            sink.lock().unwrap().push(msg);
        })
        .build()
        .unwrap();
    let h = pool.submit(|| 5).unwrap();
    assert_eq!(h.join().unwrap(), 5, "the worker survived its start hook");
    let report = pool.shutdown();
    assert_eq!(
        (report.completed, report.panicked),
        (1, 0),
        "hooks are not jobs"
    );
    assert_eq!(
        *reported.lock().unwrap(),
        ["start hook failed", "stop hook failed"]
    );
}
