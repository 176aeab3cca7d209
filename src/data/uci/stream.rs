//! The stream of text the parser reads, whatever the file stores it as, and what tells the kinds
//! of file apart.

use crate::error::Error;
use crate::observer::{Event, Observer, Task};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// How the text is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Zip,
    Gzip,
}

impl Kind {
    /// Whether reading can fail because the data inside is damaged.
    pub fn compressed(self) -> bool {
        self != Kind::Text
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Zip => "zip",
            Kind::Gzip => "gzip",
        }
    }
}

/// The stream handed to the parser: the text, the name for messages, how it was stored.
pub struct Source<'a> {
    pub reader: &'a mut dyn Read,
    /// The file (for a zip, `archive.zip/inner.txt`): what error messages name.
    pub name: PathBuf,
    pub kind: Kind,
    /// Bytes of text expected, when known (to size the output once instead of growing it).
    pub size_hint: Option<u64>,
    /// Where notes (a skipped header) go.
    pub observer: &'a dyn Observer,
}

/// The kind of file that starts with `magic`.
pub fn detect(magic: &[u8]) -> Kind {
    // A local file header, or the end record that is all an empty archive holds.
    if magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"PK\x05\x06") {
        Kind::Zip
    } else if magic.starts_with(&[0x1f, 0x8b]) {
        Kind::Gzip
    } else {
        Kind::Text
    }
}

/// Maps a read error inside the stream to the library error: damaged data for archives.
pub fn read_error(kind: Kind, name: &Path, e: std::io::Error) -> Error {
    if kind.compressed() {
        Error::format(
            name,
            format!("corrupt or truncated {} data: {e}", kind.describe()),
        )
    } else {
        Error::io(name, e)
    }
}

/// Reads until `buf` is full or the end; the count read.
pub fn read_up_to(reader: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// A file that reports the bytes read from it ([`Task::Read`]).
pub struct Counted<'a> {
    pub inner: File,
    pub observer: &'a dyn Observer,
    pub read: u64,
    pub size: u64,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        self.observer.event(Event::Progress {
            task: Task::Read,
            done: self.read,
            total: Some(self.size),
        });
        Ok(n)
    }
}

impl Seek for Counted<'_> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}
