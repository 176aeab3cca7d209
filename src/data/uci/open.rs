//! Opens a data file as a stream of text, whatever it is stored as: plain text, a zip archive
//! holding one text file, or gzip. The kind comes from the first bytes (`PK\x03\x04`, `1f 8b`),
//! not from the name (an empty zip starts `PK\x05\x06`), so a renamed or half-downloaded file is
//! read for what it is.

use super::stream::{detect, read_up_to, Counted, Kind, Source};
use super::zip_entry::with_zip_entry;
use crate::error::{Error, Result};
use crate::observer::Observer;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::Path;

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
