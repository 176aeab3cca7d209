//! One piece of the file (whole lines) into rows of 91 numbers, straight into the output slice.
//!
//! The hot loop reads a line field by field with the fast number path and only checks the
//! delimiters; any surprise sends the line to [`diagnose`], which splits it plainly and says
//! exactly what is wrong. Both accept the same lines, so the fast loop never decides an error.

use super::number::{parse_field, parse_plain_prefix};
use crate::data::table::N_FIELDS;
use crate::error::shorten_bytes;

/// What is wrong with a line; `line` counts from 0 within the chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct LineFault {
    pub line: u64,
    pub kind: Fault,
}

/// The kinds of bad line.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Not 91 comma-separated fields.
    FieldCount(usize),
    /// A bad field (1-based) and why.
    Field { field: usize, message: String },
    /// An empty line with data after it.
    Blank,
}

/// The rows a chunk gave; `trailing_blank` is the first of the empty lines that end the chunk
/// (allowed only at the very end of the file, which the caller checks).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChunkRows {
    pub rows: usize,
    pub trailing_blank: Option<u64>,
}

/// Lines in `chunk`: its newlines, plus one for a last line without a newline.
pub fn count_lines(chunk: &[u8]) -> usize {
    let newlines = memchr::memchr_iter(b'\n', chunk).count();
    match chunk.last() {
        Some(b'\n') | None => newlines,
        Some(_) => newlines + 1,
    }
}

/// Parses the whole lines of `chunk` into `out` (room for `count_lines(chunk)` rows).
pub fn parse_chunk(chunk: &[u8], out: &mut [f64]) -> Result<ChunkRows, LineFault> {
    let mut pos = 0;
    let mut row = 0;
    while pos < chunk.len() {
        let rest = &chunk[pos..];
        if is_blank_start(rest) {
            let line = row as u64;
            return if rest.iter().all(|&b| b == b'\n' || b == b'\r') {
                Ok(ChunkRows {
                    rows: row,
                    trailing_blank: Some(line),
                })
            } else {
                Err(LineFault {
                    line,
                    kind: Fault::Blank,
                })
            };
        }
        let Some(dst) = out.get_mut(row * N_FIELDS..(row + 1) * N_FIELDS) else {
            // Cannot happen when `out` was sized by `count_lines`; an error, not a panic.
            return Err(LineFault {
                line: row as u64,
                kind: Fault::FieldCount(0),
            });
        };
        match parse_line(rest, dst) {
            Some(used) => pos += used,
            None => {
                let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                return Err(LineFault {
                    line: row as u64,
                    kind: diagnose(&rest[..end]),
                });
            }
        }
        row += 1;
    }
    Ok(ChunkRows {
        rows: row,
        trailing_blank: None,
    })
}

/// Whether `rest` starts with an empty line (`\n`, `\r\n`, or a lone `\r` at the end).
fn is_blank_start(rest: &[u8]) -> bool {
    matches!(rest, [b'\n', ..] | [b'\r'] | [b'\r', b'\n', ..])
}

/// Parses one valid line at the start of `rest` into `dst`; the bytes used (with its line end),
/// or `None` when the line is not valid.
#[inline]
fn parse_line(rest: &[u8], dst: &mut [f64]) -> Option<usize> {
    let mut p = 0;
    for (j, slot) in dst.iter_mut().enumerate() {
        let field = &rest[p..];
        let (value, used) = match parse_plain_prefix(field) {
            Some(hit) => hit,
            None => slow_field(field, j + 1 == N_FIELDS)?,
        };
        if j == 0 && value.fract() != 0.0 {
            return None;
        }
        *slot = value;
        p += used;
        if j + 1 < N_FIELDS {
            if rest.get(p) != Some(&b',') {
                return None;
            }
            p += 1;
        } else {
            match (rest.get(p), rest.get(p + 1)) {
                (None, _) => {}
                (Some(b'\n'), _) => p += 1,
                (Some(b'\r'), Some(b'\n')) => p += 2,
                (Some(b'\r'), None) => p += 1,
                _ => return None,
            }
        }
    }
    Some(p)
}

