//! Release years: a career centre per artist drawn from a histogram shaped like the real file's,
//! and each song's year scattered around its artist's centre.
//!
//! The real YearPredictionMSD years run from 1922 to 2011 and pile up in 1995-2009 (about 58% of
//! the songs came out after 2000). The anchors below give the relative number of artists whose
//! career is centred on a year (log-linear between anchors); spreading songs around the centres
//! smooths the histogram a little and pushes some songs into 2011.

use rand::Rng;
use rand_distr::StandardNormal;

/// First year a song can have.
pub const FIRST_YEAR: i32 = 1922;
/// Last year a song can have.
pub const LAST_YEAR: i32 = 2011;

/// (year, relative weight of career centres in that year); log-linear in between.
const ANCHORS: [(i32, f64); 16] = [
    (1922, 0.02),
    (1950, 0.10),
    (1960, 0.60),
    (1970, 1.50),
    (1980, 2.90),
    (1990, 5.70),
    (1995, 9.70),
    (1999, 16.5),
    (2001, 22.0),
    (2003, 28.0),
    (2005, 35.0),
    (2007, 39.0),
    (2008, 36.0),
    (2009, 29.0),
    (2010, 3.0),
    (2011, 0.05),
];

/// Smallest and largest spread (standard deviation, years) of an artist's song years.
const SPREAD_RANGE: (f64, f64) = (0.5, 3.5);
/// Chance that a draw of the last year is kept: the real file has a single song from 2011
/// (its catalogue ends early that year), so nearly all such draws are redrawn.
const LAST_YEAR_KEEP: f64 = 0.01;
/// Draws of a song year before falling back to clamping into the range.
const MAX_TRIES: usize = 32;

/// Relative weight of career centres in `year` (interpolated between the anchors).
fn weight(year: i32) -> f64 {
    for pair in ANCHORS.windows(2) {
        let ((y0, w0), (y1, w1)) = (pair[0], pair[1]);
        if year >= y0 && year <= y1 {
            let t = f64::from(year - y0) / f64::from(y1 - y0);
            return (w0.ln() + t * (w1.ln() - w0.ln())).exp();
        }
    }
    0.0
}

/// Cumulative distribution of career centres over the whole years `FIRST_YEAR..=LAST_YEAR`.
#[derive(Debug, Clone)]
pub struct CareerCentres {
    cdf: Vec<f64>,
}

impl Default for CareerCentres {
    fn default() -> Self {
        let mut total = 0.0;
        let mut cdf: Vec<f64> = (FIRST_YEAR..=LAST_YEAR)
            .map(|y| {
                total += weight(y);
                total
            })
            .collect();
        for c in &mut cdf {
            *c /= total;
        }
        CareerCentres { cdf }
    }
}

impl CareerCentres {
    /// A career centre: a year drawn from the histogram plus a uniform offset within it.
    pub fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.gen();
        let bin = self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1);
        f64::from(FIRST_YEAR) + bin as f64 + rng.gen::<f64>() - 0.5
    }
}

/// Standard deviation (years) of the song years of one artist.
pub fn career_spread<R: Rng>(rng: &mut R) -> f64 {
    rng.gen_range(SPREAD_RANGE.0..SPREAD_RANGE.1)
}

/// A whole year near `centre`: `round(centre + spread * N(0, 1))`, redrawn while outside
/// `FIRST_YEAR..=LAST_YEAR` (clamped after `MAX_TRIES` draws).
pub fn song_year<R: Rng>(rng: &mut R, centre: f64, spread: f64) -> i32 {
    let mut year = centre;
    for _ in 0..MAX_TRIES {
        let z: f64 = rng.sample(StandardNormal);
        year = (centre + spread * z).round();
        if year >= f64::from(FIRST_YEAR) && year <= f64::from(LAST_YEAR) {
            if year == f64::from(LAST_YEAR) && rng.gen::<f64>() >= LAST_YEAR_KEEP {
                continue;
            }
            return year as i32;
        }
    }
    (year as i32).clamp(FIRST_YEAR, LAST_YEAR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn weights_follow_the_anchors() {
        for (year, w) in ANCHORS {
            assert!((weight(year) - w).abs() < 1e-12 * w, "{year}");
        }
        // Log-linear: the midpoint weight is the geometric mean of its neighbours.
        let mid = weight(1955);
        assert!((mid - (0.10f64 * 0.60).sqrt()).abs() < 1e-12);
        assert_eq!(weight(1921), 0.0);
        assert_eq!(weight(2012), 0.0);
    }

    #[test]
    fn song_years_stay_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for centre in [1900.0, 1922.2, 1999.5, 2011.4, 2050.0] {
            for _ in 0..200 {
                let y = song_year(&mut rng, centre, 3.0);
                assert!((FIRST_YEAR..=LAST_YEAR).contains(&y));
            }
        }
    }
}
