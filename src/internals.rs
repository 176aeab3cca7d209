//! The engine's passes for the criterion benches, behind the `internals` feature: not part of the
//! library's API, and free to change with the engine.

pub use crate::engine::hessian::hessian_sum;
pub use crate::engine::pass::{loss_accuracy, loss_gradient, step_sums, CHUNK_ROWS};
pub use crate::engine::prefetch::{prefetch_row_l2, LOOKAHEAD};
pub use crate::engine::table::{Linear, Rows, Table};
pub use crate::engine::totals::Totals;
pub use crate::train::batches::Batches;

use crate::data::Dataset;
use crate::model::Params;

/// `data` as the engine reads it.
pub fn table(data: &Dataset) -> Table<'_> {
    data.table()
}

/// `params` as the engine reads them.
pub fn linear(params: &Params) -> Linear<'_> {
    params.linear()
}
