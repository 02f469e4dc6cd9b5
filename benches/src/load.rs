//! Background load: processes that burn CPU at normal priority, so a report
//! can show what a busy, shared machine does to each queue.

use std::hint::black_box;
use std::process::{Child, Command, Stdio};

/// The argument that turns the `compare` binary into a burner.
pub const BURN_ARG: &str = "--burn";

/// `n` burner processes; they are killed when this is dropped.
#[derive(Debug)]
pub struct Load(Vec<Child>);

impl Load {
    /// Starts `n` copies of the current executable with [`BURN_ARG`] (the
    /// binary must call [`burn`] when it sees it).
    ///
    /// # Panics
    ///
    /// If the executable cannot be found or started.
    pub fn start(n: usize) -> Load {
        let exe = std::env::current_exe().expect("the path of the running benchmark");
        Load(
            (0..n)
                .map(|_| {
                    Command::new(&exe)
                        .arg(BURN_ARG)
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .expect("start a background load process")
                })
                .collect(),
        )
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Burns one CPU until killed (or for an hour, should the parent die
/// without killing it).
pub fn burn() {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(3600);
    let mut x = 1u64;
    while std::time::Instant::now() < until {
        for _ in 0..1_000_000 {
            x = black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }
}
