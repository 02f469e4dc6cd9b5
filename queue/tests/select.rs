//! `Select` (readiness over several queues) and `select!` (complete exactly
//! one arm), over rings and rendezvous queues.
#![cfg(feature = "std")]

mod common;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use common::{let_it_park, scaled};
use ringq::{bounded, select, CancelToken, PopError, PushError, Queue, Select, TryPopError};

#[test]
fn ready_is_woken_by_a_push_to_either_queue() {
    for target in 0..2 {
        let a = Queue::<u32>::new(2);
        let b = Queue::<u32>::new(2);
        thread::scope(|s| {
            s.spawn(|| {
                let_it_park();
                [&a, &b][target].push(1).unwrap();
            });
            let mut sel = Select::new();
            let ia = sel.pop(&a);
            let ib = sel.pop(&b);
            assert_eq!(sel.ready(), [ia, ib][target]);
        });
    }
}

#[test]
fn readiness_covers_room_values_and_close() {
    let q = Queue::<u8>::new(1);
    let mut sel = Select::new();
    let pop = sel.pop(&q);
    assert_eq!(sel.try_ready(), None);
    let mut sel2 = Select::new();
    let push = sel2.push(&q);
    assert_eq!(sel2.try_ready(), Some(push));
    q.push(1).unwrap();
    assert_eq!(sel.try_ready(), Some(pop));
    assert_eq!(sel2.try_ready(), None);
    q.close();
    assert_eq!(sel2.try_ready(), Some(push)); // a push would not block: it fails
    assert_eq!(Select::new().try_ready(), None);
}

#[test]
fn bounded_forms_give_up() {
    let q = Queue::<u8>::new(1);
    let mut sel = Select::new();
    sel.pop(&q);
    assert_eq!(sel.ready_timeout(Duration::from_millis(5)), None);
    assert_eq!(sel.ready_deadline(Instant::now()), None);
    let token = CancelToken::new();
    thread::scope(|s| {
        s.spawn(|| {
            let_it_park();
            token.cancel();
        });
        assert_eq!(sel.ready_cancellable(&token), None);
    });
    q.push(1).unwrap();
    assert_eq!(sel.ready_timeout(Duration::from_secs(5)), Some(0));
}

#[test]
fn handles_are_accepted_on_their_side() {
    let (tx, rx) = bounded::<u8>(1);
    let mut sel = Select::new();
    let p = sel.push(&tx);
    let c = sel.pop(&rx);
    assert_eq!(sel.ready(), p);
    tx.push(1).unwrap();
    assert_eq!(sel.ready(), c);
}

#[test]
#[should_panic(expected = "no arms")]
fn ready_with_no_arms_panics_instead_of_hanging() {
    Select::new().ready();
}

#[test]
fn rendezvous_readiness_is_a_waiting_partner() {
    let q = Queue::<u8>::new(0);
    let mut sel = Select::new();
    let pop = sel.pop(&q);
    let mut sel2 = Select::new();
    let push = sel2.push(&q);
    assert_eq!(sel.try_ready(), None);
    assert_eq!(sel2.try_ready(), None);
    thread::scope(|s| {
        let pusher = s.spawn(|| q.push(4));
        assert_eq!(sel.ready(), pop); // woken when the pusher registers
        let v = loop {
            match q.try_pop() {
                Ok(v) => break v,
                Err(TryPopError::Empty) => {
                    sel.ready();
                }
                Err(e) => panic!("{e:?}"),
            }
        };
        assert_eq!(v, 4);
        pusher.join().unwrap().unwrap();
        let popper = s.spawn(|| q.pop());
        assert_eq!(sel2.ready(), push);
        while q.try_push(5).is_err() {
            sel2.ready();
        }
        assert_eq!(popper.join().unwrap(), Ok(5));
    });
}

