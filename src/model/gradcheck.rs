//! Analytic gradient against central finite differences.
//!
//! For each parameter `p_j` (the 90 weights, then the bias) the central difference of the mean
//! loss `L` is `D(h) = (L(p + h·e_j) - L(p - h·e_j)) / (2h)`, whose error is `O(h²)` from
//! truncation plus about `ε·L/h` from rounding. One Richardson step, `(4·D(h/2) - D(h)) / 3`,
//! cancels the `h²` term, so a larger step (`h = 1e-3`) can be used: truncation `O(h⁴)` and
//! rounding both fall near 1e-12, well below the gradients checked. The relative error of a
//! component is `|a - n| / max(|a|, |n|)` (0 when both are 0); the check passes when the largest
//! one is at most [`MAX_REL_ERROR`].

use super::evaluate::{loss_totals, totals};
use super::params::{Init, Params};
use crate::data::Dataset;
use crate::engine::Rows;
use rand::seq::index::sample;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Step of the central differences.
pub const STEP: f64 = 1e-3;
/// The largest relative error that passes.
pub const MAX_REL_ERROR: f64 = 1e-6;

/// The outcome of a gradient check.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GradcheckReport {
    pub params_checked: usize,
    pub max_abs_error: f64,
    pub max_rel_error: f64,
    pub passed: bool,
}

/// Checks all 91 partial derivatives at seeded random parameters on up to `sample_rows` rows.
///
/// The parameters are drawn from N(0, 1) (seed `seed`) and the rows by a seeded sample without
/// replacement (seed `seed + 1`), so a report can be reproduced exactly.
pub fn gradcheck(data: &Dataset, seed: u64, sample_rows: usize) -> GradcheckReport {
    let params = Params::init(data.x.cols(), Init::Normal { seed });
    let m = sample_rows.min(data.len());
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    let mut rows = sample(&mut rng, data.len(), m).into_vec();
    rows.sort_unstable();
    gradcheck_at(data, &params, &rows)
}

/// Checks the gradient at `params` on the given rows.
pub fn gradcheck_at(data: &Dataset, params: &Params, rows: &[usize]) -> GradcheckReport {
    let analytic = totals(params, data, Rows::Subset(rows)).mean_gradient();
    let loss_at =
        |v: &[f64]| loss_totals(&Params::from_slice(v), data, Rows::Subset(rows)).mean_loss();
    let base = params.to_vec();
    let (mut max_abs, mut max_rel) = (0.0f64, 0.0f64);
    let mut finite = analytic.iter().all(|a| a.is_finite());
    for (j, &a) in analytic.iter().enumerate() {
        let central = |h: f64| {
            let mut v = base.clone();
            v[j] = base[j] + h;
            let up = loss_at(&v);
            v[j] = base[j] - h;
            let down = loss_at(&v);
            (up - down) / (2.0 * h)
        };
        let numeric = (4.0 * central(STEP / 2.0) - central(STEP)) / 3.0;
        let abs = (a - numeric).abs();
        let scale = a.abs().max(numeric.abs());
        let rel = if scale == 0.0 { 0.0 } else { abs / scale };
        finite &= abs.is_finite() && rel.is_finite();
        max_abs = max_abs.max(abs);
        max_rel = max_rel.max(rel);
    }
    if !finite {
        max_abs = f64::NAN;
        max_rel = f64::NAN;
    }
    let passed = finite && !rows.is_empty() && max_rel <= MAX_REL_ERROR;
    GradcheckReport {
        params_checked: analytic.len(),
        max_abs_error: max_abs,
        max_rel_error: max_rel,
        passed,
    }
}
