//! The one CSV form of a training history, `iter,val_loss,val_accuracy`: the study's
//! `runs/<id>.csv` and `train`'s `DIR/history.csv`.

use crate::atomic::write_bytes_atomic;
use crate::error::Result;
use crate::train::History;
use std::fmt::Write;
use std::path::Path;

/// The header of every history file.
pub const HEADER: &str = "iter,val_loss,val_accuracy";

/// `history` as CSV text, one line per recorded point. Numbers use Rust's shortest round-trip
/// form (`{:?}`, with an exponent for very small or large values), so reading them back gives
/// the same bits.
pub fn history_csv(history: &History) -> String {
    let mut text = String::with_capacity(32 * (history.points.len() + 1));
    text.push_str(HEADER);
    text.push('\n');
    for p in &history.points {
        let _ = writeln!(text, "{},{:?},{:?}", p.iter, p.val_loss, p.val_accuracy);
    }
    text
}

/// Writes `history` to `path` atomically as CSV, `iter,val_loss,val_accuracy` and one line per
/// recorded point, each number in its shortest round-trip form (reads back to the same bits).
pub fn write_history_csv(path: &Path, history: &History) -> Result<()> {
    write_bytes_atomic(path, history_csv(history).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::HistoryPoint;

    fn history(values: &[(f64, f64)]) -> History {
        History {
            points: values
                .iter()
                .enumerate()
                .map(|(i, &(val_loss, val_accuracy))| HistoryPoint {
                    iter: 10 * (i + 1),
                    val_loss,
                    val_accuracy,
                })
                .collect(),
            diverged_at: None,
        }
    }

    #[test]
    fn one_line_per_point_in_shortest_round_trip_form() {
        let text = history_csv(&history(&[(0.1 + 0.2, 0.75), (1e-300, 1.0)]));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [HEADER, "10,0.30000000000000004,0.75", "20,1e-300,1.0"]
        );
    }

    #[test]
    fn a_written_history_reads_back_bit_for_bit() {
        let extremes = [
            (0.1 + 0.2, 0.5),
            (1e-300, 1.0),
            (f64::MIN_POSITIVE / 3.0, 0.0),
            (f64::MAX, 1.0 / 3.0),
            (f64::EPSILON, 0.999_999_999_999_999_9),
            (123_456_789.012_345_67, 1e-7),
        ];
        let written = history(&extremes);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.csv");
        write_history_csv(&path, &written).unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(HEADER));
        let read: Vec<HistoryPoint> = lines
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                HistoryPoint {
                    iter: f[0].parse().unwrap(),
                    val_loss: f[1].parse().unwrap(),
                    val_accuracy: f[2].parse().unwrap(),
                }
            })
            .collect();
        assert_eq!(read.len(), written.points.len());
        for (r, w) in read.iter().zip(&written.points) {
            assert_eq!(r.iter, w.iter);
            assert_eq!(r.val_loss.to_bits(), w.val_loss.to_bits(), "{w:?}");
            assert_eq!(r.val_accuracy.to_bits(), w.val_accuracy.to_bits(), "{w:?}");
        }
    }
}
