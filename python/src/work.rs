//! Long work off the interpreter: the library runs on a thread of its own with the GIL released,
//! while the calling thread wakes every [`POLL`] to let Python handle signals (Ctrl-C raises
//! `KeyboardInterrupt` there) and to pass the library's progress and notes to a Python callback.
//!
//! Ctrl-C sets the flag that the library's observer reads ([`Observer::cancelled`]): SGD, Newton
//! and the study stop at their next step with `Error::Interrupted`. The calling thread waits for
//! the work to stop before it raises, so nothing keeps running behind the caller's back.

use crate::errors::to_py;
use msd_century::{Event, Observer, Task};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the calling thread wakes while the work runs.
pub const POLL: Duration = Duration::from_millis(50);

/// The observer of work run by [`run`]: it keeps the latest progress and the notes for the
/// calling thread, and tells the library when the caller wants it to stop.
#[derive(Default)]
pub struct Watch {
    cancel: AtomicBool,
    progress: Mutex<Option<(Task, u64, Option<u64>)>>,
    notes: Mutex<Vec<String>>,
}

impl Observer for Watch {
    fn event(&self, event: Event) {
        match event {
            Event::Note(note) => lock(&self.notes).push(note.to_string()),
            Event::Progress { task, done, total } => {
                *lock(&self.progress) = Some((task, done, total));
            }
            // SGD's evaluations come back with its history.
            Event::Evaluated { .. } => {}
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Watch {
    /// Passes the notes and the latest progress to `on_event`: `on_event("note", message, None,
    /// None)` and `on_event(task, stage, done, total)`, with `task` one of `read`, `download`,
    /// `sgd`, `study` (`stage` names the study's stage, else `None`).
    fn deliver(&self, py: Python<'_>, on_event: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let Some(on_event) = on_event else {
            return Ok(());
        };
        let notes = std::mem::take(&mut *lock(&self.notes));
        for note in notes {
            on_event.call1(("note", note, py.None(), py.None()))?;
        }
        let progress = lock(&self.progress).take();
        if let Some((task, done, total)) = progress {
            let (name, stage) = match task {
                Task::Read => ("read", None),
                Task::Download => ("download", None),
                Task::Sgd => ("sgd", None),
                Task::Study { stage } => ("study", Some(stage)),
            };
            on_event.call1((name, stage, done, total))?;
        }
        Ok(())
    }
}

/// Runs `work` on a thread of its own with the GIL released; see the module's documentation.
/// Errors of the library become Python exceptions ([`to_py`]); a panic becomes a
/// `RuntimeError` rather than a crash of the interpreter.
pub fn run<T, F>(py: Python<'_>, on_event: Option<&Bound<'_, PyAny>>, work: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Watch) -> msd_century::Result<T> + Send + 'static,
{
    let watch = Arc::new(Watch::default());
    let (tx, rx) = mpsc::channel();
    let worker = Arc::clone(&watch);
    let handle = std::thread::Builder::new()
        .name("msd-century".into())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&worker)));
            let _ = tx.send(outcome);
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    let mut rx = rx;
    let outcome = loop {
        let (received, back) = wait(py, rx);
        rx = back;
        match received {
            Ok(outcome) => break outcome,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "the work thread ended without a result",
                ))
            }
        }
        if let Err(err) = py
            .check_signals()
            .and_then(|()| watch.deliver(py, on_event))
        {
            // Ctrl-C, or an exception in the callback: stop the work, wait for it, raise.
            watch.cancel.store(true, Ordering::Relaxed);
            let _ = py.detach(move || handle.join());
            return Err(err);
        }
    };
    let _ = py.detach(move || handle.join());
    watch.deliver(py, on_event)?;
    match outcome {
        Ok(result) => result.map_err(to_py),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(PyRuntimeError::new_err(format!(
                "internal error in msd-century: {message}"
            )))
        }
    }
}

/// One wait of at most [`POLL`] with the GIL released. The receiver goes into the closure and
/// comes back, since only values that may cross threads may enter a closure without the GIL.
fn wait<T: Send>(py: Python<'_>, rx: Receiver<T>) -> (Result<T, RecvTimeoutError>, Receiver<T>) {
    py.detach(move || {
        let received = rx.recv_timeout(POLL);
        (received, rx)
    })
}
