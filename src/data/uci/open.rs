//! Opens a data file as a stream of text, whatever it is stored as: plain text, a zip archive
//! holding one text file, or gzip. The kind comes from the first bytes (`PK\x03\x04`, `1f 8b`),
//! not from the name (an empty zip starts `PK\x05\x06`), so a renamed or half-downloaded file is
//! read for what it is.
//!
//! A regular file is sniffed and then read from its start again. A stream (standard input as
//! `-`, a pipe such as `<(cat file)` or `/dev/stdin`, a FIFO) cannot seek back: its first bytes
//! are read once and put in front of the rest. A zip archive needs seeking (its index is at its
//! end), so it is read from files only. Opening a FIFO waits for a writer, as `cat` does, but
//! says so after a moment and stops when the caller cancels.

use super::stream::{detect, read_up_to, Counted, Kind, Source};
use super::zip_entry::with_zip_entry;
use crate::error::{Error, Result};
use crate::observer::{Event, Note, Observer};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long opening a FIFO may wait before the caller hears that it waits for a writer.
const FIFO_NOTE_AFTER: Duration = Duration::from_millis(500);

/// The archive kind that `path`'s name claims (`.zip`, `.gz`), if any.
fn archive_name(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "zip" => Some(Kind::Zip),
        "gz" | "gzip" => Some(Kind::Gzip),
        _ => None,
    }
}

/// Opens `path` and runs `body` on its text; `observer` hears of the bytes read from disk.
pub fn with_source<T>(
    path: &Path,
    observer: &dyn Observer,
    body: impl FnOnce(Source<'_>) -> Result<T>,
) -> Result<T> {
    if path == Path::new("-") {
        let mut stdin = std::io::stdin().lock();
        return with_stream(path, &mut stdin, observer, body);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a directory, not a file",
            ),
        ));
    }
    if !meta.is_file() {
        let mut file = if is_fifo(&meta) {
            open_fifo(path, observer)?
        } else {
            File::open(path).map_err(|e| Error::io(path, e))?
        };
        return with_stream(path, &mut file, observer, body);
    }
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut magic = [0u8; 4];
    let got = read_up_to(&mut file, &mut magic).map_err(|e| Error::io(path, e))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(path, e))?;
    let counted = Counted {
        inner: file,
        observer,
        read: 0,
        size: meta.len(),
    };
    match detect(&magic[..got]) {
        Kind::Text => {
            let mut reader = counted;
            let result = body(Source {
                reader: &mut reader,
                name: path.to_path_buf(),
                kind: Kind::Text,
                size_hint: Some(meta.len()),
                observer,
            });
            // Named as an archive but not one: read as text (a renamed file works), and when
            // that fails, say first that the archive is damaged or not an archive at all.
            match (result, archive_name(path)) {
                (Err(e @ (Error::Parse { .. } | Error::Line { .. })), Some(kind)) => {
                    Err(Error::format(
                        path,
                        format!(
                            "not a {} archive (its first bytes are not a {} header: damaged, or \
                             another kind of file), and not UCI text either ({})",
                            kind.describe(),
                            kind.describe(),
                            e.to_string()
                                .strip_prefix(&format!("{}: ", path.display()))
                                .unwrap_or(&e.to_string())
                        ),
                    ))
                }
                (result, _) => result,
            }
        }
        Kind::Gzip => {
            let mut reader = flate2::read::MultiGzDecoder::new(counted);
            body(Source {
                reader: &mut reader,
                name: path.to_path_buf(),
                kind: Kind::Gzip,
                size_hint: None,
                observer,
            })
        }
        Kind::Zip => with_zip_entry(path, counted, body),
    }
}

/// Runs `body` on a stream that cannot seek: its first bytes are sniffed and put back in front.
fn with_stream<T>(
    path: &Path,
    reader: &mut dyn Read,
    observer: &dyn Observer,
    body: impl FnOnce(Source<'_>) -> Result<T>,
) -> Result<T> {
    let mut magic = [0u8; 4];
    let got = read_up_to(reader, &mut magic).map_err(|e| Error::io(path, e))?;
    let mut whole = (&magic[..got]).chain(reader);
    let source = |reader, kind| Source {
        reader,
        name: path.to_path_buf(),
        kind,
        size_hint: None,
        observer,
    };
    match detect(&magic[..got]) {
        Kind::Text => body(source(&mut whole, Kind::Text)),
        Kind::Gzip => {
            let mut reader = flate2::read::MultiGzDecoder::new(whole);
            body(source(&mut reader, Kind::Gzip))
        }
        Kind::Zip => Err(Error::format(
            path,
            "a zip archive cannot be read from a pipe, a FIFO or standard input (its index is at \
             its end): give its path, or `unzip -p` it into --data -",
        )),
    }
}

#[cfg(unix)]
fn is_fifo(meta: &std::fs::Metadata) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type())
}

#[cfg(not(unix))]
fn is_fifo(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Opens a FIFO, which blocks until a program opens it for writing. The open runs on a thread
/// of its own so that this one can tell the caller it waits and give up when the caller
/// cancels (the blocked thread then ends with the process, or when a writer comes).
fn open_fifo(path: &Path, observer: &dyn Observer) -> Result<File> {
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(File::open(&owned));
    });
    let start = Instant::now();
    let mut noted = false;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(opened) => return opened.map_err(|e| Error::io(path, e)),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if observer.cancelled() {
                    return Err(Error::Interrupted);
                }
                if !noted && start.elapsed() >= FIFO_NOTE_AFTER {
                    noted = true;
                    observer.event(Event::Note(Note::WaitingForWriter {
                        path: path.to_path_buf(),
                    }));
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::io(
                    path,
                    std::io::Error::other("the FIFO could not be opened"),
                ))
            }
        }
    }
}
