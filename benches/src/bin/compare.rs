//! The comparison report: ringq against crossbeam-channel, kanal, crossfire,
//! flume, `std::sync::mpsc::sync_channel` and async-channel, on an idle
//! machine and again under background load.
//!
//! Each section has three parts, all measured in the same process:
//!
//! * **Throughput**: every scenario × capacity, implementations interleaved
//!   trial by trial (A B C … A B C …, starting one later each trial), so
//!   drift on a shared machine hits all of them alike; the median of the
//!   trials in millions of messages per second, the ratios ringq/other
//!   (above 1: ringq faster) and their geometric means.
//! * **CPU per message**: process CPU time (`getrusage`, all threads) over
//!   each cell's runs ÷ messages, per implementation.
//! * **Sparse latency**: one message every ~50 µs from a sleep-paced
//!   producer; one-way latency percentiles and CPU per message, including
//!   ringq's `Spin` and `Park` wait policies.
//!
//! The second section repeats all three with `--load N` processes burning
//! CPU in the background (default 2, the machine's core count here).
//!
//! After the sections, the batch table (idle): one producer and one
//! consumer at capacity 1024, ringq's `push_from`/`pop_into` at batch sizes
//! 1, 8 and 64 against ringq's single `push`/`pop` and kanal's
//! `drain_into` (`ringq_benches::batch`). Then the async tables, idle and
//! loaded: tasks on tokio's multi-thread runtime, ringq's
//! `push_async`/`pop_async` against tokio's mpsc, crossfire, kanal, flume
//! and async-channel through their async APIs, with geomeans
//! (`ringq_benches::async_cells`).
//!
//! ```text
//! cargo run --release -p ringq-benches --bin compare -- [options]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use ringq_benches::channels::{
    AsyncChannel, Crossbeam, Crossfire, CrossfireMpsc, CrossfireSpsc, Flume, Kanal, RingqMpsc,
    RingqPark, RingqQueue, RingqSpin, RingqSpmc, RingqSpsc, Rtrb, Std,
};
use ringq_benches::chart::{self, Panel};
use ringq_benches::cpu::process_cpu;
use ringq_benches::latency::{sparse, Sparse};
use ringq_benches::load::{burn, Load, BURN_ARG};
use ringq_benches::summary::{geomean, median, quantile};
use ringq_benches::{async_cells, batch};
use ringq_benches::{run, Channel, Outcome, Scenario};

/// The implementations in the throughput and CPU tables; ringq first, its
/// ratios are against the others.
const IMPLS: [&str; 7] = [
    RingqQueue::NAME,
    Crossbeam::NAME,
    Kanal::NAME,
    Crossfire::NAME,
    Flume::NAME,
    Std::NAME,
    AsyncChannel::NAME,
];

/// The rows a scenario's cells add for the single-owner flavors: ringq's
/// flavor of that shape first, then the peers of the same shape (rtrb,
/// crossfire's flavors). They run interleaved with `IMPLS` in the same
/// trials and are reported in their own table, against `IMPLS` too.
fn flavor_impls(scenario: Scenario) -> &'static [&'static str] {
    match scenario {
        Scenario::Seq | Scenario::Spsc | Scenario::PingPong | Scenario::Uncontended => {
            &[RingqSpsc::NAME, Rtrb::NAME, CrossfireSpsc::NAME]
        }
        Scenario::Mpsc => &[RingqMpsc::NAME, CrossfireMpsc::NAME],
        Scenario::Spmc => &[RingqSpmc::NAME],
        Scenario::Mpmc => &[],
    }
}

/// The columns of the flavor table: ringq's flavor ÷ each of these, where
/// the cell has it ("crossfire's flavor" is crossfire-spsc or -mpsc).
const FLAVOR_VS: [&str; 6] = [
    RingqQueue::NAME,
    Rtrb::NAME,
    "crossfire's flavor",
    Crossfire::NAME,
    Kanal::NAME,
    Crossbeam::NAME,
];

