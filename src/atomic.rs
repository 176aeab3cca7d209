//! Atomic file output: write to a temporary file in the same directory, flush it to disk, then
//! rename it over the target. A reader (or a crash) sees the old file or the new one, never half.
//! A target that is not a regular file (a device such as `/dev/stdout`, a pipe) is written in
//! place.

use crate::error::{Error, Result};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `path` atomically with the bytes that `fill` produces.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let io_err = |e| Error::io(path, e);
    // A device, a pipe or a terminal (`/dev/stdout`, `/dev/full`, a FIFO) is written in place:
    // renaming a file over it would replace the device node instead of writing to it.
    if let Some(meta) = std::fs::metadata(path)
        .ok()
        .filter(|m| !m.is_file() && !m.is_dir())
    {
        if is_fifo(&meta) {
            check_fifo_reader(path).map_err(io_err)?;
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(io_err)?;
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        fill(&mut writer).map_err(io_err)?;
        return writer.flush().map_err(io_err);
    }
    // A missing directory, or a parent that is a file: said of the target, plainly.
    std::fs::metadata(dir).map_err(io_err)?;
    let tmp = tempfile::Builder::new()
        .prefix(".msd-tmp-")
        .tempfile_in(dir)
        .map_err(|e| {
            let message = format!("cannot create a file in {}: {}", dir.display(), e.kind());
            Error::io(path, std::io::Error::new(e.kind(), message))
        })?;
    set_readable(tmp.as_file()).map_err(io_err)?;
    {
        let mut writer = BufWriter::with_capacity(1 << 20, tmp.as_file());
        fill(&mut writer).map_err(io_err)?;
        writer.flush().map_err(io_err)?;
    }
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(unix)]
fn is_fifo(meta: &std::fs::Metadata) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type())
}

#[cfg(not(unix))]
fn is_fifo(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Opening a FIFO for writing waits for a reader, maybe forever: asked without waiting first,
/// a FIFO that no program reads is an error instead of a hang.
#[cfg(unix)]
fn check_fifo_reader(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.raw_os_error() == Some(libc::ENXIO) => Err(std::io::Error::new(
            std::io::ErrorKind::NotConnected,
            "a FIFO that no program reads from",
        )),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn check_fifo_reader(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Gives the file the usual mode of a new file (0644) instead of the temporary file's 0600.
#[cfg(unix)]
fn set_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Writes `bytes` to `path` atomically.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

/// Creates `dir` and its parents, with the path in the error.
pub fn create_dir_all(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}
