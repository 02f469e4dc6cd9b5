//! A bounded, multi-producer multi-consumer ring-buffer queue that takes no
//! lock on its fast path, with parking, Go-style close/drain, timeouts and
//! cancellation.
//!
//! * [`Queue`]: the shared ring. `try_push`/`try_pop`/`force_push` never block
//!   and never allocate; `push`/`pop` spin briefly, then park, as the
//!   queue's [`WaitPolicy`] says.
//! * [`bounded`]: [`Producer`]/[`Consumer`] handles over one queue; dropping
//!   the last handle of either side closes it.
//! * Close works like Go's `close` + `range`: after [`Queue::close`] pushes
//!   fail and hand their value back, pops drain what is queued and then report
//!   closed.
//! * Timeouts (`*_timeout`, `*_deadline`) and [`CancelToken`]s end a blocked
//!   call without losing or duplicating a value: a push that reports failure
//!   did not enqueue, a pop that reports failure took nothing.
//! * Batches: [`Queue::push_from`] pushes from the front of a `VecDeque`
//!   and [`Queue::pop_into`] appends up to `max` values to a `Vec`, claiming
//!   a run of ready slots with one update of the tail or head and waking
//!   blocked threads once per batch; what a batch push could not push stays
//!   in the caller's `VecDeque`.
//! * Two-phase push: [`Queue::reserve`] (and `try_reserve`, timed,
//!   cancellable and async forms, on the producers too) returns a
//!   [`Permit`] whose [`push`](Permit::push) never fails or blocks; an
//!   unused permit gives its slot back when dropped. With the `sink`
//!   feature (on by default) a [`Producer`] is a `futures_sink::Sink`
//!   whose `poll_ready` reserves the room `start_send` fills.
//! * Capacity 0 is a rendezvous (Go's unbuffered `make(chan T)`): a push
//!   completes only when a popper takes its value ([`Queue::new`]).
//! * [`select!`] completes exactly one of several pops and pushes over
//!   queues of different item types, with `cancel` and `default` arms (Go's
//!   `select`); [`Select`] is its readiness-only building block.
//! * Async: [`Queue::push_async`] and [`Queue::pop_async`] (and the
//!   handles') return futures that wait in the same waiter lists as parked
//!   threads, so blocking and async callers share one queue, on any
//!   executor. Dropping a future cancels it exactly ([`PushFuture::cancel`]
//!   takes the value back); [`Consumer`] is a `futures_core::Stream`
//!   (feature `stream`, on by default); [`CancelToken::cancelled`] is a
//!   future.
//!
//! # Examples
//!
//! ```
//! use ringq::{bounded, CancelToken, PopCancelError};
//! use std::thread;
//!
//! let (tx, rx) = bounded::<u64>(64);
//! let workers: Vec<_> = (0..2)
//!     .map(|_| {
//!         let rx = rx.clone();
//!         thread::spawn(move || rx.iter().map(|v| v * v).sum::<u64>())
//!     })
//!     .collect();
//! drop(rx);
//! for i in 0..1000 {
//!     tx.push(i).unwrap();
//! }
//! drop(tx); // closes: the workers drain and stop
//! let total: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
//! assert_eq!(total, (0..1000u64).map(|v| v * v).sum());
//!
//! // Cancellation: a blocked pop returns when its token fires.
//! let (_tx, rx) = bounded::<u8>(1);
//! let token = CancelToken::new();
//! token.cancel();
//! assert_eq!(rx.pop_cancellable(&token), Err(PopCancelError::Cancelled));
//! ```
//!
//! # Progress
//!
//! The fast path takes no lock and never allocates, but the queue is not
//! lock-free in the strict sense, like every ring of this design (Vyukov's,
//! crossbeam's `ArrayQueue`): a push claims a slot with one CAS and then
//! publishes the value with a store to the slot's stamp. A producer stalled
//! between the two (preempted by the OS) makes the consumer that reaches
//! that slot wait until it resumes; consumers at other slots are not held
//! up, and the other producers go on claiming slots. The same holds for a
//! consumer stalled between its claim and its read, for the producer one
//! lap behind. In practice: a preempted thread can delay the queue at one
//! slot for as long as it stays off the CPU.
//!
//! # Without `std`
//!
//! With `default-features = false` the crate is `#![no_std]` + `alloc`
//! (a global allocator and pointer-sized compare-and-swap are all it
//! needs): [`Queue`] and every handle flavor with their non-blocking calls
//! (`try_push`, `try_pop`, `force_push`, `try_push_from`, `try_pop_into`,
//! `try_iter`, `try_reserve` and [`Permit`], `close`, `len`, weak handles
//! and counts). Everything that waits needs the default `std` feature:
//! blocking and timed calls, [`CancelToken`]s, [`select!`], async futures,
//! `Stream`/`Sink`, `closed()`/`wait_closed`, the blocking iterators, and
//! capacity 0 (a rendezvous hands its value to a popper that waits;
//! without `std` `try_new(0)` returns a [`CapacityError`] saying so). The
//! error types implement `std::error::Error` with `std` only. Without
//! `std` nothing can wait, so the wake-ups the non-blocking calls send go
//! to empty waiter lists: the ring code is the same in both builds.
//!
//! ```toml
//! ringq = { version = "0.1", default-features = false }
//! ```
//!
//! # Model checking with loom
//!
//! Every atomic, cell, lock, park/unpark and spin in this crate goes through
//! one internal shim that switches to [loom](https://docs.rs/loom) under
//! `--cfg loom`. A crate that runs `RUSTFLAGS="--cfg loom" cargo test` over
//! its own code gets ringq's real algorithm inside its models. Under loom
//! there is no clock: a timed call that would block makes one more full
//! attempt and then times out.
//!
//! # Misuse
//!
//! | misuse | what happens |
//! |---|---|
//! | capacity above [`MAX_CAPACITY`], or unallocatable (0 is a rendezvous; without the `std` feature an error) | `try_new`/`try_bounded`: [`CapacityError`]; `new`/`bounded`: a panic saying which |
//! | [`Select::ready`] with no arms | a panic (it would block forever) |
//! | polling a [`PushFuture`] or [`PopFuture`] after it resolved (or after [`PushFuture::cancel`]) | a panic saying so |
//! | any `reserve` form on a rendezvous queue (capacity 0) | a panic saying there is no slot to reserve |
//! | holding a [`Permit`] with values queued behind it | they wait: consumers stop at its place until it is used or dropped |
//! | push after close | `Err` with the value handed back |
//! | pop after close and drain | `Err(Closed)`, every time |
//! | `close` twice, `cancel` twice | no effect (`close` returns `false`) |

