//! How the command line shows the library's events: notes as `note: ...` lines on stderr,
//! progress as bars when stderr is a terminal, SGD's evaluations as the classic log line when
//! asked for.

use super::progress::{bar, byte_bar};
use indicatif::ProgressBar;
use msd_century::{Event, Observer, Task};
use std::io::IsTerminal;
use std::sync::Mutex;

/// Files smaller than this are read without a progress bar.
const READ_BAR_MIN_BYTES: u64 = 50 << 20;

/// The command line's observer.
pub struct Terminal {
    bars: bool,
    /// Print `Iter 10. [Val Acc 73%, Loss 0.561585]` on stdout for every evaluation.
    classic_log: bool,
    bar: Mutex<Option<(Task, ProgressBar)>>,
}

impl Terminal {
    /// Bars when stderr is a terminal.
    pub fn new() -> Terminal {
        Terminal {
            bars: std::io::stderr().is_terminal(),
            classic_log: false,
            bar: Mutex::new(None),
        }
    }

    /// The classic log line for every evaluation, and no SGD bar.
    pub fn with_classic_log(mut self) -> Terminal {
        self.classic_log = true;
        self
    }

    /// Removes the bar on display.
    pub fn finish(&self) {
        if let Some((_, bar)) = self.lock().take() {
            bar.finish_and_clear();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Task, ProgressBar)>> {
        self.bar.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn progress(&self, task: Task, done: u64, total: Option<u64>) {
        let shown = match task {
            Task::Read => total.is_some_and(|t| t > READ_BAR_MIN_BYTES),
            Task::Sgd => !self.classic_log,
            Task::Download | Task::Study { .. } => true,
        };
        if !(self.bars && shown) {
            return;
        }
        let mut slot = self.lock();
        let same = |t: &Task| match (t, &task) {
            (Task::Study { .. }, Task::Study { .. }) => true,
            (a, b) => a == b,
        };
        if !slot.as_ref().is_some_and(|(t, _)| same(t)) {
            if let Some((_, old)) = slot.take() {
                old.finish_and_clear();
            }
            let new = match task {
                Task::Read => byte_bar(total, "reading", true),
                Task::Download => byte_bar(total, "download", true),
                Task::Sgd => bar(total.unwrap_or(0), "sgd", true),
                Task::Study { stage } => bar(total.unwrap_or(0), stage, true),
            };
            *slot = Some((task, new));
        }
        if let Some((_, bar)) = slot.as_ref() {
            if let Task::Study { stage } = task {
                bar.set_message(stage);
            }
            bar.set_position(done);
        }
    }
}

impl Observer for Terminal {
    /// Ctrl-C or SIGTERM: the library stops at its next check.
    fn cancelled(&self) -> bool {
        super::signals::requested()
    }

    fn event(&self, event: Event) {
        match event {
            Event::Note(note) => {
                match self.lock().as_ref() {
                    Some((_, bar)) => bar.suspend(|| eprintln!("note: {note}")),
                    None => eprintln!("note: {note}"),
                };
            }
            Event::Progress { task, done, total } => self.progress(task, done, total),
            Event::Evaluated {
                iter,
                val_loss,
                val_accuracy,
                ..
            } => {
                if self.classic_log {
                    // A failed write shows again in the final output, which reports it.
                    let _ =
                        super::emit(&format!("{}\n", classic_line(iter, val_loss, val_accuracy)));
                }
            }
        }
    }
}

/// The classic log line: `Iter 10. [Val Acc 73%, Loss 0.561585]`.
pub fn classic_line(iter: usize, val_loss: f64, val_accuracy: f64) -> String {
    format!(
        "Iter {iter}. [Val Acc {:.0}%, Loss {val_loss:.6}]",
        val_accuracy * 100.0
    )
}
