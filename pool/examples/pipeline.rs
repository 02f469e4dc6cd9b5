//! Go's generate → square → filter pipeline, with an ordered parallel
//! stage and fan-in.
//!
//! `cargo run --release -p ringq-pool --example pipeline`

use ringq_pool::pipeline::Pipeline;

fn main() {
    let mut p = Pipeline::<String>::new();
    // Two generators, merged.
    let evens = p.source((0..1_000u64).map(|x| 2 * x), 32);
    let odds = p.source((0..1_000u64).map(|x| 2 * x + 1), 32);
    let numbers = p.fan_in(vec![evens, odds], 64);
    // Square on 4 workers, then keep multiples of 3.
    let squares = p.stage(numbers, 4, 64, |x| Ok(Some(x * x)));
    let threes = p.stage(squares, 2, 64, |x| Ok((x % 3 == 0).then_some(x)));
    // An ordered map keeps the order it receives values in.
    let labelled = p.map_ordered(threes, 4, 32, |x| Ok(format!("{x}")));
    let count = labelled.into_iter().count();
    p.wait().expect("no stage fails");
    println!("{count} squares divisible by 3 among 0..2000");
    assert_eq!(count, (0..2_000u64).filter(|x| (x * x) % 3 == 0).count());
}
