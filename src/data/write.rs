//! Writes rows in the UCI text format, atomically.

use super::matrix::Matrix;
use crate::error::Result;
use std::path::Path;

/// Writes `values` (`rows x 91`) to `path` as UCI text: the year as a whole number, then 90 features.
pub fn write_uci(path: &Path, values: &Matrix) -> Result<()> {
    let _ = (path, values);
    unimplemented!("write::write_uci")
}
