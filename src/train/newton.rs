//! The exact optimum by Newton's method (IRLS).
//!
//! Objective `f(w, b) = mean loss + (l2/2)·‖w‖²`, gradient `g = Xᵀ(y - t)/N + l2·w` (bias: mean of
//! `y - t`), Hessian `H = Σ y(1-y)·x̃x̃ᵀ / N + l2·I` (no L2 on the bias). Each step solves
//! `H·d = -g` by Cholesky and takes the longest of `1, 1/2, 1/4, ...` that decreases `f`
//! (Armijo), so it cannot diverge; it stops when `max |g| <= tolerance`.
//!
//! A Hessian over all rows costs about nine gradient passes, so three economies are made, none of
//! which touches the answer (the stopping test always uses the gradient on every row):
//! - a warm start: when the data is large (at least [`WARM_MIN_ROWS`] rows in every
//!   [`WARM_STRIDE`]-th row), Newton is first run on that fixed, evenly spread subsample to
//!   [`WARM_TOLERANCE`], with cheap Hessians of [`WARM_HESSIAN_ROWS`] rows. Its optimum is within
//!   the subsample's sampling noise of the true one, so the solve on all rows then needs a few
//!   steps instead of the first, costliest ones (each of those reads every row). If the
//!   subsample is of one class, separable or otherwise fails, the solve starts from zero instead;
//! - the Hessian is computed on a fixed, evenly spread subsample of about
//!   [`HESSIAN_SAMPLE_ROWS`] rows (sub-sampled Newton: its error of a few percent only slows
//!   convergence from quadratic to a fast linear rate); the subsample is doubled each time a step
//!   with a fresh subsample Hessian near the optimum cuts `max |g|` by less than [`REUSE_RATIO`];
//! - once a step has cut `max |g|` by at least [`REUSE_RATIO`], the factorization is reused for
//!   the next steps (the chord / Shamanskii variant), and refreshed as soon as a step makes less
//!   progress than that.
//!
//! [`NewtonFit::iterations`] counts the steps on all rows, each costing at least one gradient
//! pass over them; [`NewtonFit::warm_start_iterations`] those on the subsample.
//!
//! Without L2 there is no finite optimum when the classes are linearly separable: the loss goes
//! to 0 as the weights grow. The solver stops with [`Error::Separable`] when an iterate classifies
//! every row correctly (a separating hyperplane exists), when the Hessian becomes singular, or
//! when the weights exceed [`MAX_WEIGHT`]; data of one class is [`Error::OneClass`].

use super::cholesky::Cholesky;
use super::sgd::check_l2;
use crate::data::Dataset;
use crate::engine::{self, Rows};
use crate::error::{Error, Result, Setting};
use crate::model::logistic::l2_penalty;
use crate::model::{totals, Params};
use crate::observer::{Observer, Silent};

/// The solver's name in errors.
const SOLVER: &str = "Newton";

/// Settings of the Newton solver as given, unchecked; [`NewtonSettings::check`] validates them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewtonSettings {
    /// L2 strength: objective = mean loss + (l2/2)·‖w‖²; finite, not negative. Default 0.
    pub l2: f64,
    /// Stop when the largest absolute gradient component is at most this; positive. Default 1e-8.
    pub tolerance: f64,
    /// Steps at most on all rows (and as many on the warm start's subsample); at least 1.
    /// Default 100.
    pub max_iterations: usize,
}

impl Default for NewtonSettings {
    fn default() -> Self {
        NewtonSettings {
            l2: 0.0,
            tolerance: 1e-8,
            max_iterations: 100,
        }
    }
}

impl NewtonSettings {
    /// Checks every setting; the error names the first one that is wrong.
    pub fn check(self) -> Result<Newton> {
        check_l2(self.l2)?;
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(Error::setting(
                Setting::Tolerance,
                self.tolerance,
                "the tolerance must be positive and finite",
            ));
        }
        if self.max_iterations == 0 {
            return Err(Error::setting(
                Setting::MaxIterations,
                0,
                "must be at least 1",
            ));
        }
        Ok(Newton { settings: self })
    }
}

