//! 2–3 threads, each running an operation script decoded from the input,
//! on one queue (capacity 0 to 4) of a flavor the input draws (`bounded`,
//! `spsc`, `mpsc`, `spmc`: an owned side's one end goes to one thread, the
//! push end to the first, the pop end to the second, and the operations of
//! a side a thread has no end of are skipped): pushes of distinct values, pops,
//! cancellation through a token, async pushes and pops polled for a while
//! and then cancelled or dropped, and a close at a chosen step. After joining, the queue is
//! drained and the multiset popped must equal the multiset whose push
//! returned `Ok`, with each producer's values in order for every consumer.
#![no_main]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use ringq::CancelToken;
use ringq_fuzz::ends::{ends, Flavor, PopEnd, PushEnd};
use ringq_fuzz::Input;

#[derive(Clone, Copy, Debug)]
enum Op {
    TryPush,
    PushTimeout,
    PushCancellable,
    TryPop,
    PopTimeout,
    PopCancellable,
    /// `push_async`, polled (with a no-op waker) for a while, then
    /// cancelled: pushed iff it resolved `Ok` or `cancel` found it done.
    PushAsync,
    /// `pop_async`, polled for a while, then dropped.
    PopAsync,
    Cancel,
    Close,
}

fn decode(input: &mut Input<'_>) -> Vec<Op> {
    let len = input.between(1, 24);
    (0..len)
        .map(|_| match input.below(20) {
            0..=2 => Op::TryPush,
            3..=4 => Op::PushTimeout,
            5..=6 => Op::PushCancellable,
            7..=9 => Op::TryPop,
            10..=11 => Op::PopTimeout,
            12..=13 => Op::PopCancellable,
            14..=15 => Op::PushAsync,
            16..=17 => Op::PopAsync,
            18 => Op::Cancel,
            _ => Op::Close,
        })
        .collect()
}

/// A value: which thread pushed it and its sequence number there.
type V = (usize, u32);

struct Outcome {
    pushed: Vec<V>,
    popped: Vec<V>,
}

type Tx = Option<Box<dyn PushEnd<V>>>;
type Rx = Option<Box<dyn PopEnd<V>>>;

fn run(me: usize, script: &[Op], mut tx: Tx, mut rx: Rx, token: &CancelToken) -> (Outcome, Rx) {
    let wait = Duration::from_micros(200);
    let mut seq = 0u32;
    let mut out = Outcome { pushed: Vec::new(), popped: Vec::new() };
    for op in script {
        let v = (me, seq);
        let pushed = match (op, tx.as_mut(), rx.as_mut()) {
            (Op::TryPush, Some(q), _) => Some(q.try_push(v).is_ok()),
            (Op::PushTimeout, Some(q), _) => Some(q.push_timeout(v, wait).is_ok()),
            (Op::PushCancellable, Some(q), _) => Some(q.push_cancellable(v, token).is_ok()),
            (Op::TryPop, _, Some(q)) => {
                out.popped.extend(q.try_pop().ok());
                None
            }
            (Op::PopTimeout, _, Some(q)) => {
                out.popped.extend(q.pop_timeout(wait).ok());
                None
            }
            (Op::PopCancellable, _, Some(q)) => {
                out.popped.extend(q.pop_cancellable(token).ok());
                None
            }
            (Op::PushAsync, Some(q), _) => {
                let mut push = q.push_async(v);
                Some(match poll_for(&mut push, wait) {
                    Some(r) => r.is_ok(),
                    None => push.cancel().is_none(),
                })
            }
            (Op::PopAsync, _, Some(q)) => {
                let mut pop = q.pop_async();
                out.popped.extend(poll_for(&mut pop, wait).and_then(Result::ok));
                None
            }
            (Op::Cancel, _, _) => {
                token.cancel();
                None
            }
            (Op::Close, Some(q), _) => {
                q.close();
                None
            }
            (Op::Close, None, Some(q)) => {
                q.close();
                None
            }
            // An operation of a side this thread has no end of.
            _ => None,
        };
        if pushed == Some(true) {
            out.pushed.push(v);
        }
        if pushed.is_some() {
            seq += 1;
        }
    }
    // The push end drops here (the last one closes the queue); the pop end
    // goes back for the final drain.
    drop(tx);
    (out, rx)
}

/// Polls `f` (with a no-op waker, yielding between polls) until it
/// resolves or `wait` has passed.
fn poll_for<F: Future + Unpin>(f: &mut F, wait: Duration) -> Option<F::Output> {
    let start = Instant::now();
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(r) = Pin::new(&mut *f).poll(&mut cx) {
            return Some(r);
        }
        if start.elapsed() > wait {
            return None;
        }
        std::thread::yield_now();
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let cap = input.between(0, 4);
    let threads = input.between(2, 3);
    let flavor = Flavor::from_choice(input.below(4));
    let scripts: Vec<Vec<Op>> = (0..threads).map(|_| decode(&mut input)).collect();
    let (txs, mut rxs) = ends::<V>(flavor, cap, threads, threads);
    // An owned pop end goes to the second thread, the push end's to the first.
    rxs.rotate_right(1);
    let token = CancelToken::new();
    let (outcomes, rxs): (Vec<Outcome>, Vec<Rx>) = std::thread::scope(|s| {
        let handles: Vec<_> = scripts
            .iter()
            .zip(txs.into_iter().zip(rxs))
            .enumerate()
            .map(|(me, (script, (tx, rx)))| {
                let token = &token;
                s.spawn(move || run(me, script, tx, rx, token))
            })
            .collect();
        // Watchdog: a cancellable call with nobody left to move the queue
        // would wait forever; cancel the token after a while so every
        // script ends (this is itself a cancel racing the scripts).
        let start = Instant::now();
        while !handles.iter().all(|h| h.is_finished()) {
            if start.elapsed() > Duration::from_millis(20) {
                token.cancel();
            }
            std::thread::yield_now();
        }
        handles.into_iter().map(|h| h.join().unwrap()).unzip()
    });
    let mut popped: Vec<V> = Vec::new();
    for o in &outcomes {
        // Per-producer order, as each consumer saw it.
        let mut last = vec![None; threads];
        for &(p, s) in &o.popped {
            assert!(last[p] < Some(s), "producer {p}: {s} after {:?}", last[p]);
            last[p] = Some(s);
        }
        popped.extend(&o.popped);
    }
    let mut rx = rxs.into_iter().flatten().next().expect("a pop end");
    let mut rest: Vec<V> = rx.try_iter();
    // What is left is in order per producer too.
    let mut last = vec![None; threads];
    for &(p, s) in &rest {
        assert!(last[p] < Some(s));
        last[p] = Some(s);
    }
    popped.append(&mut rest);
    let mut pushed: Vec<V> = outcomes.iter().flat_map(|o| o.pushed.iter().copied()).collect();
    popped.sort_unstable();
    pushed.sort_unstable();
    assert_eq!(popped, pushed, "values lost or duplicated");
});
