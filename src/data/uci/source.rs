//! Opens a data file as a stream of text, whatever it is stored as: plain text, a zip archive
//! holding one text file, or gzip. The kind comes from the first bytes (`PK\x03\x04`, `1f 8b`),
//! not from the name (an empty zip starts `PK\x05\x06`), so a renamed or half-downloaded file is read for what it is.

use crate::error::{Error, Result};
use indicatif::ProgressBar;
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

    fn describe(self) -> &'static str {
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

/// The archive kind that `path`'s name claims (`.zip`, `.gz`), if any.
fn archive_name(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "zip" => Some(Kind::Zip),
        "gz" | "gzip" => Some(Kind::Gzip),
        _ => None,
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

/// Opens `path` and runs `body` on its text; `bar` counts the bytes read from disk.
pub fn with_source<T>(
    path: &Path,
    bar: &ProgressBar,
    body: impl FnOnce(Source<'_>) -> Result<T>,
) -> Result<T> {
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
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut magic = [0u8; 4];
    let got = read_up_to(&mut file, &mut magic).map_err(|e| Error::io(path, e))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(path, e))?;
    let counted = Counted {
        inner: file,
        bar: bar.clone(),
    };
    match detect(&magic[..got]) {
        Kind::Text => {
            let mut reader = counted;
            let result = body(Source {
                reader: &mut reader,
                name: path.to_path_buf(),
                kind: Kind::Text,
                size_hint: Some(meta.len()),
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
            })
        }
        Kind::Zip => super::zip_entry::with_zip_entry(path, counted, body),
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

/// A file that moves a progress bar by the bytes read from it.
pub struct Counted {
    inner: File,
    bar: ProgressBar,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

impl Seek for Counted {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}
