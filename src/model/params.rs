//! Parameters of the model: 90 weights and a bias.

/// Weights and bias of `y = sigmoid(w·x + b)`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Params {
    pub weights: Vec<f64>,
    pub bias: f64,
}

/// How to draw initial parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Init {
    Zeros,
    /// Weights and bias drawn from N(0, 1) (numpy's `randn`) with this seed.
    Normal {
        seed: u64,
    },
}

impl Params {
    pub fn zeros(n: usize) -> Params {
        Params {
            weights: vec![0.0; n],
            bias: 0.0,
        }
    }

    /// Initial parameters for `n` weights.
    ///
    /// `Normal { seed }` draws the weights, then the bias, from N(0, 1) with a ChaCha8 generator
    /// seeded by `seed`: the same numbers on every machine.
    pub fn init(n: usize, init: Init) -> Params {
        match init {
            Init::Zeros => Params::zeros(n),
            Init::Normal { seed } => {
                use rand::SeedableRng;
                use rand_distr::{Distribution, StandardNormal};
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
                let weights = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
                let bias = StandardNormal.sample(&mut rng);
                Params { weights, bias }
            }
        }
    }

    /// Weights then bias, as one vector of `n + 1` values.
    pub fn to_vec(&self) -> Vec<f64> {
        let mut v = self.weights.clone();
        v.push(self.bias);
        v
    }

    /// The inverse of [`Params::to_vec`]; `v` must hold at least one value.
    pub fn from_slice(v: &[f64]) -> Params {
        let (bias, weights) = v.split_last().map_or((0.0, &[][..]), |(b, w)| (*b, w));
        Params {
            weights: weights.to_vec(),
            bias,
        }
    }

    /// Number of weights.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The weights and bias as the row engine reads them.
    pub(crate) fn linear(&self) -> crate::engine::Linear<'_> {
        crate::engine::Linear {
            weights: &self.weights,
            bias: self.bias,
        }
    }

    /// True when every parameter is finite.
    pub fn is_finite(&self) -> bool {
        self.bias.is_finite() && self.weights.iter().all(|w| w.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_init_is_seeded_and_looks_standard_normal() {
        let a = Params::init(20_000, Init::Normal { seed: 7 });
        assert_eq!(a, Params::init(20_000, Init::Normal { seed: 7 }));
        assert_ne!(a, Params::init(20_000, Init::Normal { seed: 8 }));
        let n = a.weights.len() as f64;
        let mean = a.weights.iter().sum::<f64>() / n;
        let var = a.weights.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / (n - 1.0);
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.04, "variance {var}");
        assert_eq!(Params::init(3, Init::Zeros), Params::zeros(3));
        assert_eq!(Params::from_slice(&a.to_vec()), a);
    }
}
