//! The calls that never wait: what ringq offers without its `std` feature
//! (`cargo test -p ringq --no-default-features` runs this file against the
//! `no_std` build; the default build runs it too). Every flavor, every
//! error path, close then drain, drops, weak handles, and a threaded
//! stress test that counts every value, built from `try_*` calls alone.

use std::collections::VecDeque;
use std::thread;

use common::DropLedger;
use ringq::{Queue, TryPopError, TryPushError};

mod common;

#[test]
fn queue_try_calls_fifo_full_empty_close_drain() {
    let q = Queue::new(2);
    assert_eq!(q.try_pop(), Err(TryPopError::Empty));
    assert_eq!(q.try_push(1), Ok(()));
    assert_eq!(q.try_push(2), Ok(()));
    assert_eq!(q.try_push(3), Err(TryPushError::Full(3)));
    assert!(q.is_full());
    assert_eq!((q.len(), q.capacity()), (2, 2));
    assert_eq!(q.try_pop(), Ok(1));
    assert!(q.close());
    assert!(!q.close(), "the second close reports it was already closed");
    assert!(q.is_closed());
    assert_eq!(q.try_push(4), Err(TryPushError::Closed(4)));
    assert_eq!(q.try_pop(), Ok(2), "a closed queue still drains");
    assert_eq!(q.try_pop(), Err(TryPopError::Closed));
    assert!(q.is_empty());
}

#[test]
fn force_push_displaces_the_oldest_and_hands_back_after_close() {
    let q = Queue::new(2);
    assert_eq!(q.force_push(1), Ok(None));
    assert_eq!(q.force_push(2), Ok(None));
    assert_eq!(q.force_push(3), Ok(Some(1)));
    assert_eq!(q.try_iter().collect::<Vec<_>>(), [2, 3]);
    q.close();
    assert_eq!(q.force_push(4).unwrap_err().into_inner(), 4);

    let (tx, rx) = ringq::bounded(1);
    assert_eq!(tx.force_push('a'), Ok(None));
    assert_eq!(tx.force_push('b'), Ok(Some('a')));
    assert_eq!(rx.try_pop(), Ok('b'));
    let (mut tx, rx) = ringq::spmc(1);
    assert_eq!(tx.force_push(1), Ok(None));
    assert_eq!(tx.force_push(2), Ok(Some(1)));
    assert_eq!(rx.try_pop(), Ok(2));
}

#[test]
fn batches_move_what_fits_and_keep_the_rest() {
    let q = Queue::new(3);
    let mut src: VecDeque<_> = (0..5).collect();
    assert_eq!(q.try_push_from(&mut src), 3);
    assert_eq!(src, [3, 4]);
    assert_eq!(q.try_push_from(&mut src), 0, "full: nothing moves");
    let mut buf = Vec::new();
    assert_eq!(q.try_pop_into(&mut buf, 2), Ok(2));
    assert_eq!(q.try_pop_into(&mut buf, 0), Ok(0));
    assert_eq!(q.try_push_from(&mut src), 2);
    assert!(src.is_empty());
    assert_eq!(q.try_pop_into(&mut buf, 10), Ok(3));
    assert_eq!(buf, [0, 1, 2, 3, 4]);
    assert_eq!(q.try_pop_into(&mut buf, 10), Err(TryPopError::Empty));
    q.close();
    src.push_back(9);
    assert_eq!(q.try_push_from(&mut src), 0);
    assert_eq!(src, [9], "a closed queue leaves the values with the caller");
    assert_eq!(q.try_pop_into(&mut buf, 10), Err(TryPopError::Closed));
}

#[test]
fn permits_hold_a_slot_and_give_it_back() {
    let q = Queue::new(1);
    let permit = q.try_reserve().unwrap();
    assert_eq!(q.try_push(1), Err(TryPushError::Full(1)));
    assert_eq!(q.try_reserve().unwrap_err(), TryPushError::Full(()));
    assert_eq!(
        q.try_pop(),
        Err(TryPopError::Empty),
        "a held slot holds no value"
    );
    drop(permit);
    assert_eq!(q.try_push(2), Ok(()), "the dropped permit's slot came back");
    assert_eq!(q.try_pop(), Ok(2));
    q.try_reserve().unwrap().push(3);
    q.close();
    assert_eq!(q.try_reserve().unwrap_err(), TryPushError::Closed(()));
    assert_eq!(q.try_pop(), Ok(3));

    let (mut tx, mut rx) = ringq::spsc(1);
    drop(tx.try_reserve().unwrap());
    tx.try_reserve().unwrap().push('x');
    assert_eq!(rx.try_pop(), Ok('x'));
}

