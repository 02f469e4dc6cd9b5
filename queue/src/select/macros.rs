//! `select!`: Go's `select` statement over ringq queues (crossbeam's
//! shape), built on the committing arms of `arm.rs`.

/// Waits until one of several queue operations can complete, completes
/// exactly that one, and runs its body: Go's `select`.
///
/// Arms, separated by commas (optional after a block body):
///
/// * `pop(rx) -> v => body`: `rx` a [`Queue`](crate::Queue) or
///   [`Consumer`](crate::Consumer) (or a reference to one); `v` is a
///   `Result<T, PopError>`, `Err` once the queue is closed and drained.
/// * `push(tx, value) -> res => body`: `tx` a `Queue` or
///   [`Producer`](crate::Producer); `res` is a `Result<(), PushError<T>>`.
/// * `cancel(&token) => body`: runs when the [`CancelToken`](crate::CancelToken)
///   fires first (Go's `case <-ctx.Done()`); at once if it already has.
/// * `default => body`: runs if no other arm can complete now; or
///   `default(timeout) => body`: if none can within `timeout`.
///
/// At most one `cancel` and one `default` arm. Without either, `select!`
/// blocks until an arm completes. When several arms are ready at once,
/// each has the same chance (the search starts at a random arm).
///
/// A pop arm on a closed and drained queue is always ready (it gives
/// `Err(PopError)`), so a loop should stop selecting on a queue once it saw
/// it closed, as Go code sets a closed channel to `nil`.
///
/// # The pushed value is never dropped silently
///
/// A push arm's `value` expression is evaluated only when that arm has been
/// chosen, so when another arm fires the value was never taken: a variable
/// you moved into the arm is still yours in the other arms' bodies. Once
/// evaluated, the value either went into the queue (`Ok(())`) or comes
/// back in `res` as `Err(PushError(value))`: the queue is closed, or
/// (only on a queue with capacity, where readiness is seen before the push)
/// another producer took the room the arm was chosen for and the select's
/// own `cancel` token or `default(timeout)` ran out before room came back.
///
/// # Rendezvous queues pair
///
/// On a capacity-0 queue a blocked `select!` with a push arm counts as a
/// blocked pusher (and a pop arm as a blocked popper): a plain `pop`, a
/// plain `push` or another `select!` on the other side completes it, and
/// exactly one of its arms is committed. Two threads each in a `select!`,
/// one pushing and one popping on the same rendezvous queue, meet.
///
/// # Examples
///
/// Merging two queues of different types until a token fires:
///
/// ```
/// use ringq::{bounded, select, CancelToken};
/// use std::thread;
///
/// let (a_tx, a_rx) = bounded::<u32>(0); // unbuffered, as in Go
/// let (b_tx, b_rx) = bounded::<&str>(4);
/// let stop = CancelToken::new();
/// let (a, b) = (a_tx.clone(), b_tx.clone());
/// thread::spawn(move || a.push(1).unwrap());
/// thread::spawn(move || b.push("two").unwrap());
///
/// let mut seen = Vec::new();
/// loop {
///     select! {
///         pop(a_rx) -> v => seen.push(v.unwrap().to_string()),
///         pop(b_rx) -> v => seen.push(v.unwrap().to_string()),
///         cancel(&stop) => break,
///     }
///     if seen.len() == 2 {
///         stop.cancel(); // Go's cancel(): the next select takes this arm
///     }
/// }
/// seen.sort();
/// assert_eq!(seen, ["1", "two"]);
/// # drop((a_tx, b_tx));
/// ```
///
/// A push that gives up after a while, keeping its value:
///
/// ```
/// use ringq::{select, Queue};
/// use std::time::Duration;
///
/// let q = Queue::new(0); // nobody pops
/// let job = String::from("job");
/// let back = select! {
///     push(q, job) -> res => { res.unwrap(); None },
///     default(Duration::from_millis(5)) => Some(job), // never moved
/// };
/// assert_eq!(back.as_deref(), Some("job"));
/// ```
#[macro_export]
macro_rules! select {
    ($($tokens:tt)*) => {
        $crate::__select_parse!(
            @parse
            []
            [
                (0 __ringq_arm0) (1 __ringq_arm1) (2 __ringq_arm2) (3 __ringq_arm3)
                (4 __ringq_arm4) (5 __ringq_arm5) (6 __ringq_arm6) (7 __ringq_arm7)
                (8 __ringq_arm8) (9 __ringq_arm9) (10 __ringq_arm10) (11 __ringq_arm11)
                (12 __ringq_arm12) (13 __ringq_arm13) (14 __ringq_arm14) (15 __ringq_arm15)
            ]
            []
            []
            $($tokens)*
        )
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_parse {
    // Done.
    (@parse [$($arms:tt)*] $labels:tt [$($cancel:tt)*] [$($default:tt)*]) => {
        $crate::__select_emit!([$($arms)*] [$($cancel)*] [$($default)*])
    };
    // A comma between arms.
    (@parse $arms:tt $labels:tt $cancel:tt $default:tt , $($rest:tt)*) => {
        $crate::__select_parse!(@parse $arms $labels $cancel $default $($rest)*)
    };
    // pop(rx) -> pat => { block }
    (@parse [$($arms:tt)*] [($i:tt $l:ident) $($labels:tt)*] $cancel:tt $default:tt
        pop($rx:expr) -> $p:pat => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@parse [$($arms)* ($i $l pop ($rx) ($p) ($body))]
            [$($labels)*] $cancel $default $($rest)*)
    };
    // pop(rx) -> pat => expr,
    (@parse [$($arms:tt)*] [($i:tt $l:ident) $($labels:tt)*] $cancel:tt $default:tt
        pop($rx:expr) -> $p:pat => $body:expr $(, $($rest:tt)*)?) => {
        $crate::__select_parse!(@parse [$($arms)* ($i $l pop ($rx) ($p) ($body))]
            [$($labels)*] $cancel $default $($($rest)*)?)
    };
    // push(tx, value) -> pat => { block }
    (@parse [$($arms:tt)*] [($i:tt $l:ident) $($labels:tt)*] $cancel:tt $default:tt
        push($tx:expr, $v:expr) -> $p:pat => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@parse [$($arms)* ($i $l push ($tx, $v) ($p) ($body))]
            [$($labels)*] $cancel $default $($rest)*)
    };
    // push(tx, value) -> pat => expr,
    (@parse [$($arms:tt)*] [($i:tt $l:ident) $($labels:tt)*] $cancel:tt $default:tt
        push($tx:expr, $v:expr) -> $p:pat => $body:expr $(, $($rest:tt)*)?) => {
        $crate::__select_parse!(@parse [$($arms)* ($i $l push ($tx, $v) ($p) ($body))]
            [$($labels)*] $cancel $default $($($rest)*)?)
    };
    // cancel(&token) => { block }
    (@parse $arms:tt $labels:tt [] $default:tt
        cancel($t:expr) => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@parse $arms $labels [($t) ($body)] $default $($rest)*)
    };
    // cancel(&token) => expr,
    (@parse $arms:tt $labels:tt [] $default:tt
        cancel($t:expr) => $body:expr $(, $($rest:tt)*)?) => {
        $crate::__select_parse!(@parse $arms $labels [($t) ($body)] $default $($($rest)*)?)
    };
    // default(timeout) => { block }
    (@parse $arms:tt $labels:tt $cancel:tt []
        default($t:expr) => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@parse $arms $labels $cancel [($t) ($body)] $($rest)*)
    };
    // default(timeout) => expr,
    (@parse $arms:tt $labels:tt $cancel:tt []
        default($t:expr) => $body:expr $(, $($rest:tt)*)?) => {
        $crate::__select_parse!(@parse $arms $labels $cancel [($t) ($body)] $($($rest)*)?)
    };
    // default => { block }
    (@parse $arms:tt $labels:tt $cancel:tt []
        default => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@parse $arms $labels $cancel [() ($body)] $($rest)*)
    };
    // default => expr,
    (@parse $arms:tt $labels:tt $cancel:tt []
        default => $body:expr $(, $($rest:tt)*)?) => {
        $crate::__select_parse!(@parse $arms $labels $cancel [() ($body)] $($($rest)*)?)
    };
    (@parse $arms:tt [] $cancel:tt $default:tt pop $($rest:tt)*) => {
        ::core::compile_error!("ringq::select!: at most 16 pop and push arms")
    };
    (@parse $arms:tt [] $cancel:tt $default:tt push $($rest:tt)*) => {
        ::core::compile_error!("ringq::select!: at most 16 pop and push arms")
    };
    (@parse $arms:tt $labels:tt $cancel:tt $default:tt $($rest:tt)+) => {
        ::core::compile_error!(::core::concat!(
            "ringq::select!: expected `pop(rx) -> v => ...`, `push(tx, value) -> res => ...`, ",
            "one `cancel(&token) => ...` and one `default => ...` or `default(timeout) => ...`, ",
            "separated by commas; found: ",
            ::core::stringify!($($rest)+)
        ))
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_emit {
    ([$(($i:tt $l:ident $kind:ident ($($args:tt)*) ($p:pat) ($body:expr)))*]
     [$($cancel:tt)*] [$($default:tt)*]) => {{
        // Each side is bound by reference first, so that a temporary such
        // as `&mut rx` (an owned side's handle) lives as long as its arm.
        $(
            let $l = $crate::__select_side!($kind $($args)*);
            let mut $l = $crate::__select_new!($kind $l);
        )*
        let __ringq_limits = $crate::__private::Limits::new(
            $crate::__select_token!($($cancel)*),
            $crate::__select_default!($($default)*),
        );
        let __ringq_outcome = $crate::__private::run_select(
            &mut [$($crate::__private::ArmRef::from(&mut $l)),*],
            &__ringq_limits,
        );
        #[allow(unreachable_patterns, unused_mut)]
        match __ringq_outcome {
            $(
                $crate::__private::Outcome::Arm($i) => {
                    $crate::__select_complete!($kind $l __ringq_limits ($($args)*) ($p) ($body))
                }
            )*
            $crate::__private::Outcome::Cancelled => $crate::__select_body!($($cancel)*),
            $crate::__private::Outcome::Default => $crate::__select_body!($($default)*),
            _ => ::core::unreachable!("ringq::select!: no such arm"),
        }
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_side {
    (pop $rx:expr) => {
        &$rx
    };
    (push $tx:expr, $v:expr) => {
        &$tx
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_new {
    (pop $side:ident) => {
        $crate::__private::PopArm::new($crate::__private::PopSide::pop_queue($side))
    };
    (push $side:ident) => {
        $crate::__private::PushArm::new($crate::__private::PushSide::push_queue($side))
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_complete {
    (pop $l:ident $limits:ident ($rx:expr) ($p:pat) ($body:expr)) => {{
        let $p = $l.take();
        $body
    }};
    (push $l:ident $limits:ident ($tx:expr, $v:expr) ($p:pat) ($body:expr)) => {{
        let $p = $l.complete($v, &$limits);
        $body
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_token {
    () => {
        ::core::option::Option::None
    };
    (($t:expr) ($body:expr)) => {
        ::core::option::Option::Some::<&$crate::CancelToken>($t)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_default {
    () => {
        ::core::option::Option::None
    };
    (() ($body:expr)) => {
        ::core::option::Option::Some(::core::option::Option::None)
    };
    (($t:expr) ($body:expr)) => {
        ::core::option::Option::Some(::core::option::Option::Some::<::core::time::Duration>($t))
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_body {
    () => {
        ::core::unreachable!("ringq::select!: an arm that does not exist fired")
    };
    ($limit:tt ($body:expr)) => {
        $body
    };
}