/// A field the fast path does not take: up to the next comma or line end, by the full grammar.
#[cold]
fn slow_field(field: &[u8], last: bool) -> Option<(f64, usize)> {
    let mut end = memchr::memchr2(b',', b'\n', field).unwrap_or(field.len());
    if last && end > 0 && field[end - 1] == b'\r' {
        end -= 1;
    }
    let value = parse_field(&field[..end])?;
    value.is_finite().then_some((value, end))
}

/// Says what is wrong with `line` (without its `\n`).
#[cold]
pub fn diagnose(line: &[u8]) -> Fault {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let count = line.split(|&b| b == b',').count();
    if count != N_FIELDS {
        return Fault::FieldCount(count);
    }
    for (j, field) in line.split(|&b| b == b',').enumerate() {
        if let Some(message) = field_problem(field, j == 0) {
            return Fault::Field {
                field: j + 1,
                message,
            };
        }
    }
    // The fast loop and this check accept the same lines; kept as an error, never a panic.
    Fault::Field {
        field: 1,
        message: format!("cannot read the line '{}'", shorten_bytes(line, 40)),
    }
}

/// Why `field` is not an acceptable value, if it is not.
pub fn field_problem(field: &[u8], is_year: bool) -> Option<String> {
    if field.is_empty() {
        return Some("empty field".into());
    }
    let shown = shorten_bytes(field, 40);
    if std::str::from_utf8(field).is_err() {
        return Some(format!("not a number (not UTF-8 text): '{shown}'"));
    }
    match parse_field(field) {
        None => Some(format!("not a number: '{shown}'")),
        Some(v) if !v.is_finite() => Some(format!("not a finite number: '{shown}'")),
        Some(v) if is_year && v.fract() != 0.0 => {
            Some(format!("the year must be a whole number: '{shown}'"))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(year: &str, rest: &str) -> String {
        let mut fields = vec![year.to_string()];
        fields.extend((1..N_FIELDS).map(|j| format!("{j}.5")));
        let mut s = fields.join(",");
        if !rest.is_empty() {
            s.push_str(rest);
        }
        s
    }

    #[test]
    fn parses_lines_with_any_ending() {
        let text = format!(
            "{}\n{}\r\n{}",
            line("2001", ""),
            line("1999", ""),
            line("1950", "")
        );
        let mut out = vec![0.0; 3 * N_FIELDS];
        let got = parse_chunk(text.as_bytes(), &mut out).unwrap();
        assert_eq!(got.rows, 3);
        assert_eq!(out[0], 2001.0);
        assert_eq!(out[N_FIELDS], 1999.0);
        assert_eq!(out[2 * N_FIELDS + 90], 90.5);
    }

    #[test]
    fn blank_lines_only_at_the_end() {
        let good = format!("{}\n\r\n\n", line("2001", ""));
        let mut out = vec![0.0; 3 * N_FIELDS];
        let got = parse_chunk(good.as_bytes(), &mut out).unwrap();
        assert_eq!(got.trailing_blank, Some(1));
        let bad = format!("{}\n\n{}\n", line("2001", ""), line("2001", ""));
        let err = parse_chunk(bad.as_bytes(), &mut out).unwrap_err();
        assert_eq!((err.line, err.kind), (1, Fault::Blank));
    }

    #[test]
    fn diagnoses_each_problem() {
        let d = |s: String| diagnose(s.as_bytes());
        assert_eq!(d(line("2001", ",1")), Fault::FieldCount(92));
        assert!(matches!(
            d(line("2001.5", "")),
            Fault::Field { field: 1, .. }
        ));
        assert!(matches!(
            d(line("2001", "").replace(",3.5,", ",nan,")),
            Fault::Field { field: 4, .. }
        ));
        assert!(matches!(
            d(line("2001", "").replace(",3.5,", ",,")),
            Fault::Field { field: 4, .. }
        ));
    }
}