#![deny(unsafe_op_in_unsafe_fn, missing_docs, missing_debug_implementations)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(all(any(loom, shuttle), not(feature = "std")))]
compile_error!("ringq's loom and shuttle builds need its `std` feature");

mod builder;
#[cfg(feature = "std")]
mod cancel;
mod capacity;
mod error;
pub mod flavor;
#[cfg(feature = "std")]
mod future;
mod handles;
mod iter;
#[cfg(feature = "std")]
mod on_close;
mod permit;
mod policy;
mod queue;
#[cfg(feature = "std")]
mod rendezvous;
mod ring;
#[cfg(feature = "std")]
mod select;
mod slot;
#[cfg(feature = "std")]
mod spin_lock;
mod sync;
#[cfg(feature = "std")]
mod wait;
// Without `std` nothing can wait: the waiter lists are empty shells.
#[cfg(not(feature = "std"))]
#[path = "wait_none.rs"]
mod wait;

pub use crate::builder::Builder;
#[cfg(feature = "std")]
pub use crate::cancel::{CancelToken, Cancelled};
pub use crate::capacity::{CapacityError, MAX_CAPACITY};
pub use crate::error::{
    PopCancelError, PopError, PopTimeoutError, PushCancelError, PushError, PushTimeoutError,
    TryPopError, TryPushError,
};
pub use crate::flavor::{Multi, Side, Single};
#[cfg(feature = "std")]
pub use crate::future::{PopFuture, PushFuture, ReserveFuture};
pub use crate::handles::{
    bounded, mpsc, spmc, spsc, try_bounded, try_mpsc, try_spmc, try_spsc, Consumer, Producer,
    SameQueue, WeakConsumer, WeakProducer,
};
pub use crate::iter::TryIter;
#[cfg(feature = "std")]
pub use crate::iter::{CancellableIter, IntoIter, Iter};
#[cfg(feature = "std")]
pub use crate::on_close::Closed;
pub use crate::permit::Permit;
pub use crate::policy::WaitPolicy;
pub use crate::queue::Queue;
#[cfg(feature = "std")]
pub use crate::select::{PopSide, PushSide, Select};

/// What `select!` expands to; not a public API.
#[doc(hidden)]
#[cfg(feature = "std")]
pub mod __private {
    pub use crate::select::{
        run_select, ArmRef, Limits, Outcome, PopArm, PopSide, PushArm, PushSide, QueueRef,
    };
}

// The unit tests use threads: without the `std` feature the crate is
// `no_std`, but its tests still run on a host that has std.
#[cfg(all(test, not(feature = "std")))]
extern crate std;

#[cfg(test)]
mod tests;
