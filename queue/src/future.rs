//! Async push and pop on the same queue that threads block on.
//!
//! A future waits in the same waiter lists as a parked thread (`wait.rs`),
//! as a task entry holding its [`Waker`](std::task::Waker): a notifier
//! wakes the oldest waiter, thread or task, so blocking and async callers
//! mix freely on one queue, in either direction. No runtime is needed.
//!
//! # One poll
//!
//! 1. Leave the waiter list if a previous poll registered there, noting
//!    whether a notifier took us off (a notification was ours).
//! 2. Try the operation (`try_push`/`try_pop`). Done: return `Ready`; the
//!    notification, if any, was used by this attempt.
//! 3. If this poll was not a notification's and the operation has yielded
//!    fewer than twice: wake our own waker and return `Pending` without
//!    registering (a yield: the other side often moves within a
//!    microsecond; measurements in `future/registration.rs`).
//! 4. Register (with this poll's waker), then try once more: the waiter's
//!    half of the handshake in `ring.rs`, as a thread does before it parks.
//!    Done: leave the list, passing a notification that reached us on
//!    (this result may predate it). Else `Pending`.
//!
//! # Dropping is cancelling, exactly
//!
//! Nothing is taken or placed between polls, so a dropped [`PopFuture`]
//! took no value and a dropped [`PushFuture`] either completed or its value
//! never entered the queue (it is dropped with the future, or taken back
//! with [`PushFuture::cancel`]). A future dropped while registered leaves
//! the list and, if a notification had reached it, passes it on to the
//! next waiter, as a thread that leaves does.
//!
//! # Rendezvous queues (capacity 0)
//!
//! A pending [`PushFuture`] registers its value in a packet, as a blocked
//! pushing thread does (`rendezvous.rs`), under a context that wakes its
//! task; a popper commits it and takes the value. Dropping it aborts the
//! context: either the abort wins and the value comes back, or a popper
//! committed first and the push completed. A pending [`PopFuture`]
//! registers no packet (a pusher could then hand it a value it would drop
//! with it): it waits in the pop side's waiter list, which a pusher that
//! registers wakes, and takes the value with `try_pop` when polled. The
//! price: `try_push` and `force_push` on a rendezvous queue, which only
//! commit registered pops, do not see a pending pop future.

mod pop;
mod push;
mod registration;
mod reserve;

pub use self::pop::PopFuture;
pub use self::push::PushFuture;
pub(crate) use self::registration::Registration;
pub use self::reserve::ReserveFuture;
