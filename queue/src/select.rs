//! Waiting on several queues at once: [`Select`] (which arm is ready?) and
//! the [`select!`](crate::select) macro (complete exactly one arm), Go's
//! `select` over queues of different item types.

mod arm;
mod engine;
mod macros;

use core::fmt;
use std::time::{Duration, Instant};

use crate::cancel::CancelToken;
use core::marker::PhantomData;

use crate::flavor::{Multi, Side, Single};
use crate::handles::{Consumer, Producer};
use crate::queue::Queue;
use crate::wait::{Stop, Until};

use self::arm::WatchArm;
pub use self::arm::{PopArm, PushArm};
use self::engine::{random_start, run, Arm, HoldsArm};

mod sealed {
    pub trait Sealed {}
}

/// The queue behind a [`PopSide`] or [`PushSide`], for `select!`'s arms.
/// Not `Send`: an arm on a handle whose side is owned (`spsc`, `mpsc`,
/// `spmc`) runs that side's operations, which must stay on the handle's
/// thread. Not a public API.
#[doc(hidden)]
pub struct QueueRef<'a, T> {
    queue: &'a Queue<T>,
    _here: PhantomData<*const ()>,
}

impl<'a, T> QueueRef<'a, T> {
    fn new(queue: &'a Queue<T>) -> QueueRef<'a, T> {
        QueueRef {
            queue,
            _here: PhantomData,
        }
    }

    pub(crate) fn get(&self) -> &'a Queue<T> {
        self.queue
    }
}

impl<T> fmt::Debug for QueueRef<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.queue.fmt(f)
    }
}

/// A queue or a handle that can pop, for [`Select::pop`] and `select!`'s
/// `pop` arm: a [`Queue<T>`], a [`Consumer`] of a shared pop side
/// (`Consumer<T>`, `spmc`'s), `&mut` a consumer of an owned one (`mpsc`'s,
/// `spsc`'s), or a reference or `std::sync::Arc` to one of those.
pub trait PopSide<T>: sealed::Sealed {
    #[doc(hidden)]
    fn pop_queue(&self) -> QueueRef<'_, T>;
}

/// A queue or a handle that can push, for [`Select::push`] and `select!`'s
/// `push` arm: a [`Queue<T>`], a [`Producer`] of a shared push side, `&mut`
/// a producer of an owned one (`spmc`'s, `spsc`'s), or a reference or
/// `std::sync::Arc` to one of those.
pub trait PushSide<T>: sealed::Sealed {
    #[doc(hidden)]
    fn push_queue(&self) -> QueueRef<'_, T>;
}

impl<T> sealed::Sealed for Queue<T> {}
impl<T, P: Side, C: Side> sealed::Sealed for Consumer<T, P, C> {}
impl<T, P: Side, C: Side> sealed::Sealed for Producer<T, P, C> {}
impl<Q: sealed::Sealed + ?Sized> sealed::Sealed for &Q {}
impl<Q: sealed::Sealed + ?Sized> sealed::Sealed for &mut Q {}
impl<Q: sealed::Sealed + ?Sized> sealed::Sealed for std::sync::Arc<Q> {}

impl<T> PopSide<T> for Queue<T> {
    fn pop_queue(&self) -> QueueRef<'_, T> {
        QueueRef::new(self)
    }
}

impl<T> PushSide<T> for Queue<T> {
    fn push_queue(&self) -> QueueRef<'_, T> {
        QueueRef::new(self)
    }
}

impl<T, P: Side> PopSide<T> for Consumer<T, P, Multi> {
    fn pop_queue(&self) -> QueueRef<'_, T> {
        QueueRef::new(self.queue())
    }
}

/// An owned pop side through `&mut`: the arm holds the exclusive borrow,
/// and the consumer is not `Sync`, so no other thread reaches it meanwhile.
impl<T, P: Side> PopSide<T> for &mut Consumer<T, P, Single> {
    fn pop_queue(&self) -> QueueRef<'_, T> {
        QueueRef::new(self.queue())
    }
}

impl<T, C: Side> PushSide<T> for Producer<T, Multi, C> {
    fn push_queue(&self) -> QueueRef<'_, T> {
        QueueRef::new(self.queue())
    }
}

/// An owned push side through `&mut`, as for [`Consumer`].
impl<T, C: Side> PushSide<T> for &mut Producer<T, Single, C> {
    fn push_queue(&self) -> QueueRef<'_, T> {
        QueueRef::new(self.queue())
    }
}

impl<T, Q: PopSide<T> + ?Sized> PopSide<T> for &Q {
    fn pop_queue(&self) -> QueueRef<'_, T> {
        (**self).pop_queue()
    }
}

impl<T, Q: PopSide<T> + ?Sized> PopSide<T> for std::sync::Arc<Q> {
    fn pop_queue(&self) -> QueueRef<'_, T> {
        (**self).pop_queue()
    }
}

impl<T, Q: PushSide<T> + ?Sized> PushSide<T> for std::sync::Arc<Q> {
    fn push_queue(&self) -> QueueRef<'_, T> {
        (**self).push_queue()
    }
}