/// Checked Newton settings: what fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Newton {
    settings: NewtonSettings,
}

/// The optimum and how it was reached.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewtonFit {
    pub params: Params,
    /// Steps taken on all rows.
    pub iterations: usize,
    /// Steps taken on the warm start's subsample, before `iterations` (0: no warm start).
    #[serde(default)]
    pub warm_start_iterations: usize,
    pub gradient_max_norm: f64,
    /// Hessians computed, the warm start's included (on subsamples, or on all rows; fewer than
    /// the steps when a factorization was reused).
    pub hessian_evaluations: usize,
    /// The objective at the optimum: mean loss + (l2/2)·‖w‖².
    pub objective: f64,
}

/// A factorization is reused while the step made with it cut `max |g|` at least this much.
pub const REUSE_RATIO: f64 = 0.05;
/// Rows of the subsample the Hessian is first computed on, in the solve on all rows.
pub const HESSIAN_SAMPLE_ROWS: usize = 32_768;
/// Weights beyond this (on standardized features) mean the optimum is at infinity.
pub const MAX_WEIGHT: f64 = 1e6;
/// The warm start fits every this-many-th row.
pub const WARM_STRIDE: usize = 8;
/// Rows the warm start's Hessian is computed on.
pub const WARM_HESSIAN_ROWS: usize = 8_192;
/// The warm start is made when its subsample has at least this many rows.
pub const WARM_MIN_ROWS: usize = 8_192;
/// The warm start stops at this tolerance (or the fit's own, when looser): near the sampling noise
/// of the subsample's gradient (features standardized, `|y - t| <= 1`); going further buys nothing.
pub const WARM_TOLERANCE: f64 = 1e-3;
/// Halvings of the step before giving up.
const MAX_HALVINGS: usize = 40;

/// Objective, its gradient and the correct count at one point.
struct Point {
    params: Params,
    objective: f64,
    grad: Vec<f64>,
    grad_max: f64,
    correct: usize,
}

fn point(params: Params, rows: &Sample, l2: f64) -> Point {
    let tot = totals(&params, rows.data, rows.rows());
    let mut grad = tot.mean_gradient();
    for (g, w) in grad.iter_mut().zip(&params.weights) {
        *g += l2 * w;
    }
    let objective = tot.mean_loss() + l2_penalty(&params.weights, l2);
    let grad_max = grad.iter().fold(0.0f64, |m, g| m.max(g.abs()));
    let grad_max = if grad.iter().all(|g| g.is_finite()) {
        grad_max
    } else {
        f64::NAN
    };
    Point {
        params,
        objective,
        grad,
        grad_max,
        correct: tot.correct,
    }
}

fn separable(detail: String) -> Error {
    Error::Separable {
        solver: SOLVER,
        detail,
    }
}

impl Newton {
    /// The settings this was checked from.
    pub fn settings(&self) -> &NewtonSettings {
        &self.settings
    }

    /// Minimizes mean loss + (l2/2)·‖w‖² on `train`, from zero parameters.
    pub fn fit(&self, train: &Dataset) -> Result<NewtonFit> {
        fit(train, &self.settings, &Silent)
    }

    /// [`Newton::fit`], stopping with [`Error::Interrupted`] when `observer` asks.
    pub fn fit_observed(&self, train: &Dataset, observer: &dyn Observer) -> Result<NewtonFit> {
        fit(train, &self.settings, observer)
    }
}

/// The rows a solve runs on: every `every`-th row of the training set, read in place.
struct Sample<'a> {
    data: &'a Dataset,
    every: usize,
    /// The rows' indices when `every > 1`.
    picked: Vec<usize>,
}

impl<'a> Sample<'a> {
    fn new(data: &'a Dataset, every: usize) -> Self {
        let picked = if every > 1 {
            (0..data.len()).step_by(every).collect()
        } else {
            Vec::new()
        };
        Sample {
            data,
            every,
            picked,
        }
    }

