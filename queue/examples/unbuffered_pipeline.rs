//! The Go pipeline of "Go Concurrency Patterns: Pipelines and
//! cancellation" on unbuffered (capacity 0) queues: `gen` sends numbers,
//! `sq` squares them, `main` prints; each stage hands a value on only when
//! the next one takes it, as with Go's `make(chan int)`. Closing flows
//! downstream as Go's `close(out)`: each stage's producer handle drops when
//! the stage returns.
//!
//! ```text
//! cargo run --release -p ringq --example unbuffered_pipeline
//! ```

use std::thread;

use ringq::{bounded, Consumer};

/// `func gen(nums ...int) <-chan int`
fn gen(nums: Vec<u64>) -> Consumer<u64> {
    let (out, rx) = bounded(0);
    thread::spawn(move || {
        for n in nums {
            // Blocks until `sq` takes n.
            if out.push(n).is_err() {
                return; // downstream went away
            }
        }
    }); // `out` drops here: Go's `close(out)`
    rx
}

/// `func sq(in <-chan int) <-chan int`
fn sq(input: Consumer<u64>) -> Consumer<u64> {
    let (out, rx) = bounded(0);
    thread::spawn(move || {
        for n in input {
            if out.push(n * n).is_err() {
                return;
            }
        }
    });
    rx
}

fn main() {
    // Set up the pipeline and consume the output.
    let squares: Vec<u64> = sq(sq(gen(vec![2, 3]))).into_iter().collect();
    println!("{squares:?}");
    assert_eq!(squares, [16, 81]);
}
