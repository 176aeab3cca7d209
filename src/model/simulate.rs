//! Seeded data from a known logistic model, for tests and benchmarks that must not depend on a
//! data file: features N(0, 1), targets drawn as Bernoulli(sigmoid(w·x + b)).

use super::logistic::{logit, sigmoid};
use super::params::Params;
use crate::data::{Dataset, Matrix};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// `n` rows of `truth.len()` N(0, 1) features, targets drawn from the model `truth`.
pub fn simulate(n: usize, truth: &Params, seed: u64) -> Dataset {
    let d = truth.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Vec::with_capacity(n * d);
    let mut targets = Vec::with_capacity(n);
    for _ in 0..n {
        let start = x.len();
        x.extend((0..d).map(|_| rng.sample::<f64, _>(StandardNormal)));
        let y = sigmoid(logit(&truth.weights, truth.bias, &x[start..]));
        targets.push(if rng.gen::<f64>() < y { 1.0 } else { 0.0 });
    }
    Dataset {
        x: Matrix::from_vec(n, d, x),
        targets,
    }
}

/// A model with `d` weights of moderate size (`0.3·sin(j)`, so the classes overlap) and bias `bias`.
pub fn moderate_truth(d: usize, bias: f64) -> Params {
    Params {
        weights: (0..d).map(|j| 0.3 * ((j + 1) as f64).sin()).collect(),
        bias,
    }
}
