//! Songs as sequences of 12-dimensional timbre segments, summarised the way YearPredictionMSD
//! summarises the Echo Nest timbre: 12 segment means, then the 78 entries of the upper triangle
//! (diagonal included, row by row) of the sample covariance of the segments.
//!
//! One segment of a song is
//!
//! ```text
//! x = mu + sd ⊙ c,     c an AR(1) vector: c_0 = z_0, c_i = rho·c_(i-1) + sqrt(1 - rho²)·z_i
//! mu_d = base_mean_d + SIGNAL·mean_drift_d·u + artist_d + song_d
//! sd_d = base_sd_d · exp(SIGNAL·sd_drift_d·u + artist_log_sd_d + song_log_sd_d)
//! rho  = RHO_BASE + SIGNAL·RHO_DRIFT·u
//! ```
//!
//! with `z` standard normal and `u = era(year)`. So the timbre drifts with the year (louder and
//! more compressed: dimension 0's mean rises and its spread falls; brighter: dimension 1's mean
//! rises), every artist has its own strong offset in level and spread, and every song its own
//! smaller one. `c` has unit variances and correlations `rho^|i-j|`, so `sd` sets the scale of
//! each dimension: the means span about -60..60, the variances from tens to thousands, and
//! standardization matters as it does on the real data. `SIGNAL` was calibrated so that the exact
//! logistic-regression optimum reaches about the real file's test accuracy (0.7266).

use rand::Rng;
use rand_distr::StandardNormal;

/// Timbre dimensions per segment.
pub const DIMS: usize = 12;
/// Entries of the upper triangle of a `DIMS x DIMS` covariance, diagonal included.
pub const COV_ENTRIES: usize = DIMS * (DIMS + 1) / 2;
/// Features per song: the means, then the covariance entries.
pub const FEATURES: usize = DIMS + COV_ENTRIES;
/// Fewest and most segments a song is summarised from.
pub const SEGMENTS: (usize, usize) = (16, 40);

/// Scale of every year effect; the one knob that sets how learnable the labels are.
const SIGNAL: f64 = 0.6;

/// Mean of each dimension in 1998 (`u = 0`).
const BASE_MEAN: [f64; DIMS] = [
    43.0, 1.0, 8.0, 1.0, -6.0, -9.0, -2.0, -2.0, -1.0, 3.0, -2.0, 1.0,
];
/// Change of each mean per unit of era.
const MEAN_DRIFT: [f64; DIMS] = [
    3.0, 12.0, -6.0, 4.0, -5.0, 3.0, -4.0, 2.0, 3.0, -2.0, 2.0, -2.0,
];
/// Standard deviation of an artist's offset of each mean.
const ARTIST_MEAN_SD: [f64; DIMS] = [
    4.0, 35.0, 25.0, 11.0, 16.0, 9.0, 10.0, 5.0, 7.0, 4.0, 6.0, 6.0,
];
/// Standard deviation of a song's own offset of each mean.
const SONG_MEAN_SD: [f64; DIMS] = [
    2.5, 20.0, 15.0, 7.0, 10.0, 6.0, 7.0, 4.0, 5.0, 3.0, 4.0, 4.0,
];
/// Segment-to-segment standard deviation of each dimension in 1998.
const BASE_SD: [f64; DIMS] = [
    7.0, 45.0, 40.0, 28.0, 25.0, 20.0, 18.0, 15.0, 14.0, 12.0, 11.0, 10.0,
];
/// Change of each log standard deviation per unit of era.
const SD_DRIFT: [f64; DIMS] = [
    -0.12, 0.05, 0.06, -0.05, 0.04, 0.05, -0.04, 0.03, -0.03, 0.04, 0.03, -0.02,
];
/// Standard deviation of an artist's offset of each log standard deviation.
const ARTIST_LOG_SD: f64 = 0.25;
/// Standard deviation of a song's own offset of each log standard deviation.
const SONG_LOG_SD: f64 = 0.15;
/// Correlation of neighbouring dimensions in 1998, and its change per unit of era.
const RHO_BASE: f64 = -0.3;
const RHO_DRIFT: f64 = 0.05;

/// Era of a year: `3·tanh((year - 1998)/30)`, about linear in 1985-2011 (one unit a decade)
/// and flattening out for the oldest songs, so that they do not become extreme outliers.
pub fn era(year: i32) -> f64 {
    3.0 * ((f64::from(year) - 1998.0) / 30.0).tanh()
}

/// An artist's own offsets: level and log spread of each dimension.
#[derive(Debug, Clone)]
pub struct ArtistStyle {
    mean: [f64; DIMS],
    log_sd: [f64; DIMS],
}

