//! Two-phase push: `reserve` and its forms, the `Permit`, and how held and
//! given-up slots behave on every flavor.
#![cfg(feature = "std")]

mod common;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use common::{let_it_park, scaled, DropLedger};
use ringq::{bounded, CancelToken, PushCancelError, PushError, Queue, TryPopError, TryPushError};

#[test]
fn a_permit_holds_room_and_its_push_lands_in_its_place() {
    let q = Queue::new(3);
    q.push(1).unwrap();
    let permit = q.try_reserve().unwrap();
    q.push(3).unwrap();
    assert_eq!(q.try_reserve().unwrap_err(), TryPushError::Full(()));
    assert_eq!(q.try_push(9), Err(TryPushError::Full(9)));
    assert_eq!(q.len(), 3, "the held slot counts");
    assert_eq!(q.try_pop(), Ok(1));
    // The permit's place is next: later values wait behind it.
    assert_eq!(q.try_pop(), Err(TryPopError::Empty));
    permit.push(2);
    assert_eq!(q.try_pop(), Ok(2));
    assert_eq!(q.try_pop(), Ok(3));
}

#[test]
fn an_unused_permit_gives_its_slot_back_on_every_flavor() {
    // Shared consumers: the drop frees the slot at the front at once.
    let q = Queue::<u8>::new(1);
    drop(q.try_reserve().unwrap());
    assert_eq!(q.try_push(1), Ok(()));
    assert_eq!(q.len(), 1);

    // spsc / spmc: the one producer moves its tail back.
    let (mut tx, mut rx) = ringq::spsc::<u8>(1);
    drop(tx.try_reserve().unwrap());
    assert_eq!(rx.try_pop(), Err(TryPopError::Empty));
    assert_eq!(tx.try_push(2), Ok(()));
    assert_eq!(rx.try_pop(), Ok(2));
    let (mut tx, rx) = ringq::spmc::<u8>(1);
    drop(tx.try_reserve().unwrap());
    assert_eq!(tx.try_push(3), Ok(()));
    assert_eq!(rx.try_pop(), Ok(3));

    // mpsc: the one consumer passes the slot when it next looks.
    let (tx, mut rx) = ringq::mpsc::<u8>(1);
    drop(tx.try_reserve().unwrap());
    assert!(tx.try_push(4).unwrap_err().is_full());
    assert_eq!(rx.try_pop(), Err(TryPopError::Empty));
    assert_eq!(tx.try_push(4), Ok(()));
    assert_eq!(rx.try_pop(), Ok(4));
}

#[test]
fn a_slot_given_up_behind_the_front_is_passed_over_in_order() {
    let (tx, rx) = bounded::<u32>(4);
    tx.push(1).unwrap();
    let permit = tx.try_reserve().unwrap();
    tx.push(3).unwrap();
    drop(permit);
    assert_eq!(rx.try_pop(), Ok(1));
    assert_eq!(rx.try_pop(), Ok(3), "the given-up place is skipped");
    assert_eq!(rx.try_pop(), Err(TryPopError::Empty));
    // Every slot is usable again.
    for i in 0..4 {
        tx.try_push(i).unwrap();
    }
    let (tx, mut rx) = ringq::mpsc::<u32>(4);
    tx.push(1).unwrap();
    let permit = tx.try_reserve().unwrap();
    tx.push(3).unwrap();
    drop(permit);
    let mut buf = Vec::new();
    assert_eq!(rx.try_pop_into(&mut buf, 8), Ok(1));
    assert_eq!(rx.try_pop_into(&mut buf, 8), Ok(1));
    assert_eq!(buf, [1, 3]);
    for i in 0..4 {
        tx.try_push(i).unwrap();
    }
}

#[test]
fn a_permit_taken_before_close_still_pushes_and_is_drained() {
    let (tx, rx) = bounded::<u32>(2);
    let permit = tx.reserve().unwrap();
    tx.close();
    assert_eq!(tx.reserve().unwrap_err(), PushError(()));
    assert_eq!(
        rx.try_pop(),
        Err(TryPopError::Empty),
        "a value is still to come"
    );
    thread::scope(|s| {
        let popper = s.spawn(|| (rx.pop(), rx.pop()));
        let_it_park();
        permit.push(7);
        assert_eq!(popper.join().unwrap(), (Ok(7), Err(ringq::PopError)));
    });
}

