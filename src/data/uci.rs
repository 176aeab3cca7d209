//! Parser of the UCI text format (`year,f1,...,f90` per line) from `.txt`/`.csv`, `.zip` or `.gz`.
//!
//! ```text
//! file -> (unzip / gunzip) -> blocks of 8 MiB cut at the last newline   [this thread]
//!      -> pieces of 512 KiB cut at newlines, parsed in parallel          [rayon, in file order]
//!      -> rows appended to one Vec<f64>
//! ```
//! Reading (and decompressing) overlaps with parsing; only a few blocks are ever in memory, so a
//! 450 MB file needs little more than its 375 MB of numbers. The pieces are fixed by the bytes,
//! not by the thread count, and the first bad line in file order is the one reported.

mod blocks;
mod chunk;
mod number;
mod source;
mod zip_entry;

pub use chunk::{diagnose, field_problem, Fault};
pub use number::{parse_field, parse_plain_prefix};
pub use source::{detect, Kind};

use super::matrix::Matrix;
use crate::error::Result;
use std::path::Path;

/// Files above this size get a progress bar.
pub const PROGRESS_MIN_BYTES: u64 = 50 << 20;

/// Parses the whole file into a `rows x 91` matrix, validating every line.
pub fn parse_file(path: &Path, progress: bool) -> Result<Matrix> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bar =
        crate::progress::byte_bar(Some(size), "reading", progress && size > PROGRESS_MIN_BYTES);
    let result = source::with_source(path, &bar, blocks::parse_source);
    bar.finish_and_clear();
    result
}

/// Parses UCI text held in memory; `name` is what error messages call it.
pub fn parse_bytes(bytes: &[u8], name: &Path) -> Result<Matrix> {
    let mut reader = bytes;
    blocks::parse_source(source::Source {
        reader: &mut reader,
        name: name.to_path_buf(),
        kind: Kind::Text,
        size_hint: Some(bytes.len() as u64),
    })
}
