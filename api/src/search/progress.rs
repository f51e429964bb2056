//! A progress bar for long commands: redrawn in place on a terminal, silent otherwise (logs get
//! the command's summary line instead).

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Receives the progress of a long task.
pub trait Progress {
    fn start(&mut self, total: u64);
    fn advance(&mut self, done: u64);
    fn finish(&mut self);
}

/// Ignores everything (tests, non-interactive runs).
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&mut self, _: u64) {}
    fn advance(&mut self, _: u64) {}
    fn finish(&mut self) {}
}

/// `label [#########...........] 120/350 (34%) 1.2s` on stderr when it is a terminal.
pub struct ProgressBar {
    label: String,
    unit: String,
    total: u64,
    done: u64,
    started: Instant,
    draw: bool,
}

impl ProgressBar {
    pub fn on_stderr(label: &str, unit: &str) -> ProgressBar {
        ProgressBar {
            label: label.to_string(),
            unit: unit.to_string(),
            total: 0,
            done: 0,
            started: Instant::now(),
            draw: std::io::stderr().is_terminal(),
        }
    }

    fn redraw(&self) {
        if self.draw {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2K{}",
                render(
                    &self.label,
                    &self.unit,
                    self.done,
                    self.total,
                    self.started.elapsed().as_secs_f64()
                )
            );
            let _ = err.flush();
        }
    }
}

impl Progress for ProgressBar {
    fn start(&mut self, total: u64) {
        self.total = total;
        self.done = 0;
        self.started = Instant::now();
        self.redraw();
    }

    fn advance(&mut self, done: u64) {
        self.done = (self.done + done).min(self.total);
        self.redraw();
    }

    fn finish(&mut self) {
        if self.draw {
            eprintln!();
        }
    }
}

/// One line of the bar, 30 cells wide.
pub fn render(label: &str, unit: &str, done: u64, total: u64, seconds: f64) -> String {
    const WIDTH: u64 = 30;
    let filled = (done * WIDTH)
        .checked_div(total)
        .unwrap_or(WIDTH)
        .min(WIDTH);
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    format!(
        "{label} [{}{}] {done}/{total} {unit} ({percent}%) {seconds:.1}s",
        "#".repeat(filled as usize),
        ".".repeat((WIDTH - filled) as usize),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_work_done() {
        assert_eq!(
            render("reindex", "products", 12, 36, 0.42),
            "reindex [##########....................] 12/36 products (33%) 0.4s"
        );
        assert!(render("reindex", "products", 0, 0, 0.0).contains("(100%)"));
    }
}