/// The sparse-latency table adds ringq's other wait policies. (Not in the
/// throughput table: `Spin` with 8 threads on 2 cores is a misuse the docs
/// warn against, and would only measure the scheduler.)
const SPARSE_IMPLS: [&str; 9] = [
    RingqQueue::NAME,
    RingqSpin::NAME,
    RingqPark::NAME,
    Crossbeam::NAME,
    Kanal::NAME,
    Crossfire::NAME,
    Flume::NAME,
    Std::NAME,
    AsyncChannel::NAME,
];

/// Capacities of the reduced matrix.
const CAPACITIES: [usize; 3] = [1, 64, 1024];

/// The sparse producer's pause between messages.
const SPARSE_GAP: Duration = Duration::from_micros(50);

struct Options {
    trials: usize,
    messages: u64,
    load: usize,
    loaded_trials: usize,
    loaded_messages: u64,
    sparse: usize,
    scenarios: Vec<Scenario>,
    /// Whether to run the batch table (`--scenario batch`, or no filter).
    batch: bool,
    /// Whether to run the async tables (`--scenario async`, or no filter).
    async_tables: bool,
    json: bool,
    svg: Option<PathBuf>,
}

const USAGE: &str = "usage: compare [options]
  --trials N           interleaved trials per cell, idle section; tables show the median (default 5)
  --messages N         messages per run, idle section; pingpong does N/10 round trips,
                       uncontended N pairs (default 100000)
  --load N             background processes burning CPU in the second section; 0: no second
                       section (default 2)
  --loaded-trials N    trials in the loaded section (default 3)
  --loaded-messages N  messages per run in the loaded section (default: --messages / 5)
  --sparse N           messages per sparse-latency run, one every ~50 us (default 2000; 0: skip)
  --scenario NAME      only this throughput scenario (repeatable):
                       seq spsc mpsc spmc mpmc pingpong uncontended, or batch (the batch
                       push/pop table, idle only), or async (the async tables, idle and loaded)
  --json               print JSON instead of markdown tables
  --svg FILE           also draw ringq/other per cell, one panel per section, as an SVG chart";

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        trials: 5,
        messages: 100_000,
        load: 2,
        loaded_trials: 3,
        loaded_messages: 0,
        sparse: 2000,
        scenarios: Vec::new(),
        batch: false,
        async_tables: false,
        json: false,
        svg: None,
    };
    let mut filtered = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        fn number<N: std::str::FromStr>(name: &str, v: String) -> Result<N, String>
        where
            N::Err: std::fmt::Display,
        {
            v.parse().map_err(|e| format!("{name}: {e}"))
        }
        match arg.as_str() {
            "--trials" => opts.trials = number("--trials", value("--trials")?)?,
            "--messages" => opts.messages = number("--messages", value("--messages")?)?,
            "--load" => opts.load = number("--load", value("--load")?)?,
            "--loaded-trials" => {
                opts.loaded_trials = number("--loaded-trials", value("--loaded-trials")?)?
            }
            "--loaded-messages" => {
                opts.loaded_messages = number("--loaded-messages", value("--loaded-messages")?)?
            }
            "--sparse" => opts.sparse = number("--sparse", value("--sparse")?)?,
            "--scenario" => {
                let name = value("--scenario")?;
                filtered = true;
                if name == "batch" {
                    opts.batch = true;
                    continue;
                }
                if name == "async" {
                    opts.async_tables = true;
                    continue;
                }
                let s = Scenario::ALL
                    .into_iter()
                    .find(|s| s.name() == name)
                    .ok_or(format!("unknown scenario {name:?}"))?;
                opts.scenarios.push(s);
            }
            "--json" => opts.json = true,
            "--svg" => opts.svg = Some(PathBuf::from(value("--svg")?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if opts.loaded_messages == 0 {
        opts.loaded_messages = opts.messages / 5;
    }
    if opts.trials == 0 || opts.loaded_trials == 0 {
        return Err("--trials and --loaded-trials must be at least 1".into());
    }
    if opts.messages < 16 || opts.loaded_messages < 16 {
        return Err(
            "--messages and --loaded-messages must be at least 16 (and 80 for 16 loaded)".into(),
        );
    }
    if !filtered {
        opts.scenarios = Scenario::ALL.to_vec();
        opts.batch = true;
        opts.async_tables = true;
    }
    Ok(opts)
}

fn run_one(name: &str, scenario: Scenario, cap: usize, messages: u64) -> Outcome {
    match name {
        n if n == RingqQueue::NAME => run::<RingqQueue>(scenario, cap, messages),
        n if n == Crossbeam::NAME => run::<Crossbeam>(scenario, cap, messages),
        n if n == Kanal::NAME => run::<Kanal>(scenario, cap, messages),
        n if n == Crossfire::NAME => run::<Crossfire>(scenario, cap, messages),
        n if n == Flume::NAME => run::<Flume>(scenario, cap, messages),
        n if n == Std::NAME => run::<Std>(scenario, cap, messages),
        n if n == AsyncChannel::NAME => run::<AsyncChannel>(scenario, cap, messages),
        n if n == RingqSpsc::NAME => run::<RingqSpsc>(scenario, cap, messages),
        n if n == RingqMpsc::NAME => run::<RingqMpsc>(scenario, cap, messages),
        n if n == RingqSpmc::NAME => run::<RingqSpmc>(scenario, cap, messages),
        n if n == Rtrb::NAME => run::<Rtrb>(scenario, cap, messages),
        n if n == CrossfireSpsc::NAME => run::<CrossfireSpsc>(scenario, cap, messages),
        n if n == CrossfireMpsc::NAME => run::<CrossfireMpsc>(scenario, cap, messages),
        other => unreachable!("no implementation named {other}"),
    }
}

fn sparse_one(name: &str, messages: usize) -> Sparse {
    match name {
        n if n == RingqQueue::NAME => sparse::<RingqQueue>(messages, SPARSE_GAP),
        n if n == RingqSpin::NAME => sparse::<RingqSpin>(messages, SPARSE_GAP),
        n if n == RingqPark::NAME => sparse::<RingqPark>(messages, SPARSE_GAP),
        n if n == Crossbeam::NAME => sparse::<Crossbeam>(messages, SPARSE_GAP),
        n if n == Kanal::NAME => sparse::<Kanal>(messages, SPARSE_GAP),
        n if n == Crossfire::NAME => sparse::<Crossfire>(messages, SPARSE_GAP),
        n if n == Flume::NAME => sparse::<Flume>(messages, SPARSE_GAP),
        n if n == Std::NAME => sparse::<Std>(messages, SPARSE_GAP),
        n if n == AsyncChannel::NAME => sparse::<AsyncChannel>(messages, SPARSE_GAP),
        other => unreachable!("no implementation named {other}"),
    }
}

/// One row of the throughput and CPU tables: a scenario at a capacity.
struct Cell {
    scenario: Scenario,
    cap: usize,
    /// `IMPLS`, then the cell's [`flavor_impls`].
    impls: Vec<&'static str>,
    /// Per implementation: every trial's Mmsg/s, or `None` once a run lost or
    /// duplicated values.
    rates: Vec<Option<Vec<f64>>>,
    /// Per implementation: process CPU over all its runs, and messages.
    cpu: Vec<(Duration, u64)>,
}

impl Cell {
    fn name(&self) -> String {
        format!("{}/{}", self.scenario.name(), self.cap)
    }

    fn medians(&self) -> Vec<Option<f64>> {
        self.rates
            .iter()
            .map(|r| r.as_deref().filter(|r| !r.is_empty()).map(median))
            .collect()
    }

    /// ringq ÷ each other implementation (above 1: ringq faster).
    fn ratios(&self) -> Vec<Option<f64>> {
        let m = self.medians();
        (1..IMPLS.len())
            .map(|i| match (m[0], m[i]) {
                (Some(a), Some(b)) if b > 0.0 => Some(a / b),
                _ => None,
            })
            .collect()
    }

    /// Median Mmsg/s of the implementation `name`, if the cell ran it.
    fn median_of(&self, name: &str) -> Option<f64> {
        let i = self.impls.iter().position(|n| *n == name)?;
        self.medians()[i]
    }

    /// ringq's flavor in this cell (the first of its flavor rows).
    fn flavor(&self) -> Option<&'static str> {
        self.impls.get(IMPLS.len()).copied()
    }

    /// The flavor ÷ each of [`FLAVOR_VS`] (where the cell has it).
    fn flavor_ratios(&self) -> Vec<Option<f64>> {
        let Some(mine) = self.flavor().and_then(|f| self.median_of(f)) else {
            return vec![None; FLAVOR_VS.len()];
        };
        FLAVOR_VS
            .iter()
            .map(|&vs| {
                let theirs = if vs == "crossfire's flavor" {
                    self.median_of(CrossfireSpsc::NAME)
                        .or_else(|| self.median_of(CrossfireMpsc::NAME))
                } else {
                    self.median_of(vs)
                };
                theirs.filter(|&b| b > 0.0).map(|b| mine / b)
            })
            .collect()
    }

    /// CPU nanoseconds per message, per implementation.
    fn cpu_ns(&self) -> Vec<Option<f64>> {
        self.cpu
            .iter()
            .map(|&(cpu, n)| (n > 0).then(|| cpu.as_nanos() as f64 / n as f64))
            .collect()
    }
}

/// One implementation's sparse-latency runs, merged.
struct SparseRow {
    name: &'static str,
    samples: Vec<Duration>,
    cpu: Duration,
}

/// One section of the report: idle, or under `load` burners.
struct Section {
    load: usize,
    trials: usize,
    messages: u64,
    cells: Vec<Cell>,
    sparse: Vec<SparseRow>,
    seconds: f64,
}

impl Section {
    fn title(&self) -> String {
        match self.load {
            0 => "idle machine".to_string(),
            n => format!("{n} background processes burning CPU"),
        }
    }

    /// Per competitor (index into `IMPLS[1..]`): the throughput ratios.
    fn ratio_columns(&self) -> Vec<Vec<f64>> {
        let mut columns = vec![Vec::new(); IMPLS.len() - 1];
        for cell in &self.cells {
            for (col, r) in columns.iter_mut().zip(cell.ratios()) {
                col.extend(r);
            }
        }
        columns
    }

    /// Per competitor: geomean of ringq's CPU per message ÷ theirs.
    fn cpu_ratio_geomeans(&self) -> Vec<Option<f64>> {
        (1..IMPLS.len())
            .map(|i| {
                let ratios: Vec<f64> = self
                    .cells
                    .iter()
                    .filter_map(|c| {
                        let ns = c.cpu_ns();
                        match (ns[0], ns[i]) {
                            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
                            _ => None,
                        }
                    })
                    .collect();
                geomean(&ratios)
            })
            .collect()
    }
}

fn measure(opts: &Options, load: usize, trials: usize, messages: u64) -> Section {
    let started = std::time::Instant::now();
    let _load = (load > 0).then(|| {
        let l = Load::start(load);
        std::thread::sleep(Duration::from_millis(300)); // let them get going
        l
    });
    let mut cells: Vec<Cell> = Vec::new();
    for &scenario in &opts.scenarios {
        let caps: &[usize] = if scenario.uses_capacity() {
            &CAPACITIES
        } else {
            &[1]
        };
        for &cap in caps {
            let impls: Vec<&'static str> = IMPLS
                .iter()
                .chain(flavor_impls(scenario))
                .copied()
                .collect();
            cells.push(Cell {
                scenario,
                cap,
                rates: vec![Some(Vec::new()); impls.len()],
                cpu: vec![(Duration::ZERO, 0); impls.len()],
                impls,
            });
        }
    }
    for trial in 0..trials {
        for cell in &mut cells {
            let n = match cell.scenario {
                Scenario::PingPong => (messages / 10).max(1),
                _ => messages,
            };
            // Rotate the starting implementation each trial as well, so none
            // always runs first after a cell change.
            let count = cell.impls.len();
            for k in 0..count {
                let i = (k + trial) % count;
                let cpu_before = process_cpu();
                let outcome = run_one(cell.impls[i], cell.scenario, cell.cap, n);
                let cpu = process_cpu().saturating_sub(cpu_before);
                cell.cpu[i].0 += cpu;
                cell.cpu[i].1 += n;
                match (outcome, &mut cell.rates[i]) {
                    (Outcome::Ok(d), Some(rates)) => rates.push(n as f64 / d.as_secs_f64() / 1e6),
                    (Outcome::Corrupted, slot) => *slot = None,
                    (Outcome::Ok(_), None) => {}
                    (Outcome::Unsupported, _) => {
                        unreachable!("flavor_impls lists only shapes they have")
                    }
                }
            }
        }
        eprintln!(
            "compare ({} load): trial {}/{trials} done ({:.1} s)",
            load,
            trial + 1,
            started.elapsed().as_secs_f64()
        );
    }
    let mut sparse: Vec<SparseRow> = SPARSE_IMPLS
        .iter()
        .map(|&name| SparseRow {
            name,
            samples: Vec::new(),
            cpu: Duration::ZERO,
        })
        .collect();
    if opts.sparse > 0 {
        for trial in 0..trials.min(3) {
            for k in 0..SPARSE_IMPLS.len() {
                let i = (k + trial) % SPARSE_IMPLS.len();
                let run = sparse_one(SPARSE_IMPLS[i], opts.sparse);
                sparse[i].samples.extend(run.samples);
                sparse[i].cpu += run.cpu;
            }
        }
        for row in &mut sparse {
            row.samples.sort();
        }
        eprintln!(
            "compare ({load} load): sparse latency done ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    Section {
        load,
        trials,
        messages,
        cells,
        sparse,
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some(BURN_ARG) {
        burn();
        return ExitCode::SUCCESS;
    }
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
    // crossfire's docs ask for this once at start (it picks its back-off
    // for the core count).
    crossfire::detect_backoff_cfg();
    // `--scenario batch` alone: the batch table only.
    let throughput = !opts.scenarios.is_empty();
    let mut sections = Vec::new();
    if throughput {
        sections.push(measure(&opts, 0, opts.trials, opts.messages));
    }
    let batch = opts
        .batch
        .then(|| batch::measure_table(opts.trials, opts.messages));
    if throughput && opts.load > 0 {
        sections.push(measure(
            &opts,
            opts.load,
            opts.loaded_trials,
            opts.loaded_messages,
        ));
    }
    let mut async_tables = Vec::new();
    if opts.async_tables {
        async_tables.push(async_cells::measure_table(opts.trials, opts.messages, 0));
        if opts.load > 0 {
            async_tables.push(async_cells::measure_table(
                opts.loaded_trials,
                opts.loaded_messages,
                opts.load,
            ));
        }
    }
    if opts.json {
        print_json(&sections, batch.as_ref(), &async_tables);
    } else {
        for s in &sections {
            print_section(s);
        }
        if let Some(b) = &batch {
            println!("{}", b.markdown());
        }
        for t in &async_tables {
            println!("{}", t.markdown());
        }
    }
    if let Some(path) = &opts.svg {
        if let Err(e) = draw_svg(path, &sections) {
            eprintln!("compare: --svg: {e}");
            return ExitCode::FAILURE;
        }
        eprintln!("compare: chart written to {}", path.display());
    }
    ExitCode::SUCCESS
}

fn fmt(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) => format!("{v:.digits$}"),
        None => "LOST/DUP".to_string(),
    }
}

fn us(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

fn print_section(s: &Section) {
    println!(
        "## {} ({} interleaved trials, {} messages per run; pingpong: {} round trips; {:.0} s)\n",
        s.title(),
        s.trials,
        s.messages,
        (s.messages / 10).max(1),
        s.seconds
    );
    println!("### Throughput, median Mmsg/s (ratios: ringq/other, above 1 = ringq faster)\n");
    let mut header = String::from("| cell |");
    for name in IMPLS {
        header.push_str(&format!(" {name} |"));
    }
    for name in &IMPLS[1..] {
        header.push_str(&format!(" ringq/{name} |"));
    }
    println!("{header}");
    println!("|{}", "---|".repeat(IMPLS.len() * 2));
    for cell in &s.cells {
        let mut line = format!("| {} |", cell.name());
        for m in cell.medians().into_iter().take(IMPLS.len()) {
            line.push_str(&format!(" {} |", fmt(m, 2)));
        }
        for r in cell.ratios() {
            line.push_str(&format!(" {} |", fmt(r, 2)));
        }
        println!("{line}");
    }
    let columns = s.ratio_columns();
    let mut line = format!("| **geomean** |{}", " |".repeat(IMPLS.len()));
    for col in &columns {
        line.push_str(&format!(" **{}** |", fmt(geomean(col), 2)));
    }
    println!("{line}\n");

    println!("### CPU per message, ns (process user+sys over each cell's runs; ratios: ringq/other, below 1 = ringq uses less)\n");
    let mut header = String::from("| cell |");
    for name in IMPLS {
        header.push_str(&format!(" {name} |"));
    }
    println!("{header}");
    println!("|{}", "---|".repeat(IMPLS.len() + 1));
    for cell in &s.cells {
        let mut line = format!("| {} |", cell.name());
        for ns in cell.cpu_ns().into_iter().take(IMPLS.len()) {
            line.push_str(&format!(" {} |", fmt(ns, 0)));
        }
        println!("{line}");
    }
    let mut line = String::from("| **geomean ringq/other** | |");
    for g in s.cpu_ratio_geomeans() {
        line.push_str(&format!(" **{}** |", fmt(g, 2)));
    }
    println!("{line}\n");

    print_flavors(s);

    if s.sparse.iter().any(|r| !r.samples.is_empty()) {
        println!(
            "### Sparse latency: one message every ~{} us, one-way, µs ({} samples each)\n",
            SPARSE_GAP.as_micros(),
            s.sparse[0].samples.len()
        );
        println!("| implementation | p50 | p99 | p99.9 | max | CPU ns/msg |");
        println!("|---|---|---|---|---|---|");
        for row in &s.sparse {
            if row.samples.is_empty() {
                continue;
            }
            println!(
                "| {} | {} | {} | {} | {} | {:.0} |",
                row.name,
                us(quantile(&row.samples, 0.5)),
                us(quantile(&row.samples, 0.99)),
                us(quantile(&row.samples, 0.999)),
                us(*row.samples.last().expect("not empty")),
                row.cpu.as_nanos() as f64 / row.samples.len() as f64
            );
        }
        println!();
    }

    println!("### Verdict ({})\n", s.title());
    let cpu = s.cpu_ratio_geomeans();
    for (j, name) in IMPLS[1..].iter().enumerate() {
        let col = &columns[j];
        let leads = col.iter().filter(|&&r| r >= 1.0).count();
        let mut line = format!(
            "- ringq leads {name} in {leads}/{} cells, geomean {}×; CPU per message {}× theirs",
            col.len(),
            fmt(geomean(col), 2),
            fmt(cpu[j], 2)
        );
        let p = |row: &SparseRow, q| quantile(&row.samples, q);
        let rows = (
            s.sparse.iter().find(|r| r.name == IMPLS[0]),
            s.sparse.iter().find(|r| r.name == *name),
        );
        if let (Some(a), Some(b)) = rows {
            if !a.samples.is_empty() && !b.samples.is_empty() {
                line.push_str(&format!(
                    "; sparse p50 {} vs {} µs, p99 {} vs {} µs",
                    us(p(a, 0.5)),
                    us(p(b, 0.5)),
                    us(p(a, 0.99)),
                    us(p(b, 0.99))
                ));
            }
        }
        println!("{line}");
    }
    println!();
}

/// The single-owner flavor table: per cell that has flavor rows, their
/// Mmsg/s and CPU per message, and ringq's flavor ÷ each of `FLAVOR_VS`;
/// then the geomeans per flavor.
fn print_flavors(s: &Section) {
    let cells: Vec<&Cell> = s.cells.iter().filter(|c| c.flavor().is_some()).collect();
    if cells.is_empty() {
        return;
    }
    println!("### Single-owner flavors, median Mmsg/s (ratios: ringq's flavor/other; rtrb, ArrayQueue-like peers retry with a spin-then-yield loop)\n");
    let mut header = String::from("| cell | flavor Mmsg/s | CPU ns/msg | peers Mmsg/s |");
    for vs in FLAVOR_VS {
        header.push_str(&format!(" ÷{vs} |"));
    }
    println!("{header}");
    println!("|{}", "---|".repeat(4 + FLAVOR_VS.len()));
    for cell in &cells {
        let flavor = cell.flavor().expect("filtered");
        let i = cell
            .impls
            .iter()
            .position(|n| *n == flavor)
            .expect("its own row");
        let peers: Vec<String> = cell.impls[i + 1..]
            .iter()
            .map(|&p| format!("{p} {}", fmt(cell.median_of(p), 2)))
            .collect();
        let mut line = format!(
            "| {} | {} {} | {} | {} |",
            cell.name(),
            flavor,
            fmt(cell.medians()[i], 2),
            fmt(cell.cpu_ns()[i], 0),
            if peers.is_empty() {
                "—".to_string()
            } else {
                peers.join(", ")
            }
        );
        for r in cell.flavor_ratios() {
            line.push_str(&format!(
                " {} |",
                r.map_or("—".to_string(), |v| format!("{v:.2}"))
            ));
        }
        println!("{line}");
    }
    println!();
    println!("Geomeans of ringq's flavor ÷ other, per flavor (and the `spsc` cells alone):\n");
    let mut header = String::from("| flavor | cells |");
    for vs in FLAVOR_VS {
        header.push_str(&format!(" ÷{vs} |"));
    }
    println!("{header}");
    println!("|{}", "---|".repeat(2 + FLAVOR_VS.len()));
    let mut groups: Vec<(String, Vec<&Cell>)> = Vec::new();
    for cell in &cells {
        let f = cell.flavor().expect("filtered").to_string();
        match groups.iter_mut().find(|(g, _)| *g == f) {
            Some((_, v)) => v.push(cell),
            None => groups.push((f, vec![cell])),
        }
    }
    let spsc: Vec<&Cell> = cells
        .iter()
        .copied()
        .filter(|c| c.scenario == Scenario::Spsc)
        .collect();
    if !spsc.is_empty() {
        groups.push(("ringq-spsc, spsc/* only".to_string(), spsc));
    }
    for (name, group) in &groups {
        let mut line = format!("| {name} | {} |", group.len());
        for j in 0..FLAVOR_VS.len() {
            let col: Vec<f64> = group.iter().filter_map(|c| c.flavor_ratios()[j]).collect();
            line.push_str(&format!(
                " {} |",
                geomean(&col).map_or("—".to_string(), |v| format!("{v:.2}"))
            ));
        }
        println!("{line}");
    }
    println!();
}

fn print_json(
    sections: &[Section],
    batch: Option<&batch::BatchTable>,
    async_tables: &[async_cells::AsyncTable],
) {
    let num = |x: Option<f64>| x.map_or("null".to_string(), |v| format!("{v:.4}"));
    let names = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = format!("{{\"implementations\":[{}],\"sections\":[", names(&IMPLS));
    for (k, s) in sections.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let cells: Vec<String> = s
            .cells
            .iter()
            .map(|cell| {
                let per = |vals: Vec<Option<f64>>, names: &[&str], prefix: &str| {
                    names
                        .iter()
                        .zip(vals)
                        .map(|(n, v)| format!("\"{prefix}{n}\":{}", num(v)))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                let flavor = cell.flavor().unwrap_or("");
                format!(
                    "{{\"scenario\":\"{}\",\"capacity\":{},\"median_mmsg_per_s\":{{{}}},\"ratios\":{{{}}},\"cpu_ns_per_msg\":{{{}}},\"flavor_ratios\":{{{}}}}}",
                    cell.scenario.name(),
                    cell.cap,
                    per(cell.medians(), &cell.impls, ""),
                    per(cell.ratios(), &IMPLS[1..], "ringq/"),
                    per(cell.cpu_ns(), &cell.impls, ""),
                    per(cell.flavor_ratios(), &FLAVOR_VS, &format!("{flavor}/")),
                )
            })
            .collect();
        let geo: Vec<String> = IMPLS[1..]
            .iter()
            .zip(s.ratio_columns())
            .map(|(n, col)| format!("\"ringq/{n}\":{}", num(geomean(&col))))
            .collect();
        let sparse: Vec<String> = s
            .sparse
            .iter()
            .filter(|r| !r.samples.is_empty())
            .map(|r| {
                let q = |q| quantile(&r.samples, q).as_secs_f64() * 1e6;
                format!(
                    "{{\"implementation\":\"{}\",\"p50_us\":{:.2},\"p99_us\":{:.2},\"p999_us\":{:.2},\"max_us\":{:.2},\"cpu_ns_per_msg\":{:.0}}}",
                    r.name,
                    q(0.5),
                    q(0.99),
                    q(0.999),
                    q(1.0),
                    r.cpu.as_nanos() as f64 / r.samples.len() as f64
                )
            })
            .collect();
        out.push_str(&format!(
            "{{\"load\":{},\"trials\":{},\"messages\":{},\"cells\":[{}],\"geomean\":{{{}}},\"sparse\":[{}]}}",
            s.load,
            s.trials,
            s.messages,
            cells.join(","),
            geo.join(","),
            sparse.join(",")
        ));
    }
    out.push(']');
    if let Some(b) = batch {
        out.push_str(&format!(",\"batch\":{}", b.json()));
    }
    let tables: Vec<String> = async_tables.iter().map(|t| t.json()).collect();
    out.push_str(&format!(",\"async\":[{}]", tables.join(",")));
    out.push('}');
    println!("{out}");
}

fn draw_svg(path: &std::path::Path, sections: &[Section]) -> Result<(), String> {
    if sections.is_empty() {
        return Err("no throughput section to draw (only the batch table ran)".into());
    }
    let panels: Vec<Panel> = sections
        .iter()
        .map(|s| Panel {
            title: format!("ringq / other, throughput: {}", s.title()),
            cells: s.cells.iter().map(Cell::name).collect(),
            series: IMPLS[1..]
                .iter()
                .enumerate()
                .map(|(j, name)| {
                    (
                        (*name).to_string(),
                        s.cells.iter().map(|c| c.ratios()[j]).collect(),
                    )
                })
                .collect(),
        })
        .collect();
    chart::draw(path, &panels)
}
