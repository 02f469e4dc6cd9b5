//! The quick comparison report: ringq against crossbeam-channel, kanal and
//! `std::sync::mpsc::sync_channel`, in about a minute on 2 cores.
//!
//! Implementations run interleaved trial by trial (A B C D A B C D ...), so
//! drift on a shared machine hits all of them alike; the table shows the
//! median of the trials in millions of messages per second and the ratios
//! ringq/crossbeam, ringq/std and ringq/kanal with their geometric means.
//!
//! ```text
//! cargo run --release -p ringq-benches --bin compare -- [--trials N] [--messages N] [--scenario NAME]... [--json]
//! ```

use std::process::ExitCode;

use ringq_benches::channels::{Crossbeam, Kanal, RingqQueue, Std};
use ringq_benches::{run, Channel, Outcome, Scenario};

/// The implementations in the report; ringq first, its ratios are against the
/// others.
const IMPLS: [&str; 4] = [RingqQueue::NAME, Crossbeam::NAME, Kanal::NAME, Std::NAME];

/// Capacities of the reduced matrix.
const CAPACITIES: [usize; 3] = [1, 64, 1024];

struct Options {
    trials: usize,
    messages: u64,
    scenarios: Vec<Scenario>,
    json: bool,
}

const USAGE: &str = "usage: compare [--trials N] [--messages N] [--scenario NAME]... [--json]
  --trials N       interleaved trials per cell; the table shows the median (default 5)
  --messages N     messages per run; pingpong does N/10 round trips, uncontended N pairs (default 100000)
  --scenario NAME  only this scenario (repeatable): seq spsc mpsc spmc mpmc pingpong uncontended
  --json           print JSON instead of a markdown table";

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        trials: 5,
        messages: 100_000,
        scenarios: Vec::new(),
        json: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--trials" => {
                opts.trials = value("--trials")?
                    .parse()
                    .map_err(|e| format!("--trials: {e}"))?;
            }
            "--messages" => {
                opts.messages = value("--messages")?
                    .parse()
                    .map_err(|e| format!("--messages: {e}"))?;
            }
            "--scenario" => {
                let name = value("--scenario")?;
                let s = Scenario::ALL
                    .into_iter()
                    .find(|s| s.name() == name)
                    .ok_or(format!("unknown scenario {name:?}"))?;
                opts.scenarios.push(s);
            }
            "--json" => opts.json = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if opts.trials == 0 || opts.messages < 16 {
        return Err("--trials must be at least 1 and --messages at least 16".into());
    }
    if opts.scenarios.is_empty() {
        opts.scenarios = Scenario::ALL.to_vec();
    }
    Ok(opts)
}

/// One row of the report: a scenario at a capacity.
struct Cell {
    scenario: Scenario,
    cap: usize,
    /// Per implementation: every trial's Mmsg/s, or `None` once a run lost or
    /// duplicated values.
    rates: Vec<Option<Vec<f64>>>,
}

fn run_one(name: &str, scenario: Scenario, cap: usize, messages: u64) -> Outcome {
    match name {
        n if n == RingqQueue::NAME => run::<RingqQueue>(scenario, cap, messages),
        n if n == Crossbeam::NAME => run::<Crossbeam>(scenario, cap, messages),
        n if n == Kanal::NAME => run::<Kanal>(scenario, cap, messages),
        _ => run::<Std>(scenario, cap, messages),
    }
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

fn geomean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    Some((xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp())
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("compare: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(if e.is_empty() { 0 } else { 2 });
        }
    };
    let mut cells: Vec<Cell> = Vec::new();
    for &scenario in &opts.scenarios {
        let caps: &[usize] = if scenario.uses_capacity() {
            &CAPACITIES
        } else {
            &[1]
        };
        for &cap in caps {
            cells.push(Cell {
                scenario,
                cap,
                rates: vec![Some(Vec::new()); IMPLS.len()],
            });
        }
    }
    let started = std::time::Instant::now();
    for trial in 0..opts.trials {
        for cell in &mut cells {
            let messages = match cell.scenario {
                Scenario::PingPong => (opts.messages / 10).max(1),
                _ => opts.messages,
            };
            // Rotate the starting implementation each trial as well, so none
            // always runs first after a cell change.
            for k in 0..IMPLS.len() {
                let i = (k + trial) % IMPLS.len();
                let outcome = run_one(IMPLS[i], cell.scenario, cell.cap, messages);
                match (outcome, &mut cell.rates[i]) {
                    (Outcome::Ok(d), Some(rates)) => {
                        rates.push(messages as f64 / d.as_secs_f64() / 1e6)
                    }
                    (Outcome::Corrupted, slot) => *slot = None,
                    (Outcome::Ok(_), None) => {}
                }
            }
        }
        eprintln!(
            "compare: trial {}/{} done ({:.1} s)",
            trial + 1,
            opts.trials,
            started.elapsed().as_secs_f64()
        );
    }
    report(&opts, &cells);
    ExitCode::SUCCESS
}

