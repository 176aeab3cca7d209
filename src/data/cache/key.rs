//! What a cache was made from, and how a source file's contents are identified: the size and an
//! xxh3 hash of every byte. Hashing the whole file (in parallel blocks) costs a read of it on
//! every load, but an edit that keeps the size and the modification time (`touch -r`,
//! `rsync -t`, coarse file-system clocks) is still seen; a touch alone changes nothing.

use super::{combine, hex, read_at, HASH_BLOCK};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::fs::File;
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

/// What a cache holds the rows of.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CacheKey {
    /// A text file with these contents.
    File(SourceKey),
    /// The embedded generator's rows.
    Synthetic {
        /// [`crate::data::synthetic::GENERATOR_VERSION`]: a new generator gives other rows.
        generator: u32,
        rows: usize,
        seed: u64,
    },
}

/// The identity of a source file's contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceKey {
    pub size: u64,
    /// xxh3-64 of the whole file, in blocks of 8 MiB combined as the cache's own checksum, in hex.
    pub content_xxh3: String,
}

/// Reads and hashes the whole of `path`.
pub fn source_key(path: &Path) -> Result<SourceKey> {
    let io = |e| Error::io(path, e);
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    let size = meta.len();
    Ok(SourceKey {
        size,
        content_xxh3: hex(hash_file(&file, size).map_err(io)?),
    })
}

/// The checksum of the first `size` bytes of `file`: blocks hashed in parallel, then combined.
pub fn hash_file(file: &File, size: u64) -> std::io::Result<u64> {
    let blocks = size.div_ceil(HASH_BLOCK as u64) as usize;
    let hashes: std::io::Result<Vec<u64>> = (0..blocks)
        .into_par_iter()
        .map_init(
            || vec![0u8; HASH_BLOCK],
            |buf, i| {
                let offset = i as u64 * HASH_BLOCK as u64;
                let len = (size - offset).min(HASH_BLOCK as u64) as usize;
                read_at(file, &mut buf[..len], offset)?;
                Ok(xxh3_64(&buf[..len]))
            },
        )
        .collect();
    Ok(combine(&hashes?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut bytes = vec![7u8; HASH_BLOCK + 1000];
        std::fs::write(&path, &bytes).unwrap();
        let a = source_key(&path).unwrap();
        bytes[HASH_BLOCK / 2] = 8;
        std::fs::write(&path, &bytes).unwrap();
        let b = source_key(&path).unwrap();
        assert_eq!(a.size, b.size);
        assert_ne!(a.content_xxh3, b.content_xxh3);
    }
}