    fn rows(&self) -> Rows<'_> {
        if self.every > 1 {
            Rows::Subset(&self.picked)
        } else {
            Rows::All
        }
    }

    fn len(&self) -> usize {
        self.data.len().div_ceil(self.every)
    }

    fn has_two_classes(&self) -> bool {
        let mut targets = self.picked.iter().map(|&i| self.data.targets[i]);
        targets.clone().any(|t| t == 1.0) && targets.any(|t| t != 1.0)
    }
}

fn fit(train: &Dataset, config: &NewtonSettings, observer: &dyn Observer) -> Result<NewtonFit> {
    if train.is_empty() {
        return Err(Error::NoRows { set: "training" });
    }
    check_two_classes(train)?;
    let d = train.x.cols();
    let all = Sample::new(train, 1);
    let mut start = None;
    let (mut warm_steps, mut warm_hessians) = (0, 0);
    let sub = Sample::new(train, WARM_STRIDE);
    if sub.len() >= WARM_MIN_ROWS && sub.has_two_classes() {
        let loose = NewtonSettings {
            tolerance: config.tolerance.max(WARM_TOLERANCE),
            ..config.clone()
        };
        let zero = point(Params::zeros(d), &sub, config.l2);
        match solve(&sub, &loose, zero, WARM_HESSIAN_ROWS, observer) {
            Ok(warm) => {
                start = Some(warm.params);
                warm_steps = warm.iterations;
                warm_hessians = warm.hessian_evaluations;
            }
            Err(Error::Interrupted) => return Err(Error::Interrupted),
            // A subsample can be separable, or its Hessian singular, when all rows are not: the
            // cold start decides.
            Err(_) => {}
        }
    }
    let warm = start.map(|params| point(params, &all, config.l2));
    // The warm start must beat zero (objective ln 2) on all rows, or it is no start: that would
    // take a subsample that looks separable yet met its tolerance with large weights.
    let cur = match warm {
        Some(p) if p.objective < std::f64::consts::LN_2 => p,
        _ => {
            (warm_steps, warm_hessians) = (0, 0);
            point(Params::zeros(d), &all, config.l2)
        }
    };
    let mut fit = solve(&all, config, cur, HESSIAN_SAMPLE_ROWS, observer)?;
    fit.warm_start_iterations = warm_steps;
    fit.hessian_evaluations += warm_hessians;
    Ok(fit)
}

/// Newton on `train` from `cur`, the Hessian first on about `hessian_rows` of its rows.
fn solve(
    train: &Sample,
    config: &NewtonSettings,
    mut cur: Point,
    hessian_rows: usize,
    observer: &dyn Observer,
) -> Result<NewtonFit> {
    let (l2, n) = (config.l2, train.len());
    let mut factor: Option<Cholesky> = None;
    let mut last_ratio = f64::INFINITY;
    // Stride of the Hessian subsample (within `train`'s rows), halved while it is not good enough.
    let mut stride = n.div_ceil(hessian_rows);
    let mut last_was_fresh = false;
    let (mut iterations, mut hessians) = (0, 0);
    loop {
        if observer.cancelled() {
            return Err(Error::Interrupted);
        }
        if !cur.objective.is_finite() || cur.grad_max.is_nan() {
            return Err(Error::NonFinite { solver: SOLVER });
        }
        if cur.grad_max <= config.tolerance {
            break;
        }
        if l2 == 0.0 && cur.correct == n {
            return Err(separable(format!(
                "every one of the {n} training rows is classified correctly"
            )));
        }
        if iterations >= config.max_iterations {
            return Err(Error::NoConvergence {
                solver: SOLVER,
                iterations,
                gradient_max_norm: cur.grad_max,
            });
        }
        let fresh = factor.is_none() || last_ratio > REUSE_RATIO;
        if fresh {
            if last_was_fresh && last_ratio > REUSE_RATIO && cur.grad_max < 1e-3 {
                // Close to the optimum, yet a fresh subsample Hessian made slow progress: twice
                // the rows halve its error. Not all rows at once: that Hessian costs about nine
                // gradient passes on all rows, more than the steps it saves.
                stride = (stride / 2).max(1);
            }
            factor = Some(factorize(&cur.params, train, l2, stride)?);
            hessians += 1;
        }
        last_was_fresh = fresh;
        let Some(chol) = factor.as_ref() else {
            unreachable!("factor set above")
        };
        let dir: Vec<f64> = chol.solve(&cur.grad).iter().map(|v| -v).collect();
        match line_search(&cur, &dir, train, l2) {
            Some(next) => {
                last_ratio = next.grad_max / cur.grad_max;
                cur = next;
                iterations += 1;
            }
            // A stale factorization may give a poor direction: retry with a fresh Hessian.
            None if !fresh => factor = None,
            None => {
                return Err(Error::NoDecrease {
                    solver: SOLVER,
                    gradient_max_norm: cur.grad_max,
                })
            }
        }
        let wmax = cur
            .params
            .weights
            .iter()
            .fold(0.0f64, |m, w| m.max(w.abs()));
        if l2 == 0.0 && wmax > MAX_WEIGHT {
            return Err(separable(format!(
                "the weights grow without bound (max |w| {wmax:.3e})"
            )));
        }
    }
    Ok(NewtonFit {
        params: cur.params,
        iterations,
        warm_start_iterations: 0,
        gradient_max_norm: cur.grad_max,
        hessian_evaluations: hessians,
        objective: cur.objective,
    })
}

