//! The model file, `model.json`: predicts from raw features.
//!
//! It holds everything needed to go from the 90 raw features of a song to `P(year > threshold)`:
//! the weights and bias (on standardized features), the standardization (training mean and
//! sample standard deviation), the year threshold, and how the model was trained. Loading
//! validates every field, with errors that name the file.

use super::logistic::{logit, sigmoid};
use super::params::Params;
use crate::data::{Provenance, Standardizer, N_FEATURES};
use crate::engine::map_row_logits;
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::path::Path;

/// Rows standardized and scored by one task of [`Model::probabilities`].
const ROWS_PER_TASK: usize = 4096;

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

    /// [`Model::probability`] of every row of `raw` (row-major, 90 raw features a row), with the
    /// same bits: on every core, the logits and probabilities in the row engine's widest build.
    ///
    /// # Panics
    /// When `raw` does not hold a whole number of rows.
    pub fn probabilities(&self, raw: &[f64]) -> Vec<Option<f64>> {
        let d = self.weights.len();
        assert!(
            d > 0 && raw.len().is_multiple_of(d),
            "a whole number of rows"
        );
        let standardizer = self.standardizer();
        let params = self.params();
        let model = [params.linear()];
        let parts: Vec<Vec<Option<f64>>> = raw
            .par_chunks(ROWS_PER_TASK * d)
            .map(|rows| {
                let mut x = rows.to_vec();
                x.chunks_exact_mut(d)
                    .for_each(|row| standardizer.apply(row));
                map_row_logits(&model, &x, d, |i, _, z| {
                    if z.is_finite() {
                        Some(sigmoid(z))
                    } else {
                        self.probability(&rows[i * d..(i + 1) * d])
                    }
                })
            })
            .collect();
        parts.concat()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn model(weights: Vec<f64>, std: f64) -> Model {
        let d = weights.len();
        Model::new(
            &Params {
                weights,
                bias: 0.75,
            },
            &Standardizer {
                mean: (0..d).map(|j| j as f64 - 40.0).collect(),
                std: vec![std; d],
            },
            2000,
            Training::new(
                "newton",
                serde_json::json!({}),
                1,
                Provenance::Synthetic { rows: 1, seed: 1 },
            ),
        )
    }

    /// Every row gets the bits of [`Model::probability`] alone, over more rows than one task
    /// holds, including rows whose terms overflow and cancel (the scaled path) and rows beyond
    /// the model (`None`).
    #[test]
    fn probabilities_are_each_rows_probability() {
        let alternating: Vec<f64> = (0..N_FEATURES)
            .map(|j| if j % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        for (weights, std) in [
            (
                (0..N_FEATURES).map(|j| (j as f64 * 0.7).sin()).collect(),
                3.0,
            ),
            (alternating.clone(), 1e-10),
            (alternating, 1e-300),
        ] {
            let model = model(weights, std);
            let n = ROWS_PER_TASK + 9;
            let mut raw: Vec<f64> = (0..n * N_FEATURES)
                .map(|k| (k as f64 * 0.013).cos() * 50.0)
                .collect();
            raw[5 * N_FEATURES..6 * N_FEATURES].fill(1e300);
            let all = model.probabilities(&raw);
            assert_eq!(all.len(), n);
            for (i, p) in all.iter().enumerate() {
                let alone = model.probability(&raw[i * N_FEATURES..(i + 1) * N_FEATURES]);
                assert_eq!(p.map(f64::to_bits), alone.map(f64::to_bits), "row {i}");
            }
            assert_eq!(all[5].is_none(), std == 1e-300);
        }
    }
}
