//! Producer/Consumer handles: clone counting and close-on-last-drop.
#![cfg(feature = "std")]

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

/// crossbeam-channel's `drop_unreceived`: the last consumer's drop drops
/// what is still queued at once, while producers still exist.
#[test]
fn the_last_consumer_drops_the_values_still_queued_at_once() {
    let ledger = common::DropLedger::new(3);
    let (tx, rx) = bounded(4);
    for id in 0..3 {
        tx.push(ledger.value(id)).unwrap();
    }
    let rx2 = rx.clone();
    drop(rx);
    ledger.assert_each_dropped(0); // a consumer is left
    drop(rx2);
    ledger.assert_each_dropped(1);
    assert!(tx.is_closed());
    assert!(tx.push(ledger.value(0)).is_err()); // handed back, then dropped here
}

/// A request carrying its own reply channel sits in a server's queue when
/// the server goes away: the requester's wait for the reply ends at once
/// instead of never.
#[test]
fn a_queued_reply_producer_is_dropped_with_the_server() {
    let (requests, server) = bounded::<(u32, ringq::Producer<u32>)>(4);
    let (reply_tx, reply_rx) = bounded::<u32>(1);
    requests.push((7, reply_tx)).unwrap();
    thread::scope(|s| {
        let requester = s.spawn(|| reply_rx.pop_timeout(Duration::from_secs(10)));
        let_it_park();
        drop(server); // dies without answering
        assert_eq!(
            requester.join().unwrap(),
            Err(ringq::PopTimeoutError::Closed),
            "the reply queue closed when the request was dropped"
        );
    });
}

/// A queued value whose `Drop` panics: the others are still dropped, and
/// the panic comes out of the last consumer's drop.
#[test]
fn a_panicking_drop_among_the_queued_values_drops_the_rest() {
    struct Bomb(usize, std::sync::Arc<std::sync::atomic::AtomicUsize>);
    impl Drop for Bomb {
        fn drop(&mut self) {
            self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if self.0 == 1 {
                panic!("value 1 fails to drop");
            }
        }
    }
    let dropped = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (tx, rx) = bounded(4);
    for id in 0..3 {
        tx.push(Bomb(id, dropped.clone())).unwrap();
    }
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(rx)));
    assert!(r.is_err(), "the value's panic reaches the dropper");
    assert_eq!(dropped.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert!(tx.is_closed());
    assert!(tx.is_empty());
}