/// Each flavor: FIFO through its handles, full, empty, close on the last
/// drop of either side.
#[test]
fn every_flavor_through_its_handles() {
    macro_rules! check {
        ($make:expr) => {{
            // `mut`: the owned sides' calls take `&mut self`.
            #[allow(unused_mut)]
            let (mut tx, mut rx) = $make;
            assert_eq!(tx.try_push(1), Ok(()));
            assert_eq!(tx.try_push(2), Ok(()));
            assert_eq!(tx.try_push(3), Err(TryPushError::Full(3)));
            assert_eq!((tx.len(), rx.capacity()), (2, 2));
            assert_eq!(rx.try_pop(), Ok(1));
            assert_eq!(rx.try_iter().collect::<Vec<_>>(), [2]);
            assert_eq!(rx.try_pop(), Err(TryPopError::Empty));
            tx.try_push(4).unwrap();
            drop(tx);
            assert!(rx.is_closed(), "the last producer closed the queue");
            assert_eq!(rx.try_pop(), Ok(4));
            assert_eq!(rx.try_pop(), Err(TryPopError::Closed));
        }};
    }
    check!(ringq::bounded::<i32>(2));
    check!(ringq::mpsc::<i32>(2));
    check!(ringq::spmc::<i32>(2));
    check!(ringq::spsc::<i32>(2));
    check!(Queue::<i32>::builder(2).try_spsc().unwrap());
}

#[test]
fn the_last_consumer_frees_the_queued_values_and_closes() {
    let ledger = DropLedger::new(6);
    let (tx, rx) = ringq::bounded(4);
    let rx2 = rx.clone();
    for id in 0..3 {
        tx.try_push(ledger.value(id)).unwrap();
    }
    drop(rx);
    assert_eq!(ledger.counts(), [0; 6], "a consumer is left");
    drop(rx2);
    assert_eq!(
        ledger.counts(),
        [1, 1, 1, 0, 0, 0],
        "dropped with the last consumer"
    );
    assert!(tx.is_closed());
    let back = tx.try_push(ledger.value(3)).unwrap_err();
    assert!(back.is_closed());
    drop(back);

    // A queue dropped with values in it drops each once.
    let q = Queue::new(3);
    q.try_push(ledger.value(4)).unwrap();
    q.try_push(ledger.value(5)).unwrap();
    drop(q.try_pop().unwrap());
    drop(q);
    ledger.assert_each_dropped(1);
}

#[test]
fn weak_handles_counts_and_identity() {
    let (tx, rx) = ringq::bounded::<u8>(1);
    let (other, _other_rx) = ringq::bounded::<u8>(1);
    let weak_tx = tx.downgrade();
    let weak_rx = rx.downgrade();
    assert_eq!((tx.producer_count(), tx.consumer_count()), (1, 1));
    let tx2 = weak_tx.upgrade().expect("a producer is alive");
    assert_eq!(rx.producer_count(), 2);
    assert!(tx.same_queue(&rx) && tx.same_queue(&weak_rx) && tx2.same_queue(&tx));
    assert!(!tx.same_queue(&other));
    let rx2 = weak_rx.upgrade().expect("open, with a consumer alive");
    assert_eq!(tx.consumer_count(), 2);
    drop(rx2);
    drop((tx, tx2));
    assert!(weak_tx.upgrade().is_none(), "every strong producer is gone");
    assert!(weak_tx.is_closed() && rx.is_closed());
    assert!(
        weak_rx.upgrade().is_none(),
        "a closed queue upgrades to nothing"
    );
}

/// The README's `no_std` example, as it is written there.
#[test]
fn readme_example() {
    let (mut tx, mut rx) = ringq::spsc::<u16>(64);
    let mut dropped = 0;
    for sample in [512u16, 513, 511] {
        if tx.try_push(sample).is_err() {
            dropped += 1; // full: count it, never wait
        }
    }
    let mut sum = 0u32;
    while let Ok(sample) = rx.try_pop() {
        sum += u32::from(sample);
    }
    assert_eq!((sum, dropped), (1536, 0));
}

