//! One queue of a flavor the input draws (`bounded`, `spsc`, `mpsc`,
//! `spmc`), one thread, a sequence of operations chosen by the input on its
//! two ends, checked step by step against a `VecDeque` model: the value or
//! error kind each call returns, and the value handed back. Capacities 0 (a
//! rendezvous: with one thread no partner ever waits, so every push is
//! refused with its value and every pop finds nothing until the close) to
//! 16. `force_push` only where the flavor has it (a shared consumer side).
//! Permits (`try_reserve`, `reserve_timeout`, `reserve`) are used or
//! dropped within a step; a permit dropped unused stays in the model as a
//! given-up place (`None`) where the queue keeps it (a shared push side,
//! unless it was the front of a shared consumer side), counted by `len`
//! and the full check until a pop passes it.
#![no_main]

use std::collections::VecDeque;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use ringq::{
    CancelToken, PopCancelError, PopError, PopTimeoutError, PushCancelError, PushError,
    PushTimeoutError, TryPopError, TryPushError,
};
use ringq_fuzz::ends::{ends, Flavor, PopEnd};
use ringq_fuzz::Input;

/// Boxed so that the sanitizer sees a double drop or a leak.
type V = Box<u32>;

#[derive(Debug, Default)]
struct Model {
    /// `None`: a place a permit gave up, not yet passed by a pop.
    items: VecDeque<Option<u32>>,
    closed: bool,
    cap: usize,
}

impl Model {
    /// Whether a pop would find a value (given-up places are passed over).
    fn has_value(&self) -> bool {
        self.items.iter().any(Option::is_some)
    }

    /// One pop: passes given-up places, then takes a value if there is one.
    fn pop(&mut self) -> Option<u32> {
        while let Some(front) = self.items.pop_front() {
            if front.is_some() {
                return front;
            }
        }
        None
    }

    /// A batch pop of at most `max`: the run of values at the front (it
    /// stops at a given-up place), or, if the front is one, one pop.
    fn pop_batch(&mut self, max: usize) -> Vec<u32> {
        if max == 0 {
            return Vec::new();
        }
        let run = self.items.iter().take_while(|v| v.is_some()).count();
        if run == 0 {
            return self.pop().into_iter().collect();
        }
        self.items.drain(..run.min(max)).flatten().collect()
    }

    fn push(&mut self, v: u32) {
        self.items.push_back(Some(v));
    }
}

