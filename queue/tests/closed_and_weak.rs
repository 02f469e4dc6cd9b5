//! Producer-side close signals (`wait_closed`, `wait_closed_timeout`,
//! `closed`), weak handles, the side counts and `same_queue`.
#![cfg(feature = "std")]

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use common::{let_it_park, scaled, DropLedger};
use ringq::{bounded, Queue};

#[test]
fn wait_closed_returns_when_the_last_consumer_leaves() {
    let (tx, rx) = bounded::<u32>(2);
    let rx2 = rx.clone();
    let waiter = thread::spawn(move || {
        tx.wait_closed();
        tx.is_closed()
    });
    let_it_park();
    drop(rx);
    let_it_park();
    assert!(!waiter.is_finished(), "one consumer is left");
    drop(rx2);
    assert!(waiter.join().unwrap());
}

#[test]
fn wait_closed_returns_at_once_when_closed_and_ignores_queued_values() {
    let (tx, rx) = bounded::<u32>(2);
    tx.push(1).unwrap();
    tx.close();
    tx.wait_closed();
    assert!(tx.wait_closed_timeout(Duration::ZERO));
    assert_eq!(rx.pop(), Ok(1)); // the close still drains
}

#[test]
fn wait_closed_timeout_times_out_then_sees_the_close() {
    let q = Queue::<u8>::new(1);
    assert!(!q.wait_closed_timeout(Duration::from_millis(5)));
    // A loop of short timeouts leaves nothing registered behind it.
    for _ in 0..100 {
        assert!(!q.wait_closed_timeout(Duration::ZERO));
    }
    thread::scope(|s| {
        s.spawn(|| {
            let_it_park();
            q.close();
        });
        assert!(q.wait_closed_timeout(Duration::from_secs(60)));
    });
    // Far too long for `Instant`: waits without a limit, returns closed.
    assert!(q.wait_closed_timeout(Duration::MAX));
}

#[test]
fn wait_closed_on_a_rendezvous_queue() {
    let (tx, rx) = bounded::<u8>(0);
    thread::scope(|s| {
        s.spawn(move || {
            let_it_park();
            drop(rx);
        });
        tx.wait_closed();
    });
    assert_eq!(tx.push(1).map_err(|e| e.into_inner()), Err(1));
}

#[test]
fn closed_future_resolves_for_many_waiters() {
    let (tx, rx) = bounded::<u8>(1);
    let done = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                pollster::block_on(tx.closed());
                assert!(tx.is_closed());
                done.fetch_add(1, Ordering::SeqCst);
            });
        }
        let_it_park();
        assert_eq!(
            done.load(Ordering::SeqCst),
            0,
            "nobody closed the queue yet"
        );
        drop(rx);
    });
    assert_eq!(done.load(Ordering::SeqCst), 4);
}

#[test]
fn a_dropped_closed_future_leaves_no_waiter_behind() {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    let q = Queue::<u8>::new(1);
    {
        let mut fut = pin!(q.closed());
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(fut.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(fut.as_mut().poll(&mut cx), Poll::Pending);
    }
    q.close();
    let mut fut = pin!(q.closed());
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(()));
}

#[test]
fn counts_follow_clones_and_drops() {
    let (tx, rx) = bounded::<u8>(1);
    assert_eq!((tx.producer_count(), tx.consumer_count()), (1, 1));
    let (tx2, rx2, rx3) = (tx.clone(), rx.clone(), rx.clone());
    assert_eq!((rx.producer_count(), rx.consumer_count()), (2, 3));
    let weak = tx.downgrade();
    let weak_rx = rx.downgrade();
    assert_eq!((tx.producer_count(), tx.consumer_count()), (2, 3));
    drop((tx2, rx2, rx3));
    assert_eq!((tx.producer_count(), tx.consumer_count()), (1, 1));
    let up = weak.upgrade().unwrap();
    let up_rx = weak_rx.upgrade().unwrap();
    assert_eq!((up.producer_count(), up_rx.consumer_count()), (2, 2));
    drop(rx);
    drop(up_rx);
    assert_eq!(tx.consumer_count(), 0);
    assert!(tx.is_closed());
}

#[test]
fn same_queue_compares_every_kind_of_handle() {
    let (tx, rx) = bounded::<u8>(1);
    let (other_tx, other_rx) = bounded::<u8>(1);
    let (weak, weak_rx) = (tx.downgrade(), rx.downgrade());
    assert!(tx.same_queue(&tx) && tx.same_queue(&tx.clone()));
    assert!(tx.same_queue(&rx) && rx.same_queue(&tx));
    assert!(tx.same_queue(&weak) && rx.same_queue(&weak_rx));
    assert!(!tx.same_queue(&other_tx) && !tx.same_queue(&other_rx));
    assert!(!rx.same_queue(&other_tx.downgrade()));
    let (mut stx, srx) = ringq::spsc::<u8>(1);
    let (mut stx2, _srx2) = ringq::spsc::<u8>(1);
    assert!(stx.same_queue(&srx) && !stx.same_queue(&stx2));
    stx.push(1).unwrap();
    stx2.push(1).unwrap();
}

