//! McNemar's test: do two models, scored on the same rows, have the same accuracy?
//!
//! Only the rows where exactly one of the two is right carry information: `b` where the first
//! alone is right, `c` where the second alone is. Under the null hypothesis each of those
//! `b + c` rows goes either way with probability 1/2. The exact test (statsmodels'
//! `mcnemar(table, exact=True)`) takes `min(b, c)` as its statistic and the two-sided binomial
//! p-value `min(1, 2·P(X <= min(b, c)))` with `X ~ Binomial(b + c, 1/2)`.

/// The exact McNemar test of two models on the same rows.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct McNemar {
    /// Rows where the first model alone is right.
    pub only_first_correct: usize,
    /// Rows where the second model alone is right.
    pub only_second_correct: usize,
    /// `min(b, c)`, the exact test's statistic.
    pub statistic: usize,
    /// Two-sided exact binomial p-value.
    pub p_value: f64,
    /// `p_value < 1 - CONFIDENCE`: the accuracies differ beyond noise.
    pub beyond_noise: bool,
}

/// The name of the test, for reports.
pub const TEST: &str = "exact binomial (two-sided)";

/// McNemar's exact test from whether each model is right on each row (same rows, same order).
pub fn mcnemar(
    first: impl IntoIterator<Item = bool>,
    second: impl IntoIterator<Item = bool>,
) -> McNemar {
    let (mut b, mut c) = (0, 0);
    for (x, y) in first.into_iter().zip(second) {
        match (x, y) {
            (true, false) => b += 1,
            (false, true) => c += 1,
            _ => {}
        }
    }
    from_counts(b, c)
}

/// McNemar's exact test from the discordant counts.
pub fn from_counts(only_first_correct: usize, only_second_correct: usize) -> McNemar {
    let statistic = only_first_correct.min(only_second_correct);
    let n = only_first_correct + only_second_correct;
    // With b = c the tail holds at least half the mass: p is 1.
    let p_value = if 2 * statistic >= n {
        1.0
    } else {
        (2.0 * binomial_half_cdf(statistic, n)).min(1.0)
    };
    McNemar {
        only_first_correct,
        only_second_correct,
        statistic,
        p_value,
        beyond_noise: p_value < 1.0 - super::CONFIDENCE,
    }
}

/// `P(X <= k)` for `X ~ Binomial(n, 1/2)` and `k < n/2`, accurate to about 1e-12 relative for
/// any `n`: the largest term `C(n, k)/2^n` in log space, times the sum of the ratios of the
/// smaller terms to it, which fall geometrically below `k`. (Direct sums of `C(n, j)/2^n`
/// underflow past `n = 1074`.)
fn binomial_half_cdf(k: usize, n: usize) -> f64 {
    debug_assert!(2 * k < n);
    // ln C(n, k) = Σ_{i=1..k} ln((n - k + i) / i).
    let ln_choose: f64 = (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum();
    let ln_top = ln_choose - n as f64 * std::f64::consts::LN_2;
    // Σ_{j<=k} C(n, j)/C(n, k), from j = k down: each ratio to the next is j/(n - j + 1).
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    for j in (1..=k).rev() {
        term *= j as f64 / (n - j + 1) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    (ln_top.exp() * sum).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `P(X <= k)` by exact rational sums, for small `n`.
    fn plain_cdf(k: usize, n: usize) -> f64 {
        let mut choose = 1u128;
        let mut total = 0u128;
        for j in 0..=k {
            if j > 0 {
                choose = choose * (n - j + 1) as u128 / j as u128;
            }
            total += choose;
        }
        total as f64 / 2f64.powi(n as i32)
    }

    #[test]
    fn the_tail_matches_exact_sums() {
        for n in 1..=100 {
            for k in (0..=n / 2).filter(|k| 2 * k < n) {
                let (ours, exact) = (binomial_half_cdf(k, n), plain_cdf(k, n));
                assert!((ours - exact).abs() <= 1e-13 * exact, "n {n} k {k}");
            }
        }
    }

    #[test]
    fn counts_give_the_test() {
        // 10 against 2: p = 2·P(X <= 2), X ~ Bin(12, 1/2) = 2·79/4096.
        let t = from_counts(10, 2);
        assert_eq!(t.statistic, 2);
        assert!((t.p_value - 2.0 * 79.0 / 4096.0).abs() < 1e-15);
        assert!(t.beyond_noise);
        assert_eq!(from_counts(0, 0).p_value, 1.0);
        assert_eq!(from_counts(7, 7).p_value, 1.0);
        assert!(!from_counts(6, 7).beyond_noise);
        // Far beyond double range term by term, still a number.
        let big = from_counts(30_000, 31_000);
        assert!(big.p_value > 0.0 && big.p_value < 1e-4, "{big:?}");
        assert_eq!(from_counts(0, 5_000).p_value, 0.0);
        let rows = mcnemar(
            [true, true, false, false, true],
            [true, false, true, true, false],
        );
        assert_eq!((rows.only_first_correct, rows.only_second_correct), (2, 2));
    }
}