impl ArtistStyle {
    /// Draws an artist's offsets.
    #[allow(clippy::needless_range_loop)] // d indexes several per-dimension tables at once
    pub fn sample<R: Rng>(rng: &mut R) -> Self {
        let mut style = ArtistStyle {
            mean: [0.0; DIMS],
            log_sd: [0.0; DIMS],
        };
        for d in 0..DIMS {
            style.mean[d] = ARTIST_MEAN_SD[d] * rng.sample::<f64, _>(StandardNormal);
            style.log_sd[d] = ARTIST_LOG_SD * rng.sample::<f64, _>(StandardNormal);
        }
        style
    }
}

/// Simulates one song of `artist` released in `year` and writes its 90 features to `out`
/// (unrounded): the segment means, then the sample covariance (divisor `n - 1`) upper triangle.
#[allow(clippy::needless_range_loop)] // d, i, j index several per-dimension tables at once
pub fn song_features<R: Rng>(rng: &mut R, artist: &ArtistStyle, year: i32, out: &mut [f64]) {
    debug_assert_eq!(out.len(), FEATURES);
    let u = era(year);
    let mut mu = [0.0; DIMS];
    let mut sd = [0.0; DIMS];
    for d in 0..DIMS {
        let song_mean: f64 = rng.sample(StandardNormal);
        let song_log_sd: f64 = rng.sample(StandardNormal);
        mu[d] = BASE_MEAN[d]
            + SIGNAL * MEAN_DRIFT[d] * u
            + artist.mean[d]
            + SONG_MEAN_SD[d] * song_mean;
        sd[d] = BASE_SD[d]
            * (SIGNAL * SD_DRIFT[d] * u + artist.log_sd[d] + SONG_LOG_SD * song_log_sd).exp();
    }
    let rho = RHO_BASE + SIGNAL * RHO_DRIFT * u;
    let innovation = (1.0 - rho * rho).sqrt();

    // The unit-scale part `c` of each segment, stored by dimension (column), so that the
    // covariance below is 78 dot products over the segments. x = mu + sd ⊙ c gives
    // mean(x) = mu + sd ⊙ mean(c) and cov(x)_ij = sd_i·sd_j·cov(c)_ij exactly.
    let n = rng.gen_range(SEGMENTS.0..=SEGMENTS.1);
    let mut cols = [[0.0; SEGMENTS.1]; DIMS];
    for s in 0..n {
        let mut c: f64 = rng.sample(StandardNormal);
        cols[0][s] = c;
        for col in cols.iter_mut().skip(1) {
            let z: f64 = rng.sample(StandardNormal);
            c = rho * c + innovation * z;
            col[s] = c;
        }
    }
    let (means, cov) = out.split_at_mut(DIMS);
    for d in 0..DIMS {
        let col = &mut cols[d][..n];
        let mean_c = col.iter().sum::<f64>() / n as f64;
        means[d] = mu[d] + sd[d] * mean_c;
        for v in col.iter_mut() {
            *v -= mean_c;
        }
    }
    let scale = 1.0 / (n - 1) as f64;
    let mut k = 0;
    for i in 0..DIMS {
        for j in i..DIMS {
            cov[k] = sd[i] * sd[j] * scale * dot(&cols[i][..n], &cols[j][..n]);
            k += 1;
        }
    }
}

/// `Σ a_s·b_s` with four running sums (in a fixed order), so that it vectorizes.
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a4.zip(b4) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn era_is_monotone_and_bounded() {
        let mut last = f64::NEG_INFINITY;
        for y in 1922..=2011 {
            let u = era(y);
            assert!(u > last && u.abs() < 3.0);
            last = u;
        }
        assert_eq!(era(1998), 0.0);
    }

    #[test]
    fn recent_songs_are_louder_and_more_compressed() {
        // Averages over many songs of one neutral artist: dimension 0's mean rises and its
        // variance falls from 1970 to 2010, as the constants say.
        let artist = ArtistStyle {
            mean: [0.0; DIMS],
            log_sd: [0.0; DIMS],
        };
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut avg = |year| {
            let mut out = [0.0; FEATURES];
            let (mut m, mut v) = (0.0, 0.0);
            for _ in 0..2000 {
                song_features(&mut rng, &artist, year, &mut out);
                m += out[0] / 2000.0;
                v += out[DIMS] / 2000.0;
            }
            (m, v)
        };
        let (m_old, v_old) = avg(1970);
        let (m_new, v_new) = avg(2010);
        let du = era(2010) - era(1970);
        assert!((m_new - m_old - SIGNAL * MEAN_DRIFT[0] * du).abs() < 0.5);
        assert!(v_new < 0.8 * v_old, "{v_new} vs {v_old}");
    }
}
