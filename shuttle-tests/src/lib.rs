//! Shuttle tests for ringq and ringq-pool live in `tests/`; they exist only
//! under `--cfg shuttle`:
//!
//! ```text
//! RUSTFLAGS="--cfg shuttle" cargo test -p shuttle-tests --release
//! ```
//!
//! This library only holds the runner they share (`check`, compiled only
//! under `--cfg shuttle`).

/// Runs `f` under shuttle's random scheduler and then under its PCT
/// scheduler (depth 3), `iterations` schedules each, unless the environment
/// says otherwise:
///
/// * `SHUTTLE_ITERATIONS=N` overrides `iterations` for every test at once
///   (CI can widen or narrow the whole suite);
/// * `SHUTTLE_SCALE=K` multiplies every test's own `iterations` by `K`
///   (`.ci/deep` runs the suite at 10x);
/// * `SHUTTLE_REPLAY='<schedule>'` replays one schedule instead: the string a
///   failing run printed after `failing schedule:`, quotes and line breaks
///   included or not (run the one failing test by name with it; see the
///   crate's README).
///
/// Prints the iterations run (visible with `--nocapture`).
#[cfg(shuttle)]
pub fn check<F>(iterations: usize, f: F)
where
    F: Fn() + Send + Sync + 'static,
{
    if let Ok(schedule) = std::env::var("SHUTTLE_REPLAY") {
        // Shuttle prints the schedule quoted and wrapped over several
        // lines: keep only what is between the quotes, without the breaks.
        let schedule: String = schedule
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '"')
            .collect();
        shuttle::replay(f, &schedule);
        return;
    }
    let env = |name| {
        std::env::var(name)
            .ok()
            .and_then(|n| n.parse::<usize>().ok())
    };
    let iterations =
        env("SHUTTLE_ITERATIONS").unwrap_or(iterations) * env("SHUTTLE_SCALE").unwrap_or(1);
    let f = std::sync::Arc::new(f);
    let g = f.clone();
    shuttle::check_random(move || g(), iterations);
    shuttle::check_pct(move || f(), iterations, 3);
    eprintln!("shuttle: {iterations} random + {iterations} PCT (depth 3) schedules");
}
