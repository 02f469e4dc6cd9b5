//! What the fuzz targets share: the flavors' ends behind one interface
//! (`ends`), and a reader that turns the fuzzer's bytes into
//! choices (running out of bytes reads zeros, so every input is valid).

pub mod ends;

/// Reads choices from fuzzer input.
#[derive(Debug)]
pub struct Input<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Input<'a> {
    /// Wraps the fuzzer's bytes.
    pub fn new(data: &'a [u8]) -> Input<'a> {
        Input { data, pos: 0 }
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The next byte, or 0 once the input is used up.
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

/// Installs a panic hook that aborts (so the fuzzer records a crash) on
/// every panic except those on threads whose name starts with `quiet` (pool
/// workers running jobs that panic on purpose; the pool catches those).
/// libfuzzer-sys's own hook aborts on every panic, caught or not.
pub fn abort_on_panic_except_threads_named(quiet: &'static str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = std::thread::current().name().map(str::to_owned);
            if name.is_some_and(|n| n.starts_with(quiet)) {
                return;
            }
            default(info);
            std::process::abort();
        }));
    });
}
