//! Worker pools under tiny jobs: ringq-pool (execute and submit, over ringq,
//! crossbeam-channel and std) against `threadpool` and rayon.
//!
//! `cargo bench -p ringq-benches --bench pool` (filter with e.g.
//! `-- empty/64/w2`). Throughput is in jobs.

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use ringq_benches::backends::{CrossbeamBackend, StdBackend};
use ringq_benches::pools::{Executor, Rayon, RingqPool, RingqPoolSubmit, ThreadPool, Work};
use ringq_pool::RingqBackend;

const JOBS: usize = 10_000;

fn bench<E: Executor>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    workers: usize,
    cap: usize,
    work: Work,
) {
    g.bench_function(E::NAME, |b| {
        b.iter_custom(|iters| (0..iters).map(|_| E::time(workers, cap, JOBS, work)).sum())
    });
}

fn pools(c: &mut Criterion) {
    for work in [Work::Empty, Work::Micro] {
        for cap in [1usize, 64, 1024] {
            for workers in [1usize, 2] {
                let mut g = c.benchmark_group(format!("{}/{cap}/w{workers}", work.name()));
                g.throughput(Throughput::Elements(JOBS as u64));
                g.sample_size(10);
                g.measurement_time(Duration::from_secs(2));
                bench::<RingqPool<RingqBackend>>(&mut g, workers, cap, work);
                bench::<RingqPoolSubmit>(&mut g, workers, cap, work);
                bench::<RingqPool<CrossbeamBackend>>(&mut g, workers, cap, work);
                bench::<RingqPool<StdBackend>>(&mut g, workers, cap, work);
                bench::<ThreadPool>(&mut g, workers, cap, work);
                bench::<Rayon>(&mut g, workers, cap, work);
                g.finish();
            }
        }
    }
}

criterion_group!(benches, pools);
criterion_main!(benches);
