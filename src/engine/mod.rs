//! The row engine: everything that touches rows of numbers at speed, and every `unsafe` line of
//! the crate. Crate-private; the public math in [`crate::model`] and the trainers call its
//! passes, and the data pipeline its memory helpers and its deterministic sum.
//!
//! - [`pass`]: one pass over a set of rows for one model or several (loss and accuracy; loss and
//!   gradient; an SGD step's sums), each model's sums with the bits it has alone.
//! - [`row_scores`]: scores kept row by row (probabilities, per-row losses) for one model or
//!   several.
//! - [`hessian`]: the Hessian sum of the Newton solver, in register tiles.
//! - [`chunked`]: the deterministic parallel sum that every pass, the Hessian and the
//!   standardization statistics use: same bits on any number of threads.
//! - [`simd`]: one computation, a build per instruction set (portable, AVX2, AVX-512), the same
//!   bits in each; [`lanes`] defines the operations, [`avx2`] and [`avx512`] build them;
//!   [`row_stats`], [`exp`], [`log1p`], [`accumulate`]: the pieces.
//! - [`formulas`]: the formulas of one row, shared with the public math.
//! - [`memory`]: parallel first touch for large buffers; [`prefetch`] for rows
//!   read out of order.
//!
//! The engine imports nothing from the rest of the crate: it works on borrowed slices
//! ([`table::Table`], [`table::Linear`]).

#![allow(unsafe_code)]

pub mod accumulate;
#[cfg(target_arch = "x86_64")]
pub mod avx2;
#[cfg(target_arch = "x86_64")]
pub mod avx512;
pub mod chunked;
pub mod exp;
pub mod formulas;
pub mod hessian;
pub mod lanes;
pub mod log1p;
pub mod memory;
pub mod pass;
pub mod prefetch;
pub mod row_loop;
pub mod row_scores;
pub mod row_stats;
pub mod simd;
pub mod table;
pub mod totals;
#[cfg(target_arch = "x86_64")]
pub mod ymm;

pub use hessian::hessian_sum;
pub use pass::{loss_accuracy, loss_gradient, step_sums};
pub use row_scores::map_row_logits;
pub use table::{Linear, Rows, Table};
pub use totals::Totals;
