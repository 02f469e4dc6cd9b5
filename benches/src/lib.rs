//! Benchmark harness comparing ringq with std, crossbeam, flume, kanal and
//! the non-blocking array queues.
//!
//! * `cargo bench -p ringq-benches`: the criterion matrix (HTML report under
//!   `target/criterion/report/index.html`).
//! * `cargo run --release -p ringq-benches --bin compare`: the one-minute
//!   comparison table (see `--help`).
//! * `cargo run --release -p ringq-benches --bin pool_compare`: the worker
//!   pools under tiny jobs, ns per job.

pub mod channels;
pub mod pools;
pub mod scenario;

pub use channels::Channel;
pub use scenario::{run, Outcome, Scenario};