#[test]
fn a_permit_dropped_after_close_ends_the_drain() {
    for single in [false, true] {
        let (q, rx_closed) = if single {
            let (mut tx, mut rx) = ringq::spsc::<u32>(2);
            let permit = tx.try_reserve().unwrap();
            rx.close();
            drop(permit);
            (rx.try_pop(), rx.pop())
        } else {
            let q = Queue::<u32>::new(2);
            let permit = q.try_reserve().unwrap();
            q.close();
            thread::scope(|s| {
                let popper = s.spawn(|| q.pop());
                let_it_park();
                drop(permit);
                assert!(popper.join().unwrap().is_err());
            });
            (q.try_pop(), q.pop())
        };
        assert_eq!(q, Err(TryPopError::Closed));
        assert!(rx_closed.is_err());
    }
}

#[test]
fn a_blocked_reserve_wakes_for_a_pop_and_a_dropped_permit() {
    let q = Queue::new(1);
    q.push(0).unwrap();
    thread::scope(|s| {
        let r = s.spawn(|| q.reserve().map(|p| p.push(1)));
        let_it_park();
        assert_eq!(q.pop(), Ok(0));
        r.join().unwrap().unwrap();
    });
    assert_eq!(q.pop(), Ok(1));
    let permit = q.reserve().unwrap();
    thread::scope(|s| {
        let pusher = s.spawn(|| q.push(2));
        let_it_park();
        drop(permit);
        pusher.join().unwrap().unwrap();
    });
    assert_eq!(q.pop(), Ok(2));
}

#[test]
fn reserve_timeout_deadline_and_cancellable_give_up_with_nothing_reserved() {
    let q = Queue::<u8>::new(1);
    let held = q.reserve().unwrap();
    assert!(q
        .reserve_timeout(Duration::from_millis(5))
        .unwrap_err()
        .is_timeout());
    assert!(q
        .reserve_deadline(std::time::Instant::now())
        .unwrap_err()
        .is_timeout());
    let token = CancelToken::new();
    thread::scope(|s| {
        let r = s.spawn(|| q.reserve_cancellable(&token).map(drop));
        let_it_park();
        token.cancel();
        assert_eq!(r.join().unwrap(), Err(PushCancelError::Cancelled(())));
    });
    held.push(1);
    assert_eq!(q.len(), 1);
    q.close();
    assert_eq!(
        q.reserve_cancellable(&CancelToken::new()).map(drop),
        Err(PushCancelError::Closed(()))
    );
}

#[test]
fn reserve_async_waits_for_room_and_a_dropped_future_reserves_nothing() {
    let q = Queue::new(1);
    q.push(0).unwrap();
    let mut cx = Context::from_waker(Waker::noop());
    let mut pending = Box::pin(q.reserve_async());
    assert!(pending.as_mut().poll(&mut cx).is_pending());
    drop(pending);
    let mut fut = Box::pin(q.reserve_async());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert_eq!(q.pop(), Ok(0));
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(permit)) => permit.push(1),
        other => panic!("expected a permit, got {other:?}"),
    }
    drop(fut);
    assert_eq!(q.pop(), Ok(1));
    q.close();
    assert!(pollster::block_on(q.reserve_async()).is_err());
}

#[test]
fn force_push_does_not_displace_a_held_place() {
    let q = Queue::new(1);
    let permit = q.try_reserve().unwrap();
    assert_eq!(q.force_push(5), Ok(Some(5)));
    permit.push(1);
    assert_eq!(q.force_push(6), Ok(Some(1)));
    assert_eq!(q.pop(), Ok(6));
}

#[test]
#[should_panic(expected = "rendezvous")]
fn reserve_on_a_rendezvous_queue_panics_with_the_reason() {
    let q = Queue::<u8>::new(0);
    let _ = q.try_reserve();
}

#[test]
fn values_behind_a_given_up_slot_are_dropped_with_the_queue() {
    let ledger = DropLedger::new(2);
    let (tx, rx) = ringq::mpsc(4);
    tx.push(ledger.value(0)).unwrap();
    drop(tx.try_reserve().unwrap()); // skipped, not yet passed
    tx.push(ledger.value(1)).unwrap();
    drop((tx, rx));
    ledger.assert_each_dropped(1);
}

