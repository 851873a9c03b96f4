//! Progress on stderr: one line rewritten in place on a terminal, plain lines otherwise (a log).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often a plain line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    terminal: bool,
    last: Option<Instant>,
}

impl Progress {
    pub fn new() -> Progress {
        Progress { terminal: std::io::stderr().is_terminal(), last: None }
    }

    /// Shows `what`; `force` prints it even between two periodic lines.
    pub fn show(&mut self, what: &str, force: bool) {
        let mut stderr = std::io::stderr();
        if self.terminal {
            let _ = write!(stderr, "\r\x1b[2K{what}");
            let _ = stderr.flush();
            return;
        }
        if force || self.last.is_none_or(|last| last.elapsed() >= PLAIN_EVERY) {
            self.last = Some(Instant::now());
            let _ = writeln!(stderr, "{what}");
        }
    }

    /// Ends the line in place, on a terminal.
    pub fn finish(&mut self) {
        if self.terminal {
            let _ = writeln!(std::io::stderr());
        }
    }
}
