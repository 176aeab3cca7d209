//! The model file, `model.json`: predicts from raw features.
//!
//! It holds everything needed to go from the 90 raw features of a song to `P(year > threshold)`:
//! the weights and bias (on standardized features), the standardization (training mean and
//! sample standard deviation), the year threshold, and how the model was trained. Loading
//! validates every field, with errors that name the file.

use super::logistic::{logit, sigmoid};
use super::params::Params;
use crate::data::{Provenance, Standardizer, N_FEATURES};
use crate::error::{Error, Result};
use std::path::Path;

/// Value of the `format` field.
pub const FORMAT: &str = "msd-century-model";
/// Value of the `version` field this build writes and reads.
pub const VERSION: u32 = 1;

/// How a model was trained.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Training {
    /// `sgd`, `newton` or `library`.
    pub solver: String,
    /// The solver's settings, as given.
    pub settings: serde_json::Value,
    /// Seed of the split and of training.
    pub seed: u64,
    /// Where the rows came from.
    pub data: Provenance,
    /// Version of msd-century that trained it.
    pub software_version: String,
}

impl Training {
    /// How a model was trained by `solver` (`sgd`, `newton`, `library`) with `settings`, from
    /// `data` with `seed`, by this version of msd-century.
    pub fn new(solver: &str, settings: serde_json::Value, seed: u64, data: Provenance) -> Training {
        Training {
            solver: solver.to_string(),
            settings,
            seed,
            data,
            software_version: crate::VERSION.to_string(),
        }
    }
}

/// The contents of `model.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Model {
    pub format: String,
    pub version: u32,
    pub weights: Vec<f64>,
    pub bias: f64,
    pub feature_mean: Vec<f64>,
    pub feature_std: Vec<f64>,
    pub year_threshold: i32,
    pub training: Training,
}

impl Model {
    /// A model from fitted parameters and the standardization they were fitted on.
    pub fn new(
        params: &Params,
        standardizer: &Standardizer,
        year_threshold: i32,
        training: Training,
    ) -> Model {
        Model {
            format: FORMAT.to_string(),
            version: VERSION,
            weights: params.weights.clone(),
            bias: params.bias,
            feature_mean: standardizer.mean.clone(),
            feature_std: standardizer.std.clone(),
            year_threshold,
            training,
        }
    }

    pub fn params(&self) -> Params {
        Params {
            weights: self.weights.clone(),
            bias: self.bias,
        }
    }

    pub fn standardizer(&self) -> Standardizer {
        Standardizer {
            mean: self.feature_mean.clone(),
            std: self.feature_std.clone(),
        }
    }

    /// The same model for features standardized with `other` instead of the stored statistics:
    /// `w·(x - m)/s + b = w'·(x - m')/s' + b'` with `w'_j = w_j·s'_j/s_j` and
    /// `b' = b + Σ w_j·(m'_j - m_j)/s_j`. The stored parameters unchanged when `other` is the same.
    pub fn params_for(&self, other: &Standardizer) -> Params {
        if other.mean == self.feature_mean && other.std == self.feature_std {
            return self.params();
        }
        let mut bias = self.bias;
        let mut weights = Vec::with_capacity(self.weights.len());
        for j in 0..self.weights.len() {
            let (w, m, s) = (self.weights[j], self.feature_mean[j], self.feature_std[j]);
            weights.push(w * other.std[j] / s);
            bias += w * (other.mean[j] - m) / s;
        }
        Params { weights, bias }
    }

    /// `P(year > threshold)` for one row of 90 raw features: standardize, then `sigmoid(w·x + b)`.
    ///
    /// Features far beyond the training scale can overflow the terms of `w·x` (`±inf`, and
    /// `inf - inf = NaN` when they meet): the logit is then computed again on values scaled by
    /// `2^-600`, whose sign (and whether it is huge) is all the probability needs. `None` when
    /// even that overflows: the row is beyond what this model can score.
    pub fn probability(&self, raw: &[f64]) -> Option<f64> {
        let mut x = raw.to_vec();
        self.standardizer().apply(&mut x);
        let z = logit(&self.weights, self.bias, &x);
        if z.is_finite() {
            return Some(sigmoid(z));
        }
        const SCALE: f64 = 1.0 / (1u128 << 100) as f64; // 2^-100, exact
        let down = |v: f64| v * SCALE * SCALE * SCALE * SCALE * SCALE * SCALE; // v · 2^-600
        let scaled: Vec<f64> = raw
            .iter()
            .zip(self.feature_mean.iter().zip(&self.feature_std))
            .map(|(&v, (&m, &s))| (down(v) - down(m)) / s)
            .collect();
        let z_scaled = logit(&self.weights, down(self.bias), &scaled);
        // `z = z_scaled · 2^600`: finite and small only when z_scaled is tiny; huge otherwise.
        z_scaled
            .is_finite()
            .then(|| sigmoid(z_scaled * 2f64.powi(600)))
    }

    /// Checks format, version, lengths and finiteness; the message says which field is wrong.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if self.format != FORMAT {
            return Err(format!("format is {:?}, expected {FORMAT:?}", self.format));
        }
        if self.version != VERSION {
            return Err(format!(
                "version {} is not supported (this build reads {VERSION})",
                self.version
            ));
        }
        for (name, v) in [
            ("weights", &self.weights),
            ("feature_mean", &self.feature_mean),
            ("feature_std", &self.feature_std),
        ] {
            if v.len() != N_FEATURES {
                return Err(format!(
                    "{name} has {} values, expected {N_FEATURES}",
                    v.len()
                ));
            }
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                return Err(format!("{name}[{i}] is not finite"));
            }
        }
        if !self.bias.is_finite() {
            return Err("bias is not finite".into());
        }
        if let Some(i) = self.feature_std.iter().position(|s| *s <= 0.0) {
            return Err(format!("feature_std[{i}] is not positive"));
        }
        Ok(())
    }

    /// Writes the model as pretty JSON, atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.validate()
            .map_err(|m| Error::format(path, format!("refusing to write an invalid model: {m}")))?;
        let text =
            serde_json::to_string_pretty(self).map_err(|e| Error::format(path, e.to_string()))?;
        crate::atomic::write_bytes_atomic(path, format!("{text}\n").as_bytes())
    }

    /// Reads and validates a model file.
    pub fn load(path: &Path) -> Result<Model> {
        // Bytes, not a string: the JSON parser locates bad UTF-8 by line and column.
        let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let model: Model = serde_json::from_slice(&text)
            .map_err(|e| Error::format(path, format!("not a model file: {e}")))?;
        model.validate().map_err(|m| Error::format(path, m))?;
        Ok(model)
    }
}
