//! Go's context-aware fan-in (`merge(ctx, cs...)` of "Pipelines and
//! cancellation"): one forwarding thread per input, each
//!
//! ```go
//! for n := range c {
//!     select {
//!     case out <- n:
//!     case <-ctx.Done():
//!         return
//!     }
//! }
//! ```
//!
//! with `select!`, on unbuffered queues. The consumer takes a few values
//! and cancels; every forwarder stops cleanly, and the value a forwarder
//! held when the token fired comes back to it (counted here), so nothing
//! is lost silently.
//!
//! ```text
//! cargo run --release -p ringq --example fan_in
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use ringq::{bounded, select, CancelToken, Consumer};

/// Numbers `from..` forever, on an unbuffered queue, until `ctx` fires.
fn numbers(ctx: &CancelToken, from: u64) -> Consumer<u64> {
    let (out, rx) = bounded(0);
    let ctx = ctx.clone();
    thread::spawn(move || {
        for n in from.. {
            select! {
                push(out, n) -> res => if res.is_err() { return },
                cancel(&ctx) => return,
            }
        }
    });
    rx
}

/// `func merge(ctx, cs ...<-chan int) <-chan int`. `held_back` counts the
/// values a forwarder had in hand when the token fired.
fn merge(
    ctx: &CancelToken,
    inputs: Vec<Consumer<u64>>,
    held_back: &Arc<AtomicU64>,
) -> Consumer<u64> {
    let (out, rx) = bounded(0);
    for input in inputs {
        let (out, ctx, held_back) = (out.clone(), ctx.clone(), held_back.clone());
        thread::spawn(move || {
            for n in input.iter_cancellable(&ctx) {
                select! {
                    push(out, n) -> res => if res.is_err() { return },
                    cancel(&ctx) => {
                        // `n` was never moved: the push arm did not fire.
                        let _unsent: u64 = n;
                        held_back.fetch_add(1, Ordering::Relaxed);
                        return;
                    },
                }
            }
        });
    }
    rx // the last forwarder's `out` closes it
}

fn main() {
    let ctx = CancelToken::new();
    let held_back = Arc::new(AtomicU64::new(0));
    let merged = merge(
        &ctx,
        vec![numbers(&ctx, 0), numbers(&ctx, 1_000_000)],
        &held_back,
    );
    let first: Vec<u64> = merged.iter().take(10).collect();
    ctx.cancel(); // Go's `cancel()`: every stage returns
                  // The output closes once every forwarder has returned.
    let rest: Vec<u64> = merged.iter().collect();
    println!(
        "took {first:?}; after cancel: {} more, {} held back by a forwarder",
        rest.len(),
        held_back.load(Ordering::Relaxed)
    );
    assert_eq!(first.len(), 10);
    // Each source's numbers arrive in order.
    for low in [true, false] {
        let mine: Vec<_> = first.iter().filter(|&&n| (n < 1_000_000) == low).collect();
        assert!(mine.windows(2).all(|w| w[0] < w[1]), "{first:?}");
    }
}
