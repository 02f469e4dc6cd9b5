//! Benchmark harness comparing ringq with std, crossbeam, flume, kanal and
//! the non-blocking array queues.
//!
//! * `cargo bench -p ringq-benches`: the criterion matrix (HTML report under
//!   `target/criterion/report/index.html`).
//! * `cargo run --release -p ringq-benches --bin compare`: the one-minute
//!   comparison table (see `--help`).
//! * `cargo run --release -p ringq-benches --bin pool_compare`: the worker
//!   pools under tiny jobs, ns per job.

pub mod async_cells;
pub mod backends;
pub mod batch;
pub mod channels;
pub mod chart;
pub mod cpu;
pub mod latency;
pub mod load;
pub mod pools;
pub mod scenario;
pub mod summary;

pub use channels::Channel;
pub use scenario::{run, Outcome, Scenario};
