//! An async producer on tokio feeding a blocking ringq-pool; the results
//! come back to async code; a cancellation token stops it all cleanly.
//!
//! ```text
//! cargo run -p ringq-pool --example async_feed
//! ```
//!
//! * The producer task awaits `push_async` (backpressure without blocking
//!   a runtime thread) and stops when the token fires: the value it was
//!   pushing comes back from `PushFuture::cancel`, never lost.
//! * Two pool jobs pop with blocking calls and push results; their
//!   `JobHandle`s are awaited like `spawn_blocking` handles.
//! * The consumer task awaits `pop_async` until the results queue closes
//!   (the last producer handle dropped) and is drained.

// (Under `--cfg loom` or `shuttle` tokio is not a dependency: an empty main.)
#[cfg(any(loom, shuttle))]
fn main() {}

#[cfg(not(any(loom, shuttle)))]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    use ringq::{bounded, CancelToken};
    use ringq_pool::Pool;

    let stop = CancelToken::new();
    let (jobs_tx, jobs_rx) = bounded::<u64>(8);
    let (results_tx, results_rx) = bounded::<u64>(8);
    let pool = Pool::new(2, 4);

    // The blocking side: two pool jobs square what arrives until the jobs
    // queue closes and drains.
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (jobs, results) = (jobs_rx.clone(), results_tx.clone());
            pool.submit(move || {
                let mut done = 0u64;
                for n in jobs.iter() {
                    if results.push(n * n).is_err() {
                        break; // nobody reads results any more
                    }
                    done += 1;
                }
                done
            })
            .expect("the pool is open")
        })
        .collect();
    drop((jobs_rx, results_tx));

    // The async producer: counts up until the token fires.
    let producer = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut next = 0u64;
            loop {
                let mut push = jobs_tx.push_async(next);
                tokio::select! {
                    pushed = &mut push => {
                        pushed.expect("the workers are running");
                        next += 1;
                    }
                    () = stop.cancelled() => {
                        // The push lost the race: its value comes back.
                        if let Some(unsent) = push.cancel() {
                            println!("stopped; {unsent} was never sent");
                        }
                        return next; // drops `jobs_tx`: the queue closes
                    }
                }
            }
        })
    };

    // The async consumer: stops the producer after 1,000 results, then
    // keeps receiving until every result already in flight has arrived.
    let mut received = 0u64;
    let mut sum = 0u64;
    while let Ok(square) = results_rx.pop_async().await {
        received += 1;
        sum = sum.wrapping_add(square);
        if received == 1_000 {
            stop.cancel();
        }
    }
    let sent = producer.await.expect("the producer did not panic");
    let mut done = 0;
    for worker in workers {
        done += worker.await.expect("a worker did not panic");
    }
    assert_eq!(sent, received, "every value sent was squared and received");
    assert_eq!(done, received);
    println!("sent {sent}, squared {done}, received {received} (sum of squares {sum})");
}
