//! Embedded, deterministic MSD-like data.
//!
//! The rows imitate how YearPredictionMSD was made: songs come grouped by artist (an artist's
//! songs are contiguous, and the train/test cut of the data set's own split falls between two
//! artists), each artist has a career centred on some year ([`years`]), and each song's 90
//! features summarise simulated timbre segments whose level and spread drift with the year and
//! carry a strong artist offset ([`timbre`]). Every value is rounded to 5 decimals, the real
//! file's precision, so writing the rows as text and reading them back gives the same numbers.
//!
//! Determinism: the song counts come from one ChaCha8 stream (stream 0) of the seed, artist `a`
//! draws everything else from its own stream `a + 1`, and the artists are generated in parallel
//! into fixed places of the output. The result depends on the seed only, not on the threads.

mod stream;
pub mod timbre;
pub mod years;

pub use stream::write_uci;

use super::matrix::Matrix;
use super::split::{resolve_sizes, SplitOptions};
use super::table::N_FIELDS;
use crate::error::{Error, Result, Setting};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Most songs of one artist.
pub const MAX_SONGS_PER_ARTIST: usize = 60;

/// Version of the generator: a cache of its rows is valid for this version only. Raise it with
/// any change that changes the rows of a seed.
pub const GENERATOR_VERSION: u32 = 1;

/// Checks a row count before any memory is taken: at least 2, and a matrix whose byte count
/// (`rows x 91 x 8`) this machine can address at all. Whether the memory is there is the
/// caller's question ([`crate::data::load_bytes`] says how much a load needs).
pub fn check_rows(rows: usize) -> Result<()> {
    if rows < 2 {
        return Err(Error::setting(
            Setting::SyntheticRows,
            rows,
            "synthetic data needs at least 2 rows",
        ));
    }
    let bytes = rows
        .checked_mul(N_FIELDS * 8)
        .filter(|&b| b <= isize::MAX as usize);
    if bytes.is_none() {
        return Err(Error::setting(
            Setting::SyntheticRows,
            rows,
            format!(
                "{rows} rows of {N_FIELDS} numbers need more bytes than this machine can address"
            ),
        ));
    }
    Ok(())
}

/// The random stream of one artist (`artist + 1`; stream 0 lays out the song counts).
fn artist_rng(seed: u64, artist: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(artist as u64 + 1);
    rng
}

/// Songs per artist, in file order, summing to `rows`.
///
/// Counts are log-uniform in `1..=60` (mean about 14, so a full-size file has about 36,000
/// artists). The rows are filled in two parts, cut where the data set's own split puts the
/// train/test boundary for `rows` rows (463,715 of 515,345, or the same fraction), so that no
/// artist straddles it; the last artist of each part is shortened to fit.
pub fn artist_song_counts(rows: usize, seed: u64) -> Vec<usize> {
    ArtistCounts::new(rows, seed).collect()
}

/// The songs of each artist in file order, drawn one at a time ([`artist_song_counts`] as a
/// stream, so that a file of any length can be written without holding them all).
pub struct ArtistCounts {
    rng: ChaCha8Rng,
    /// Rows left in the current part, then in the second.
    left: usize,
    second: usize,
}

impl ArtistCounts {
    pub fn new(rows: usize, seed: u64) -> ArtistCounts {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(0);
        let cut = resolve_sizes(rows, &SplitOptions::default())
            .map(|s| s.train_part)
            .unwrap_or(rows);
        ArtistCounts {
            rng,
            left: cut,
            second: rows - cut,
        }
    }
}

impl Iterator for ArtistCounts {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.left == 0 {
            if self.second == 0 {
                return None;
            }
            self.left = std::mem::take(&mut self.second);
        }
        let draw = (self.rng.gen::<f64>() * ((MAX_SONGS_PER_ARTIST + 1) as f64).ln()).exp();
        let songs = (draw as usize)
            .clamp(1, MAX_SONGS_PER_ARTIST)
            .min(self.left);
        self.left -= songs;
        Some(songs)
    }
}

/// The artist (index into [`artist_song_counts`]) of every row.
pub fn artist_of_rows(rows: usize, seed: u64) -> Vec<usize> {
    artist_song_counts(rows, seed)
        .iter()
        .enumerate()
        .flat_map(|(artist, &songs)| std::iter::repeat_n(artist, songs))
        .collect()
}

/// Rounds to 5 decimals, the precision of the real file: the double nearest `k / 100000` for
/// the integer `k` nearest `100000·v` (`-0` becomes `0`, which prints and parses back as `0`).
#[inline]
pub fn round5(v: f64) -> f64 {
    (v * 1e5).round() / 1e5 + 0.0
}

/// `rows x 91` synthetic rows (year, then 90 features), the same for a seed whatever the threads.
pub fn generate(rows: usize, seed: u64) -> Matrix {
    let counts = artist_song_counts(rows, seed);
    let mut data = vec![0.0; rows * N_FIELDS];
    fill_artists(&mut data, &counts, 0, seed);
    Matrix::from_vec(rows, N_FIELDS, data)
}

/// Fills `data` with the rows of the artists `first..` whose song counts are `counts`, in
/// parallel, each artist from its own stream.
fn fill_artists(data: &mut [f64], counts: &[usize], first: usize, seed: u64) {
    let mut blocks = Vec::with_capacity(counts.len());
    let mut rest = data;
    for &songs in counts {
        let (block, tail) = rest.split_at_mut(songs * N_FIELDS);
        blocks.push(block);
        rest = tail;
    }
    let centres = years::CareerCentres::default();
    blocks
        .into_par_iter()
        .enumerate()
        .with_min_len(16)
        .for_each(|(k, block)| fill_artist(block, &centres, seed, first + k));
}

/// Writes the rows of one artist into `block` (`songs x 91`).
fn fill_artist(block: &mut [f64], centres: &years::CareerCentres, seed: u64, artist: usize) {
    let mut rng = artist_rng(seed, artist);
    let centre = centres.sample(&mut rng);
    let spread = years::career_spread(&mut rng);
    let style = timbre::ArtistStyle::sample(&mut rng);
    for row in block.chunks_exact_mut(N_FIELDS) {
        let year = years::song_year(&mut rng, centre, spread);
        row[0] = f64::from(year);
        timbre::song_features(&mut rng, &style, year, &mut row[1..]);
        for v in &mut row[1..] {
            *v = round5(*v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cover_the_rows_and_respect_the_cut() {
        for rows in [2, 3, 10, 1000, 12_345] {
            let counts = artist_song_counts(rows, 4);
            assert_eq!(counts.iter().sum::<usize>(), rows);
            assert!(counts
                .iter()
                .all(|&c| (1..=MAX_SONGS_PER_ARTIST).contains(&c)));
            if let Ok(sizes) = resolve_sizes(rows, &SplitOptions::default()) {
                let mut at = 0;
                let mut boundaries = vec![0];
                for c in &counts {
                    at += c;
                    boundaries.push(at);
                }
                assert!(boundaries.contains(&sizes.train_part), "rows {rows}");
            }
        }
    }

    #[test]
    fn round5_keeps_five_decimals() {
        assert_eq!(round5(1.234_564_9), 1.23456);
        assert_eq!(round5(-1.234_565_1), -1.23457);
        assert_eq!(round5(-0.000_001).to_bits(), 0.0f64.to_bits());
        assert_eq!(round5(42.0), 42.0);
    }
}
