//! Pipelines: results, order, fan-in, failure propagation and bounded
//! memory.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::scaled;
use ringq_pool::pipeline::Pipeline;
use ringq_pool::PipelineError;

#[test]
fn generate_square_filter_sums_right() {
    let n = scaled(100_000, 200) as u64;
    let mut p = Pipeline::<()>::new();
    let xs = p.source(0..n, 64);
    let squares = p.stage(xs, 3, 64, |x| Ok(Some(x * x)));
    let odd = p.stage(squares, 2, 64, |x| Ok((x % 2 == 1).then_some(x)));
    let got: u64 = odd.into_iter().sum();
    p.wait().unwrap();
    let want: u64 = (0..n).map(|x| x * x).filter(|x| x % 2 == 1).sum();
    assert_eq!(got, want);
}

#[test]
fn map_ordered_keeps_order_with_uneven_work() {
    let n = scaled(5_000, 50) as u64;
    let mut p = Pipeline::<()>::new();
    let xs = p.source(0..n, 8);
    let ys = p.map_ordered(xs, 4, 16, |x| {
        if x % 7 == 0 {
            std::thread::yield_now();
        }
        Ok(x + 1)
    });
    let got: Vec<u64> = ys.into_iter().collect();
    p.wait().unwrap();
    assert_eq!(got, (1..=n).collect::<Vec<_>>());
}

#[test]
fn map_unordered_delivers_every_value_once() {
    let n = scaled(20_000, 50);
    let mut p = Pipeline::<()>::new();
    let xs = p.source(0..n, 8);
    let ys = p.map_unordered(xs, 4, 8, Ok);
    let mut got: Vec<usize> = ys.into_iter().collect();
    p.wait().unwrap();
    got.sort_unstable();
    assert_eq!(got, (0..n).collect::<Vec<_>>());
}

#[test]
fn fan_in_merges_every_input() {
    let mut p = Pipeline::<()>::new();
    let per = scaled(100, 10) as u64;
    let inputs = (0..4u64)
        .map(|k| p.source((0..per).map(move |i| k * 1000 + i), 4))
        .collect();
    let all = p.fan_in(inputs, 8);
    let mut got: Vec<u64> = all.into_iter().collect();
    p.wait().unwrap();
    got.sort_unstable();
    let mut want: Vec<u64> = (0..4u64)
        .flat_map(|k| (0..per).map(move |i| k * 1000 + i))
        .collect();
    want.sort_unstable();
    assert_eq!(got, want);
}

#[test]
fn the_first_error_stops_every_stage() {
    let mut p = Pipeline::<String>::new();
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let xs = p.source(
        (0u64..).inspect(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        }),
        4,
    );
    let bad = scaled(100, 10) as u64;
    let ys = p.stage(xs, 2, 4, move |x| {
        if x == bad {
            Err(format!("bad value {x}"))
        } else {
            Ok(Some(x))
        }
    });
    let zs = p.map_ordered(ys, 2, 4, Ok);
    let seen = zs.into_iter().count();
    match p.wait() {
        Err(PipelineError::Failed(e)) => assert_eq!(e, format!("bad value {bad}")),
        other => panic!("{other:?}"),
    }
    // The endless source stopped soon after the failure: at most the
    // queues' worth (4 + 4 + the ordered map's window) and the values in
    // workers' hands beyond it. What came out is bounded the same way: the
    // stage's other worker may pass a value above `bad` before it sees the
    // cancel (a flake of `seen <= bad` seen on 2026-11-30 under a loaded
    // `cargo test --workspace`).
    let pulled = pulled.load(Ordering::SeqCst) as u64;
    assert!(pulled <= bad + 24, "pulled {pulled}");
    assert!(seen as u64 <= pulled, "seen {seen}, pulled {pulled}");
}

#[test]
fn a_panic_in_a_stage_is_reported() {
    let mut p = Pipeline::<()>::new();
    let bad = scaled(77, 7) as u32;
    let xs = p.source(0..1000u32, 4);
    let ys = p.map_unordered(xs, 2, 4, move |x| {
        assert!(x != bad, "stage saw {x}");
        Ok(x)
    });
    ys.into_iter().for_each(drop);
    match p.wait() {
        Err(PipelineError::Panicked(payload)) => {
            assert_eq!(payload.message(), format!("stage saw {bad}"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn dropping_the_output_stops_the_pipeline() {
    let mut p = Pipeline::<()>::new();
    let xs = p.source(0u64.., 4);
    let ys = p.stage(xs, 2, 4, |x| Ok(Some(x)));
    let first: Vec<u64> = ys.iter().take(10).collect();
    assert_eq!(first.len(), 10);
    drop(ys);
    // No error: the reader went away; every stage and the source stop.
    p.wait().unwrap();
}

/// 10 million input items and a slow stage: the source is pulled no faster
/// than the stages consume, so memory stays bounded by the capacities.
#[test]
fn memory_stays_bounded_by_the_capacities() {
    const ITEMS: u64 = 10_000_000;
    const CAP: usize = 8;
    const WORKERS: usize = 2;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let mut p = Pipeline::<()>::new();
    let xs = p.source(
        (0..ITEMS).inspect(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        }),
        CAP,
    );
    let ys = p.stage(xs, WORKERS, CAP, |x| {
        std::thread::sleep(Duration::from_micros(if cfg!(miri) { 1 } else { 200 }));
        Ok(Some(x))
    });
    // Everything between the iterator and us: the source's item in hand,
    // two queues, and one item per stage worker.
    let slack = 1 + CAP + CAP + WORKERS;
    let mut consumed = 0usize;
    for _ in ys.iter().take(scaled(500, 20)) {
        consumed += 1;
        let in_flight = pulled.load(Ordering::SeqCst) - consumed;
        assert!(
            in_flight <= slack,
            "{in_flight} items in flight, bound {slack}"
        );
    }
    p.cancel();
    drop(ys);
    assert!(matches!(p.wait(), Err(PipelineError::Cancelled)));
    assert!(pulled.load(Ordering::SeqCst) <= consumed + slack);
}

#[test]
fn an_outside_token_cancels_the_pipeline() {
    let parent = ringq_pool::CancelToken::new();
    let mut p = Pipeline::<()>::with_token(&parent);
    let xs = p.source(0u64.., 2);
    let ys = p.stage(xs, 1, 2, |x| Ok(Some(x)));
    assert_eq!(ys.pop(), Ok(0));
    parent.cancel();
    ys.iter().for_each(drop);
    assert!(matches!(p.wait(), Err(PipelineError::Cancelled)));
}
