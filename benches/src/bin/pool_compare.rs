//! Worker pools under tiny jobs, interleaved trial by trial: median ns per
//! job for each pool, and ringq-pool's ratio to each.
//!
//! cargo run --release -p ringq-benches --bin pool_compare -- [--trials N] [--jobs N]

use std::process::ExitCode;
use std::time::Duration;

use ringq_benches::backends::{CrossbeamBackend, StdBackend};
use ringq_benches::pools::{Executor, Rayon, RingqPool, RingqPoolSubmit, ThreadPool, Work};
use ringq_pool::RingqBackend;

type Timer = fn(usize, usize, usize, Work) -> Duration;

const POOLS: [(&str, Timer); 6] = [
    (
        RingqPool::<RingqBackend>::NAME,
        RingqPool::<RingqBackend>::time,
    ),
    (RingqPoolSubmit::NAME, RingqPoolSubmit::time),
    (
        RingqPool::<CrossbeamBackend>::NAME,
        RingqPool::<CrossbeamBackend>::time,
    ),
    (RingqPool::<StdBackend>::NAME, RingqPool::<StdBackend>::time),
    (ThreadPool::NAME, ThreadPool::time),
    (Rayon::NAME, Rayon::time),
];

fn arg(name: &str, default: usize) -> Result<usize, String> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .ok_or(format!("{name} needs a value"))?
            .parse()
            .map_err(|e| format!("{name}: {e}")),
    }
}

fn main() -> ExitCode {
    let (trials, jobs) = match (arg("--trials", 5), arg("--jobs", 20_000)) {
        (Ok(t), Ok(j)) if t > 0 && j > 0 => (t, j),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("pool_compare: {e}\nusage: pool_compare [--trials N] [--jobs N]");
            return ExitCode::FAILURE;
        }
        _ => {
            eprintln!("pool_compare: --trials and --jobs must be positive");
            return ExitCode::FAILURE;
        }
    };
    println!("median ns per job over {trials} interleaved trials, {jobs} jobs per run (threadpool and rayon queues are unbounded)");
    println!("speedup vs X = X's ns per job ÷ ringq-pool's (execute): above 1 means ringq-pool is faster\n");
    print!("| work | cap | workers |");
    for (name, _) in POOLS {
        print!(" {name} |");
    }
    println!(" speedup vs threadpool | speedup vs rayon | speedup vs pool/std |");
    println!("|{}", "---|".repeat(3 + POOLS.len() + 3));
    for work in [Work::Empty, Work::Micro] {
        for cap in [1usize, 64, 1024] {
            for workers in [1usize, 2] {
                let mut samples = vec![Vec::new(); POOLS.len()];
                for trial in 0..trials {
                    for k in 0..POOLS.len() {
                        // Rotate the start so no pool always runs first.
                        let i = (k + trial) % POOLS.len();
                        let d = (POOLS[i].1)(workers, cap, jobs, work);
                        samples[i].push(d.as_nanos() as f64 / jobs as f64);
                    }
                }
                let medians: Vec<f64> = samples
                    .iter_mut()
                    .map(|s| {
                        s.sort_by(f64::total_cmp);
                        s[s.len() / 2]
                    })
                    .collect();
                print!("| {} | {cap} | {workers} |", work.name());
                for m in &medians {
                    print!(" {m:.0} |");
                }
                // Lower ns is better: a speedup is competitor / ringq-pool,
                // so above 1 means ringq-pool is faster.
                println!(
                    " {:.2} | {:.2} | {:.2} |",
                    medians[4] / medians[0],
                    medians[5] / medians[0],
                    medians[3] / medians[0]
                );
            }
        }
    }
    ExitCode::SUCCESS
}
