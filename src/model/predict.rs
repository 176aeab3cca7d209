//! Predictions for a file of raw feature rows, one output line per input line.
//!
//! Each line holds 90 comma-separated raw features, or 91 with a leading year (a UCI line; the
//! year must be a whole number, and is then ignored); every line of a file has the same width.
//! Spaces around fields and a `\r` before the line end are ignored. The input may be plain text,
//! `.gz`, a `.zip` holding one text file, or `-` (standard input). A blank line, a line with
//! another number of fields, or a field that is not a finite number (non-UTF-8 bytes included)
//! is an error naming the file, the line and the field: no line is skipped, so the output lines
//! up with the input.

use super::io::Model;
use crate::data::{uci, N_FEATURES, N_FIELDS};
use crate::error::{shorten, shorten_bytes, Error, Result};
use crate::observer::Silent;
use rayon::prelude::*;
use std::path::Path;

/// What each output line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// `P(year > threshold)`.
    Proba,
    /// The class: 1 when the probability is at least the decision threshold, else 0.
    Label,
    /// `probability,label`.
    Both,
}

/// Reads the raw feature rows of `path` (90 values each, the year dropped when present).
pub fn read_rows(path: &Path) -> Result<Vec<Vec<f64>>> {
    Ok(read_numbered_rows(path)?
        .into_iter()
        .map(|(_, row)| row)
        .collect())
}

/// The rows of `path` with their 1-based line numbers: every line of the file.
///
/// Lines are parsed on every core; the error, if any, is the one of the first bad line (and,
/// within it, of the first bad field), as a reading from the top would find it.
fn read_numbered_rows(path: &Path) -> Result<Vec<(u64, Vec<f64>)>> {
    let text = uci::read_text(path, &Silent)?;
    let body = text.strip_suffix(b"\n").unwrap_or(&text);
    if body.is_empty() {
        return Ok(Vec::new());
    }
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    // The first line decides the width that every other line must have.
    let first = parse_line(path, 1, lines[0], None)?;
    let width = first.1;
    let rest: Vec<Result<(Vec<f64>, usize)>> = lines[1..]
        .par_iter()
        .enumerate()
        .map(|(k, line)| parse_line(path, k as u64 + 2, line, Some(width)))
        .collect();
    let mut rows = Vec::with_capacity(lines.len());
    rows.push((1, first.0));
    for (k, parsed) in rest.into_iter().enumerate() {
        rows.push((k as u64 + 2, parsed?.0));
    }
    Ok(rows)
}

/// The features of line `line_no` (its year dropped) and its number of fields, which must be
/// `width` when given.
fn parse_line(
    path: &Path,
    line_no: u64,
    line: &[u8],
    width: Option<usize>,
) -> Result<(Vec<f64>, usize)> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line_error = |message: String| Error::Line {
        path: path.to_path_buf(),
        line: line_no,
        message,
    };
    if line.iter().all(u8::is_ascii_whitespace) {
        return Err(line_error(
            "empty line: every line must be a row (one output line per input line)".into(),
        ));
    }
    let fields: Vec<&[u8]> = line.split(|&b| b == b',').collect();
    if fields.len() != N_FEATURES && fields.len() != N_FIELDS {
        return Err(line_error(format!(
            "{} fields, expected {N_FEATURES} features or {N_FIELDS} (year and features)",
            fields.len()
        )));
    }
    if let Some(w) = width.filter(|&w| w != fields.len()) {
        return Err(line_error(format!(
            "{} fields, but line 1 has {w}: rows with and without a year cannot be mixed",
            fields.len()
        )));
    }
    let skip = fields.len() - N_FEATURES;
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
        if f < skip {
            if value.fract() != 0.0 {
                return Err(bad(format!(
                    "the year must be a whole number: {:?}",
                    shorten(text, 40)
                )));
            }
        } else {
            row.push(value);
        }
    }
    Ok((row, fields.len()))
}

/// `P(year > threshold)` for every row of `input`. A row whose logit cannot be computed in
/// floating point (features far beyond the model's scale) is an error naming its line.
pub fn predict_file(model: &Model, input: &Path) -> Result<Vec<f64>> {
    let rows = read_numbered_rows(input)?;
    let values: Vec<f64> = rows
        .iter()
        .flat_map(|(_, row)| row.iter().copied())
        .collect();
    model
        .probabilities(&values)
        .into_iter()
        .zip(&rows)
        .map(|(p, (line, _))| {
            p.ok_or_else(|| Error::Line {
                path: input.to_path_buf(),
                line: *line,
                message: "the features are too large for this model: w·x + b overflows".into(),
            })
        })
        .collect()
}

/// One probability per line, in the shortest form that reads back to the same number.
pub fn format_probabilities(probabilities: &[f64]) -> String {
    format_predictions(probabilities, OutputFormat::Proba, 0.5)
}

/// One line per probability in `format`; a label is 1 when the probability is at least
/// `threshold` (the convention of [`crate::model::evaluate`]'s accuracy at 0.5).
pub fn format_predictions(probabilities: &[f64], format: OutputFormat, threshold: f64) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(probabilities.len() * 24);
    for &p in probabilities {
        let label = u8::from(p >= threshold);
        let _ = match format {
            OutputFormat::Proba => writeln!(out, "{p}"),
            OutputFormat::Label => writeln!(out, "{label}"),
            OutputFormat::Both => writeln!(out, "{p},{label}"),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_threshold() {
        let p = [0.2, 0.5, 0.7];
        assert_eq!(
            format_predictions(&p, OutputFormat::Label, 0.5),
            "0\n1\n1\n"
        );
        assert_eq!(
            format_predictions(&p, OutputFormat::Label, 0.7),
            "0\n0\n1\n"
        );
        assert_eq!(
            format_predictions(&p, OutputFormat::Both, 0.6),
            "0.2,0\n0.5,0\n0.7,1\n"
        );
        assert_eq!(format_probabilities(&p), "0.2\n0.5\n0.7\n");
    }
}
