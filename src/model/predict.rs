//! Probabilities for a file of raw feature rows.
//!
//! Each line holds 90 comma-separated raw features, or 91 with a leading year (a UCI line; the
//! year must be a number too, and is then ignored). Spaces around fields and a `\r` before the
//! line end are ignored; blank lines are skipped. A line with another number of fields, or a
//! field that is not a finite number (non-UTF-8 bytes included), is an error naming the file,
//! the line and the field.

use super::io::Model;
use crate::data::{N_FEATURES, N_FIELDS};
use crate::error::{shorten, shorten_bytes, Error, Result};
use std::path::Path;

/// Reads the raw feature rows of `path` (90 values each, the year dropped when present).
pub fn read_rows(path: &Path) -> Result<Vec<Vec<f64>>> {
    Ok(read_numbered_rows(path)?
        .into_iter()
        .map(|(_, row)| row)
        .collect())
}

/// The rows of `path` with their 1-based line numbers.
fn read_numbered_rows(path: &Path) -> Result<Vec<(u64, Vec<f64>)>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut rows = Vec::new();
    for (k, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = k as u64 + 1;
        if std::str::from_utf8(line).is_ok_and(|s| s.trim().is_empty()) {
            continue;
        }
        let fields: Vec<&[u8]> = line.split(|&b| b == b',').collect();
        let skip = match fields.len() {
            N_FEATURES => 0,
            N_FIELDS => 1,
            other => {
                return Err(Error::Line {
                    path: path.to_path_buf(),
                    line: line_no,
                    message: format!(
                        "{other} fields, expected {N_FEATURES} features or {N_FIELDS} (year and features)"
                    ),
                })
            }
        };
        let mut row = Vec::with_capacity(N_FEATURES);
        for (f, field) in fields.iter().enumerate() {
            let bad = |message: String| Error::Parse {
                path: path.to_path_buf(),
                line: line_no,
                field: f + 1,
                message,
            };
            let Ok(text) = std::str::from_utf8(field) else {
                return Err(bad(format!(
                    "{:?} is not a number (not UTF-8 text)",
                    shorten_bytes(field, 40)
                )));
            };
            let value: f64 = text
                .trim()
                .parse()
                .map_err(|_| bad(format!("{:?} is not a number", shorten(text, 40))))?;
            if !value.is_finite() {
                return Err(bad(format!("{:?} is not finite", shorten(text, 40))));
            }
            if f >= skip {
                row.push(value);
            }
        }
        rows.push((line_no, row));
    }
    Ok(rows)
}

/// `P(year > threshold)` for every row of `input`. A row whose logit cannot be computed in
/// floating point (features far beyond the model's scale) is an error naming its line.
pub fn predict_file(model: &Model, input: &Path) -> Result<Vec<f64>> {
    read_numbered_rows(input)?
        .iter()
        .map(|(line, row)| {
            model.probability(row).ok_or_else(|| Error::Line {
                path: input.to_path_buf(),
                line: *line,
                message: "the features are too large for this model: w·x + b overflows".into(),
            })
        })
        .collect()
}

/// One probability per line, in the shortest form that reads back to the same number.
pub fn format_probabilities(probabilities: &[f64]) -> String {
    let mut out = String::with_capacity(probabilities.len() * 20);
    for p in probabilities {
        out.push_str(&format!("{p}\n"));
    }
    out
}
