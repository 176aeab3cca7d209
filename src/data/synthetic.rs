//! Embedded, deterministic MSD-like data.

use super::matrix::Matrix;

/// `rows x 91` synthetic rows (year, then 90 features), the same for a seed whatever the threads.
pub fn generate(rows: usize, seed: u64) -> Matrix {
    let _ = (rows, seed);
    unimplemented!("synthetic::generate")
}
