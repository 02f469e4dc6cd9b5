//! How a pool ends: [`Pool::shutdown`] (drain), [`Pool::shutdown_timeout`]
//! (drain, within a deadline), [`Pool::abort`] (take the queue back), and
//! `Drop`.

use std::error::Error;
use std::fmt;
use std::time::{Duration, Instant};

use crate::job::PendingJob;
use crate::pool::Pool;
use crate::snapshot::{Aborted, Report, Stats};
use crate::unwind::drop_quietly;

impl Pool {
    /// Closes the pool, runs every queued job, joins the workers and says
    /// how the jobs ended.
    ///
    /// Called from one of the pool's own jobs (an `Arc<Pool>` unwrapped
    /// there), it only closes: the workers finish the queue and exit on
    /// their own, and the report counts what had ended so far.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(2, 4);
    /// pool.execute(|| panic!("job failed")).unwrap();
    /// pool.execute(|| ()).unwrap();
    /// let report = pool.shutdown();
    /// assert_eq!((report.completed, report.panicked, report.cancelled), (1, 1, 0));
    /// ```
    pub fn shutdown(mut self) -> Report {
        self.close_and_join();
        self.shared.report()
    }

    /// [`shutdown`](Self::shutdown) with a deadline: closes the pool and
    /// waits at most `timeout` for the accepted jobs to end. If they all
    /// did, joins the workers and returns the [`Report`]. If not, gives up
    /// and returns [`ShutdownTimeout`], which says what was left
    /// ([`stats`](ShutdownTimeout::stats)) and holds the pool, still
    /// closed and still draining: wait again, [`abort`](Self::abort) it to
    /// take the queued jobs back, or [`detach`](ShutdownTimeout::detach)
    /// the workers (for jobs that never finish).
    ///
    /// Called from one of the pool's own jobs it only closes, like
    /// `shutdown`, and returns `Ok`.
    ///
    /// # Errors
    ///
    /// [`ShutdownTimeout`] if some accepted job had not ended by the
    /// deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use std::time::Duration;
    ///
    /// let pool = ringq_pool::Pool::new(1, 4);
    /// let (go_tx, go) = mpsc::channel::<()>();
    /// pool.execute(move || go.recv().unwrap()).unwrap(); // stuck until told
    /// pool.execute(|| ()).unwrap();
    /// let late = pool.shutdown_timeout(Duration::from_millis(10)).unwrap_err();
    /// let left = late.stats();
    /// assert_eq!(left.queued + left.active, 2);
    /// go_tx.send(()).unwrap();
    /// let pool = late.into_pool();
    /// let report = pool.shutdown_timeout(Duration::from_secs(60)).unwrap();
    /// assert_eq!(report.completed, 2);
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Result<Report, ShutdownTimeout> {
        self.shared.close();
        if self.shared.is_worker() {
            self.join(); // only lets the workers go: see `join`
            return Ok(self.shared.report());
        }
        // A timeout too large for `Instant`: no deadline.
        if self
            .shared
            .wait_idle_until(Instant::now().checked_add(timeout))
        {
            // Nothing left and the queue closed: the workers are leaving.
            self.join();
            Ok(self.shared.report())
        } else {
            Err(ShutdownTimeout {
                stats: self.stats(),
                pool: self,
            })
        }
    }

    /// Closes the pool, cancels its [`token`](Self::token), takes back every
    /// job that has not started, joins the workers and returns the jobs.
    ///
    /// Jobs already running finish (they can watch the token to stop
    /// early). Every job a worker takes from the queue after the abort
    /// began is handed back instead of run. What does not hold: "no job
    /// starts after the token is cancelled". A worker that took a job just
    /// before the abort began may start it just after the token fires,
    /// because taking a job and starting it are two steps the abort cannot
    /// stop in between. A job that must not run once the pool is aborting
    /// checks the token first (`if token.is_cancelled() { return; }`): it
    /// then either started before the cancel or sees it. Every job taken
    /// back counts as cancelled; run the ones you want with
    /// [`PendingJob::run`].
    ///
    /// Called from one of the pool's own jobs (the pool moved into it), it
    /// cannot wait for the other workers: a job one of them takes back
    /// after `abort` returns is dropped unrun (its handle, if any, resolves
    /// as cancelled) and is missing from this report.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = ringq_pool::Pool::new(1, 16);
    /// let token = pool.token().clone();
    /// // A long job that stops when the pool is aborted.
    /// pool.execute(move || while !token.is_cancelled() { std::thread::yield_now() }).unwrap();
    /// for _ in 0..5 {
    ///     pool.execute(|| ()).unwrap();
    /// }
    /// let aborted = pool.abort();
    /// let r = aborted.report;
    /// assert_eq!(r.completed + r.cancelled, 6);
    /// assert_eq!(aborted.pending.len(), r.cancelled);
    /// ```
    pub fn abort(mut self) -> Aborted {
        let shared = self.shared.clone();
        let mut jobs = shared.start_abort();
        self.join();
        shared.end_abort(&mut jobs);
        let mut pending = Vec::with_capacity(jobs.len());
        for job in jobs {
            if job.is_cancelled() {
                // The caller's closure, which may panic on drop: `abort`
                // must still return every other job and the report.
                drop_quietly(job);
            } else {
                pending.push(PendingJob(job));
            }
        }
        Aborted {
            pending,
            report: shared.report(),
        }
    }

