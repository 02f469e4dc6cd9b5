//! Flavors: which side of a queue one thread owns.
//!
//! A [`Producer`](crate::Producer) and a [`Consumer`](crate::Consumer)
//! carry two type parameters that say, for the push side and the pop side,
//! whether the side is [`Multi`] (any number of handles, `Clone`, methods
//! on `&self`, claims by CAS) or [`Single`] (one handle, not `Clone`,
//! methods on `&mut self`, claims by a plain store and a fence: faster,
//! and statically one thread's at a time). The default, `Producer<T>` and
//! `Consumer<T>`, is `Multi` on both sides: [`bounded`](crate::bounded).
//!
//! | constructor | producer | consumer | `force_push` |
//! |---|---|---|---|
//! | [`bounded`](crate::bounded) | `Producer<T>`, `Clone` | `Consumer<T>`, `Clone` | yes |
//! | [`mpsc`](crate::mpsc()) | `Producer<T, Multi, Single>`, `Clone` | `Consumer<T, Multi, Single>` | no |
//! | [`spmc`](crate::spmc()) | `Producer<T, Single, Multi>` | `Consumer<T, Single, Multi>`, `Clone` | yes |
//! | [`spsc`](crate::spsc()) | `Producer<T, Single, Single>` | `Consumer<T, Single, Single>` | no |
//!
//! Every other behaviour is the same on every flavor: blocking calls under
//! the queue's [`WaitPolicy`](crate::WaitPolicy), timeouts, deadlines,
//! cancellation, `close` then drain, close when the last handle of a side
//! drops (the last consumer dropping what is left), batches, futures,
//! `Stream`, `select!` arms. `force_push` exists only where the consumer
//! side is shared: it displaces the oldest value by claiming it as a
//! consumer would, with a CAS that an owned consumer's plain stores could
//! not race. Capacity 0 is a rendezvous on every flavor (the handles of
//! one side are then simply not `Clone`). The protocol of an owned side
//! and its argument are in the crate's `ring/owned.rs`.
//!
//! # Examples
//!
//! ```
//! use std::thread;
//!
//! let (mut tx, mut rx) = ringq::spsc::<u64>(1024);
//! let producer = thread::spawn(move || {
//!     for i in 0..10_000 {
//!         tx.push(i).unwrap();
//!     }
//! }); // `tx` dropped: the queue closes
//! let sum: u64 = rx.iter().sum();
//! producer.join().unwrap();
//! assert_eq!(sum, (0..10_000).sum());
//! ```

mod sealed {
    pub trait Sealed {}
}

/// A side of a queue: [`Multi`] or [`Single`] (see the [module
/// docs](self)). Sealed: no other side exists.
pub trait Side: sealed::Sealed + Send + Sync + Unpin + 'static {
    /// Whether one thread owns this side.
    #[doc(hidden)]
    const SINGLE: bool;
    /// What a handle of this side holds to be `!Sync` when the side is
    /// owned: `()` for `Multi`, `Cell<()>` for `Single` (a `&Consumer`
    /// shared with another thread could not then reach the owned side).
    #[doc(hidden)]
    type Unshared: Send + Unpin + 'static;
}

/// A side with any number of handles (`Clone`, methods on `&self`).
///
/// # Examples
///
/// ```
/// let (tx, _rx): (ringq::Producer<u8, ringq::Multi, ringq::Single>, _) = ringq::mpsc(4);
/// let tx2 = tx.clone(); // many producers
/// tx2.push(1).unwrap();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Multi;

/// A side with one handle, owned by one thread at a time (not `Clone`,
/// methods on `&mut self`).
///
/// # Examples
///
/// ```
/// let (mut tx, _rx): (ringq::Producer<u8, ringq::Single, ringq::Multi>, _) = ringq::spmc(4);
/// tx.push(1).unwrap(); // `tx` cannot be cloned: one producer
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Single;

impl sealed::Sealed for Multi {}
impl sealed::Sealed for Single {}

impl Side for Multi {
    const SINGLE: bool = false;
    type Unshared = ();
}

impl Side for Single {
    const SINGLE: bool = true;
    type Unshared = core::cell::Cell<()>;
}