impl<T, Q: PushSide<T> + ?Sized> PushSide<T> for &Q {
    fn push_queue(&self) -> QueueRef<'_, T> {
        (**self).push_queue()
    }
}

/// `&mut` a shared side works too, so code written for an owned side's
/// `&mut` handle takes either.
impl<T, C: Side> PushSide<T> for &mut Producer<T, Multi, C> {
    fn push_queue(&self) -> QueueRef<'_, T> {
        (**self).push_queue()
    }
}

/// As for [`Producer`].
impl<T, P: Side> PopSide<T> for &mut Consumer<T, P, Multi> {
    fn pop_queue(&self) -> QueueRef<'_, T> {
        (**self).pop_queue()
    }
}

/// Waits until one of several queue operations would not block, Go's
/// `select` as a readiness query.
///
/// Register arms with [`pop`](Select::pop) and [`push`](Select::push) (each
/// returns its index), then ask which is ready with [`ready`](Select::ready)
/// or its bounded forms. An arm is ready when its operation would not block
/// now: a pop arm when a value is there or the queue is closed, a push arm
/// when there is room or the queue is closed; on a rendezvous (capacity 0)
/// queue, a push arm when a popper waits and a pop arm when a pusher waits.
///
/// **Readiness is a hint.** `Select` never takes or places a value: the
/// caller completes the arm with `try_pop`/`try_push`, and loops if another
/// thread got there first. For "complete exactly one arm" (which also pairs
/// two selects on opposite sides of a rendezvous queue), use
/// [`select!`](crate::select).
///
/// When several arms are ready, each has the same chance of being reported
/// (the search starts at a random arm), so no queue starves. A blocked
/// `ready` registers on every arm's waiter list and parks once; any arm
/// wakes it. A wake-up it took from a waiter list is passed on to the next
/// thread parked there even when it reports that arm, so a caller that
/// does not complete the operation delays nobody.
///
/// # Examples
///
/// ```
/// use ringq::{Queue, Select, TryPopError};
///
/// let numbers = Queue::new(4);
/// let words = Queue::new(4);
/// words.push("hi").unwrap();
///
/// let mut sel = Select::new();
/// let n = sel.pop(&numbers);
/// let w = sel.pop(&words);
/// let i = sel.ready();
/// assert_eq!(i, w);
/// assert_eq!(words.try_pop(), Ok("hi"));
/// # let _: Result<u32, TryPopError> = numbers.try_pop();
/// # let _ = n;
/// ```
pub struct Select<'a> {
    arms: Vec<Box<dyn Arm + 'a>>,
}

impl<'a> Select<'a> {
    /// A select with no arms.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut sel = ringq::Select::new();
    /// assert_eq!(sel.try_ready(), None);
    /// ```
    pub fn new() -> Select<'a> {
        Select { arms: Vec::new() }
    }

    /// Adds an arm that is ready when a pop on `queue` (a [`Queue`] or a
    /// [`Consumer`]) would not block. Returns its index (0, 1, ... in the
    /// order of `pop` and `push` calls).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = ringq::bounded::<u8>(1);
    /// let mut sel = ringq::Select::new();
    /// assert_eq!(sel.pop(&rx), 0);
    /// tx.push(1).unwrap();
    /// assert_eq!(sel.ready(), 0);
    /// ```
    pub fn pop<T: 'a, Q: PopSide<T> + ?Sized>(&mut self, queue: &'a Q) -> usize {
        self.arms
            .push(Box::new(WatchArm::new(queue.pop_queue().get(), true)));
        self.arms.len() - 1
    }

    /// Adds an arm that is ready when a push on `queue` (a [`Queue`] or a
    /// [`Producer`]) would not block. Returns its index.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = ringq::bounded::<u8>(1);
    /// let mut sel = ringq::Select::new();
    /// let i = sel.push(&tx);
    /// assert_eq!(sel.ready(), i); // there is room
    /// ```
    pub fn push<T: 'a, Q: PushSide<T> + ?Sized>(&mut self, queue: &'a Q) -> usize {
        self.arms
            .push(Box::new(WatchArm::new(queue.push_queue().get(), false)));
        self.arms.len() - 1
    }

    /// Blocks until some arm is ready; returns its index.
    ///
    /// # Panics
    ///
    /// If the select has no arms (it would block forever).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringq::{Queue, Select};
    /// use std::thread;
    ///
    /// let a = Queue::<u8>::new(1);
    /// let b = Queue::new(1);
    /// thread::scope(|s| {
    ///     s.spawn(|| b.push(5).unwrap());
    ///     let mut sel = Select::new();
    ///     sel.pop(&a);
    ///     let ib = sel.pop(&b);
    ///     assert_eq!(sel.ready(), ib);
    /// });
    /// ```
    #[track_caller]
    pub fn ready(&mut self) -> usize {
        assert!(
            !self.arms.is_empty(),
            "ringq::Select::ready: no arms, it would block forever"
        );
        self.wait(Until::FOREVER, false)
            .expect("a select without limits only ends with an arm")
    }

    /// The index of an arm that is ready now, or `None`, without blocking.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u8>::new(1);
    /// let mut sel = ringq::Select::new();
    /// sel.pop(&q);
    /// assert_eq!(sel.try_ready(), None);
    /// q.close();
    /// assert_eq!(sel.try_ready(), Some(0)); // closed: a pop would not block
    /// ```
    pub fn try_ready(&mut self) -> Option<usize> {
        self.wait(Until::FOREVER, true)
    }

    /// As [`ready`](Select::ready), giving up after `timeout` (`None`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let q = ringq::Queue::<u8>::new(1);
    /// let mut sel = ringq::Select::new();
    /// sel.pop(&q);
    /// assert_eq!(sel.ready_timeout(Duration::from_millis(5)), None);
    /// ```
    pub fn ready_timeout(&mut self, timeout: Duration) -> Option<usize> {
        let until = Until {
            deadline: Instant::now().checked_add(timeout),
            token: None,
        };
        self.wait(until, false)
    }

    /// As [`ready`](Select::ready), giving up at `deadline` (`None`). A
    /// deadline in the past still checks once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Instant;
    ///
    /// let q = ringq::Queue::<u8>::new(1);
    /// let mut sel = ringq::Select::new();
    /// sel.push(&q);
    /// assert_eq!(sel.ready_deadline(Instant::now()), Some(0));
    /// ```
    pub fn ready_deadline(&mut self, deadline: Instant) -> Option<usize> {
        let until = Until {
            deadline: Some(deadline),
            token: None,
        };
        self.wait(until, false)
    }

    /// As [`ready`](Select::ready), giving up when `token` is cancelled
    /// (`None`; at once if it already is).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = ringq::Queue::<u8>::new(1);
    /// let token = ringq::CancelToken::new();
    /// token.cancel();
    /// let mut sel = ringq::Select::new();
    /// sel.pop(&q);
    /// assert_eq!(sel.ready_cancellable(&token), None);
    /// ```
    pub fn ready_cancellable(&mut self, token: &CancelToken) -> Option<usize> {
        let until = Until {
            deadline: None,
            token: Some(token),
        };
        self.wait(until, false)
    }

    fn wait(&mut self, until: Until<'_>, once: bool) -> Option<usize> {
        if self.arms.is_empty() {
            return None;
        }
        let start = random_start(self.arms.len());
        run(&mut self.arms, start, until, once).ok()
    }
}

