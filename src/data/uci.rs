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
mod open;
mod stream;
mod zip_entry;

pub use chunk::{diagnose, field_problem, Fault};
pub use number::{parse_field, parse_plain_prefix};
pub use stream::{detect, Kind};

use super::matrix::Matrix;
use crate::error::Result;
use crate::observer::{Observer, Silent};
use std::path::Path;

/// Parses the whole file into a `rows x 91` matrix, validating every line; notes (a skipped
/// header) and the bytes read go to `observer`.
pub fn parse_file(path: &Path, observer: &dyn Observer) -> Result<Matrix> {
    open::with_source(path, observer, blocks::parse_source)
}

/// The whole text of `path` (plain, `.gz` or a `.zip` holding one text file; `-` for standard
/// input), decompressed: for readers of other line formats (`predict`'s rows).
pub fn read_text(path: &Path, observer: &dyn Observer) -> Result<Vec<u8>> {
    open::with_source(path, observer, |source| {
        let mut text = Vec::new();
        std::io::Read::read_to_end(source.reader, &mut text)
            .map_err(|e| stream::read_error(source.kind, &source.name, e))?;
        Ok(text)
    })
}

/// Parses UCI text held in memory; `name` is what error messages call it.
pub fn parse_bytes(bytes: &[u8], name: &Path) -> Result<Matrix> {
    let mut reader = bytes;
    blocks::parse_source(stream::Source {
        reader: &mut reader,
        name: name.to_path_buf(),
        kind: Kind::Text,
        size_hint: Some(bytes.len() as u64),
        observer: &Silent,
    })
}
