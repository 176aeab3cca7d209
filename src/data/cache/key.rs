//! What a cache was made from, and how a source file's contents are identified: the size and an
//! xxh3 hash of every byte. Hashing the whole file (in parallel blocks) costs a read of it on
//! every load, but an edit that keeps the size and the modification time (`touch -r`,
//! `rsync -t`, coarse file-system clocks) is still seen; a touch alone changes nothing.

use super::{combine, hex, read_at, HASH_BLOCK};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::fs::File;
use std::path::Path;
use xxhash_rust::xxh3::Xxh3;

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
///
/// Each thread takes a run of blocks and reads each in small pieces that stay in its core's
/// cache while they are hashed (the streamed xxh3 of a block equals its one-shot hash): the
/// bytes cross memory once, from the page cache, instead of being written out and read back.
pub fn hash_file(file: &File, size: u64) -> std::io::Result<u64> {
    const PIECE: usize = 256 << 10;
    let blocks = size.div_ceil(HASH_BLOCK as u64) as usize;
    let runs = (rayon::current_num_threads() * 4).clamp(1, blocks.max(1));
    let per_run = blocks.div_ceil(runs).max(1);
    let hashes: std::io::Result<Vec<Vec<u64>>> = (0..blocks)
        .step_by(per_run)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|first| {
            let mut buf = vec![0u8; PIECE];
            (first..(first + per_run).min(blocks))
                .map(|i| {
                    let start = i as u64 * HASH_BLOCK as u64;
                    let end = (start + HASH_BLOCK as u64).min(size);
                    let mut hasher = Xxh3::new();
                    let mut at = start;
                    while at < end {
                        let len = (end - at).min(PIECE as u64) as usize;
                        read_at(file, &mut buf[..len], at)?;
                        hasher.update(&buf[..len]);
                        at += len as u64;
                    }
                    Ok(hasher.digest())
                })
                .collect()
        })
        .collect();
    let hashes: Vec<u64> = hashes?.into_iter().flatten().collect();
    Ok(combine(&hashes))
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
        // The streamed blocks hash as the one-shot blocks of the cache's checksum do.
        let whole: Vec<u64> = bytes
            .chunks(HASH_BLOCK)
            .map(xxhash_rust::xxh3::xxh3_64)
            .collect();
        assert_eq!(b.content_xxh3, hex(combine(&whole)));
    }
}
