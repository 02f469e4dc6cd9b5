//! `JobHandle` awaited as a future.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use ringq_pool::{JobError, Pool};

#[test]
fn awaiting_a_handle_gives_the_result_once_a_worker_finishes() {
    let pool = Pool::new(1, 4);
    let (go_tx, go) = mpsc::channel::<()>();
    let handle = pool
        .submit(move || {
            go.recv().unwrap();
            7
        })
        .unwrap();
    thread::scope(|s| {
        s.spawn(move || {
            thread::sleep(Duration::from_millis(20)); // the task waits first
            go_tx.send(()).unwrap();
        });
        assert_eq!(pollster::block_on(handle).unwrap(), 7);
    });
}

/// A waker that counts its wake-ups.
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_cancel_wakes_the_awaiting_task_and_a_panic_comes_back() {
    let pool = Pool::new(1, 4);
    let (started_tx, started) = mpsc::channel();
    let (go_tx, go) = mpsc::channel::<()>();
    let busy = pool
        .submit(move || {
            started_tx.send(()).unwrap();
            go.recv().unwrap();
        })
        .unwrap();
    started.recv().unwrap(); // the only worker is busy
    let mut waiting = pool.submit(|| 1).unwrap();
    let count = Arc::new(Count::default());
    let waker = Waker::from(count.clone());
    let mut cx = Context::from_waker(&waker);
    assert!(Pin::new(&mut waiting).poll(&mut cx).is_pending());
    assert!(waiting.cancel());
    assert_eq!(
        count.0.load(Ordering::SeqCst),
        1,
        "the cancel woke the task"
    );
    assert!(matches!(
        Pin::new(&mut waiting).poll(&mut cx),
        Poll::Ready(Err(JobError::Cancelled))
    ));
    let boom = pool.submit(|| -> u8 { panic!("boom") }).unwrap();
    go_tx.send(()).unwrap();
    pollster::block_on(busy).unwrap();
    assert!(matches!(
        pollster::block_on(boom),
        Err(JobError::Panicked(_))
    ));
}
