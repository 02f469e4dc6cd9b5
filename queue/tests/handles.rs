//! Producer/Consumer handles: clone counting and close-on-last-drop.

mod common;

use std::thread;
use std::time::Duration;

use common::let_it_park;
use ringq::{bounded, PopError, PushError, TryPopError, TryPushError};

#[test]
fn every_handle_method_delegates() {
    let (tx, rx) = bounded(2);
    assert_eq!(tx.capacity(), 2);
    assert_eq!(rx.capacity(), 2);
    assert!(tx.is_empty() && rx.is_empty());
    tx.push(1).unwrap();
    tx.try_push(2).unwrap();
    assert!(tx.is_full() && rx.is_full());
    assert_eq!(tx.len(), 2);
    assert_eq!(rx.len(), 2);
    assert_eq!(tx.try_push(3), Err(TryPushError::Full(3)));
    assert!(tx
        .push_timeout(3, Duration::from_millis(1))
        .unwrap_err()
        .is_timeout());
    assert!(tx
        .push_deadline(3, std::time::Instant::now())
        .unwrap_err()
        .is_timeout());
    let token = ringq::CancelToken::new();
    token.cancel();
    assert!(tx.push_cancellable(3, &token).unwrap_err().is_cancelled());
    assert_eq!(tx.force_push(3), Ok(Some(1)));
    assert_eq!(rx.pop(), Ok(2));
    assert_eq!(rx.try_pop(), Ok(3));
    assert_eq!(rx.try_pop(), Err(TryPopError::Empty));
    assert!(rx.pop_timeout(Duration::from_millis(1)).is_err());
    assert!(rx.pop_deadline(std::time::Instant::now()).is_err());
    assert!(rx.pop_cancellable(&token).is_err());
    tx.push(4).unwrap();
    assert_eq!(rx.try_iter().collect::<Vec<_>>(), [4]);
    assert!(!tx.is_closed());
    assert!(rx.close());
    assert!(!tx.close());
    assert!(tx.is_closed() && rx.is_closed());
    assert_eq!(rx.iter().next(), None);
    assert!(format!("{tx:?}").starts_with("Producer { queue: Queue { capacity: 2"));
    assert!(format!("{rx:?}").starts_with("Consumer { queue: Queue { capacity: 2"));
}

#[test]
fn last_producer_drop_closes_and_consumers_drain() {
    let (tx, rx) = bounded(4);
    let tx2 = tx.clone();
    tx.push(1).unwrap();
    drop(tx);
    assert!(!rx.is_closed(), "a clone is still alive");
    tx2.push(2).unwrap();
    drop(tx2);
    assert!(rx.is_closed());
    assert_eq!(rx.pop(), Ok(1));
    assert_eq!(rx.pop(), Ok(2));
    assert_eq!(rx.pop(), Err(PopError));
}

#[test]
fn last_producer_drop_wakes_a_parked_consumer() {
    let (tx, rx) = bounded::<u8>(1);
    thread::scope(|s| {
        let consumer = s.spawn(move || rx.into_iter().collect::<Vec<_>>());
        tx.push(1).unwrap();
        let_it_park();
        drop(tx);
        assert_eq!(consumer.join().unwrap(), [1]);
    });
}

#[test]
fn last_consumer_drop_hands_a_parked_producer_its_value() {
    let (tx, rx) = bounded(1);
    let rx2 = rx.clone();
    tx.push(1).unwrap();
    thread::scope(|s| {
        let producer = s.spawn(|| tx.push(2));
        let_it_park();
        drop(rx);
        drop(rx2);
        assert_eq!(producer.join().unwrap(), Err(PushError(2)));
    });
    assert!(tx.is_closed());
}

#[test]
fn consumer_into_iter_by_ref_and_by_value() {
    let (tx, rx) = bounded(8);
    for i in 0..3 {
        tx.push(i).unwrap();
    }
    drop(tx);
    let mut by_ref = Vec::new();
    for v in &rx {
        by_ref.push(v);
        if by_ref.len() == 2 {
            break;
        }
    }
    assert_eq!(by_ref, [0, 1]);
    assert_eq!(rx.into_iter().collect::<Vec<_>>(), [2]);
}
