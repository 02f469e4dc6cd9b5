//! Pipelines: Go's generate → square → filter, with fan-out and fan-in,
//! over ringq queues.
//!
//! Each stage owns its threads and reads from the queue the stage before it
//! writes. A stage's workers exit when their input is closed and drained;
//! the last one out drops the last [`Producer`] of the next queue, which
//! closes it, so the end of the input flows down the pipeline by itself.
//! Memory is bounded by the queue capacities: a full queue blocks the stage
//! that feeds it, and so on back to the source, which pulls its iterator no
//! faster than the stages consume.
//!
//! One [`CancelToken`] covers the whole pipeline. The first stage that
//! returns an error or panics records it and cancels the token; every
//! blocked push and pop in every stage then returns, and [`Pipeline::wait`]
//! reports that first error.
//!
//! Each stage also has a stop token of its own, a child of the pipeline's,
//! which its output queue cancels when it closes
//! ([`Producer::cancel_on_close`]). Every blocking call of the stage (pop,
//! push, waiting for a window permit) watches it. So when a reader drops its
//! output early, the stage that feeds it stops at once, even one that is
//! blocked on its own input or that filters everything out and never
//! pushes; its threads exit and drop their end of the input, which closes
//! the queue before it and stops that stage the same way, up to the
//! source. [`Pipeline::wait`] then returns `Ok(())` unless a stage failed:
//! the reader chose to stop.
//!
//! # Examples
//!
//! ```
//! use ringq_pool::pipeline::Pipeline;
//!
//! let mut p = Pipeline::<String>::new();
//! let numbers = p.source(1..=10u64, 4);
//! let squares = p.stage(numbers, 2, 4, |n| Ok(Some(n * n)));
//! let even = p.stage(squares, 1, 4, |n| Ok((n % 2 == 0).then_some(n)));
//! let mut out: Vec<u64> = even.into_iter().collect();
//! p.wait().unwrap();
//! out.sort();
//! assert_eq!(out, [4, 16, 36, 64, 100]);
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use ringq::{bounded, CancelToken, Consumer, Producer};

use crate::error::PipelineError;
use crate::panic::Panic;
use crate::semaphore::{Permit, Semaphore};
use crate::sync::{lock, thread, Arc, Mutex};

/// A running pipeline: its threads, its token and its first error.
///
/// Build it stage by stage; each method starts its threads at once and
/// returns the [`Consumer`] of its output queue, which the next stage (or
/// the caller) reads. Read the final output to its end (or drop it), then
/// call [`wait`](Self::wait). Dropping a pipeline cancels it and joins its
/// threads.
pub struct Pipeline<E> {
    ctx: Ctx<E>,
    threads: Vec<thread::JoinHandle<()>>,
}

/// What every thread of one stage shares: the pipeline's token and first
/// error, and the stage's own stop token.
struct Ctx<E> {
    /// The pipeline's token: cancelled by `cancel`, a failure, or the
    /// parent token.
    token: CancelToken,
    /// This stage's: a child of `token`, also cancelled when the stage's
    /// output closes. Every blocking call of the stage watches it.
    stop: CancelToken,
    first: Arc<Mutex<Option<PipelineError<E>>>>,
}

impl<E> Clone for Ctx<E> {
    fn clone(&self) -> Self {
        Ctx {
            token: self.token.clone(),
            stop: self.stop.clone(),
            first: self.first.clone(),
        }
    }
}

impl<E> Ctx<E> {
    /// The context of a new stage writing to `out`: its stop token fires
    /// when the pipeline stops or when `out` closes (its reader is gone, or
    /// the stage itself finished, when the stop no longer matters).
    fn stage<U>(&self, out: &Producer<U>) -> Ctx<E> {
        let stop = self.token.child();
        out.cancel_on_close(&stop);
        Ctx {
            token: self.token.clone(),
            stop,
            first: self.first.clone(),
        }
    }

    /// Records `e` if it is the first failure, and stops every stage.
    fn fail(&self, e: PipelineError<E>) {
        lock(&self.first).get_or_insert(e);
        self.token.cancel();
    }

    /// Runs user code: its error or panic fails the pipeline.
    fn call<R>(&self, f: impl FnOnce() -> Result<R, E>) -> Option<R> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(r)) => Some(r),
            Ok(Err(e)) => {
                self.fail(PipelineError::Failed(e));
                None
            }
            Err(payload) => {
                self.fail(PipelineError::Panicked(Panic::new(payload)));
                None
            }
        }
    }

    /// Pushes unless the stage stops or the reader is gone; `false` means
    /// stop.
    fn push<T>(&self, out: &Producer<T>, value: T) -> bool {
        out.push_cancellable(value, &self.stop).is_ok()
    }

    /// Pops until the input is closed and drained or the stage stops.
    fn pop<T>(&self, input: &Consumer<T>) -> Option<T> {
        input.pop_cancellable(&self.stop).ok()
    }
}

