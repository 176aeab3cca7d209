//! Probabilities for a file of raw feature rows.
//!
//! Each line holds 90 comma-separated raw features, or 91 with a leading year (a UCI line; the
//! year is ignored). Blank lines are skipped. A line with another number of fields, or a field
//! that is not a finite number, is an error naming the file, the line and the field.

use super::io::Model;
use crate::data::{N_FEATURES, N_FIELDS};
use crate::error::{shorten, Error, Result};
use std::path::Path;

/// Reads the raw feature rows of `path` (90 values each, the year dropped when present).
pub fn read_rows(path: &Path) -> Result<Vec<Vec<f64>>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut rows = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line_no = k as u64 + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
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
        for (f, field) in fields.iter().enumerate().skip(skip) {
            let bad = |message: String| Error::Parse {
                path: path.to_path_buf(),
                line: line_no,
                field: f + 1,
                message,
            };
            let value: f64 = field
                .trim()
                .parse()
                .map_err(|_| bad(format!("{:?} is not a number", shorten(field, 40))))?;
            if !value.is_finite() {
                return Err(bad(format!("{:?} is not finite", shorten(field, 40))));
            }
            row.push(value);
        }
        rows.push(row);
    }
    Ok(rows)
}

/// `P(year > threshold)` for every row of `input`.
pub fn predict_file(model: &Model, input: &Path) -> Result<Vec<f64>> {
    Ok(read_rows(input)?
        .iter()
        .map(|r| model.probability(r))
        .collect())
}

/// One probability per line, in the shortest form that reads back to the same number.
pub fn format_probabilities(probabilities: &[f64]) -> String {
    let mut out = String::with_capacity(probabilities.len() * 20);
    for p in probabilities {
        out.push_str(&format!("{p}\n"));
    }
    out
}
