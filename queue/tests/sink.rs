//! `Producer` as a `futures::Sink` (feature `sink`): `SinkExt::send_all`
//! and `StreamExt::forward` on tokio, the reservation `poll_ready` holds,
//! and `poll_close` closing only as the last producer. (Not built under
//! loom or shuttle, whose `--cfg` tokio reads as its own.)
#![cfg(feature = "std")]
#![cfg(all(feature = "sink", feature = "stream", not(any(loom, shuttle))))]
#![cfg(not(miri))]

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use futures_sink::Sink;
use futures_util::{stream, SinkExt, StreamExt};
use ringq::{PushError, TryPopError};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

#[test]
fn send_all_and_forward_move_every_value_in_order_through_a_small_queue() {
    const N: u64 = 10_000;
    runtime().block_on(async {
        let (mut tx, rx) = ringq::bounded::<u64>(4);
        let (out_tx, mut out_rx) = ringq::bounded::<u64>(2);
        // Stage 2: a ringq stream forwarded into a ringq sink.
        let stage = tokio::spawn(async move { rx.map(Ok).forward(out_tx).await });
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(v) = out_rx.next().await {
                got.push(v);
            }
            got
        });
        let mut values = stream::iter((0..N).map(Ok::<u64, PushError<()>>));
        tx.send_all(&mut values).await.unwrap();
        SinkExt::close(&mut tx).await.unwrap(); // the last producer: closes
        stage.await.unwrap().unwrap(); // forward closed `out_tx` at the end
        assert_eq!(reader.await.unwrap(), (0..N).collect::<Vec<_>>());
    });
}

#[test]
fn poll_ready_holds_the_room_and_poll_close_gives_it_back() {
    let (mut tx, rx) = ringq::bounded::<u32>(1);
    let tx2 = tx.clone();
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(Pin::new(&mut tx).poll_ready(&mut cx), Poll::Ready(Ok(())));
    assert!(
        tx2.try_push(9).unwrap_err().is_full(),
        "poll_ready reserved the slot"
    );
    // Ready again without a send: still the one reservation.
    assert_eq!(Pin::new(&mut tx).poll_ready(&mut cx), Poll::Ready(Ok(())));
    // Close with other producers left: the reservation comes back, the
    // queue stays open.
    assert_eq!(Pin::new(&mut tx).poll_close(&mut cx), Poll::Ready(Ok(())));
    assert!(!rx.is_closed());
    assert_eq!(tx2.try_push(1), Ok(()));
    assert_eq!(rx.try_pop(), Ok(1));
    // A pending poll_ready is woken by a pop.
    tx2.try_push(2).unwrap();
    assert!(Pin::new(&mut tx).poll_ready(&mut cx).is_pending());
    assert_eq!(rx.try_pop(), Ok(2));
    assert_eq!(Pin::new(&mut tx).poll_ready(&mut cx), Poll::Ready(Ok(())));
    Pin::new(&mut tx).start_send(3).unwrap();
    assert_eq!(rx.try_pop(), Ok(3));
    // A dropped producer gives an unsent reservation back.
    assert_eq!(Pin::new(&mut tx).poll_ready(&mut cx), Poll::Ready(Ok(())));
    drop(tx);
    assert_eq!(rx.try_pop(), Err(TryPopError::Empty));
    assert_eq!(tx2.try_push(4), Ok(()));
    // Closed: poll_ready reports it.
    let mut tx2 = tx2;
    rx.close();
    assert_eq!(
        Pin::new(&mut tx2).poll_ready(&mut cx),
        Poll::Ready(Err(PushError(())))
    );
}

#[test]
fn the_owned_flavors_are_sinks_too() {
    runtime().block_on(async {
        let (mut tx, mut rx) = ringq::spsc::<u32>(2);
        let reader = tokio::spawn(async move { (&mut rx).collect::<Vec<_>>().await });
        for i in 0..100 {
            tx.send(i).await.unwrap();
        }
        SinkExt::close(&mut tx).await.unwrap();
        assert_eq!(reader.await.unwrap(), (0..100).collect::<Vec<_>>());
    });
}

/// The README's `Sink` example, as it is written there.
#[test]
fn the_readme_sink_example() {
    runtime().block_on(async {
        let (mut tx, rx) = ringq::bounded::<u32>(8);
        let (out, mut results) = ringq::bounded::<u32>(8);
        tokio::spawn(rx.map(Ok).forward(out));
        tx.send_all(&mut futures_util::stream::iter((0..3).map(Ok)))
            .await
            .unwrap();
        SinkExt::close(&mut tx).await.unwrap();
        assert_eq!((&mut results).collect::<Vec<_>>().await, [0, 1, 2]);
    });
}
