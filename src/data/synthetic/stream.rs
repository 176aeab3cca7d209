//! The synthetic rows written straight to a UCI text file, a batch of artists at a time: any row
//! count that the disk can hold, in the memory of one batch, with the same bytes as generating
//! the whole matrix and writing it ([`crate::data::write::write_uci`]).

use super::{fill_artists, ArtistCounts};
use crate::atomic::write_atomic;
use crate::data::matrix::Matrix;
use crate::data::table::N_FIELDS;
use crate::data::write::format_rows;
use crate::error::{Error, Result};
use crate::observer::Observer;
use rayon::prelude::*;
use std::path::Path;

/// Rows generated, formatted and written at a time (about 50 MB of text).
const BATCH_ROWS: usize = 1 << 16;
/// Rows formatted into one buffer.
const FORMAT_ROWS: usize = 1024;

/// Writes `rows` synthetic rows of `seed` to `path` atomically. Stops with
/// [`Error::Interrupted`] (and no file) when `observer` asks, between batches.
pub fn write_uci(path: &Path, rows: usize, seed: u64, observer: &dyn Observer) -> Result<()> {
    super::check_rows(rows)?;
    let mut counts = ArtistCounts::new(rows, seed);
    let mut artist = 0;
    let mut data = Vec::new();
    let result = write_atomic(path, |out| {
        loop {
            if observer.cancelled() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Interrupted,
                    "interrupted",
                ));
            }
            // Whole artists, up to about a batch of rows.
            let mut batch = Vec::new();
            let mut batch_rows = 0;
            while batch_rows < BATCH_ROWS {
                match counts.next() {
                    Some(songs) => {
                        batch.push(songs);
                        batch_rows += songs;
                    }
                    None => break,
                }
            }
            if batch.is_empty() {
                return Ok(());
            }
            data.clear();
            data.resize(batch_rows * N_FIELDS, 0.0);
            fill_artists(&mut data, &batch, artist, seed);
            artist += batch.len();
            let values = Matrix::from_vec(batch_rows, N_FIELDS, std::mem::take(&mut data));
            let buffers: Vec<Vec<u8>> = (0..batch_rows)
                .step_by(FORMAT_ROWS)
                .collect::<Vec<_>>()
                .par_iter()
                .map(|&start| format_rows(&values, start..(start + FORMAT_ROWS).min(batch_rows)))
                .collect();
            for buf in &buffers {
                out.write_all(buf)?;
            }
            data = values.into_vec();
        }
    });
    match result {
        Err(_) if observer.cancelled() => Err(Error::Interrupted),
        other => other,
    }
}
