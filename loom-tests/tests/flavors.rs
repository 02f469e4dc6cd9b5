//! Loom models of the single-owner flavors (`spsc`, `mpsc`, `spmc`): the
//! owned sides' handshake with blocked threads, close and drain on each
//! flavor, and the close check of an owned push side (`ring/owned.rs`).
//!
//! An owned side's claim ends with a `fence(SeqCst)`, the notifier's half
//! of the waiter handshake and the push's half of the close check. After
//! it the notifier loads the waiter count with a plain load in every build
//! (`Waker::notify_claimed`), not the RMW that stands in for a shared
//! side's SeqCst load under loom (`queue/src/sync.rs`), so these models
//! check the fence as it ships: without either side's fence they
//! deadlock (loom-tests/README.md, the flavors' mutation table).
#![cfg(loom)]

use loom::thread;
use loom_tests::model;
use ringq::{PopError, TryPopError, WaitPolicy};

/// Model F1: `spsc` through capacity 1: three values in order; both owned
/// sides block and wake (the producer on full, the consumer on empty).
/// Bound 3: 130,671 executions, 11.0 s.
#[test]
fn spsc_capacity_one_in_order() {
    model(3, || {
        let (mut tx, mut rx) = ringq::spsc(1);
        let producer = thread::spawn(move || {
            for i in 0..3 {
                tx.push(i).unwrap();
            }
        });
        for i in 0..3 {
            assert_eq!(rx.pop(), Ok(i));
        }
        producer.join().unwrap();
        assert_eq!(rx.pop(), Err(PopError), "the producer's drop closed it");
    });
}

/// Model F2: an owned producer's push races a consumer's `close`: each push
/// either succeeded and its value is drained after the close, or failed
/// and handed its value back; the consumer, draining after its close,
/// never reports `Closed` while a value that will be counted as pushed is
/// on its way (the close check of `ring/owned.rs`).
/// Bound 3: 438 executions, 0.1 s.
#[test]
fn spsc_close_races_the_owned_push() {
    model(3, || {
        let (mut tx, mut rx) = ringq::Queue::builder(2).wait(WaitPolicy::Park).spsc();
        let producer = thread::spawn(move || {
            let mut pushed = Vec::new();
            for v in 1..=2 {
                match tx.push(v) {
                    Ok(()) => pushed.push(v),
                    Err(e) => assert_eq!(e.into_inner(), v),
                }
            }
            pushed
        });
        rx.close();
        let drained: Vec<u32> = rx.iter().collect();
        let pushed = producer.join().unwrap();
        assert_eq!(
            drained, pushed,
            "every accepted value, and only those, drained"
        );
        assert_eq!(rx.try_pop(), Err(TryPopError::Closed));
    });
}

/// Model F3: `spmc`: one owned producer, two consumers, one of which
/// closes while the producer pushes; between them the consumers drain
/// exactly the accepted values, once each.
/// Bound 2: 38,270 executions, 2.6 s.
#[test]
fn spmc_close_races_the_owned_push_with_two_consumers() {
    model(2, || {
        let (mut tx, rx) = ringq::Queue::builder(1).wait(WaitPolicy::Park).spmc();
        let other = rx.clone();
        let producer = thread::spawn(move || {
            let mut pushed = Vec::new();
            for v in 1..=2 {
                if tx.push(v).is_ok() {
                    pushed.push(v);
                }
            }
            pushed
        });
        let consumer = thread::spawn(move || other.iter().collect::<Vec<u32>>());
        rx.close();
        let mut drained: Vec<u32> = rx.iter().collect();
        drained.extend(consumer.join().unwrap());
        drained.sort_unstable();
        assert_eq!(drained, producer.join().unwrap());
    });
}

/// Model F4: `mpsc`: two producers and an owned consumer through capacity
/// 1: both values arrive once; the producer that finds the queue full
/// parks and is woken by the owned consumer's pop.
/// Bound 2: 66,525 executions, 5.4 s.
#[test]
fn mpsc_exactly_once_with_an_owned_consumer() {
    model(2, || {
        let (tx, mut rx) = ringq::Queue::builder(1).wait(WaitPolicy::Park).mpsc();
        let producers: Vec<_> = (0..2)
            .map(|i| {
                let tx = tx.clone();
                thread::spawn(move || tx.push(i).unwrap())
            })
            .collect();
        drop(tx);
        let mut got = vec![rx.pop().unwrap(), rx.pop().unwrap()];
        for p in producers {
            p.join().unwrap();
        }
        got.sort_unstable();
        assert_eq!(got, [0, 1]);
        assert_eq!(rx.pop(), Err(PopError));
    });
}

/// Model F5: the last owned consumer's drop closes the queue, drops what is
/// queued and hands a parked owned producer its value back.
/// Bound 3: 575 executions, 0.1 s.
#[test]
fn spsc_consumer_drop_hands_back_the_parked_push() {
    model(3, || {
        let (mut tx, rx) = ringq::Queue::builder(1).wait(WaitPolicy::Park).spsc();
        tx.push(1).unwrap();
        let producer = thread::spawn(move || (tx.push(2), tx.is_closed()));
        drop(rx);
        let (pushed, closed) = producer.join().unwrap();
        assert_eq!(pushed.map_err(|e| e.into_inner()), Err(2));
        assert!(closed);
    });
}

/// Model F6: batches on owned sides: `push_from` and `pop_into` through
/// capacity 2 carry four values in order, each side claiming runs with a
/// store of its position, then the producer's drop ends the consumer.
/// Bound 2: 28,793 executions, 1.9 s.
#[test]
fn spsc_batches_in_order() {
    model(2, || {
        let (mut tx, mut rx) = ringq::Queue::builder(2).wait(WaitPolicy::Park).spsc();
        let producer = thread::spawn(move || {
            let mut src: std::collections::VecDeque<u32> = (0..4).collect();
            tx.push_from(&mut src).unwrap();
        });
        let mut got = Vec::new();
        while rx.pop_into(&mut got, 3).is_ok() {}
        producer.join().unwrap();
        assert_eq!(got, [0, 1, 2, 3]);
    });
}