/// Producers mixing plain pushes, permits used and permits dropped, under
/// a close part-way through; consumers pop until closed and drained. Every
/// value that a push or a permit reported in comes out exactly once, each
/// producer's in order.
#[test]
fn stress_permits_mixed_with_pushes_lose_nothing_under_close_and_cancel() {
    const PRODUCERS: usize = 3;
    let per = scaled(20_000, 30);
    let configs: &[(usize, usize)] = if cfg!(miri) {
        &[(1, 1), (4, 2)]
    } else {
        &[(1, 0), (4, 0), (64, 0), (4, 1), (4, 2), (1, 1), (1, 2)]
    };
    for &(cap, flavor) in configs {
        let q: Queue<(usize, usize)> = Queue::new(cap);
        let sent: Vec<AtomicUsize> = (0..PRODUCERS).map(|_| AtomicUsize::new(0)).collect();
        let token = CancelToken::new();
        let popped = thread::scope(|s| {
            let consumers: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        let mut got = Vec::new();
                        while let Ok(v) = q.pop() {
                            got.push(v);
                        }
                        got
                    })
                })
                .collect();
            let producers: Vec<_> = (0..PRODUCERS)
                .map(|p| {
                    let (q, sent, token) = (&q, &sent, &token);
                    s.spawn(move || {
                        for i in 0..per {
                            let ok = match (i + p) % 5 {
                                0 => q.push((p, i)).is_ok(),
                                1 => match q.reserve() {
                                    Ok(permit) => {
                                        permit.push((p, i));
                                        true
                                    }
                                    Err(_) => false,
                                },
                                2 => {
                                    // Reserved and given up: nothing counted.
                                    drop(q.reserve());
                                    continue;
                                }
                                3 if flavor == 1 => match q.reserve_cancellable(token) {
                                    Ok(permit) => {
                                        permit.push((p, i));
                                        true
                                    }
                                    // Nothing reserved, nothing sent.
                                    Err(PushCancelError::Cancelled(())) => continue,
                                    Err(PushCancelError::Closed(())) => false,
                                },
                                _ => match q.try_reserve() {
                                    Ok(permit) => {
                                        permit.push((p, i));
                                        true
                                    }
                                    Err(_) => continue,
                                },
                            };
                            if !ok {
                                return; // closed
                            }
                            sent[p].fetch_add(1, Ordering::Relaxed);
                            if flavor == 1 && p == 0 && i == per / 3 {
                                // Fires under the other producers' blocked
                                // reserves; later ones refuse at once.
                                token.cancel();
                            }
                            if flavor == 2 && p == 0 && i == per / 2 {
                                q.close();
                            }
                        }
                    })
                })
                .collect();
            for p in producers {
                p.join().unwrap();
            }
            q.close();
            consumers
                .into_iter()
                .map(|c| c.join().unwrap())
                .collect::<Vec<_>>()
        });
        let mut counts = [0usize; PRODUCERS];
        for got in &popped {
            let mut seen: HashMap<usize, usize> = HashMap::new();
            for &(p, i) in got {
                if let Some(&prev) = seen.get(&p) {
                    assert!(prev < i, "producer {p}'s values out of order at cap {cap}");
                }
                seen.insert(p, i);
                counts[p] += 1;
            }
        }
        let mut all: Vec<_> = popped.concat();
        all.sort_unstable();
        all.dedup();
        assert_eq!(
            all.len(),
            popped.iter().map(Vec::len).sum::<usize>(),
            "a duplicate"
        );
        for p in 0..PRODUCERS {
            assert_eq!(
                counts[p],
                sent[p].load(Ordering::Relaxed),
                "cap {cap} flavor {flavor}"
            );
        }
        assert_eq!(q.len(), 0);
    }
}

/// The single-owner flavors: producers (several on `mpsc`, one on `spsc`)
/// mixing pushes, used permits and dropped permits into one consumer,
/// which must pass every given-up slot and get every value in order.
#[test]
fn stress_permits_on_the_single_owner_flavors() {
    let per = scaled(20_000, 30);
    for cap in [1, 4, 64] {
        let (tx, mut rx) = ringq::mpsc::<(usize, usize)>(cap);
        let got = thread::scope(|s| {
            for p in 0..3 {
                let tx = tx.clone();
                s.spawn(move || {
                    for i in 0..per {
                        match i % 3 {
                            0 => tx.push((p, i)).unwrap(),
                            1 => tx.reserve().unwrap().push((p, i)),
                            _ => drop(tx.reserve().unwrap()),
                        }
                    }
                });
            }
            drop(tx);
            rx.iter().collect::<Vec<_>>()
        });
        let want: Vec<usize> = (0..per).filter(|i| i % 3 != 2).collect();
        for p in 0..3 {
            let mine: Vec<usize> = got.iter().filter(|v| v.0 == p).map(|v| v.1).collect();
            assert_eq!(mine, want, "mpsc({cap}), producer {p}");
        }

        let (mut tx, mut rx) = ringq::spsc::<usize>(cap);
        let got = thread::scope(|s| {
            s.spawn(move || {
                for i in 0..per {
                    match i % 3 {
                        0 => tx.push(i).unwrap(),
                        1 => tx.reserve().unwrap().push(i),
                        _ => drop(tx.reserve().unwrap()),
                    }
                }
            });
            rx.iter().collect::<Vec<_>>()
        });
        assert_eq!(got, (0..per).filter(|i| i % 3 != 2).collect::<Vec<_>>());
    }
}