#[test]
fn macro_pops_pushes_and_runs_default() {
    let a = Queue::new(1);
    let b = Queue::<&str>::new(1);
    let out = select! {
        pop(a) -> v => v.map(|n: i32| n.to_string()),
        pop(b) -> v => v.map(str::to_string),
        default => Err(PopError),
    };
    assert_eq!(out, Err(PopError));
    b.push("b").unwrap();
    let out = select! {
        pop(a) -> v => v.map(|n: i32| n.to_string()),
        pop(b) -> v => v.map(str::to_string),
    };
    assert_eq!(out.as_deref(), Ok("b"));
    let r = select! {
        push(a, 7) -> res => res,
        default(Duration::from_millis(1)) => panic!("there is room"),
    };
    assert_eq!(r, Ok(()));
    assert_eq!(a.pop(), Ok(7));
}

#[test]
fn macro_push_value_is_not_taken_when_another_arm_fires() {
    let full = Queue::new(1);
    full.push(String::from("old")).unwrap();
    let token = CancelToken::new();
    token.cancel();
    let job = String::from("job");
    let back = select! {
        push(full, job) -> res => { res.unwrap(); None }
        cancel(&token) => Some(job),
    };
    assert_eq!(back.as_deref(), Some("job"));
    let job = String::from("job2");
    let back = select! {
        push(full, job) -> res => { res.unwrap(); None },
        default(Duration::from_millis(2)) => Some(job),
    };
    assert_eq!(back.as_deref(), Some("job2"));
}

#[test]
fn macro_reports_close_on_each_side() {
    let q = Queue::<u8>::new(0);
    q.close();
    let r = select! { pop(q) -> v => v };
    assert_eq!(r, Err(PopError));
    let r = select! { push(q, 3) -> res => res };
    assert_eq!(r, Err(PushError(3)));
    // Close while blocked in the select.
    let q = Queue::<u8>::new(0);
    let other = Queue::<u8>::new(1);
    thread::scope(|s| {
        let h = s.spawn(|| select! { pop(q) -> v => v, pop(other) -> v => v });
        let_it_park();
        q.close();
        assert_eq!(h.join().unwrap(), Err(PopError));
    });
}

#[test]
fn two_selects_pair_on_a_rendezvous_queue() {
    let rounds = scaled(300, 5);
    let limit = Duration::from_secs(if cfg!(miri) { 60 } else { 1 });
    for round in 0..rounds {
        let rv = Queue::<usize>::new(0);
        let idle_a = Queue::<usize>::new(0);
        // Full, so a push arm on it is never ready.
        let idle_b = Queue::<usize>::new(1);
        idle_b.push(0).unwrap();
        thread::scope(|s| {
            let pusher = s.spawn(|| {
                select! {
                    push(rv, round) -> res => res.map_err(|_| "closed"),
                    pop(idle_a) -> _v => Err("idle arm fired"),
                    default(limit) => Err("did not pair in time"),
                }
            });
            let popper = s.spawn(|| {
                select! {
                    pop(rv) -> v => v.map_err(|_| "closed"),
                    push(idle_b, usize::MAX) -> _r => Err("idle arm fired"),
                    default(limit) => Err("did not pair in time"),
                }
            });
            assert_eq!(pusher.join().unwrap(), Ok(()), "round {round}");
            assert_eq!(popper.join().unwrap(), Ok(round), "round {round}");
        });
    }
}

#[test]
fn macro_push_arm_meets_a_plain_pop_and_a_plain_push_meets_a_pop_arm() {
    let q = Queue::new(0);
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop());
        let r = select! { push(q, 11) -> res => res };
        assert_eq!(r, Ok(()));
        assert_eq!(popper.join().unwrap(), Ok(11));
        let pusher = s.spawn(|| q.push(12));
        let v = select! { pop(q) -> v => v };
        assert_eq!(v, Ok(12));
        pusher.join().unwrap().unwrap();
    });
}

fn value_that_panics() -> u32 {
    panic!("value expression")
}

#[test]
fn a_panicking_push_value_leaves_the_committed_popper_waiting() {
    let q = Queue::new(0);
    thread::scope(|s| {
        let popper = s.spawn(|| q.pop());
        let_it_park();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            select! { push(q, value_that_panics()) -> _res => () }
        }));
        assert!(caught.is_err());
        // The popper received nothing and still waits; it gets the next one.
        q.push(5).unwrap();
        assert_eq!(popper.join().unwrap(), Ok(5));
    });
}