/// Cholesky factor of the mean Hessian (+ l2 on the weights) at `params`, on every `stride`-th row
/// of `rows`.
fn factorize(params: &Params, rows: &Sample, l2: f64, stride: usize) -> Result<Cholesky> {
    let data = rows.data;
    let m = data.x.cols() + 1;
    let stride = stride * rows.every;
    let inv_n = 1.0 / data.len().div_ceil(stride) as f64;
    let mut h = engine::hessian_sum(params.linear(), data.table(), stride);
    for v in h.iter_mut() {
        *v *= inv_n;
    }
    for j in 0..m - 1 {
        h[j * m + j] += l2;
    }
    Cholesky::factor(&h, m).ok_or_else(|| {
        if l2 == 0.0 {
            separable("the Hessian is singular".into())
        } else {
            Error::SingularHessian { solver: SOLVER }
        }
    })
}

/// Data of one class has no decision to learn: said plainly, before any step.
pub(crate) fn check_two_classes(train: &Dataset) -> Result<()> {
    let positives = train.targets.iter().filter(|&&t| t == 1.0).count();
    match positives {
        0 => Err(Error::OneClass {
            rows: train.len(),
            class: 0,
        }),
        p if p == train.len() => Err(Error::OneClass {
            rows: train.len(),
            class: 1,
        }),
        _ => Ok(()),
    }
}

/// Step halving with the Armijo condition `f(x + t·d) <= f(x) + 1e-4·t·gᵀd`. Near the optimum the
/// decrease falls below rounding, so a step that leaves `f` equal to rounding and shrinks the
/// gradient is also accepted.
fn line_search(cur: &Point, dir: &[f64], data: &Sample, l2: f64) -> Option<Point> {
    let slope: f64 = cur.grad.iter().zip(dir).map(|(g, d)| g * d).sum();
    if slope.is_nan() || slope >= 0.0 {
        return None;
    }
    let base = cur.params.to_vec();
    let mut t = 1.0;
    for _ in 0..MAX_HALVINGS {
        let trial: Vec<f64> = base.iter().zip(dir).map(|(p, d)| p + t * d).collect();
        let next = point(Params::from_slice(&trial), data, l2);
        if next.objective.is_finite() && !next.grad_max.is_nan() {
            let armijo = next.objective <= cur.objective + 1e-4 * t * slope;
            let flat = next.objective <= cur.objective + 1e-12 * cur.objective.abs()
                && next.grad_max < cur.grad_max;
            if armijo || flat {
                return Some(next);
            }
        }
        t *= 0.5;
    }
    None
}
