//! Binary cache of parsed (or generated) rows, as `.npy` (numpy can read it too).
//!
//! A text file's cache lies beside it: `<file>.cache.npy` holds the `rows x 91` matrix ('<f8',
//! C order); `<file>.cache.json` holds the key of what it came from ([`key::CacheKey`]: the
//! source's size and a hash of all its bytes) and a checksum of the npy data. The embedded
//! synthetic data are cached the same way in a directory the caller chooses, keyed by the
//! generator's version, the rows and the seed ([`load_synthetic`]). A cache is used only when its
//! key matches and the header, length and checksum are right; anything else is re-parsed (or
//! generated again) and rewritten. The npy is written first and the json last, both atomically,
//! so the json is the commit mark. A stream (a pipe, a FIFO, standard input) is never cached.
//!
//! Checksum: the data bytes in fixed blocks of 8 MiB, `h_i = xxh3_64(block_i)`, and
//! `xxh3_64(h_0 ‖ h_1 ‖ ...)` (each `h_i` little-endian), so blocks are read and hashed in
//! parallel. A source file's content hash is computed the same way.

mod key;
mod npy;

pub use key::{hash_file, source_key, CacheKey, SourceKey};
pub use npy::header as npy_header;

use super::matrix::Matrix;
use super::table::N_FIELDS;
use super::uci;
use crate::error::{Error, Result};
use crate::observer::{Event, Note, Observer};
use rayon::prelude::*;
use std::ffi::OsString;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::xxh3_64;

/// Bytes per checksum block.
const HASH_BLOCK: usize = 8 << 20;
/// Format name and version in the sidecar.
const FORMAT: &str = "msd-century-cache";
/// Version 2: keyed by the whole content of the source (version 1 sampled it).
const VERSION: u32 = 2;

/// The sidecar `<file>.cache.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CacheMeta {
    pub format: String,
    pub version: u32,
    /// Absent in the sidecars of older versions, which are then stale.
    #[serde(default)]
    pub key: Option<CacheKey>,
    pub rows: usize,
    pub cols: usize,
    /// Checksum of the npy data (see the module doc), in hex.
    pub data_xxh3: String,
}

/// Where the rows came from on this load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Read from a valid cache.
    Hit,
    /// Parsed; no cache existed; cache written.
    Built,
    /// Parsed because the cache was stale or damaged (the reason); cache rewritten.
    Rebuilt(String),
    /// Parsed; the cache could not be written (the reason).
    NotWritten(String),
}

/// `<file>.cache.npy` and `<file>.cache.json` beside `path`.
pub fn cache_paths(path: &Path) -> (PathBuf, PathBuf) {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    (with(".cache.npy"), with(".cache.json"))
}

/// The parsed rows of `path`, from a valid cache when there is one, else parsed (and cached);
/// notes (a cache rebuilt or not written) go to `observer`.
pub fn load_or_parse(path: &Path, observer: &dyn Observer) -> Result<Matrix> {
    load(path, observer).map(|(m, _)| m)
}

/// Like [`load_or_parse`], and says whether the cache served the rows.
pub fn load(path: &Path, observer: &dyn Observer) -> Result<(Matrix, Outcome)> {
    if !cacheable(path) {
        // A stream is read once, as it comes; a missing file gets the parser's error.
        let m = uci::parse_file(path, observer)?;
        return Ok((m, Outcome::NotWritten("not a regular file".into())));
    }
    let note = |note: Note| observer.event(Event::Note(note));
    let key = CacheKey::File(source_key(path)?);
    let (npy_path, json_path) = cache_paths(path);
    let rebuilt = match read_cache(&npy_path, &json_path, &key) {
        Ok(m) => return Ok((m, Outcome::Hit)),
        Err(Miss::Absent) => None,
        Err(Miss::Stale) => {
            note(Note::CacheStale {
                source: path.to_path_buf(),
            });
            Some("source changed".to_string())
        }
        Err(Miss::Corrupt(why)) => {
            note(Note::CacheDamaged {
                cache: npy_path.clone(),
                source: path.to_path_buf(),
                reason: why.clone(),
            });
            Some(why)
        }
    };
    let values = uci::parse_file(path, observer)?;
    match write_cache(&npy_path, &json_path, &key, &values) {
        Ok(()) => Ok((values, rebuilt.map_or(Outcome::Built, Outcome::Rebuilt))),
        Err(e) => {
            note(Note::CacheNotWritten {
                reason: e.to_string(),
            });
            Ok((values, Outcome::NotWritten(e.to_string())))
        }
    }
}

