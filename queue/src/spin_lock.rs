//! A small spin lock for the waiter lists and token lists, built from the
//! `sync` shim's atomic, cell and back-off, so the same code runs under
//! loom.

use crate::sync::{AtomicBool, Backoff, Ordering, UnsafeCell};

/// A small spin lock for the waiter lists, built from the shim's own atomic
/// and cell so that the same code runs under loom.
///
/// Why not `Mutex`: critical sections here are a few instructions (push or
/// remove a `Thread`, maybe `unpark` it), so a spin lock with back-off is
/// as fast as a futex mutex uncontended and never sleeps in the kernel
/// (crossbeam-channel's `SyncWaker` makes the same choice). And loom 0.7.3's
/// `unpark` makes a thread runnable whatever it is blocked on, including a
/// loom `Mutex`, which then trips loom's own assertion (tokio-rs/loom#249).
///
/// Under loom the back-off here is a loom `yield_now`. A review reported
/// that loom 0.7.3 drops an `unpark` sent to a thread inside `yield_now`,
/// which would park a thread notified while it spins here forever in a
/// model; a minimal model of that did not reproduce it (see
/// `loom-tests/README.md`). `wait.rs`'s park phase no longer depends on
/// unpark tokens either way: it parks only while still registered.
pub(crate) struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands out `&mut T` to one thread at a time (the CAS on
// `locked` is the mutual exclusion), so sharing it needs only `T: Send`, as
// for `std::sync::Mutex`.
unsafe impl<T: Send> Sync for SpinLock<T> {}
// SAFETY: it owns a `T`; sending it sends the `T`.
unsafe impl<T: Send> Send for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub(crate) fn new(value: T) -> SpinLock<T> {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Runs `f` with exclusive access to the value.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let backoff = Backoff::new();
        // Acquire pairs with the Release in `Unlock::drop`: the previous
        // holder's writes happen before ours. Relaxed on failure: we retry.
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            backoff.snooze();
        }
        // Released on drop, so a panic in `f` cannot leave the lock held.
        let _unlock = Unlock(&self.locked);
        // SAFETY: we hold the lock, so no other `&mut T` to the value exists
        // until `_unlock` drops after `f` returns.
        self.value.with_mut(|p| f(unsafe { &mut *p }))
    }
}

struct Unlock<'a>(&'a AtomicBool);

impl Drop for Unlock<'_> {
    fn drop(&mut self) {
        // Release: publishes our writes to the next holder's Acquire.
        self.0.store(false, Ordering::Release);
    }
}
