//! Writes rows in the UCI text format, atomically.
//!
//! One line per row, `year,f1,...,f90\n`, every value in plain decimal notation with at most 5
//! decimals (the real file's precision) and no trailing zeros: `2001`, `43.5`, `-0.00012`. For a
//! value already on the 5-decimal grid (what [`super::synthetic::generate`] returns) this is the
//! shortest text that parses back to the same double, the same text as Rust's `{}`.
//!
//! Speed: the ~450 MB of a full-size file are formatted in parallel, in fixed blocks of rows
//! turned into byte buffers, and the buffers are written in order. Formatting goes through the
//! integer `k = round(100000·v)`, which is exact and much faster than general float printing.

use super::matrix::Matrix;
use crate::atomic::write_atomic;
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

/// Rows formatted into one buffer.
const BLOCK_ROWS: usize = 1024;
/// Buffers formatted in parallel before they are written (bounds the memory held: ~30 MB).
const BLOCKS_PER_BATCH: usize = 32;
/// Largest `|100000·v|` formatted through an integer; beyond it (never in real data) `{}` is used.
const MAX_SCALED: f64 = 9.0e15;

/// Writes `values` (`rows x 91`) to `path` as UCI text: the year as a whole number, then 90 features.
///
/// Every value is written rounded to 5 decimals. A NaN or infinite value is an error (naming the
/// row and field, 1-based) and leaves `path` untouched.
pub fn write_uci(path: &Path, values: &Matrix) -> Result<()> {
    check_finite(values)?;
    let rows = values.rows();
    let blocks: Vec<usize> = (0..rows).step_by(BLOCK_ROWS).collect();
    write_atomic(path, |out| {
        for batch in blocks.chunks(BLOCKS_PER_BATCH) {
            let buffers: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|&start| format_rows(values, start..(start + BLOCK_ROWS).min(rows)))
                .collect();
            for buf in &buffers {
                out.write_all(buf)?;
            }
        }
        Ok(())
    })
}

/// Refuses NaN and infinities, which have no place in the format.
fn check_finite(values: &Matrix) -> Result<()> {
    let cols = values.cols().max(1);
    match values.as_slice().iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(at) => Err(Error::Unwritable {
            row: at / cols + 1,
            field: at % cols + 1,
            value: values.as_slice()[at],
        }),
    }
}

/// The text of `rows` of `values`, one line each.
pub fn format_rows(values: &Matrix, rows: std::ops::Range<usize>) -> Vec<u8> {
    let mut buf = Vec::with_capacity(rows.len() * values.cols() * 10);
    for i in rows {
        for (j, &v) in values.row(i).iter().enumerate() {
            if j > 0 {
                buf.push(b',');
            }
            push_value(&mut buf, v);
        }
        buf.push(b'\n');
    }
    buf
}

/// Appends `v` rounded to 5 decimals, without trailing zeros (`-0` is written as `0`).
pub fn push_value(buf: &mut Vec<u8>, v: f64) {
    let scaled = (v * 1e5).round();
    if scaled.is_nan() || scaled.abs() >= MAX_SCALED {
        // Out of the exact integer range (or not finite): plain shortest round-trip text.
        let _ = write!(buf, "{}", v);
        return;
    }
    let k = scaled as i64;
    if k < 0 {
        buf.push(b'-');
    }
    let k = k.unsigned_abs();
    push_digits(buf, k / 100_000);
    let mut frac = k % 100_000;
    if frac != 0 {
        let mut digits = 5;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        buf.push(b'.');
        let mut tmp = [b'0'; 5];
        for slot in tmp[..digits].iter_mut().rev() {
            *slot = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        buf.extend_from_slice(&tmp[..digits]);
    }
}

/// Appends the decimal digits of `n`.
fn push_digits(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut at = tmp.len();
    loop {
        at -= 1;
        tmp[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::synthetic::round5;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn text(v: f64) -> String {
        let mut buf = Vec::new();
        push_value(&mut buf, v);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn known_values() {
        assert_eq!(text(2001.0), "2001");
        assert_eq!(text(0.0), "0");
        assert_eq!(text(-0.0), "0");
        assert_eq!(text(0.00001), "0.00001");
        assert_eq!(text(-0.00012), "-0.00012");
        assert_eq!(text(43.5), "43.5");
        assert_eq!(text(-1234.56789), "-1234.56789");
        assert_eq!(text(1.234_564_9), "1.23456");
        assert_eq!(text(1e20), "100000000000000000000");
    }

    #[test]
    fn same_text_as_display_and_parses_back() {
        // On the 5-decimal grid the text is Rust's shortest round-trip `{}` and parses back
        // to the very same double.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for i in 0..200_000 {
            let scale = 10f64.powi(i % 9 - 3);
            let v = round5((rng.gen::<f64>() - 0.5) * scale);
            let t = text(v);
            assert_eq!(t, format!("{v}"));
            assert_eq!(t.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{t}");
        }
    }

    #[test]
    fn refuses_non_finite_values() {
        let m = Matrix::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, f64::NAN, 6.0]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.txt");
        let err = write_uci(&path, &m).unwrap_err().to_string();
        assert!(err.contains("row 2, field 2"), "{err}");
        assert!(!path.exists());
    }
}
