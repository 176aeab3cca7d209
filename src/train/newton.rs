//! The exact optimum by Newton's method (IRLS).
//!
//! Objective `f(w, b) = mean loss + (l2/2)·‖w‖²`, gradient `g = Xᵀ(y - t)/N + l2·w` (bias: mean of
//! `y - t`), Hessian `H = Σ y(1-y)·x̃x̃ᵀ / N + l2·I` (no L2 on the bias). Each step solves
//! `H·d = -g` by Cholesky and takes the longest of `1, 1/2, 1/4, ...` that decreases `f`
//! (Armijo), so it cannot diverge; it stops when `max |g| <= tolerance`.
//!
//! A Hessian over all rows costs dozens of gradient passes, so two economies are made, neither of
//! which touches the answer (the gradient and the stopping test always use every row):
//! - the Hessian is first computed on a fixed, evenly spread subsample of about
//!   [`HESSIAN_SAMPLE_ROWS`] rows (sub-sampled Newton: its error of a few percent only slows
//!   convergence from quadratic to a fast linear rate); it is computed on all rows if a step with
//!   a fresh subsample Hessian still cuts `max |g|` by less than [`REUSE_RATIO`];
//! - once a step has cut `max |g|` by at least [`REUSE_RATIO`], the factorization is reused for
//!   the next steps (the chord / Shamanskii variant), and refreshed as soon as a step makes less
//!   progress than that.
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
    /// Steps at most; at least 1. Default 100.
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
    /// Steps taken.
    pub iterations: usize,
    pub gradient_max_norm: f64,
    /// Hessians computed (at most `iterations`; fewer when a factorization was reused).
    pub hessian_evaluations: usize,
    /// The objective at the optimum: mean loss + (l2/2)·‖w‖².
    pub objective: f64,
}

/// A factorization is reused while the step made with it cut `max |g|` at least this much.
pub const REUSE_RATIO: f64 = 0.05;
/// Rows of the subsample the Hessian is first computed on.
pub const HESSIAN_SAMPLE_ROWS: usize = 32_768;
/// Weights beyond this (on standardized features) mean the optimum is at infinity.
pub const MAX_WEIGHT: f64 = 1e6;
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

fn point(params: Params, data: &Dataset, l2: f64) -> Point {
    let tot = totals(&params, data, Rows::All);
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

fn fit(train: &Dataset, config: &NewtonSettings, observer: &dyn Observer) -> Result<NewtonFit> {
    if train.is_empty() {
        return Err(Error::NoRows { set: "training" });
    }
    check_two_classes(train)?;
    let (l2, n, d) = (config.l2, train.len(), train.x.cols());
    let mut cur = point(Params::zeros(d), train, l2);
    let mut factor: Option<Cholesky> = None;
    let mut last_ratio = f64::INFINITY;
    // Stride of the Hessian subsample; 1 (all rows) once the subsample is not good enough.
    let mut stride = n.div_ceil(HESSIAN_SAMPLE_ROWS);
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
                // Close to the optimum, yet a fresh subsample Hessian made slow progress.
                stride = 1;
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
        gradient_max_norm: cur.grad_max,
        hessian_evaluations: hessians,
        objective: cur.objective,
    })
}

/// Cholesky factor of the mean Hessian (+ l2 on the weights) at `params`, on every `stride`-th row.
fn factorize(params: &Params, data: &Dataset, l2: f64, stride: usize) -> Result<Cholesky> {
    let m = data.x.cols() + 1;
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
fn line_search(cur: &Point, dir: &[f64], data: &Dataset, l2: f64) -> Option<Point> {
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
