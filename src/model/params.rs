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
    pub fn init(n: usize, init: Init) -> Params {
        let _ = (n, init);
        unimplemented!("Params::init")
    }

    /// True when every parameter is finite.
    pub fn is_finite(&self) -> bool {
        self.bias.is_finite() && self.weights.iter().all(|w| w.is_finite())
    }
}
