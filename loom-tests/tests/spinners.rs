//! Loom models of the spinners' handshake (`queue/src/wait/spinners.rs`):
//! a notifier that finds a waiter parked while another thread spins on
//! the same side leaves the wake-up to the spinner, which delivers it when
//! it stops spinning. A wake-up lost on the way is a loom deadlock (the
//! parked popper never returns).
//!
//! These models give blocked calls one spin round (`__loom_spin_rounds`;
//! every other model runs with none, so that it explores parking), which
//! is what lets a thread be a spinner here.
#![cfg(loom)]

use loom::sync::Arc;
use loom::thread;
use loom_tests::model;
use ringq::{PopTimeoutError, Queue};
use std::time::Duration;

/// Model S1: two values, two blocking poppers that spin one round and then
/// park. Whichever of them spins while the other is parked takes over the
/// pusher's wake-up; both values arrive, each once.
/// Bound 1 (three threads, each spinning on yields: at bound 2 executions
/// pass loom's branch limit): 5,710 executions, 0.4 s.
#[test]
fn a_spinner_takes_over_a_parked_poppers_wake_up() {
    model(1, || {
        ringq::__loom_spin_rounds(1);
        let q = Arc::new(Queue::new(1));
        let poppers: Vec<_> = (0..2)
            .map(|_| {
                let q = q.clone();
                thread::spawn(move || q.pop().unwrap())
            })
            .collect();
        q.push(1).unwrap();
        q.push(2).unwrap();
        let mut got: Vec<i32> = poppers.into_iter().map(|p| p.join().unwrap()).collect();
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
    });
}

/// Model S2: a spinner that stops (its timeout ends the spin phase: under
/// loom every deadline has passed) after it took over the wake-up meant
/// for a parked popper delivers it, because the value is still there.
/// Bound 2: 4,493 executions, 0.5 s.
#[test]
fn a_stopped_spinner_delivers_the_wake_up_it_took_over() {
    model(2, || {
        ringq::__loom_spin_rounds(1);
        let q = Arc::new(Queue::new(1));
        let parked = {
            let q = q.clone();
            thread::spawn(move || q.pop().unwrap())
        };
        let spinner = {
            let q = q.clone();
            thread::spawn(move || q.pop_timeout(Duration::from_secs(1)))
        };
        q.push(1).unwrap();
        match spinner.join().unwrap() {
            // The spinner took the value: the parked popper gets another.
            Ok(v) => {
                assert_eq!(v, 1);
                q.push(2).unwrap();
                assert_eq!(parked.join().unwrap(), 2);
            }
            Err(PopTimeoutError::Timeout) => assert_eq!(parked.join().unwrap(), 1),
            Err(e) => panic!("unexpected {e:?}"),
        }
    });
}
