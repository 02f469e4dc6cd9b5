//! One interface over every flavor's two ends, so a target can draw the
//! flavor (`bounded`, `spsc`, `mpsc`, `spmc`) and drive it with the same
//! script. A shared side's methods take `&self` and an owned side's `&mut
//! self`; through these traits both are `&mut self`.

use std::collections::VecDeque;
use std::time::Duration;

use ringq::{
    CancelToken, PopCancelError, PopError, PopFuture, PopTimeoutError, PushCancelError, PushError,
    PushFuture, PushTimeoutError, TryPopError, TryPushError,
};

/// A push end.
pub trait PushEnd<T>: Send {
    fn try_push(&mut self, v: T) -> Result<(), TryPushError<T>>;
    fn push(&mut self, v: T) -> Result<(), PushError<T>>;
    fn push_timeout(&mut self, v: T, d: Duration) -> Result<(), PushTimeoutError<T>>;
    fn push_cancellable(&mut self, v: T, t: &CancelToken) -> Result<(), PushCancelError<T>>;
    fn push_async(&mut self, v: T) -> PushFuture<'_, T>;
    fn try_push_from(&mut self, src: &mut VecDeque<T>) -> usize;
    fn push_from_timeout(&mut self, src: &mut VecDeque<T>, d: Duration) -> Result<(), PushTimeoutError<()>>;
    /// `None` where the flavor has no `force_push` (an owned consumer).
    fn force_push(&mut self, v: T) -> Option<Result<Option<T>, PushError<T>>>;
    /// Reserves (`how`: 0 `try_reserve`, 1 `reserve_timeout(ZERO)`, else
    /// `reserve`), then pushes `v` through the permit, or drops it unused
    /// when `v` is `None`. A timeout reads as `Full`.
    fn reserve_then(&mut self, how: u8, v: Option<T>) -> Result<(), TryPushError<()>>;
    fn close(&self) -> bool;
}

/// A pop end.
pub trait PopEnd<T>: Send {
    fn try_pop(&mut self) -> Result<T, TryPopError>;
    fn pop(&mut self) -> Result<T, PopError>;
    fn pop_timeout(&mut self, d: Duration) -> Result<T, PopTimeoutError>;
    fn pop_cancellable(&mut self, t: &CancelToken) -> Result<T, PopCancelError>;
    fn pop_async(&mut self) -> PopFuture<'_, T>;
    fn try_iter(&mut self) -> Vec<T>;
    fn try_pop_into(&mut self, buf: &mut Vec<T>, max: usize) -> Result<usize, TryPopError>;
    fn pop_into(&mut self, buf: &mut Vec<T>, max: usize) -> Result<usize, PopError>;
    fn close(&self) -> bool;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool;
    fn is_full(&self) -> bool;
    fn is_closed(&self) -> bool;
}

/// The impls, in a module where the traits are not in scope, so that
/// `Producer::push` names the handle's own method.
mod imp {
    use std::collections::VecDeque;
    use std::time::Duration;

    use ringq::{
        CancelToken, Consumer, Multi, PopCancelError, PopError, PopFuture, PopTimeoutError,
        Producer, PushCancelError, PushError, PushFuture, PushTimeoutError, Single, TryPopError,
        TryPushError,
    };

