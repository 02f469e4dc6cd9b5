//! The criterion matrix: scenarios x capacities x implementations.
//!
//! `cargo bench -p ringq-benches` (filter with e.g. `-- mpmc/64`,
//! `-- batch` for the batch rows or `-- async` for the async cells); the HTML
//! report lands in `target/criterion/report/index.html`.

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use ringq_benches::async_cells::{
    self, run_async, AsyncOutcome, Shape, ASYNC_CAPACITIES, ASYNC_IMPLS,
};
use ringq_benches::batch::{run_batch, Batch, BATCH_CAPACITY};
use ringq_benches::channels::{
    ArrayQueue, AsyncChannel, ConcurrentQueue, Crossbeam, Crossfire, CrossfireMpsc, CrossfireSpsc,
    Flume, Kanal, RingqHandles, RingqMpsc, RingqQueue, RingqSpmc, RingqSpsc, Rtrb, Std,
};
use ringq_benches::{run, Channel, Outcome, Scenario};

/// Values per iteration of the throughput scenarios.
const N: u64 = 100_000;
/// Round trips per iteration of pingpong, pairs per iteration of uncontended.
const PINGPONG: u64 = 1_000;
const PAIRS: u64 = 10_000;

fn bench_one<C: Channel>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    scenario: Scenario,
    cap: usize,
    n: u64,
) {
    // A corrupted run is reported (and skipped) instead of measured; a
    // shape the implementation does not have (a single-owner flavor with
    // several producers) is skipped.
    match run::<C>(scenario, cap, n.min(1_000)) {
        Outcome::Ok(_) => {}
        Outcome::Unsupported => return,
        Outcome::Corrupted => {
            eprintln!(
                "{}/{}/{}: LOST/DUP values, not measured",
                scenario.name(),
                cap,
                C::NAME
            );
            return;
        }
    }
    group.bench_function(C::NAME, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                match run::<C>(scenario, cap, n) {
                    Outcome::Ok(d) => total += d,
                    Outcome::Corrupted => panic!("{}: LOST/DUP values", C::NAME),
                    Outcome::Unsupported => unreachable!("checked above"),
                }
            }
            total
        })
    });
}

/// Every implementation, in table order.
fn every_impl(group: &mut BenchmarkGroup<'_, WallTime>, scenario: Scenario, cap: usize, n: u64) {
    // crossfire's docs ask for this once before use (idempotent).
    crossfire::detect_backoff_cfg();
    bench_one::<RingqQueue>(group, scenario, cap, n);
    bench_one::<RingqHandles>(group, scenario, cap, n);
    bench_one::<Crossbeam>(group, scenario, cap, n);
    bench_one::<Kanal>(group, scenario, cap, n);
    bench_one::<Crossfire>(group, scenario, cap, n);
    bench_one::<Flume>(group, scenario, cap, n);
    bench_one::<Std>(group, scenario, cap, n);
    bench_one::<AsyncChannel>(group, scenario, cap, n);
    bench_one::<ArrayQueue>(group, scenario, cap, n);
    bench_one::<ConcurrentQueue>(group, scenario, cap, n);
    // The single-owner flavors and their peers, where the shape fits.
    bench_one::<RingqSpsc>(group, scenario, cap, n);
    bench_one::<RingqMpsc>(group, scenario, cap, n);
    bench_one::<RingqSpmc>(group, scenario, cap, n);
    bench_one::<Rtrb>(group, scenario, cap, n);
    bench_one::<CrossfireSpsc>(group, scenario, cap, n);
    bench_one::<CrossfireMpsc>(group, scenario, cap, n);
}

fn matrix(c: &mut Criterion) {
    for scenario in [
        Scenario::Seq,
        Scenario::Spsc,
        Scenario::Mpsc,
        Scenario::Spmc,
        Scenario::Mpmc,
    ] {
        for cap in [1usize, 64, 1024] {
            let mut group = c.benchmark_group(format!("{}/{}", scenario.name(), cap));
            group.throughput(Throughput::Elements(N));
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(3));
            every_impl(&mut group, scenario, cap, N);
            group.finish();
        }
    }
}

fn pingpong(c: &mut Criterion) {
    let mut group = c.benchmark_group("pingpong");
    group.throughput(Throughput::Elements(PINGPONG));
    group.sample_size(10);
    every_impl(&mut group, Scenario::PingPong, 1, PINGPONG);
    group.finish();
}

fn uncontended(c: &mut Criterion) {
    let mut group = c.benchmark_group("uncontended");
    group.throughput(Throughput::Elements(PAIRS));
    every_impl(&mut group, Scenario::Uncontended, 64, PAIRS);
    group.finish();
}

/// Batch push and pop (spsc, capacity 1024): ringq's `push_from`/`pop_into`
/// at batch sizes 1, 8 and 64 against its single calls and kanal's
/// `drain_into` (`ringq_benches::batch`).
fn batch(c: &mut Criterion) {
    let mut group = c.benchmark_group(format!("batch/{BATCH_CAPACITY}"));
    group.throughput(Throughput::Elements(N));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    for row in Batch::ALL {
        group.bench_function(row.name(), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    match run_batch(row, BATCH_CAPACITY, N) {
                        Outcome::Ok(d) => total += d,
                        Outcome::Corrupted | Outcome::Unsupported => {
                            panic!("{}: LOST/DUP values", row.name())
                        }
                    }
                }
                total
            })
        });
    }
    group.finish();
}

/// Async cells (tokio multi-thread runtime, 2 workers): spsc and mpmc at
/// capacities 1, 64 and 1024, every async implementation
/// (`ringq_benches::async_cells`; `-- async` runs only these).
fn asynchronous(c: &mut Criterion) {
    let rt = async_cells::runtime();
    for shape in Shape::ALL {
        for cap in ASYNC_CAPACITIES {
            let mut group = c.benchmark_group(format!("async/{}/{cap}", shape.name()));
            group.throughput(Throughput::Elements(N));
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(3));
            for name in ASYNC_IMPLS {
                if run_async(&rt, name, shape, cap, 1_000) == AsyncOutcome::Unsupported {
                    continue;
                }
                group.bench_function(name, |b| {
                    b.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            match run_async(&rt, name, shape, cap, N) {
                                AsyncOutcome::Ok(d) => total += d,
                                other => panic!("{name}: {other:?}"),
                            }
                        }
                        total
                    })
                });
            }
            group.finish();
        }
    }
}

criterion_group!(benches, matrix, pingpong, uncontended, batch, asynchronous);
criterion_main!(benches);
