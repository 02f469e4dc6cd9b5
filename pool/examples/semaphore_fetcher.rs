//! A fetcher that runs many requests on a large pool but lets at most 2
//! talk to the (pretend) server at once, with a timeout on the wait.
//!
//! `cargo run --release -p ringq-pool --example semaphore_fetcher`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ringq_pool::{Pool, Semaphore};

fn main() {
    let pool = Pool::new(8, 64);
    let server = Semaphore::new(2);
    let (now, max) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let handles: Vec<_> = (0..16)
        .map(|url| {
            let (server, now, max) = (server.clone(), now.clone(), max.clone());
            pool.submit(move || {
                let Some(_permit) = server.acquire_timeout(Duration::from_secs(5)) else {
                    return Err(format!("url {url}: server busy"));
                };
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(n, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(2)); // the "request"
                now.fetch_sub(1, Ordering::SeqCst);
                Ok(url * 10)
            })
            .expect("the pool is open")
        })
        .collect();
    let ok = handles
        .into_iter()
        .map(|h| h.join().expect("no panic"))
        .filter(Result::is_ok)
        .count();
    println!(
        "{ok}/16 fetched, at most {} at once",
        max.load(Ordering::SeqCst)
    );
    assert!(max.load(Ordering::SeqCst) <= 2);
}
