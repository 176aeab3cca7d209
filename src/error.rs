//! The one error type of the library. Every variant that comes from a file names the file, and
//! where it applies, the 1-based line and field, so a user can go straight to the problem.

use std::path::PathBuf;

/// Errors of the library; messages are one line and say what to fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operating-system error on a named file or directory.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A bad value in a text file, located by line and field (both 1-based).
    #[error("{}: line {line}, field {field}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: u64,
        field: usize,
        message: String,
    },

    /// A bad line as a whole (wrong number of fields), located by line (1-based).
    #[error("{}: line {line}: {message}", path.display())]
    Line {
        path: PathBuf,
        line: u64,
        message: String,
    },

    /// A file that cannot be read as what it claims to be (empty, corrupt archive, bad JSON).
    #[error("{}: {message}", path.display())]
    Format { path: PathBuf, message: String },

    /// An invalid setting, found before any work starts; the message names the option.
    #[error("{0}")]
    Config(String),

    /// The data cannot be used as asked (a constant feature, a split that does not fit).
    #[error("{0}")]
    Data(String),

    /// A solver could not reach an answer (separable data, no convergence).
    #[error("{0}")]
    Solver(String),

    /// A download failed or gave a file that is not the data set.
    #[error("download from {url}: {message}")]
    Fetch { url: String, message: String },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A format error on `path`.
    pub fn format(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Format {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Cuts `text` to at most `max` characters for an error message, marking the cut.
pub fn shorten(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}...")
    } else {
        head
    }
}

/// Shows raw bytes from a file in an error message: lossy UTF-8, control characters (a `\r`, a
/// terminal escape) as `?` so the message stays one plain line, cut short.
pub fn shorten_bytes(bytes: &[u8], max: usize) -> String {
    let end = bytes.len().min(max * 4);
    let text: String = String::from_utf8_lossy(&bytes[..end])
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    shorten(&text, max)
}
