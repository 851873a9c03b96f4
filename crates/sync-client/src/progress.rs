//! Progress on stderr: one line rewritten in place on a terminal, plain lines otherwise (a log).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often a plain line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// `[=========>          ] 460/1000`: how far a load is, for a terminal.
pub fn bar(done: usize, total: usize) -> String {
    const WIDTH: usize = 30;
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH).min(WIDTH);
    let head = if filled < WIDTH { ">" } else { "" };
    format!("[{}{head}{}] {done}/{total}", "=".repeat(filled), " ".repeat(WIDTH - filled - head.len()))
}

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

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn a_bar_fills_as_the_load_goes() {
        assert_eq!(bar(0, 10), format!("[>{}] 0/10", " ".repeat(29)));
        assert_eq!(bar(5, 10), format!("[{}>{}] 5/10", "=".repeat(15), " ".repeat(14)));
        assert_eq!(bar(10, 10), format!("[{}] 10/10", "=".repeat(30)));
        assert_eq!(bar(0, 0), format!("[{}] 0/0", "=".repeat(30)));
    }
}