impl Default for Select<'_> {
    fn default() -> Self {
        Select::new()
    }
}

impl fmt::Debug for Select<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Select")
            .field("arms", &self.arms.len())
            .finish()
    }
}

/// The limits of one `select!`: its `cancel` token and its `default`.
#[doc(hidden)]
#[derive(Debug)]
pub struct Limits<'a> {
    token: Option<&'a CancelToken>,
    deadline: Option<Instant>,
    once: bool,
}

impl<'a> Limits<'a> {
    /// `token`: the `cancel` arm's; `default`: `Some(None)` for a plain
    /// `default` arm, `Some(Some(t))` for `default(t)`.
    #[doc(hidden)]
    pub fn new(token: Option<&'a CancelToken>, default: Option<Option<Duration>>) -> Limits<'a> {
        let (deadline, once) = match default {
            None => (None, false),
            Some(None) => (None, true),
            Some(Some(t)) => (Instant::now().checked_add(t), false),
        };
        Limits {
            token,
            deadline,
            once,
        }
    }

    fn until(&self) -> Until<'a> {
        Until {
            deadline: self.deadline,
            token: self.token,
        }
    }
}

/// How a `select!` ended.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// This arm was chosen (and, for a pop arm, completed).
    Arm(usize),
    /// The `cancel` token fired.
    Cancelled,
    /// The `default` arm runs (nothing ready, or its timeout passed).
    Default,
}

/// One arm of a `select!`, type-erased.
#[doc(hidden)]
pub struct ArmRef<'r>(&'r mut (dyn Arm + 'r));

impl fmt::Debug for ArmRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ArmRef")
    }
}

impl<'r, 'a: 'r, T> From<&'r mut PopArm<'a, T>> for ArmRef<'r> {
    fn from(arm: &'r mut PopArm<'a, T>) -> ArmRef<'r> {
        ArmRef(arm)
    }
}

impl<'r, 'a: 'r, T> From<&'r mut PushArm<'a, T>> for ArmRef<'r> {
    fn from(arm: &'r mut PushArm<'a, T>) -> ArmRef<'r> {
        ArmRef(arm)
    }
}

impl HoldsArm for ArmRef<'_> {
    fn arm(&self) -> &dyn Arm {
        &*self.0
    }
    fn arm_mut(&mut self) -> &mut dyn Arm {
        &mut *self.0
    }
}

/// The engine of `select!`: waits until one arm is chosen and committed.
#[doc(hidden)]
pub fn run_select<'r>(arms: &mut [ArmRef<'r>], limits: &Limits<'_>) -> Outcome {
    let start = random_start(arms.len());
    match run(arms, start, limits.until(), limits.once) {
        Ok(i) => Outcome::Arm(i),
        Err(Stop::Cancelled) => Outcome::Cancelled,
        Err(Stop::Timeout) => Outcome::Default,
    }
}