fn assert_workers(workers: usize) {
    assert!(workers > 0, "a pipeline stage needs at least one worker");
}

impl<E: Send + 'static> Pipeline<E> {
    /// An empty pipeline with its own token.
    ///
    /// # Examples
    ///
    /// See the [module docs](self).
    pub fn new() -> Pipeline<E> {
        Pipeline::with_token(&CancelToken::new())
    }

    /// An empty pipeline whose token is a child of `parent`: cancelling the
    /// parent stops the pipeline.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{pipeline::Pipeline, CancelToken, PipelineError};
    ///
    /// let parent = CancelToken::new();
    /// let mut p = Pipeline::<()>::with_token(&parent);
    /// let endless = p.source(0u64.., 4);
    /// parent.cancel();
    /// drop(endless);
    /// assert!(matches!(p.wait(), Err(PipelineError::Cancelled)));
    /// ```
    pub fn with_token(parent: &CancelToken) -> Pipeline<E> {
        let token = parent.child();
        Pipeline {
            ctx: Ctx {
                // Stages get their own stop token (`Ctx::stage`); the
                // pipeline's is its main token.
                stop: token.clone(),
                token,
                first: Arc::new(Mutex::new(None)),
            },
            threads: Vec::new(),
        }
    }

    /// The pipeline's token: cancelled by the first failure or by
    /// [`cancel`](Self::cancel).
    ///
    /// # Examples
    ///
    /// ```
    /// let p = ringq_pool::pipeline::Pipeline::<()>::new();
    /// assert!(!p.token().is_cancelled());
    /// ```
    pub fn token(&self) -> &CancelToken {
        &self.ctx.token
    }

    /// Stops every stage; [`wait`](Self::wait) then reports
    /// [`PipelineError::Cancelled`] unless a stage had already failed.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut p = ringq_pool::pipeline::Pipeline::<()>::new();
    /// let out = p.source(0u64.., 2);
    /// p.cancel();
    /// // What was queued (2), plus at most the one push the cancel raced with.
    /// assert!(out.into_iter().count() <= 3);
    /// assert!(p.wait().is_err());
    /// ```
    pub fn cancel(&self) {
        self.ctx.token.cancel();
    }

    fn spawn(&mut self, name: &str, body: impl FnOnce() + Send + 'static) {
        let handle = thread::Builder::new()
            .name(format!("pipeline-{name}"))
            .spawn(body)
            .unwrap_or_else(|e| panic!("pipeline: cannot spawn a stage thread: {e}"));
        self.threads.push(handle);
    }

    /// `workers` threads that pop `input` until it is closed and drained or
    /// the stage stops, handing each value to `step`, which returns `false`
    /// to stop this thread. `step` owns the stage's output `Producer`: the
    /// last thread to finish drops it, which closes the output.
    fn workers<T, S>(
        &mut self,
        name: &str,
        workers: usize,
        input: Consumer<T>,
        ctx: Ctx<E>,
        step: S,
    ) where
        T: Send + 'static,
        S: Fn(&Ctx<E>, T) -> bool + Send + Sync + 'static,
    {
        assert_workers(workers);
        let step = Arc::new(step);
        for i in 0..workers {
            let (ctx, input, step) = (ctx.clone(), input.clone(), step.clone());
            self.spawn(&format!("{name}-{i}"), move || {
                while let Some(value) = ctx.pop(&input) {
                    if !step(&ctx, value) {
                        break;
                    }
                }
            });
        }
    }

    /// A source stage: one thread pulls `items` and pushes them into a
    /// queue of `capacity`. It pulls only when there is room, so an endless
    /// iterator is fine.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0 or too large (as [`ringq::bounded`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut p = ringq_pool::pipeline::Pipeline::<()>::new();
    /// let out = p.source(vec!["a", "b"], 1);
    /// assert_eq!(out.into_iter().collect::<Vec<_>>(), ["a", "b"]);
    /// p.wait().unwrap();
    /// ```
    pub fn source<I>(&mut self, items: I, capacity: usize) -> Consumer<I::Item>
    where
        I: IntoIterator + Send + 'static,
        I::IntoIter: Send,
        I::Item: Send + 'static,
    {
        let (tx, rx) = stage_queue(capacity);
        let ctx = self.ctx.stage(&tx);
        self.spawn("source", move || {
            let mut items = items.into_iter();
            // Check the stop token before pulling, so a stopped source
            // takes nothing more from the iterator.
            while !ctx.stop.is_cancelled() {
                let Some(Some(item)) = ctx.call(|| Ok(items.next())) else {
                    break;
                };
                if !ctx.push(&tx, item) {
                    break;
                }
            }
        });
        rx
    }

    /// A stage of `workers` threads applying `f` to each input value and
    /// pushing what it returns into a queue of `capacity`: `Ok(Some(u))`
    /// passes `u` on, `Ok(None)` filters the value out, `Err(e)` fails the
    /// pipeline. Output order is not input order (see
    /// [`map_ordered`](Self::map_ordered)).
    ///
    /// # Panics
    ///
    /// If `workers` is 0, or `capacity` is 0 or too large.
    ///
    /// # Examples
    ///
    /// See the [module docs](self).
    pub fn stage<T, U, F>(
        &mut self,
        input: Consumer<T>,
        workers: usize,
        capacity: usize,
        f: F,
    ) -> Consumer<U>
    where
        T: Send + 'static,
        U: Send + 'static,
        F: Fn(T) -> Result<Option<U>, E> + Send + Sync + 'static,
    {
        assert_workers(workers);
        let (tx, rx) = stage_queue(capacity);
        let ctx = self.ctx.stage(&tx);
        self.workers("stage", workers, input, ctx, move |ctx, value| {
            match ctx.call(|| f(value)) {
                Some(Some(out)) => ctx.push(&tx, out),
                Some(None) => true,
                None => false,
            }
        });
        rx
    }

    /// A parallel map that keeps no order, with at most `window` values
    /// taken from `input` and not yet in the output queue (which holds
    /// `window` more): a value takes a permit before it leaves `input` and
    /// gives it back once its result is in the output.
    ///
    /// # Panics
    ///
    /// If `workers` or `window` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut p = ringq_pool::pipeline::Pipeline::<()>::new();
    /// let xs = p.source(0..100u32, 8);
    /// let ys = p.map_unordered(xs, 4, 8, |x| Ok(x + 1));
    /// assert_eq!(ys.into_iter().map(u64::from).sum::<u64>(), 5050);
    /// p.wait().unwrap();
    /// ```
    pub fn map_unordered<T, U, F>(
        &mut self,
        input: Consumer<T>,
        workers: usize,
        window: usize,
        f: F,
    ) -> Consumer<U>
    where
        T: Send + 'static,
        U: Send + 'static,
        F: Fn(T) -> Result<U, E> + Send + Sync + 'static,
    {
        assert_workers(workers);
        let permits = Semaphore::new(window);
        // Never full: every value in it holds one of the `window` permits.
        let (gated_tx, gated_rx) = stage_queue::<(T, Permit)>(window);
        let gate = self.ctx.stage(&gated_tx);
        self.spawn("unordered-gate", move || {
            while let Some(permit) = permits.acquire_cancellable(&gate.stop) {
                let Some(value) = gate.pop(&input) else {
                    break;
                };
                if !gate.push(&gated_tx, (value, permit)) {
                    break;
                }
            }
        });
        let (tx, rx) = stage_queue(window);
        let ctx = self.ctx.stage(&tx);
        self.workers(
            "unordered",
            workers,
            gated_rx,
            ctx,
            move |ctx, (value, permit)| {
                let pushed = match ctx.call(|| f(value)) {
                    Some(out) => ctx.push(&tx, out),
                    None => false,
                };
                // Only now: the result is in the output (or will never be).
                drop(permit);
                pushed
            },
        );
        rx
    }

    /// A parallel map that keeps input order, with at most `window` values
    /// in flight between `input` and the output; out-of-order results wait
    /// in a reorder buffer that the window bounds too.
    ///
    /// # Panics
    ///
    /// If `workers` or `window` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut p = ringq_pool::pipeline::Pipeline::<()>::new();
    /// let xs = p.source(0..50u64, 4);
    /// let ys = p.map_ordered(xs, 4, 8, |x| {
    ///     std::thread::sleep(std::time::Duration::from_micros(50 * (x % 3)));
    ///     Ok(x * 10)
    /// });
    /// assert_eq!(ys.into_iter().collect::<Vec<_>>(), (0..50).map(|x| x * 10).collect::<Vec<_>>());
    /// p.wait().unwrap();
    /// ```
    pub fn map_ordered<T, U, F>(
        &mut self,
        input: Consumer<T>,
        workers: usize,
        window: usize,
        f: F,
    ) -> Consumer<U>
    where
        T: Send + 'static,
        U: Send + 'static,
        F: Fn(T) -> Result<U, E> + Send + Sync + 'static,
    {
        assert_workers(workers);
        let permits = Semaphore::new(window);
        let (work_tx, work_rx) = bounded::<(u64, T, Permit)>(window);
        let (done_tx, done_rx) = bounded::<(u64, U, Permit)>(window);
        let (out_tx, out_rx) = bounded::<U>(window);

        let dispatch = self.ctx.stage(&work_tx);
        self.spawn("order-dispatch", move || {
            let mut seq = 0u64;
            while let Some(permit) = permits.acquire_cancellable(&dispatch.stop) {
                let Some(value) = dispatch.pop(&input) else {
                    break;
                };
                if !dispatch.push(&work_tx, (seq, value, permit)) {
                    break;
                }
                seq += 1;
            }
        });
        let ctx = self.ctx.stage(&done_tx);
        self.workers(
            "order",
            workers,
            work_rx,
            ctx,
            move |ctx, (seq, value, permit)| match ctx.call(|| f(value)) {
                Some(out) => ctx.push(&done_tx, (seq, out, permit)),
                None => false,
            },
        );
        let merge = self.ctx.stage(&out_tx);
        self.spawn("order-merge", move || {
            // At most `window` entries: each holds one of the permits.
            let mut waiting = BTreeMap::new();
            let mut next = 0u64;
            while let Some((seq, out, permit)) = merge.pop(&done_rx) {
                waiting.insert(seq, (out, permit));
                while let Some((out, permit)) = waiting.remove(&next) {
                    if !merge.push(&out_tx, out) {
                        return;
                    }
                    drop(permit);
                    next += 1;
                }
            }
        });
        out_rx
    }

    /// Merges several queues into one of `capacity` (one forwarding thread
    /// per input). The output closes when every input has closed and
    /// drained.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0 or too large.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut p = ringq_pool::pipeline::Pipeline::<()>::new();
    /// let a = p.source(0..10u32, 2);
    /// let b = p.source(10..20u32, 2);
    /// let all = p.fan_in(vec![a, b], 4);
    /// assert_eq!(all.into_iter().sum::<u32>(), (0..20).sum());
    /// p.wait().unwrap();
    /// ```
    pub fn fan_in<T: Send + 'static>(
        &mut self,
        inputs: Vec<Consumer<T>>,
        capacity: usize,
    ) -> Consumer<T> {
        let (tx, rx) = stage_queue(capacity);
        let ctx = self.ctx.stage(&tx);
        for (i, input) in inputs.into_iter().enumerate() {
            let (ctx, tx) = (ctx.clone(), tx.clone());
            self.spawn(&format!("fan-in-{i}"), move || {
                while let Some(value) = ctx.pop(&input) {
                    if !ctx.push(&tx, value) {
                        break;
                    }
                }
            });
        }
        rx
    }

    /// Joins every stage and returns the first failure.
    ///
    /// Read the final output to its end, or drop it, before calling this:
    /// stages blocked on a full output queue that nobody reads would wait
    /// forever (or until the token is cancelled). Dropping the output stops
    /// every stage (see the [module docs](self)); that alone is no error.
    ///
    /// # Errors
    ///
    /// The first [`PipelineError::Failed`] or [`PipelineError::Panicked`];
    /// [`PipelineError::Cancelled`] if the token was cancelled from outside
    /// and no stage failed.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq_pool::{pipeline::Pipeline, PipelineError};
    ///
    /// let mut p = Pipeline::<String>::new();
    /// let xs = p.source(0..1_000_000u64, 16);
    /// let ys = p.stage(xs, 2, 16, |x| if x == 500 { Err(format!("bad {x}")) } else { Ok(Some(x)) });
    /// let seen = ys.into_iter().count();
    /// assert!(seen < 1_000_000);
    /// match p.wait() {
    ///     Err(PipelineError::Failed(e)) => assert_eq!(e, "bad 500"),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn wait(mut self) -> Result<(), PipelineError<E>> {
        self.join();
        if let Some(e) = lock(&self.ctx.first).take() {
            return Err(e);
        }
        if self.ctx.token.is_cancelled() {
            return Err(PipelineError::Cancelled);
        }
        Ok(())
    }

    fn join(&mut self) {
        for t in self.threads.drain(..) {
            // Stage threads catch their closures' panics; a join error
            // would be a bug here.
            t.join().expect("pipeline stage thread panicked");
        }
    }
}

impl<E: Send + 'static> Default for Pipeline<E> {
    fn default() -> Self {
        Pipeline::new()
    }
}

impl<E> Drop for Pipeline<E> {
    /// Cancels the pipeline and joins its threads.
    fn drop(&mut self) {
        if self.threads.is_empty() {
            return;
        }
        self.ctx.token.cancel();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl<E> fmt::Debug for Pipeline<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipeline")
            .field("threads", &self.threads.len())
            .field("cancelled", &self.ctx.token.is_cancelled())
            .finish()
    }
}

/// A stage's output queue. Capacity 0 would make a rendezvous queue, which
/// the stages do not support yet (the window of `map_unordered` counts
/// values in its queue), so it stays the error it was.
#[track_caller]
fn stage_queue<T>(capacity: usize) -> (Producer<T>, Consumer<T>) {
    assert!(
        capacity > 0,
        "ringq_pool::pipeline: queue capacity must be at least 1"
    );
    bounded(capacity)
}
