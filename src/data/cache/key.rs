//! What identifies a source file's contents cheaply: its size, its modification time, and a
//! hash of sampled blocks (the first and last MiB and four evenly spaced in between; the whole
//! file when it is small). A change in any of them means the cache no longer describes the file.

use super::read_at;
use crate::error::{Error, Result};
use std::fs::File;
use std::path::Path;
use std::time::UNIX_EPOCH;
use xxhash_rust::xxh3::Xxh3;

/// Bytes of each sampled block.
const SAMPLE_BYTES: u64 = 1 << 20;
/// Files up to this size are hashed whole.
const WHOLE_BYTES: u64 = 8 << 20;

/// The identity of a source file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceKey {
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 when unknown).
    pub mtime_ns: u64,
    /// xxh3-64 of the size and the sampled blocks, in hex.
    pub sample_xxh3: String,
}

/// Reads the key of `path`.
pub fn source_key(path: &Path) -> Result<SourceKey> {
    let io = |e| Error::io(path, e);
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    let size = meta.len();
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    let mut hasher = Xxh3::new();
    hasher.update(&size.to_le_bytes());
    let mut buf = Vec::new();
    for (offset, len) in sample_ranges(size) {
        buf.resize(len as usize, 0);
        read_at(&file, &mut buf, offset).map_err(io)?;
        hasher.update(&buf);
    }
    Ok(SourceKey {
        size,
        mtime_ns,
        sample_xxh3: format!("{:016x}", hasher.digest()),
    })
}

/// The `(offset, length)` blocks hashed for a file of `size` bytes.
pub fn sample_ranges(size: u64) -> Vec<(u64, u64)> {
    if size <= WHOLE_BYTES {
        return vec![(0, size)];
    }
    let last = size - SAMPLE_BYTES;
    (0..=5).map(|k| (last * k / 5, SAMPLE_BYTES)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_cover_both_ends() {
        assert_eq!(sample_ranges(100), vec![(0, 100)]);
        let size = 450_000_000;
        let r = sample_ranges(size);
        assert_eq!(r.len(), 6);
        assert_eq!(r[0], (0, SAMPLE_BYTES));
        assert_eq!(r[5].0 + r[5].1, size);
    }
}