    macro_rules! push_end {
        ($p:ty, $c:ty, |$me:ident, $v:ident| $force:expr) => {
            impl<T: Send> super::PushEnd<T> for Producer<T, $p, $c> {
                fn try_push(&mut self, v: T) -> Result<(), TryPushError<T>> {
                    Producer::<T, $p, $c>::try_push(self, v)
                }
                fn push(&mut self, v: T) -> Result<(), PushError<T>> {
                    Producer::<T, $p, $c>::push(self, v)
                }
                fn push_timeout(&mut self, v: T, d: Duration) -> Result<(), PushTimeoutError<T>> {
                    Producer::<T, $p, $c>::push_timeout(self, v, d)
                }
                fn push_cancellable(&mut self, v: T, t: &CancelToken) -> Result<(), PushCancelError<T>> {
                    Producer::<T, $p, $c>::push_cancellable(self, v, t)
                }
                fn push_async(&mut self, v: T) -> PushFuture<'_, T> {
                    Producer::<T, $p, $c>::push_async(self, v)
                }
                fn try_push_from(&mut self, src: &mut VecDeque<T>) -> usize {
                    Producer::<T, $p, $c>::try_push_from(self, src)
                }
                fn push_from_timeout(&mut self, src: &mut VecDeque<T>, d: Duration) -> Result<(), PushTimeoutError<()>> {
                    Producer::<T, $p, $c>::push_from_timeout(self, src, d)
                }
                fn force_push(&mut self, v: T) -> Option<Result<Option<T>, PushError<T>>> {
                    let ($me, $v) = (self, v);
                    $force
                }
                fn reserve_then(&mut self, how: u8, v: Option<T>) -> Result<(), TryPushError<()>> {
                    let permit = match how {
                        0 => Producer::<T, $p, $c>::try_reserve(self)?,
                        1 => Producer::<T, $p, $c>::reserve_timeout(self, Duration::ZERO)
                            .map_err(|e| match e {
                                PushTimeoutError::Timeout(()) => TryPushError::Full(()),
                                PushTimeoutError::Closed(()) => TryPushError::Closed(()),
                            })?,
                        _ => Producer::<T, $p, $c>::reserve(self).map_err(|_| TryPushError::Closed(()))?,
                    };
                    if let Some(v) = v {
                        permit.push(v);
                    }
                    Ok(())
                }
                fn close(&self) -> bool {
                    Producer::<T, $p, $c>::close(self)
                }
            }
        };
    }

    push_end!(Multi, Multi, |me, v| Some(Producer::<T, Multi, Multi>::force_push(me, v)));
    push_end!(Single, Multi, |me, v| Some(Producer::<T, Single, Multi>::force_push(me, v)));
    push_end!(Multi, Single, |_me, _v| None);
    push_end!(Single, Single, |_me, _v| None);

    macro_rules! pop_end {
        ($c:ty) => {
            impl<T: Send, P: ringq::Side> super::PopEnd<T> for Consumer<T, P, $c> {
                fn try_pop(&mut self) -> Result<T, TryPopError> {
                    Consumer::<T, P, $c>::try_pop(self)
                }
                fn pop(&mut self) -> Result<T, PopError> {
                    Consumer::<T, P, $c>::pop(self)
                }
                fn pop_timeout(&mut self, d: Duration) -> Result<T, PopTimeoutError> {
                    Consumer::<T, P, $c>::pop_timeout(self, d)
                }
                fn pop_cancellable(&mut self, t: &CancelToken) -> Result<T, PopCancelError> {
                    Consumer::<T, P, $c>::pop_cancellable(self, t)
                }
                fn pop_async(&mut self) -> PopFuture<'_, T> {
                    Consumer::<T, P, $c>::pop_async(self)
                }
                fn try_iter(&mut self) -> Vec<T> {
                    Consumer::<T, P, $c>::try_iter(self).collect()
                }
                fn try_pop_into(&mut self, buf: &mut Vec<T>, max: usize) -> Result<usize, TryPopError> {
                    Consumer::<T, P, $c>::try_pop_into(self, buf, max)
                }
                fn pop_into(&mut self, buf: &mut Vec<T>, max: usize) -> Result<usize, PopError> {
                    Consumer::<T, P, $c>::pop_into(self, buf, max)
                }
                fn close(&self) -> bool {
                    Consumer::<T, P, $c>::close(self)
                }
                fn len(&self) -> usize {
                    Consumer::<T, P, $c>::len(self)
                }
                fn is_empty(&self) -> bool {
                    Consumer::<T, P, $c>::is_empty(self)
                }
                fn is_full(&self) -> bool {
                    Consumer::<T, P, $c>::is_full(self)
                }
                fn is_closed(&self) -> bool {
                    Consumer::<T, P, $c>::is_closed(self)
                }
            }
        };
    }

    pop_end!(Multi);
    pop_end!(Single);
}

/// A flavor the input chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Mpmc,
    Spsc,
    Mpsc,
    Spmc,
}

impl Flavor {
    pub fn from_choice(n: usize) -> Flavor {
        [Flavor::Mpmc, Flavor::Spsc, Flavor::Mpsc, Flavor::Spmc][n % 4]
    }

    pub fn shared_push(self) -> bool {
        matches!(self, Flavor::Mpmc | Flavor::Mpsc)
    }

    pub fn shared_pop(self) -> bool {
        matches!(self, Flavor::Mpmc | Flavor::Spmc)
    }
}

/// Boxed ends of a queue of `cap` values of the flavor, with `producers`
/// push ends and `consumers` pop ends (clones where the side is shared;
/// an owned side gets one end and `None`s for the rest).
#[allow(clippy::type_complexity)]
pub fn ends<T: Send + 'static>(
    flavor: Flavor,
    cap: usize,
    producers: usize,
    consumers: usize,
) -> (Vec<Option<Box<dyn PushEnd<T>>>>, Vec<Option<Box<dyn PopEnd<T>>>>) {
    fn shared<H: Clone, D: ?Sized>(h: H, n: usize, boxed: impl Fn(H) -> Box<D>) -> Vec<Option<Box<D>>> {
        (0..n).map(|_| Some(boxed(h.clone()))).collect()
    }
    fn owned<H, D: ?Sized>(h: H, n: usize, boxed: impl Fn(H) -> Box<D>) -> Vec<Option<Box<D>>> {
        let mut all = vec![Some(boxed(h))];
        all.extend((1..n).map(|_| None));
        all
    }
    macro_rules! split {
        ($pair:expr, $tx:ident, $rx:ident) => {{
            let (tx, rx) = $pair;
            ($tx(tx, producers, |h| Box::new(h) as Box<dyn PushEnd<T>>), $rx(rx, consumers, |h| Box::new(h) as Box<dyn PopEnd<T>>))
        }};
    }
    match flavor {
        Flavor::Mpmc => split!(ringq::bounded::<T>(cap), shared, shared),
        Flavor::Spsc => split!(ringq::spsc::<T>(cap), owned, owned),
        Flavor::Mpsc => split!(ringq::mpsc::<T>(cap), shared, owned),
        Flavor::Spmc => split!(ringq::spmc::<T>(cap), owned, shared),
    }
}
