//! Progress messages on standard error, shown only when it is a terminal.

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// A one-line status that rewrites itself on a terminal and stays silent elsewhere.
pub(crate) struct Progress {
    enabled: bool,
    started: Instant,
    shown: bool,
}

impl Progress {
    /// A progress line on standard error; silent when it is not a terminal or `quiet` is set.
    pub(crate) fn new(quiet: bool) -> Progress {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
            started: Instant::now(),
            shown: false,
        }
    }

    /// Shows what is being done now.
    pub(crate) fn step(&mut self, message: &str) {
        if !self.enabled {
            return;
        }
        let elapsed = self.started.elapsed().as_secs_f64();
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K[{elapsed:5.1}s] {message}");
        let _ = stderr.flush();
        self.shown = true;
    }

    /// Clears the line.
    pub(crate) fn finish(&mut self) {
        if self.enabled && self.shown {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            self.shown = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