    fn close_and_join(&mut self) {
        self.shared.close();
        self.join();
    }

    /// Joins the workers (retired ones too), unless we are one of them
    /// (then they finish on their own; joining would wait for ourselves).
    /// No worker starts after this.
    fn join(&mut self) {
        self.finished = true;
        let inside = self.shared.is_worker();
        let workers = self.shared.roster().close();
        if inside {
            return;
        }
        for w in workers {
            // A worker catches every job's panic, so it only ends by
            // returning; a join error would be a bug in the pool.
            w.join().expect("ringq_pool worker thread panicked");
        }
    }
}

/// What [`Pool::shutdown_timeout`] returns when the deadline passed first:
/// a snapshot of what was left, and the pool (closed, its workers still
/// draining the queue).
///
/// Dropping it drops the pool, which waits for the rest like
/// [`Pool::shutdown`]; [`detach`](Self::detach) does not wait.
///
/// # Examples
///
/// See [`Pool::shutdown_timeout`].
pub struct ShutdownTimeout {
    stats: Stats,
    pool: Pool,
}

impl ShutdownTimeout {
    /// The pool's counters when the deadline passed: `queued` and `active`
    /// are what was left.
    ///
    /// # Examples
    ///
    /// See [`Pool::shutdown_timeout`].
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The pool, to wait again, [`abort`](Pool::abort) it or read its
    /// [`stats`](Pool::stats) now.
    ///
    /// # Examples
    ///
    /// See [`Pool::shutdown_timeout`].
    pub fn into_pool(self) -> Pool {
        self.pool
    }

    /// Lets the workers go without waiting for them: they finish the jobs
    /// left (each runs; a job that never returns keeps its thread) and
    /// exit on their own, and their `on_thread_stop` hooks still run.
    /// Returns the report of the jobs that had ended by now.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use std::time::Duration;
    ///
    /// let (stopped_tx, stopped) = mpsc::channel();
    /// let pool = ringq_pool::Pool::builder()
    ///     .workers(1)
    ///     .on_thread_stop(move |_| stopped_tx.send(()).unwrap())
    ///     .build()
    ///     .unwrap();
    /// let (go_tx, go) = mpsc::channel::<()>();
    /// pool.execute(move || go.recv().unwrap()).unwrap(); // ends only when told
    /// let late = pool.shutdown_timeout(Duration::from_millis(5)).unwrap_err();
    /// let report = late.detach(); // returns at once
    /// assert_eq!(report.completed, 0); // the job still runs, detached
    /// go_tx.send(()).unwrap();
    /// stopped.recv().unwrap(); // the worker finished and left on its own
    /// ```
    pub fn detach(mut self) -> Report {
        // Dropping the handles detaches the threads; marked finished,
        // `Drop for Pool` does not wait.
        drop(self.pool.shared.roster().close());
        self.pool.finished = true;
        self.pool.shared.report()
    }
}

impl fmt::Debug for ShutdownTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShutdownTimeout")
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ShutdownTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the pool did not finish in time: {} jobs queued, {} running",
            self.stats.queued, self.stats.active
        )
    }
}

impl Error for ShutdownTimeout {}

impl Drop for Pool {
    /// Shuts the pool down and runs every queued job ([`Pool::shutdown`]).
    /// From inside one of its own jobs it only closes the pool.
    fn drop(&mut self) {
        if !self.finished {
            self.close_and_join();
        }
    }
}
