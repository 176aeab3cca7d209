//! Confidence intervals and differences in standard errors, at the 95% level.
//!
//! "Beyond noise" means beyond what sampling alone makes likely at that level: a difference more
//! than [`Z95`] standard errors from zero, or a p-value below `1 - CONFIDENCE`.

/// The confidence level of every interval and test of the study.
pub const CONFIDENCE: f64 = 0.95;
/// The two-sided 95% quantile of the standard normal, `Φ⁻¹(0.975)` (scipy's
/// `norm.isf(0.025)`).
pub const Z95: f64 = 1.959_963_984_540_054;

/// A closed interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// The 95% Wilson score interval of a proportion of `successes` out of `n`; `None` for `n = 0`.
///
/// With `p = successes/n` and `z = Z95`: centre `(p + z²/2n) / (1 + z²/n)`, half-width
/// `z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)` (the formula of statsmodels'
/// `proportion_confint(method="wilson")`). Unlike `p ± z·sqrt(p(1-p)/n)` it stays inside
/// `[0, 1]` and keeps its coverage near 0 and 1. Clamped to `[0, 1]` against rounding.
pub fn wilson(successes: usize, n: usize) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let (x, n) = (successes as f64, n as f64);
    let p = x / n;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// A difference between two estimates, in standard errors.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Difference {
    /// The second estimate minus the first.
    pub estimate: f64,
    /// Standard error of the difference.
    pub se: f64,
    /// `estimate / se`; `None` when `se` is 0.
    pub z: Option<f64>,
    /// `|z| > Z95` (with no spread at all: any non-zero difference).
    pub beyond_noise: bool,
}

impl Difference {
    /// `estimate` with standard error `se`.
    pub fn new(estimate: f64, se: f64) -> Difference {
        let z = (se > 0.0).then(|| estimate / se);
        Difference {
            estimate,
            se,
            z,
            beyond_noise: match z {
                Some(z) => z.abs() > Z95,
                None => estimate != 0.0,
            },
        }
    }

    /// `b - a` of two estimates from independent samples, with standard errors `se_a`, `se_b`.
    pub fn independent(a: f64, se_a: f64, b: f64, se_b: f64) -> Difference {
        Difference::new(b - a, (se_a * se_a + se_b * se_b).sqrt())
    }

    /// `b - a` of two proportions `a = xa/na`, `b = xb/nb` from independent samples (unpooled
    /// standard error `sqrt(a(1-a)/na + b(1-b)/nb)`).
    pub fn proportions(a: f64, na: usize, b: f64, nb: usize) -> Difference {
        let se = |p: f64, n: usize| (p * (1.0 - p) / n as f64).sqrt();
        Difference::independent(a, se(a, na), b, se(b, nb))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_hand_computed_values_and_stays_in_range() {
        // 7 of 10: p 0.7, z² = 3.8415, centre 0.89207/1.38415 = 0.64449, half 0.24771.
        let i = wilson(7, 10).unwrap();
        assert!((i.low - 0.396_778).abs() < 1e-6, "{i:?}");
        assert!((i.high - 0.892_209).abs() < 1e-6, "{i:?}");
        assert_eq!(wilson(0, 20).unwrap().low, 0.0);
        assert_eq!(wilson(20, 20).unwrap().high, 1.0);
        assert!(wilson(0, 20).unwrap().high > 0.1);
        assert_eq!(wilson(3, 0), None);
        // Large n: close to the normal interval.
        let (x, n) = (72_834, 100_000);
        let p = x as f64 / n as f64;
        let normal = Z95 * (p * (1.0 - p) / n as f64).sqrt();
        let i = wilson(x, n).unwrap();
        assert!((i.high - i.low - 2.0 * normal).abs() < 1e-6);
    }

    #[test]
    fn differences_are_in_standard_errors() {
        let d = Difference::independent(0.5, 0.03, 0.6, 0.04);
        assert!((d.se - 0.05).abs() < 1e-15);
        assert!((d.z.unwrap() - 2.0).abs() < 1e-12);
        assert!(d.beyond_noise);
        assert!(!Difference::new(0.01, 0.01).beyond_noise);
        let p = Difference::proportions(0.5, 100, 0.5, 100);
        assert_eq!((p.estimate, p.z, p.beyond_noise), (0.0, Some(0.0), false));
        let flat = Difference::proportions(1.0, 10, 1.0, 10);
        assert_eq!((flat.z, flat.beyond_noise), (None, false));
    }
}