#[test]
fn an_upgraded_producer_keeps_the_queue_open() {
    let (tx, rx) = bounded::<u32>(4);
    let weak = tx.downgrade();
    let strong = weak.upgrade().unwrap();
    drop(tx);
    assert!(!rx.is_closed(), "the upgraded producer is a producer");
    strong.push(7).unwrap();
    drop(strong);
    assert!(rx.is_closed() && weak.is_closed());
    assert!(weak.upgrade().is_none());
    assert_eq!(rx.iter().collect::<Vec<_>>(), [7]);
}

#[test]
fn upgrade_fails_after_a_close_call_with_producers_left() {
    let (tx, rx) = bounded::<u32>(4);
    let weak = tx.downgrade();
    rx.close();
    assert!(weak.upgrade().is_none());
    // The failed upgrade gave its count back.
    assert_eq!(tx.producer_count(), 1);
    let weak_rx = rx.downgrade();
    assert!(weak_rx.upgrade().is_none());
    assert_eq!(rx.consumer_count(), 1);
}

#[test]
fn weak_consumer_does_not_keep_values_alive() {
    let ledger = DropLedger::new(3);
    let (tx, rx) = bounded(4);
    for id in 0..3 {
        tx.push(ledger.value(id)).unwrap();
    }
    let weak = rx.downgrade();
    drop(rx); // the last consumer: drops the queued values at once
    ledger.assert_each_dropped(1);
    assert!(weak.upgrade().is_none());
    assert!(tx.is_closed());
}

#[test]
fn weak_handles_are_send_sync_and_debug_without_t() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    struct NotDebug;
    let (tx, rx) = bounded::<NotDebug>(1);
    let (weak, weak_rx) = (tx.downgrade(), rx.downgrade());
    send_sync(&weak);
    send_sync(&weak_rx);
    assert!(format!("{weak:?}").starts_with("WeakProducer"));
    assert!(format!("{weak_rx:?}").starts_with("WeakConsumer"));
    assert!(format!("{:?}", tx.closed()).starts_with("Closed"));
    let weak2 = weak.clone();
    assert!(tx.same_queue(&weak2));
}

/// Upgrades race the last strong producer's drop: every push an upgraded
/// producer made is received, an upgrade after the close fails, and the
/// queue closes exactly when the last producer (weak-made or not) goes.
#[test]
fn upgrades_race_the_last_drop_and_every_value_arrives() {
    let rounds = scaled(200, 4);
    for _ in 0..rounds {
        let (tx, rx) = bounded::<u64>(64);
        let weak = tx.downgrade();
        let stop = AtomicBool::new(false);
        let pushed = thread::scope(|s| {
            let workers: Vec<_> = (0..2u64)
                .map(|t| {
                    let weak = weak.clone();
                    let stop = &stop;
                    s.spawn(move || {
                        let mut mine = Vec::new();
                        let mut i = 0;
                        // A few upgrades after the stop, racing the drop
                        // of `tx` (more could keep the queue open forever,
                        // two workers' handles overlapping).
                        let mut after_stop = 0;
                        while after_stop < 3 {
                            if stop.load(Ordering::Relaxed) {
                                after_stop += 1;
                            }
                            let Some(strong) = weak.upgrade() else { break };
                            let v = t << 32 | i;
                            i += 1;
                            match strong.push(v) {
                                Ok(()) => mine.push(v),
                                Err(e) => panic!("an upgraded producer saw a close: {e}"),
                            }
                        }
                        mine
                    })
                })
                .collect();
            let reader = s.spawn(|| rx.iter().collect::<Vec<_>>());
            thread::yield_now();
            stop.store(true, Ordering::Relaxed);
            drop(tx);
            let mut pushed: Vec<u64> = workers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect();
            let mut got = reader.join().unwrap();
            for t in 0..2u64 {
                let mine: Vec<u64> = got.iter().copied().filter(|v| v >> 32 == t).collect();
                assert!(mine.windows(2).all(|w| w[0] < w[1]), "per-producer order");
            }
            pushed.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, pushed, "every accepted push arrives once");
            pushed
        });
        assert!(weak.upgrade().is_none());
        assert!(weak.is_closed());
        drop(pushed);
    }
}
