//! The one text file inside a zip archive, as a stream.
//!
//! The `zip` crate finds the entry (its name, where its data start, how it is stored, its size
//! and CRC-32 from the central directory); the data are then read straight from the file through
//! a large buffer into zlib-rs's inflater, and checked against that size and CRC-32 at the end.
//! The full-size file then parses in about two thirds of the time the `zip` crate's own entry
//! reader gave, and damaged data are still caught: a wrong CRC or length is a read error at the
//! end of the stream, which the parser turns into "corrupt or truncated zip data".

use super::stream::{Counted, Kind, Source};
use crate::error::{Error, Result};
use flate2::bufread::DeflateDecoder;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Bytes of compressed data read from the file at a time.
const READ_BYTES: usize = 1 << 20;

/// Runs `body` on the one text file (`.txt`/`.csv`) inside the zip archive `path`.
pub fn with_zip_entry<T>(
    path: &Path,
    file: Counted<'_>,
    body: impl FnOnce(Source<'_>) -> Result<T>,
) -> Result<T> {
    let mut archive = zip::ZipArchive::new(file).map_err(|e| {
        Error::format(
            path,
            format!("not a readable zip archive (truncated or corrupt): {e}"),
        )
    })?;
    let mut names = Vec::new();
    let mut texts = Vec::new();
    for i in 0..archive.len() {
        let Some(name) = archive.name_for_index(i) else {
            continue;
        };
        if name.ends_with('/') || name.starts_with("__MACOSX/") {
            continue;
        }
        names.push(name.to_string());
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".txt") || lower.ends_with(".csv") {
            texts.push((i, name.to_string()));
        }
    }
    let (index, inner) = match texts.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(Error::format(
                path,
                format!(
                    "the zip archive holds no .txt or .csv file (it holds: {})",
                    list(&names)
                ),
            ))
        }
        many => {
            let found: Vec<String> = many.iter().map(|(_, n)| n.clone()).collect();
            return Err(Error::format(
                path,
                format!(
                    "the zip archive holds {} text files ({}); expected one",
                    many.len(),
                    list(&found)
                ),
            ));
        }
    };
    let name = path.join(&inner);
    let entry = archive
        .by_index_raw(index)
        .map_err(|e| Error::format(&name, format!("cannot read from the zip archive: {e}")))?;
    let expected = Expected {
        size: entry.size(),
        crc32: entry.crc32(),
    };
    let (method, encrypted, compressed) = (
        entry.compression(),
        entry.encrypted(),
        entry.compressed_size(),
    );
    let start = entry.data_start();
    drop(entry);
    if encrypted {
        return Err(Error::format(
            &name,
            "the file is encrypted in the zip archive; store it unencrypted",
        ));
    }
    let Some(start) = start else {
        return Err(Error::format(
            &name,
            "cannot find the start of the file's data in the zip archive",
        ));
    };
    let mut file = archive.into_inner();
    let observer = file.observer;
    file.seek(SeekFrom::Start(start))
        .map_err(|e| Error::io(path, e))?;
    let raw = BufReader::with_capacity(READ_BYTES, file.take(compressed));
    let data: Box<dyn Read> = match method {
        zip::CompressionMethod::Deflated => Box::new(DeflateDecoder::new(raw)),
        zip::CompressionMethod::Stored => Box::new(raw),
        other => {
            return Err(Error::format(
                &name,
                format!(
                    "the file is compressed with {other} in the zip archive; only deflate and \
                     stored files are read"
                ),
            ))
        }
    };
    let mut reader = Checked {
        inner: data,
        crc: crc32fast::Hasher::new(),
        seen: 0,
        expected,
    };
    body(Source {
        reader: &mut reader,
        name,
        kind: Kind::Zip,
        size_hint: Some(expected.size),
        observer,
    })
}

/// What the central directory says the file's data are.
#[derive(Debug, Clone, Copy)]
struct Expected {
    size: u64,
    crc32: u32,
}

/// A reader that checks, at its end, that it gave the expected number of bytes with the expected
/// CRC-32; a mismatch is an `InvalidData` error instead of the end.
struct Checked<R> {
    inner: R,
    crc: crc32fast::Hasher,
    seen: u64,
    expected: Expected,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.crc.update(&buf[..n]);
            self.seen += n as u64;
            if self.seen > self.expected.size {
                return Err(invalid(format!(
                    "more data than the {} bytes the archive lists",
                    self.expected.size
                )));
            }
        } else if buf.is_empty() {
            return Ok(0);
        } else if self.seen != self.expected.size {
            return Err(invalid(format!(
                "{} bytes where the archive lists {}",
                self.seen, self.expected.size
            )));
        } else if self.crc.clone().finalize() != self.expected.crc32 {
            return Err(invalid("CRC-32 mismatch".to_string()));
        }
        Ok(n)
    }
}

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "nothing".into();
    }
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = names.len().saturating_sub(5);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(data: &[u8], expected: Expected) -> std::io::Result<Vec<u8>> {
        let mut reader = Checked {
            inner: data,
            crc: crc32fast::Hasher::new(),
            seen: 0,
            expected,
        };
        let mut out = Vec::new();
        reader.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn the_end_of_the_data_is_checked_against_the_directory() {
        let data = b"1999,0.5,1.5\n2001,2.5,3.5\n";
        let good = Expected {
            size: data.len() as u64,
            crc32: crc32fast::hash(data),
        };
        assert_eq!(checked(data, good).unwrap(), data);
        let wrong_crc = Expected {
            crc32: good.crc32 ^ 1,
            ..good
        };
        assert!(checked(data, wrong_crc)
            .unwrap_err()
            .to_string()
            .contains("CRC-32"));
        let longer = Expected {
            size: good.size + 1,
            ..good
        };
        assert!(checked(data, longer)
            .unwrap_err()
            .to_string()
            .contains("bytes where"));
        let shorter = Expected {
            size: good.size - 1,
            ..good
        };
        assert!(checked(data, shorter)
            .unwrap_err()
            .to_string()
            .contains("more data"));
    }
}