/// Whether `path` is a regular file worth a cache beside it: not standard input (`-`), not a
/// pipe or FIFO, and not under `/dev` or `/proc` (`/dev/stdin` may name a regular file, but a
/// cache must not be written beside it).
pub fn cacheable(path: &Path) -> bool {
    let special = path == Path::new("-") || path.starts_with("/dev") || path.starts_with("/proc");
    !special && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The user cache directory for the synthetic data, from the values of `XDG_CACHE_HOME` and
/// `HOME` that the caller read: `$XDG_CACHE_HOME/msd-century`, else `$HOME/.cache/msd-century`
/// (an empty value counts as unset); `None` when neither is set.
pub fn user_cache_dir(xdg_cache_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let nonempty = |v: Option<OsString>| v.filter(|v| !v.is_empty());
    match nonempty(xdg_cache_home) {
        Some(dir) => Some(PathBuf::from(dir).join("msd-century")),
        None => nonempty(home).map(|home| PathBuf::from(home).join(".cache/msd-century")),
    }
}

/// `synthetic-g<generator>-<rows>-<seed>.npy` and `.json` in `dir`.
pub fn synthetic_cache_paths(dir: &Path, rows: usize, seed: u64) -> (PathBuf, PathBuf) {
    let stem = format!(
        "synthetic-g{}-{rows}-{seed}",
        super::synthetic::GENERATOR_VERSION
    );
    (
        dir.join(format!("{stem}.npy")),
        dir.join(format!("{stem}.json")),
    )
}

/// The synthetic rows of `rows` and `seed`, from a valid cache in `dir` when there is one, else
/// generated and cached there (the directory is created); a damaged cache is generated again,
/// and a cache that cannot be written is a note, not an error.
pub fn load_synthetic(
    dir: &Path,
    rows: usize,
    seed: u64,
    observer: &dyn Observer,
) -> Result<(Matrix, Outcome)> {
    super::synthetic::check_rows(rows)?;
    let note = |note: Note| observer.event(Event::Note(note));
    let key = CacheKey::Synthetic {
        generator: super::synthetic::GENERATOR_VERSION,
        rows,
        seed,
    };
    let (npy_path, json_path) = synthetic_cache_paths(dir, rows, seed);
    let rebuilt = match read_cache(&npy_path, &json_path, &key) {
        Ok(m) => return Ok((m, Outcome::Hit)),
        Err(Miss::Absent) => None,
        Err(Miss::Stale) => Some("another generator or key".to_string()),
        Err(Miss::Corrupt(why)) => {
            note(Note::SyntheticCacheDamaged {
                cache: npy_path.clone(),
                reason: why.clone(),
            });
            Some(why)
        }
    };
    let values = super::synthetic::generate(rows, seed);
    let written = crate::atomic::create_dir_all(dir)
        .and_then(|()| write_cache(&npy_path, &json_path, &key, &values));
    match written {
        Ok(()) => Ok((values, rebuilt.map_or(Outcome::Built, Outcome::Rebuilt))),
        Err(e) => {
            note(Note::CacheNotWritten {
                reason: e.to_string(),
            });
            Ok((values, Outcome::NotWritten(e.to_string())))
        }
    }
}

/// Why a cache was not used.
#[derive(Debug)]
enum Miss {
    Absent,
    Stale,
    Corrupt(String),
}

/// Reads the cache when it matches `key` and is intact.
fn read_cache(npy_path: &Path, json_path: &Path, key: &CacheKey) -> Result<Matrix, Miss> {
    let text = match std::fs::read(json_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Miss::Absent),
        Err(e) => return Err(Miss::Corrupt(format!("cannot read its sidecar: {e}"))),
    };
    let meta: CacheMeta = serde_json::from_slice(&text)
        .map_err(|e| Miss::Corrupt(format!("bad sidecar json: {e}")))?;
    if meta.format != FORMAT || meta.version != VERSION || meta.cols != N_FIELDS {
        return Err(Miss::Stale);
    }
    if meta.key.as_ref() != Some(key) {
        return Err(Miss::Stale);
    }
    let corrupt = |what: &str| Miss::Corrupt(what.to_string());
    let file = File::open(npy_path).map_err(|e| Miss::Corrupt(format!("cannot open: {e}")))?;
    let header = npy::header(meta.rows, meta.cols);
    let values_len = meta
        .rows
        .checked_mul(meta.cols)
        .ok_or_else(|| corrupt("impossible shape"))?;
    let expected = values_len
        .checked_mul(8)
        .and_then(|bytes| bytes.checked_add(header.len()))
        .ok_or_else(|| corrupt("impossible shape"))? as u64;
    let actual = file.metadata().map(|m| m.len()).unwrap_or(0);
    if actual != expected {
        return Err(Miss::Corrupt(format!(
            "{actual} bytes, expected {expected}"
        )));
    }
    let mut head = vec![0u8; header.len()];
    read_at(&file, &mut head, 0).map_err(|e| Miss::Corrupt(e.to_string()))?;
    if head != header {
        return Err(corrupt("bad npy header"));
    }
    // Fresh zeroed pages from the allocator, first touched by the parallel reads below.
    let mut values = vec![0.0f64; values_len];
    let offset = header.len() as u64;
    let hashes: std::io::Result<Vec<u64>> = bytemuck::cast_slice_mut::<f64, u8>(&mut values)
        .par_chunks_mut(HASH_BLOCK)
        .enumerate()
        .map(|(i, block)| {
            read_at(&file, block, offset + (i * HASH_BLOCK) as u64)?;
            Ok(xxh3_64(block))
        })
        .collect();
    let hashes = hashes.map_err(|e| Miss::Corrupt(e.to_string()))?;
    if hex(combine(&hashes)) != meta.data_xxh3 {
        return Err(corrupt("checksum mismatch"));
    }
    from_le(&mut values);
    Ok(Matrix::from_vec(meta.rows, meta.cols, values))
}

