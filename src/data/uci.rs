//! Parser of the UCI text format (`year,f1,...,f90` per line) from `.txt`/`.csv`, `.zip` or `.gz`.

use super::matrix::Matrix;
use crate::error::Result;
use std::path::Path;

/// Parses the whole file into a `rows x 91` matrix, validating every line.
pub fn parse_file(path: &Path, progress: bool) -> Result<Matrix> {
    let _ = (path, progress);
    unimplemented!("uci::parse_file")
}
