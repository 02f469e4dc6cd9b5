//! Loom models for ringq live in `tests/`; they exist only under `--cfg loom`:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p loom-tests --release
//! ```
//!
//! This library only holds the model runner they share.

/// Runs `f` under loom with `bound` preemptions, unless the environment sets
/// `LOOM_MAX_PREEMPTIONS`, which then wins (CI can tighten or widen the whole
/// suite at once). Prints how many executions loom explored (visible with
/// `--nocapture`) and returns that count, so a model can assert it explored
/// more than a trivial schedule.
#[cfg(loom)]
pub fn model<F>(bound: usize, f: F) -> usize
where
    F: Fn() + Sync + Send + 'static,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(bound);
    }
    // A plain std counter: it is outside the model, loom must not see it.
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    builder.check(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        f();
    });
    let runs = runs.load(Ordering::Relaxed);
    eprintln!(
        "loom: {runs} executions (preemption bound {:?})",
        builder.preemption_bound
    );
    runs
}
