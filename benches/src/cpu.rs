//! CPU time of this process, for the "CPU per message" columns.

use std::time::Duration;

/// User plus system CPU time this process has used so far, over all its
/// threads, including threads that have already exited (`getrusage`
/// `RUSAGE_SELF`, microsecond resolution on Linux). Background load
/// processes are other processes and not counted.
pub fn process_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `getrusage` writes a whole `rusage` through the pointer, which
    // points to writable memory of that size; `RUSAGE_SELF` is a valid
    // `who`, so the call cannot fail (it is checked anyway).
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    assert_eq!(rc, 0, "getrusage(RUSAGE_SELF) failed");
    // SAFETY: initialised by the successful call above (and zeroed before).
    let usage = unsafe { usage.assume_init() };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}
