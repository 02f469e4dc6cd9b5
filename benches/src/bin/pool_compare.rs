//! Worker pools under tiny jobs, interleaved trial by trial: median ns per
//! job for each pool, and ringq-pool's ratio to each.
//!
//! An idle section, then a loaded one (`--load N` background processes
//! burning CPU, default 2; `--load 0` skips it), each with the CPU this
//! process used per job. `--wait adaptive|spin|park` sets ringq-pool's
//! worker wait policy (`Builder::wait`; default: the builder's default).
//!
//! cargo run --release -p ringq-benches --bin pool_compare -- [--trials N] [--jobs N] [--load N] [--wait P]

use std::process::ExitCode;
use std::time::Duration;

use ringq_benches::backends::{CrossbeamBackend, StdBackend};
use ringq_benches::cpu::process_cpu;
use ringq_benches::load::{burn, Load, BURN_ARG};
use ringq_benches::pools::{Executor, Rayon, RingqPool, RingqPoolSubmit, ThreadPool, Work};
use ringq_pool::{RingqBackend, WaitPolicy};

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

/// The `--wait` policy, if given.
fn wait_arg() -> Result<Option<WaitPolicy>, String> {
    let args: Vec<String> = std::env::args().collect();
    let Some(i) = args.iter().position(|a| a == "--wait") else {
        return Ok(None);
    };
    match args.get(i + 1).map(String::as_str) {
        Some("adaptive") => Ok(Some(WaitPolicy::Adaptive)),
        Some("spin") => Ok(Some(WaitPolicy::Spin)),
        Some("park") => Ok(Some(WaitPolicy::Park)),
        other => Err(format!(
            "--wait takes adaptive, spin or park, not {other:?}"
        )),
    }
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some(BURN_ARG) {
        burn();
        return ExitCode::SUCCESS;
    }
    match wait_arg() {
        Ok(Some(policy)) => {
            ringq_benches::pools::set_wait(policy);
            println!("ringq-pool wait policy: {policy:?}");
        }
        Ok(None) => {}
        Err(e) => {
            eprintln!("pool_compare: {e}");
            return ExitCode::FAILURE;
        }
    }
    let (trials, jobs, load) = match (arg("--trials", 5), arg("--jobs", 20_000), arg("--load", 2)) {
        (Ok(t), Ok(j), Ok(l)) if t > 0 && j > 0 => (t, j, l),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            eprintln!("pool_compare: {e}\nusage: pool_compare [--trials N] [--jobs N] [--load N]");
            return ExitCode::FAILURE;
        }
        _ => {
            eprintln!("pool_compare: --trials and --jobs must be positive");
            return ExitCode::FAILURE;
        }
    };
    println!("median ns per job over {trials} interleaved trials, {jobs} jobs per run (threadpool and rayon queues are unbounded)");
    println!("speedup vs X = X's ns per job ÷ ringq-pool's (execute): above 1 means ringq-pool is faster");
    println!("cpu = user + system CPU of this process per job (getrusage), pool start and stop included\n");
    println!("## Idle\n");
    section(trials, jobs);
    if load > 0 {
        println!("\n## Loaded: {load} background processes burning CPU\n");
        let _load = Load::start(load);
        section(trials, jobs);
    }
    ExitCode::SUCCESS
}

/// One table: every cell, every pool, `trials` interleaved runs each; then
/// the CPU per job of ringq-pool's `execute`, threadpool and rayon.
fn section(trials: usize, jobs: usize) {
    print!("| work | cap | workers |");
    for (name, _) in POOLS {
        print!(" {name} |");
    }
    println!(" speedup vs threadpool | speedup vs rayon | speedup vs pool/std | cpu ringq-pool | cpu threadpool | cpu rayon |");
    println!("|{}", "---|".repeat(3 + POOLS.len() + 6));
    for work in [Work::Empty, Work::Micro] {
        for cap in [1usize, 64, 1024] {
            for workers in [1usize, 2] {
                let mut samples = vec![Vec::new(); POOLS.len()];
                let mut cpu = vec![Vec::new(); POOLS.len()];
                for trial in 0..trials {
                    for k in 0..POOLS.len() {
                        // Rotate the start so no pool always runs first.
                        let i = (k + trial) % POOLS.len();
                        let before = process_cpu();
                        let d = (POOLS[i].1)(workers, cap, jobs, work);
                        let used = process_cpu().saturating_sub(before);
                        samples[i].push(d.as_nanos() as f64 / jobs as f64);
                        cpu[i].push(used.as_nanos() as f64 / jobs as f64);
                    }
                }
                let medians = medians_of(&mut samples);
                let cpu = medians_of(&mut cpu);
                print!("| {} | {cap} | {workers} |", work.name());
                for m in &medians {
                    print!(" {m:.0} |");
                }
                // Lower ns is better: a speedup is competitor / ringq-pool,
                // so above 1 means ringq-pool is faster.
                println!(
                    " {:.2} | {:.2} | {:.2} | {:.0} | {:.0} | {:.0} |",
                    medians[4] / medians[0],
                    medians[5] / medians[0],
                    medians[3] / medians[0],
                    cpu[0],
                    cpu[4],
                    cpu[5],
                );
            }
        }
    }
}

fn medians_of(samples: &mut [Vec<f64>]) -> Vec<f64> {
    samples
        .iter_mut()
        .map(|s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect()
}