#[test]
fn fairness_over_ten_thousand_selects() {
    let n = scaled(10_000, 200);
    let a = Queue::new(n);
    let b = Queue::new(n);
    for i in 0..n {
        a.push(i).unwrap();
        b.push(i).unwrap();
    }
    let (mut from_a, mut from_b) = (0, 0);
    for _ in 0..n {
        select! {
            pop(a) -> v => { v.unwrap(); from_a += 1; },
            pop(b) -> v => { v.unwrap(); from_b += 1; },
        }
    }
    // Each arm is ready every time: expect n/2 each (sd sqrt(n)/2 = 50).
    let low = n * 2 / 5;
    assert!(from_a >= low && from_b >= low, "a {from_a}, b {from_b}");
    // The same through `Select`.
    let mut counts = [0usize; 3];
    let qs = [Queue::new(1), Queue::new(1), Queue::new(1)];
    for q in &qs {
        q.push(0u8).unwrap();
    }
    let mut sel = Select::new();
    for q in &qs {
        sel.pop(q);
    }
    for _ in 0..n {
        counts[sel.ready()] += 1;
    }
    assert!(counts.iter().all(|&c| c >= n / 4), "{counts:?}");
}

/// 3 queues (capacities 0, 1 and 4); 3 producers push through `select!`
/// push arms over all three, 3 consumers pop through `select!` pop arms,
/// some with a cancel arm that fires midway. Every value is received
/// exactly once, and per producer and queue in order.
#[test]
fn stress_mixed_arms_count_every_value() {
    const PER: usize = scaled(3_000, 30);
    let qs = [Queue::new(0), Queue::new(1), Queue::new(4)];
    let token = CancelToken::new();
    let received = Mutex::new(Vec::new());
    thread::scope(|s| {
        let producers: Vec<_> = (0..3usize)
            .map(|p| {
                let qs = &qs;
                s.spawn(move || {
                    for i in 0..PER {
                        let v = (p, i);
                        let res = select! {
                            push(qs[0], v) -> r => r,
                            push(qs[1], v) -> r => r,
                            push(qs[2], v) -> r => r,
                        };
                        res.unwrap();
                    }
                })
            })
            .collect();
        for c in 0..3usize {
            let (qs, token, received) = (&qs, &token, &received);
            s.spawn(move || {
                let mut got: Vec<(usize, (usize, usize))> = Vec::new();
                let mut open = [true; 3];
                while open.iter().any(|o| *o) {
                    let (q, v) = if c == 0 {
                        select! {
                            pop(qs[0]) -> v => (0, v),
                            pop(qs[1]) -> v => (1, v),
                            pop(qs[2]) -> v => (2, v),
                            cancel(token) => break,
                        }
                    } else {
                        select! {
                            pop(qs[0]) -> v => (0, v),
                            pop(qs[1]) -> v => (1, v),
                            pop(qs[2]) -> v => (2, v),
                        }
                    };
                    match v {
                        Ok(v) => got.push((q, v)),
                        Err(PopError) => open[q] = false,
                    }
                }
                received.lock().unwrap().push(got);
            });
        }
        thread::sleep(Duration::from_millis(scaled(5, 1) as u64));
        token.cancel(); // consumer 0 leaves; the others go on
        for p in producers {
            p.join().unwrap();
        }
        for q in &qs {
            q.close();
        }
    });
    let mut seen = HashMap::new();
    for got in received.into_inner().unwrap() {
        let mut last: HashMap<(usize, usize), usize> = HashMap::new();
        for (q, (p, i)) in got {
            if let Some(prev) = last.insert((q, p), i) {
                assert!(prev < i, "queue {q} producer {p}: {prev} then {i}");
            }
            *seen.entry((p, i)).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 3 * PER, "a value lost");
    assert!(seen.values().all(|&n| n == 1), "a value received twice");
}

/// Selects with both a pop and a push arm: two relays move values from a
/// rendezvous queue to a ring of capacity 2, each holding what it popped
/// and offering the oldest on its push arm while popping more (the push
/// arm's value expression, `held.pop_front()`, runs only when that arm is
/// chosen). Every value arrives exactly once, and per producer and relay
/// in order.
#[test]
fn stress_relays_with_pop_and_push_arms_in_one_select() {
    use std::collections::VecDeque;
    const PER: usize = scaled(5_000, 40);
    let input = Queue::new(0);
    let output = Queue::new(2);
    let received = Mutex::new(Vec::new());
    thread::scope(|s| {
        let producers: Vec<_> = (0..2usize)
            .map(|p| {
                let input = &input;
                s.spawn(move || {
                    for i in 0..PER {
                        input.push((p, i)).unwrap();
                    }
                })
            })
            .collect();
        let relays: Vec<_> = (0..2usize)
            .map(|r| {
                let (input, output) = (&input, &output);
                s.spawn(move || {
                    let mut held = VecDeque::new();
                    let mut open = true;
                    while open || !held.is_empty() {
                        if held.is_empty() {
                            match input.pop() {
                                Ok(v) => held.push_back(v),
                                Err(_) => open = false,
                            }
                            continue;
                        }
                        if !open {
                            output.push((r, held.pop_front().unwrap())).unwrap();
                            continue;
                        }
                        select! {
                            pop(input) -> v => match v {
                                Ok(v) => held.push_back(v),
                                Err(_) => open = false,
                            },
                            push(output, (r, held.pop_front().unwrap())) -> res => res.unwrap(),
                        }
                    }
                })
            })
            .collect();
        for _ in 0..2 {
            let (output, received) = (&output, &received);
            s.spawn(move || {
                let got: Vec<_> = output.iter().collect();
                received.lock().unwrap().push(got);
            });
        }
        for p in producers {
            p.join().unwrap();
        }
        input.close();
        for r in relays {
            r.join().unwrap();
        }
        output.close();
    });
    let mut seen = HashMap::new();
    for got in received.into_inner().unwrap() {
        let mut last: HashMap<(usize, usize), usize> = HashMap::new();
        for (r, (p, i)) in got {
            if let Some(prev) = last.insert((r, p), i) {
                assert!(prev < i, "relay {r} producer {p}: {prev} then {i}");
            }
            *seen.entry((p, i)).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 2 * PER, "a value lost");
    assert!(seen.values().all(|&n| n == 1), "a value received twice");
}

/// A `Select` that reports an arm but whose caller never pops must not
/// keep the wake-up from a thread parked in `pop` on that queue: the
/// watcher registered first (so a push notifies it, the oldest), and the
/// parked popper still gets the value. (Without the pass-on the popper
/// sleeps until some later push; the test gives it 5 s, then pushes again
/// to free it and fails.)
#[test]
fn a_watcher_that_does_not_pop_passes_the_wake_up_on() {
    let q = Queue::<u32>::builder(1)
        .wait(ringq::WaitPolicy::Park)
        .build();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    thread::scope(|s| {
        let watcher = s.spawn(|| {
            let mut sel = Select::new();
            sel.pop(&q);
            sel.ready() // and never pops
        });
        let_it_park();
        s.spawn(|| done_tx.send(q.pop()).unwrap());
        let_it_park();
        q.push(1).unwrap();
        let got = done_rx.recv_timeout(Duration::from_secs(if cfg!(miri) { 60 } else { 5 }));
        // Close before joining: if the scheduler ran the popper's
        // registration before the watcher's (`let_it_park` is a sleep, not
        // a guarantee; under miri it is 1 ms), the popper was notified
        // first and took the value, and the watcher, rightly, still waits.
        // A closed queue is ready, so the join below cannot hang; and if
        // the popper missed its wake-up, the close frees it (it drains the
        // 1) before the assertion fails.
        q.close();
        assert_eq!(watcher.join().unwrap(), 0);
        assert_eq!(got, Ok(Ok(1)), "the parked popper missed its wake-up");
    });
}
