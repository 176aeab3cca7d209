//! Download of the UCI archive.
//!
//! `DEST/<name>.part` is written as the bytes arrive, checked against `Content-Length`, then
//! parsed in full (91 fields a line, the expected row count); only then is it renamed to
//! `DEST/<name>`. So the final name only ever holds a complete, valid file, and a failed
//! download leaves nothing behind.

use super::table::FULL_ROWS;
use super::uci;
use crate::error::{Error, Result};
use crate::observer::{Event, Note, Observer, Task};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The archive named in the classic assignment.
pub const DEFAULT_URL: &str =
    "https://archive.ics.uci.edu/ml/machine-learning-databases/00203/YearPredictionMSD.txt.zip";

/// Downloads `url` into `dest_dir`, validates it, and returns the final path; notes and the
/// bytes downloaded and read go to `observer`.
pub fn fetch(url: &str, dest_dir: &Path, observer: &dyn Observer) -> Result<PathBuf> {
    fetch_expecting(url, dest_dir, FULL_ROWS, observer)
}

/// [`fetch`], for a file that must hold `expected_rows` rows.
pub fn fetch_expecting(
    url: &str,
    dest_dir: &Path,
    expected_rows: usize,
    observer: &dyn Observer,
) -> Result<PathBuf> {
    let fail = |message: String| Error::Fetch {
        url: url.to_string(),
        message,
    };
    let name = file_name(url).ok_or_else(|| fail("the URL does not end in a file name".into()))?;
    crate::atomic::create_dir_all(dest_dir)?;
    let final_path = dest_dir.join(name);
    if final_path.is_file() {
        match validate(&final_path, expected_rows, observer) {
            Ok(()) => {
                observer.event(Event::Note(Note::AlreadyFetched {
                    path: final_path.clone(),
                }));
                return Ok(final_path);
            }
            Err(reason) => observer.event(Event::Note(Note::RefetchingInvalid {
                path: final_path.clone(),
                reason,
            })),
        }
    }
    let mut part = final_path.clone().into_os_string();
    part.push(".part");
    let part = PathBuf::from(part);
    let outcome = download(url, &part, observer).map_err(fail).and_then(|()| {
        validate(&part, expected_rows, observer)
            .map_err(|why| fail(format!("the download is not the data file: {why}")))
    });
    if let Err(e) = outcome {
        let _ = std::fs::remove_file(&part);
        return Err(e);
    }
    std::fs::rename(&part, &final_path).map_err(|e| Error::io(&final_path, e))?;
    Ok(final_path)
}

/// The last segment of the URL's path, when it is a plain file name.
pub fn file_name(url: &str) -> Option<&str> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    let plain = !name.is_empty() && name != "." && name != ".." && !name.contains('\\');
    plain.then_some(name)
}

/// Streams the body of `url` into `part`; a message on any failure.
fn download(url: &str, part: &Path, observer: &dyn Observer) -> std::result::Result<(), String> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(30))
        .timeout_read(Duration::from_secs(60))
        .build();
    let response = match agent.get(url).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(code, r)) => {
            return Err(format!("HTTP {code} {}", r.status_text()))
        }
        Err(e) => return Err(e.to_string()),
    };
    let length = response
        .header("Content-Length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut reader = response.into_reader();
    let file = File::create(part).map_err(|e| format!("{}: {e}", part.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut buf = vec![0u8; 1 << 16];
    let mut got: u64 = 0;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cut short after {got} bytes: {e}")),
        };
        out.write_all(&buf[..n])
            .map_err(|e| format!("{}: {e}", part.display()))?;
        got += n as u64;
        observer.event(Event::Progress {
            task: Task::Download,
            done: got,
            total: length,
        });
    }
    let file = out
        .into_inner()
        .map_err(|e| format!("{}: {}", part.display(), e.error()))?;
    file.sync_all()
        .map_err(|e| format!("{}: {e}", part.display()))?;
    match length {
        Some(expected) if expected != got => Err(format!(
            "cut short: got {got} of {expected} bytes (Content-Length)"
        )),
        _ => Ok(()),
    }
}

/// Parses `path` in full; the reason when it is not a valid data file of `expected_rows` rows.
fn validate(
    path: &Path,
    expected_rows: usize,
    observer: &dyn Observer,
) -> std::result::Result<(), String> {
    let values = uci::parse_file(path, observer).map_err(|e| e.to_string())?;
    if values.rows() != expected_rows {
        return Err(format!("{} rows, expected {expected_rows}", values.rows()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_url_path() {
        assert_eq!(file_name(DEFAULT_URL), Some("YearPredictionMSD.txt.zip"));
        assert_eq!(file_name("http://h/a/b.zip?x=1#y"), Some("b.zip"));
        assert_eq!(file_name("http://h/a/"), None);
        assert_eq!(file_name("http://h/.."), None);
    }
}