#[test]
fn capacity_zero_and_too_large() {
    let err = Queue::<u8>::try_new(usize::MAX).unwrap_err();
    assert!(err.to_string().contains("exceeds the maximum"));
    if cfg!(feature = "std") {
        // A rendezvous: no popper waits, so there is nowhere to put it.
        let q = Queue::try_new(0).unwrap();
        assert_eq!(q.try_push(1), Err(TryPushError::Full(1)));
        assert_eq!(q.try_pop(), Err(TryPopError::Empty));
    } else {
        let err = Queue::<u8>::try_new(0).unwrap_err();
        assert_eq!(err.requested(), 0);
        assert!(err.to_string().contains("`std` feature"), "{err}");
        assert!(ringq::try_spsc::<u8>(0).is_err());
    }
}

/// Producers and consumers that only ever `try_*`, retrying on `Full` and
/// `Empty` (after a yield: the test machines have two cores): every value arrives exactly once and each producer's values
/// in order, over small capacities (many wrap-arounds) and every flavor.
#[test]
fn spinning_try_calls_lose_and_duplicate_nothing() {
    // Small under miri, where every yield and step is interpreted.
    const PER_PRODUCER: usize = if cfg!(miri) { 30 } else { 5_000 };

    /// A value's producer in the high bits, its sequence in the low ones.
    fn encode(p: usize, i: usize) -> usize {
        (p << 32) | i
    }

    fn consume(
        mut try_pop: impl FnMut() -> Result<usize, TryPopError>,
        producers: usize,
    ) -> Vec<usize> {
        let mut next = vec![0; producers];
        let mut got = Vec::new();
        loop {
            match try_pop() {
                Ok(v) => {
                    let (p, i) = (v >> 32, v & 0xffff_ffff);
                    assert!(i >= next[p], "producer {p}'s values out of order");
                    next[p] = i + 1;
                    got.push(v);
                }
                Err(TryPopError::Empty) => thread::yield_now(),
                Err(TryPopError::Closed) => return got,
            }
        }
    }

    fn produce(p: usize, mut try_push: impl FnMut(usize) -> Result<(), TryPushError<usize>>) {
        for i in 0..PER_PRODUCER {
            let mut v = encode(p, i);
            loop {
                match try_push(v) {
                    Ok(()) => break,
                    Err(TryPushError::Full(back)) => {
                        v = back;
                        thread::yield_now();
                    }
                    Err(TryPushError::Closed(_)) => panic!("closed while producing"),
                }
            }
        }
    }

    fn check(mut got: Vec<usize>, producers: usize) {
        got.sort_unstable();
        let want: Vec<usize> = (0..producers)
            .flat_map(|p| (0..PER_PRODUCER).map(move |i| encode(p, i)))
            .collect();
        assert_eq!(got.len(), want.len(), "values lost or duplicated");
        assert!(got == want, "values lost or duplicated");
    }

    let capacities: &[usize] = if cfg!(miri) { &[1, 3] } else { &[1, 2, 7, 64] };
    for &capacity in capacities {
        // 2 producers x 2 consumers on the shared queue.
        let (tx, rx) = ringq::bounded(capacity);
        let got = thread::scope(|s| {
            for p in 0..2 {
                let tx = tx.clone();
                s.spawn(move || produce(p, |v| tx.try_push(v)));
            }
            drop(tx);
            let consumers: Vec<_> = (0..2)
                .map(|_| {
                    let rx = rx.clone();
                    s.spawn(move || consume(|| rx.try_pop(), 2))
                })
                .collect();
            drop(rx);
            consumers
                .into_iter()
                .flat_map(|c| c.join().unwrap())
                .collect()
        });
        check(got, 2);

        // One producer, one consumer: the owned sides.
        let (mut tx, mut rx) = ringq::spsc(capacity);
        let got = thread::scope(|s| {
            s.spawn(move || produce(0, |v| tx.try_push(v)));
            consume(|| rx.try_pop(), 1)
        });
        check(got, 1);

        // Two producers into an owned consumer.
        let (tx, mut rx) = ringq::mpsc(capacity);
        let got = thread::scope(|s| {
            for p in 0..2 {
                let tx = tx.clone();
                s.spawn(move || produce(p, |v| tx.try_push(v)));
            }
            drop(tx);
            consume(|| rx.try_pop(), 2)
        });
        check(got, 2);
    }
}