fn check(step: usize, q: &dyn PopEnd<V>, m: &Model) {
    assert_eq!(q.len(), m.items.len(), "step {step}: len; model {m:?}");
    assert_eq!(q.is_empty(), m.items.is_empty(), "step {step}: is_empty; model {m:?}");
    assert_eq!(q.is_full(), m.items.len() == m.cap, "step {step}: is_full; model {m:?}");
    assert_eq!(q.is_closed(), m.closed, "step {step}: is_closed; model {m:?}");
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let cap = input.between(0, 16);
    let flavor = Flavor::from_choice(input.below(4));
    let (mut txs, mut rxs) = ends::<V>(flavor, cap, 1, 1);
    let tx = txs[0].as_mut().expect("one push end");
    let q = rxs[0].as_mut().expect("one pop end");
    let mut m = Model { cap, ..Model::default() };
    let cancelled = CancelToken::new();
    cancelled.cancel();
    let open_token = CancelToken::new();
    let mut next = 0u32;
    let mut step = 0;
    while !input.is_empty() {
        step += 1;
        let v = next;
        next += 1;
        let full = m.items.len() == cap;
        match input.below(18) {
            0 => match tx.try_push(Box::new(v)) {
                Ok(()) => {
                    assert!(!m.closed && !full, "step {step}: try_push ok; {m:?}");
                    m.push(v);
                }
                Err(TryPushError::Closed(b)) => assert!(m.closed && *b == v, "step {step}: {m:?}"),
                Err(TryPushError::Full(b)) => {
                    assert!(!m.closed && full && *b == v, "step {step}: {m:?}")
                }
            },
            1 => match tx.push_timeout(Box::new(v), Duration::ZERO) {
                Ok(()) => {
                    assert!(!m.closed && !full, "step {step}: push_timeout ok; {m:?}");
                    m.push(v);
                }
                Err(PushTimeoutError::Closed(b)) => assert!(m.closed && *b == v, "step {step}: {m:?}"),
                Err(PushTimeoutError::Timeout(b)) => {
                    assert!(!m.closed && full && *b == v, "step {step}: {m:?}")
                }
            },
            2 => match tx.force_push(Box::new(v)) {
                None => assert!(!flavor.shared_pop(), "step {step}: force_push missing"),
                Some(Ok(displaced)) => {
                    assert!(!m.closed, "step {step}: force_push ok when closed");
                    if cap == 0 {
                        // No popper waits: the new value is the one displaced.
                        assert_eq!(displaced.map(|b| *b), Some(v), "step {step}: rendezvous");
                    } else {
                        // A given-up place at the front is displaced as a
                        // value would be, with nothing to hand back.
                        let want = if full { m.items.pop_front().flatten() } else { None };
                        assert_eq!(displaced.map(|b| *b), want, "step {step}: displaced; {m:?}");
                        m.push(v);
                    }
                }
                Some(Err(PushError(b))) => assert!(m.closed && *b == v, "step {step}: {m:?}"),
            },
            3 => match (q.try_pop(), m.pop()) {
                (Ok(b), want) => assert_eq!(Some(*b), want, "step {step}: try_pop"),
                (Err(TryPopError::Empty), None) => assert!(!m.closed, "step {step}: {m:?}"),
                (Err(TryPopError::Closed), None) => assert!(m.closed, "step {step}: {m:?}"),
                (got, want) => panic!("step {step}: try_pop {got:?}, model {want:?}"),
            },
            4 => match (q.pop_timeout(Duration::ZERO), m.pop()) {
                (Ok(b), want) => assert_eq!(Some(*b), want, "step {step}: pop_timeout"),
                (Err(PopTimeoutError::Timeout), None) => assert!(!m.closed, "step {step}: {m:?}"),
                (Err(PopTimeoutError::Closed), None) => assert!(m.closed, "step {step}: {m:?}"),
                (got, want) => panic!("step {step}: pop_timeout {got:?}, model {want:?}"),
            },
            5 => {
                // Either side may close.
                let first = if input.below(2) == 0 { tx.close() } else { q.close() };
                assert_eq!(first, !m.closed, "step {step}: close's first-time flag");
                m.closed = true;
            }
            6 => {
                let got: Vec<u32> = q.try_iter().into_iter().map(|b| *b).collect();
                let want: Vec<u32> = m.items.drain(..).flatten().collect();
                assert_eq!(got, want, "step {step}: try_iter");
            }
            // Blocking calls only where they cannot block.
            7 if m.closed || !full => match tx.push(Box::new(v)) {
                Ok(()) => {
                    assert!(!m.closed, "step {step}: push ok when closed");
                    m.push(v);
                }
                Err(PushError(b)) => assert!(m.closed && *b == v, "step {step}: {m:?}"),
            },
            8 if m.closed || m.has_value() => match (q.pop(), m.pop()) {
                (Ok(b), want) => assert_eq!(Some(*b), want, "step {step}: pop"),
                (Err(_), want) => assert!(m.closed && want.is_none(), "step {step}: {m:?}"),
            },
            // A token already cancelled wins over everything, queue untouched.
            9 => match tx.push_cancellable(Box::new(v), &cancelled) {
                Err(PushCancelError::Cancelled(b)) => assert_eq!(*b, v),
                other => panic!("step {step}: push_cancellable with a cancelled token: {other:?}"),
            },
            10 => assert_eq!(
                q.pop_cancellable(&cancelled).map(|b| *b),
                Err(PopCancelError::Cancelled),
                "step {step}"
            ),
            11 if m.closed || !full => match tx.push_cancellable(Box::new(v), &open_token) {
                Ok(()) => m.push(v),
                Err(PushCancelError::Closed(b)) => assert!(m.closed && *b == v, "step {step}"),
                Err(e) => panic!("step {step}: {e:?}; {m:?}"),
            },
            12 if m.closed || m.has_value() => match (q.pop_cancellable(&open_token), m.pop()) {
                (Ok(b), want) => assert_eq!(Some(*b), want, "step {step}"),
                (Err(PopCancelError::Closed), None) => assert!(m.closed),
                (got, want) => panic!("step {step}: {got:?}, model {want:?}; {m:?}"),
            },
            // Batches: what fits (or is there) moves, in order; the rest
            // stays in the caller's container.
            13 => {
                let k = input.below(2 * cap + 2);
                let mut src: VecDeque<V> = (0..k as u32).map(|i| Box::new(v + i)).collect();
                next += k as u32;
                let room = if m.closed { 0 } else { cap - m.items.len() };
                let pushed = tx.try_push_from(&mut src);
                assert_eq!(pushed, k.min(room), "step {step}: try_push_from; {m:?}");
                m.items.extend((0..pushed as u32).map(|i| Some(v + i)));
                let rest: Vec<u32> = src.iter().map(|b| **b).collect();
                let want: Vec<u32> = (pushed as u32..k as u32).map(|i| v + i).collect();
                assert_eq!(rest, want, "step {step}: try_push_from kept the rest in order");
            }
            14 => {
                let max = input.below(cap + 2);
                let mut buf = Vec::new();
                let r = q.try_pop_into(&mut buf, max);
                let got: Vec<u32> = buf.into_iter().map(|b| *b).collect();
                let want = m.pop_batch(max);
                match r {
                    Ok(k) => assert!(k == got.len() && got == want, "step {step}: try_pop_into"),
                    Err(TryPopError::Empty) => assert!(max > 0 && want.is_empty() && !m.closed),
                    Err(TryPopError::Closed) => assert!(max > 0 && want.is_empty() && m.closed),
                }
            }
            15 => {
                let k = input.below(2 * cap + 2);
                let mut src: VecDeque<V> = (0..k as u32).map(|i| Box::new(v + i)).collect();
                next += k as u32;
                let room = if m.closed { 0 } else { cap - m.items.len() };
                let r = tx.push_from_timeout(&mut src, Duration::ZERO);
                let pushed = k - src.len();
                assert_eq!(pushed, k.min(room), "step {step}: push_from_timeout; {m:?}");
                m.items.extend((0..pushed as u32).map(|i| Some(v + i)));
                match r {
                    Ok(()) => assert!(src.is_empty()),
                    Err(PushTimeoutError::Closed(())) => assert!(m.closed && k > 0),
                    Err(PushTimeoutError::Timeout(())) => assert!(!m.closed && k > room),
                }
            }
            16 if m.closed || m.has_value() => {
                let max = input.between(1, cap + 2);
                let mut buf = Vec::new();
                let r = q.pop_into(&mut buf, max);
                let got: Vec<u32> = buf.into_iter().map(|b| *b).collect();
                let want = m.pop_batch(max);
                match r {
                    Ok(k) => assert!(k == got.len() && got == want, "step {step}: pop_into"),
                    Err(PopError) => assert!(want.is_empty() && m.closed, "step {step}"),
                }
            }
            // A permit, used or dropped unused (none on a rendezvous: it
            // has no slot to reserve). The blocking `reserve` only where it
            // cannot block.
            17 if cap > 0 => {
                let how = input.below(3) as u8;
                let used = input.below(2) == 0;
                if how == 2 && !m.closed && full {
                    continue;
                }
                match tx.reserve_then(how, used.then(|| Box::new(v))) {
                    Ok(()) => {
                        assert!(!m.closed && !full, "step {step}: reserve ok; {m:?}");
                        if used {
                            m.push(v);
                        } else if flavor.shared_push() && !(flavor.shared_pop() && m.items.is_empty()) {
                            // Given up where the queue keeps the place.
                            m.items.push_back(None);
                        }
                    }
                    Err(TryPushError::Closed(())) => assert!(m.closed, "step {step}: {m:?}"),
                    Err(TryPushError::Full(())) => assert!(!m.closed && full, "step {step}: {m:?}"),
                }
            }
            _ => {}
        }
        check(step, &**q, &m);
    }
    // What is left is dropped with the queue; the sanitizer checks it.
});