/// Per-cell medians and the ringq/other ratios.
fn summarize(cell: &Cell) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    let medians: Vec<Option<f64>> = cell
        .rates
        .iter()
        .map(|r| r.as_deref().map(median))
        .collect();
    let ratios = (1..IMPLS.len())
        .map(|i| match (medians[0], medians[i]) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        })
        .collect();
    (medians, ratios)
}

fn report(opts: &Options, cells: &[Cell]) {
    let mut ratio_columns: Vec<Vec<f64>> = vec![Vec::new(); IMPLS.len() - 1];
    let rows: Vec<_> = cells
        .iter()
        .map(|cell| {
            let (medians, ratios) = summarize(cell);
            for (col, r) in ratio_columns.iter_mut().zip(&ratios) {
                col.extend(*r);
            }
            (cell, medians, ratios)
        })
        .collect();
    let geomeans: Vec<Option<f64>> = ratio_columns.iter().map(|c| geomean(c)).collect();

    if opts.json {
        print_json(opts, &rows, &geomeans);
        return;
    }
    let fmt = |x: Option<f64>, digits: usize| match x {
        Some(v) => format!("{v:.digits$}"),
        None => "LOST/DUP".to_string(),
    };
    println!(
        "median Mmsg/s over {} interleaved trials, {} messages per run (pingpong: round trips/s, {} per run)\n",
        opts.trials,
        opts.messages,
        (opts.messages / 10).max(1)
    );
    let mut header = String::from("| scenario | cap |");
    for name in IMPLS {
        header.push_str(&format!(" {name} |"));
    }
    for name in &IMPLS[1..] {
        header.push_str(&format!(" ringq/{name} |"));
    }
    println!("{header}");
    println!("|{}", "---|".repeat(2 + IMPLS.len() * 2 - 1));
    for (cell, medians, ratios) in &rows {
        let mut line = format!("| {} | {} |", cell.scenario.name(), cell.cap);
        for m in medians {
            line.push_str(&format!(" {} |", fmt(*m, 2)));
        }
        for r in ratios {
            line.push_str(&format!(" {} |", fmt(*r, 2)));
        }
        println!("{line}");
    }
    let mut line = format!("| **geomean** | |{}", " |".repeat(IMPLS.len()));
    for g in &geomeans {
        line.push_str(&format!(" **{}** |", fmt(*g, 2)));
    }
    println!("{line}");
}

type Row<'a> = (&'a Cell, Vec<Option<f64>>, Vec<Option<f64>>);

fn print_json(opts: &Options, rows: &[Row<'_>], geomeans: &[Option<f64>]) {
    let num = |x: Option<f64>| x.map_or("null".to_string(), |v| format!("{v:.4}"));
    let mut out = format!(
        "{{\"trials\":{},\"messages\":{},\"implementations\":[{}],\"cells\":[",
        opts.trials,
        opts.messages,
        IMPLS
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    for (k, (cell, medians, ratios)) in rows.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let medians: Vec<String> = IMPLS
            .iter()
            .zip(medians)
            .map(|(n, m)| format!("\"{n}\":{}", num(*m)))
            .collect();
        let ratios: Vec<String> = IMPLS[1..]
            .iter()
            .zip(ratios)
            .map(|(n, r)| format!("\"ringq/{n}\":{}", num(*r)))
            .collect();
        out.push_str(&format!(
            "{{\"scenario\":\"{}\",\"capacity\":{},\"median_mmsg_per_s\":{{{}}},\"ratios\":{{{}}}}}",
            cell.scenario.name(),
            cell.cap,
            medians.join(","),
            ratios.join(",")
        ));
    }
    let g: Vec<String> = IMPLS[1..]
        .iter()
        .zip(geomeans)
        .map(|(n, r)| format!("\"ringq/{n}\":{}", num(*r)))
        .collect();
    out.push_str(&format!("],\"geomean\":{{{}}}}}", g.join(",")));
    println!("{out}");
}
