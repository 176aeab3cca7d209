//! What the library tells its caller while it works. The library never prints: notes (a cache
//! rebuilt, a header skipped), progress, and the evaluations SGD records reach the caller as
//! [`Event`]s through an [`Observer`]; the command line renders them, and a caller that does not
//! care passes [`Silent`].

use std::fmt;
use std::path::PathBuf;

/// Receives the events of a call. Called from worker threads too, hence `Sync`.
pub trait Observer: Sync {
    /// Something happened.
    fn event(&self, event: Event);

    /// True when the caller wants the work stopped (a Ctrl-C in a notebook): long loops ask at
    /// every step and return [`crate::Error::Interrupted`]. Never, by default.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Any `Fn(Event)` closure is an observer.
impl<F: Fn(Event) + Sync> Observer for F {
    fn event(&self, event: Event) {
        self(event)
    }
}

/// The observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn event(&self, _: Event) {}
}

/// An observer that hears nothing of `0`'s events but passes on its wish to cancel: for work
/// done inside a larger task (the study's SGD runs), whose own events would only be noise.
#[derive(Clone, Copy)]
pub struct Muted<'a>(pub &'a dyn Observer);

impl Observer for Muted<'_> {
    fn event(&self, _: Event) {}

    fn cancelled(&self) -> bool {
        self.0.cancelled()
    }
}

/// Something that happened during a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Something the user should know that is not an error.
    Note(Note),
    /// `done` of `total` units of `task`: bytes for reading and downloading, iterations for SGD,
    /// runs for the study.
    Progress {
        task: Task,
        done: u64,
        total: Option<u64>,
    },
    /// SGD recorded the validation loss and accuracy of model `model` of its group (0 for a
    /// single run) at iteration `iter`.
    Evaluated {
        model: usize,
        iter: usize,
        val_loss: f64,
        val_accuracy: f64,
    },
}

/// The work a [`Event::Progress`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Reading a data file (bytes).
    Read,
    /// Downloading the data set (bytes).
    Download,
    /// Training by SGD (iterations).
    Sgd,
    /// The study (SGD runs finished), in the named stage.
    Study { stage: &'static str },
}

/// A notice worth showing the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The first line of `path` holds column names, not numbers, and was skipped.
    HeaderSkipped { path: PathBuf, header: String },
    /// The source changed since its cache was written: it is parsed again.
    CacheStale { source: PathBuf },
    /// The cache could not be trusted: the source is parsed again.
    CacheDamaged {
        cache: PathBuf,
        source: PathBuf,
        reason: String,
    },
    /// The synthetic data's cache could not be trusted: the rows are generated again.
    SyntheticCacheDamaged { cache: PathBuf, reason: String },
    /// `path` is a FIFO that no program writes to yet: the read waits for one.
    WaitingForWriter { path: PathBuf },
    /// The cache could not be written; the rows are used without it.
    CacheNotWritten { reason: String },
    /// The data file is already in place and valid: it is not downloaded again.
    AlreadyFetched { path: PathBuf },
    /// The data file in place is not valid: it is downloaded again.
    RefetchingInvalid { path: PathBuf, reason: String },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::HeaderSkipped { path, header } => {
                write!(
                    f,
                    "{}: line 1 is a header ({header}): skipped",
                    path.display()
                )
            }
            Note::CacheStale { source } => write!(
                f,
                "{} changed since its cache was written: parsing it again",
                source.display()
            ),
            Note::CacheDamaged {
                cache,
                source,
                reason,
            } => write!(
                f,
                "cache {} is damaged ({reason}): parsing {} again",
                cache.display(),
                source.display()
            ),
            Note::SyntheticCacheDamaged { cache, reason } => write!(
                f,
                "cache {} is damaged ({reason}): generating the synthetic data again",
                cache.display()
            ),
            Note::WaitingForWriter { path } => write!(
                f,
                "{} is a FIFO with no writer yet: waiting for one (Ctrl-C to stop)",
                path.display()
            ),
            Note::CacheNotWritten { reason } => {
                write!(
                    f,
                    "cannot write the cache ({reason}); continuing without it"
                )
            }
            Note::AlreadyFetched { path } => write!(
                f,
                "{} is already present and valid: not downloading it again",
                path.display()
            ),
            Note::RefetchingInvalid { path, reason } => write!(
                f,
                "{} is present but not valid ({reason}): downloading it again",
                path.display()
            ),
        }
    }
}
