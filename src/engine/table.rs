//! What the row loop reads: rows of features with their targets, and the models that score them.

/// Rows of features and their 0/1 targets: row `i` is `x[i·cols .. (i+1)·cols]`.
#[derive(Debug, Clone, Copy)]
pub struct Table<'a> {
    pub x: &'a [f64],
    pub cols: usize,
    pub targets: &'a [f64],
}

impl<'a> Table<'a> {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.targets.len()
    }

    /// The features of row `i`.
    #[inline(always)]
    pub fn row(&self, i: usize) -> &'a [f64] {
        &self.x[i * self.cols..(i + 1) * self.cols]
    }
}

/// The weights and bias of one linear model, `z = w·x + b`.
#[derive(Debug, Clone, Copy)]
pub struct Linear<'a> {
    pub weights: &'a [f64],
    pub bias: f64,
}

#[cfg(test)]
impl<'a> Linear<'a> {
    /// A view of each of `weights`, model `m` with the bias `bias(m)`: the tests' models.
    pub fn each(weights: &'a [Vec<f64>], bias: impl Fn(usize) -> f64) -> Vec<Linear<'a>> {
        weights
            .iter()
            .enumerate()
            .map(|(m, w)| Linear {
                weights: w,
                bias: bias(m),
            })
            .collect()
    }
}

/// Which rows of a table a pass reads.
#[derive(Debug, Clone, Copy)]
pub enum Rows<'a> {
    /// Every row, in order.
    All,
    /// These rows, in this order (a mini-batch).
    Subset(&'a [usize]),
}

impl Rows<'_> {
    /// Number of rows the pass reads.
    pub fn len(&self, table: &Table) -> usize {
        match self {
            Rows::All => table.rows(),
            Rows::Subset(idx) => idx.len(),
        }
    }
}
