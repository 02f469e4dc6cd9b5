//! How large a queue may be: [`MAX_CAPACITY`] and [`CapacityError`].
//!
//! Apart from the other errors so that `ring.rs` (which checks the limit
//! and reports failed allocations) and `error.rs` (the operations' errors,
//! which the ring returns) do not import each other.

use core::fmt;
#[cfg(feature = "std")]
use std::error::Error;

/// The largest capacity a queue can have.
///
/// The index, close mark and lap all share one `usize`; at this bound at least
/// eight laps remain, so positions stay distinct long enough. Whether memory
/// for that many slots can be allocated is another matter: a capacity below
/// this bound can still fail with [`CapacityError`] when the allocation does.
///
/// # Examples
///
/// ```
/// use ringq::{Queue, MAX_CAPACITY};
///
/// let err = Queue::<u8>::try_new(MAX_CAPACITY + 1).unwrap_err();
/// assert!(err.to_string().contains("exceeds the maximum"));
/// ```
pub const MAX_CAPACITY: usize = usize::MAX >> 4;

/// A queue could not be created with the requested capacity.
///
/// Its `Display` says why: above [`MAX_CAPACITY`], or an allocation that
/// failed, or (without the `std` feature) capacity 0. With `std`, capacity
/// 0 is not an error: it makes a rendezvous queue, whose hand-off needs a
/// popper that waits, and nothing can wait without `std`.
///
/// # Examples
///
/// ```
/// use ringq::Queue;
///
/// let err = Queue::<u8>::try_new(usize::MAX).unwrap_err();
/// assert!(err.to_string().contains("exceeds the maximum"));
/// assert_eq!(err.requested(), usize::MAX);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CapacityError {
    requested: usize,
    kind: CapacityErrorKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum CapacityErrorKind {
    TooLarge,
    Alloc,
    /// Capacity 0 without the `std` feature.
    #[cfg(not(feature = "std"))]
    Rendezvous,
}

impl CapacityError {
    pub(crate) fn too_large(requested: usize) -> CapacityError {
        CapacityError {
            requested,
            kind: CapacityErrorKind::TooLarge,
        }
    }

    /// Capacity 0 without `std`: a rendezvous needs a waiting popper.
    #[cfg(not(feature = "std"))]
    pub(crate) fn rendezvous() -> CapacityError {
        CapacityError {
            requested: 0,
            kind: CapacityErrorKind::Rendezvous,
        }
    }

    pub(crate) fn alloc(requested: usize) -> CapacityError {
        CapacityError {
            requested,
            kind: CapacityErrorKind::Alloc,
        }
    }

    /// The capacity that was asked for.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = ringq::Queue::<u8>::try_new(usize::MAX).unwrap_err();
    /// assert_eq!(err.requested(), usize::MAX);
    /// ```
    pub fn requested(&self) -> usize {
        self.requested
    }
}

impl fmt::Display for CapacityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            CapacityErrorKind::TooLarge => write!(
                f,
                "queue capacity {} exceeds the maximum of {}",
                self.requested, MAX_CAPACITY
            ),
            #[cfg(not(feature = "std"))]
            CapacityErrorKind::Rendezvous => f.write_str(
                "queue capacity 0 (a rendezvous) needs ringq's `std` feature: \
                 its hand-off waits for a popper",
            ),
            CapacityErrorKind::Alloc => write!(
                f,
                "could not allocate a queue of capacity {}",
                self.requested
            ),
        }
    }
}

#[cfg(feature = "std")]
impl Error for CapacityError {}
