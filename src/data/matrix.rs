//! A dense row-major matrix of f64: the layout every kernel in the crate reads.

use rayon::prelude::*;

/// Row-major `rows x cols` matrix.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// Wraps `data` (row-major); `data.len()` must be `rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<f64>) -> Self {
        assert_eq!(
            data.len(),
            rows * cols,
            "matrix shape does not match its data"
        );
        Matrix { rows, cols, data }
    }

    /// A copy of `values` (row-major, `cols` a row) laid out for the row engine, its rows written
    /// on every core ([`Matrix::from_rows`]). For callers whose rows live elsewhere (a numpy
    /// array). `None` when `values` does not hold a whole number of rows.
    pub fn copy_of(values: &[f64], cols: usize) -> Option<Self> {
        if cols == 0 || !values.len().is_multiple_of(cols) {
            return None;
        }
        Some(Matrix::from_rows(values.len() / cols, cols, |i, row| {
            row.copy_from_slice(&values[i * cols..(i + 1) * cols])
        }))
    }

    /// A `rows x cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Matrix::from_vec(rows, cols, vec![0.0; rows * cols])
    }

    /// A `rows x cols` matrix whose row `i` is written by `fill(i, row)`, the rows on every core
    /// (the first touch of the fresh memory with them).
    pub fn from_rows(rows: usize, cols: usize, fill: impl Fn(usize, &mut [f64]) + Sync) -> Self {
        let mut out = Matrix::zeros(rows, cols);
        if cols > 0 {
            out.data
                .par_chunks_mut(cols)
                .enumerate()
                .for_each(|(i, row)| fill(i, row));
        }
        out
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row `i` as a slice.
    #[inline]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Row `i` as a mutable slice.
    #[inline]
    pub fn row_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// All values, row after row.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.data
    }

    pub fn into_vec(self) -> Vec<f64> {
        self.data
    }

    /// The rows named by `indices`, in that order.
    pub fn select_rows(&self, indices: &[usize]) -> Matrix {
        let mut data = Vec::with_capacity(indices.len() * self.cols);
        for &i in indices {
            data.extend_from_slice(self.row(i));
        }
        Matrix::from_vec(indices.len(), self.cols, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_holds_every_value_in_place() {
        let values: Vec<f64> = (0..3 * (1 << 20) + 7 * 3).map(|i| i as f64 * 0.5).collect();
        let m = Matrix::copy_of(&values, 3).expect("whole rows");
        assert_eq!((m.rows(), m.cols()), (values.len() / 3, 3));
        assert_eq!(m.as_slice(), &values[..]);
        assert!(Matrix::copy_of(&values[..4], 3).is_none());
        assert!(Matrix::copy_of(&[], 0).is_none());
        assert_eq!(Matrix::copy_of(&[], 4).expect("no rows").rows(), 0);
    }

    #[test]
    fn rows_are_filled_by_their_index() {
        let m = Matrix::from_rows(100_003, 3, |i, row| {
            for (j, v) in row.iter_mut().enumerate() {
                *v = (i * 3 + j) as f64;
            }
        });
        assert_eq!((m.rows(), m.cols()), (100_003, 3));
        assert!(m.as_slice().iter().enumerate().all(|(k, &v)| v == k as f64));
        let empty = Matrix::from_rows(5, 0, |_, _| unreachable!("no values to write"));
        assert_eq!(
            (empty.rows(), empty.cols(), empty.as_slice().len()),
            (5, 0, 0)
        );
    }
}
