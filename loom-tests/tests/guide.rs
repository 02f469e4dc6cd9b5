//! The example from `loom-tests/README.md` ("Model-checking your own code
//! with ringq inside"), verbatim, so the guide cannot rot: `.ci/run` runs it
//! with the rest of the loom suite.
#![cfg(loom)]

/// A two-thread hand-off through a capacity-1 queue, as a downstream crate
/// would write it. Bound 3: see the README for its executions and time.
#[test]
fn my_pipeline() {
    let mut builder = loom::model::Builder::new();
    // Always bound the preemptions: unbounded, even small models with
    // ringq inside run for minutes (see the README's table).
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(|| {
        let (tx, rx) = ringq::bounded::<u32>(1);
        let t = loom::thread::spawn(move || tx.push(1).unwrap());
        assert_eq!(rx.pop(), Ok(1));
        t.join().unwrap();
    });
}