/// Writes the npy, then the sidecar.
fn write_cache(npy_path: &Path, json_path: &Path, key: &CacheKey, values: &Matrix) -> Result<()> {
    let le: std::borrow::Cow<[f64]> = if cfg!(target_endian = "little") {
        std::borrow::Cow::Borrowed(values.as_slice())
    } else {
        std::borrow::Cow::Owned(
            values
                .as_slice()
                .iter()
                .map(|v| f64::from_bits(v.to_bits().to_le()))
                .collect(),
        )
    };
    let bytes: &[u8] = bytemuck::cast_slice(&le);
    let hashes: Vec<u64> = bytes.par_chunks(HASH_BLOCK).map(xxh3_64).collect();
    let header = npy::header(values.rows(), values.cols());
    crate::atomic::write_atomic(npy_path, |w: &mut dyn Write| {
        w.write_all(&header)?;
        w.write_all(bytes)
    })?;
    let meta = CacheMeta {
        format: FORMAT.into(),
        version: VERSION,
        key: Some(key.clone()),
        rows: values.rows(),
        cols: values.cols(),
        data_xxh3: hex(combine(&hashes)),
    };
    let text =
        serde_json::to_vec_pretty(&meta).map_err(|e| Error::format(json_path, e.to_string()))?;
    crate::atomic::write_bytes_atomic(json_path, &text)
}

/// The checksum of the block hashes.
pub(crate) fn combine(hashes: &[u64]) -> u64 {
    let bytes: Vec<u8> = hashes.iter().flat_map(|h| h.to_le_bytes()).collect();
    xxh3_64(&bytes)
}

pub(crate) fn hex(h: u64) -> String {
    format!("{h:016x}")
}

/// Little-endian file values to native ones (nothing to do on little-endian machines).
fn from_le(values: &mut [f64]) {
    if cfg!(target_endian = "big") {
        for v in values {
            *v = f64::from_bits(u64::from_le(v.to_bits()));
        }
    }
}

/// Fills `buf` from `file` at `offset`.
#[cfg(unix)]
pub(crate) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Fills `buf` from `file` at `offset`.
#[cfg(windows)]
pub(crate) fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
