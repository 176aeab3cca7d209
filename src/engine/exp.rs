//! `exp(x)` for `x <= 0`: the `exp(-|z|)` from which the kernels get every probability and loss.
//!
//! Our own, in fused multiply-adds, adds and integer steps, so that the vector builds compute four
//! rows at once with exactly the same operations and give the same bits as the scalar one (a
//! library `exp` is one call per row and cannot be vectorized that way). Method: `x = n·ln 2 + r` with
//! `n` the nearest integer to `x / ln 2` and `|r| <= ln 2 / 2` (Cody and Waite: `ln 2` split in
//! two parts so that `n·ln2_hi` is exact), `exp(r)` by its Taylor series to `r^13/13!` in Horner's form (the first
//! term left out is below 1e-17 relative), then `2^n` applied as two exact powers of two, so that
//! results below the normal range round once, as subnormals should. Within 1 ulp of the correctly
//! rounded value over the whole range (tested against the standard library).

/// Below this `exp` is 0 in f64 (the smallest subnormal is `exp(-744.44)`); clamping here keeps
/// `n` small, and a NaN passes the clamp unchanged.
const CLAMP: f64 = -746.0;
/// `1.5·2^52`: adding it rounds to an integer (ties to even) held in the low bits.
const ROUND: f64 = 6_755_399_441_055_744.0;
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// `ln 2 = LN2_HI + LN2_LO`, `LN2_HI` with enough trailing zero bits that `n·LN2_HI` is exact.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// `1/k!` for k = 13 down to 2.
const TAYLOR: [f64; 12] = [
    1.0 / 6_227_020_800.0,
    1.0 / 479_001_600.0,
    1.0 / 39_916_800.0,
    1.0 / 3_628_800.0,
    1.0 / 362_880.0,
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    1.0 / 2.0,
];

/// `exp(x)` for `x <= 0` (any `x` that is not positive; NaN gives NaN).
#[inline(always)]
pub fn exp_neg(x: f64) -> f64 {
    let x = if CLAMP > x { CLAMP } else { x };
    let t = x.mul_add(LOG2_E, ROUND);
    let n = t - ROUND;
    let r = (-n).mul_add(LN2_LO, (-n).mul_add(LN2_HI, x));
    let mut p = TAYLOR[0];
    for c in &TAYLOR[1..] {
        p = p.mul_add(r, *c);
    }
    p = p.mul_add(r, 1.0).mul_add(r, 1.0);
    let (s1, s2) = split_power((t.to_bits() as i64).wrapping_sub(ROUND.to_bits() as i64));
    p * f64::from_bits(s1 as u64) * f64::from_bits(s2 as u64)
}

/// The bits of `2^a` and `2^b` with `a + b = n` (for `-1100 < n <= 0`), both normal numbers.
/// Wrapping, as the vector lanes do: a NaN's `n` is meaningless, and its result stays NaN.
#[inline(always)]
fn split_power(n: i64) -> (i64, i64) {
    let a = 0i64.wrapping_sub((0i64.wrapping_sub(n) as u64 >> 1) as i64);
    let b = n.wrapping_sub(a);
    (a.wrapping_add(1023) << 52, b.wrapping_add(1023) << 52)
}

/// [`exp_neg`] of `N` registers of four values, each step done for all of them before the next.
/// The series is a long chain of dependent operations; `N` independent chains side by side keep
/// the processor's arithmetic units busy where one chain would leave them waiting on its own
/// results. The same operations lane by lane as [`exp_neg`], so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
pub fn exp_neg_m256n<const N: usize>(
    x: [std::arch::x86_64::__m256d; N],
) -> [std::arch::x86_64::__m256d; N] {
    use std::arch::x86_64::*;
    let set = |v: f64| _mm256_set1_pd(v);
    let (round, one) = (set(ROUND), set(1.0));
    let mut t = [round; N];
    let mut r = [one; N];
    for k in 0..N {
        // `max(CLAMP, x)` returns `x` when either is NaN, like the scalar comparison.
        let x = _mm256_max_pd(set(CLAMP), x[k]);
        t[k] = _mm256_fmadd_pd(x, set(LOG2_E), round);
        let n = _mm256_sub_pd(t[k], round);
        r[k] = _mm256_fnmadd_pd(n, set(LN2_LO), _mm256_fnmadd_pd(n, set(LN2_HI), x));
    }
    let mut p = [set(TAYLOR[0]); N];
    for c in &TAYLOR[1..] {
        let c = set(*c);
        for k in 0..N {
            p[k] = _mm256_fmadd_pd(p[k], r[k], c);
        }
    }
    for k in 0..N {
        p[k] = _mm256_fmadd_pd(_mm256_fmadd_pd(p[k], r[k], one), r[k], one);
    }
    let exponent = |k: __m256i| {
        _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_add_epi64(
            k,
            _mm256_set1_epi64x(1023),
        )))
    };
    for k in 0..N {
        let n = _mm256_sub_epi64(_mm256_castpd_si256(t[k]), _mm256_castpd_si256(round));
        let minus_n = _mm256_sub_epi64(_mm256_setzero_si256(), n);
        let a = _mm256_sub_epi64(_mm256_setzero_si256(), _mm256_srli_epi64::<1>(minus_n));
        let b = _mm256_sub_epi64(n, a);
        p[k] = _mm256_mul_pd(_mm256_mul_pd(p[k], exponent(a)), exponent(b));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two non-negative finite values.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    fn sweep() -> Vec<f64> {
        let mut xs: Vec<f64> = (0..=2_000_000)
            .map(|k| -746.5 * k as f64 / 2_000_000.0)
            .collect();
        xs.extend((0..2_000).map(|k| -(k as f64) * 1e-6));
        xs.extend((1..600).map(|k| -(2f64.powi(-k))));
        xs.extend([
            0.0, -0.0, -1e-300, -708.39, -708.4, -744.44, -745.13, -745.14, -1e4,
        ]);
        xs.push(f64::NEG_INFINITY);
        xs
    }

    #[test]
    fn within_one_ulp_of_the_standard_library() {
        let mut worst = 0;
        for x in sweep() {
            let (ours, std) = (exp_neg(x), x.exp());
            let d = ulps(ours, std);
            assert!(d <= 1, "exp({x}): {ours:e} vs {std:e}, {d} ulps");
            worst = worst.max(d);
        }
        assert_eq!(exp_neg(0.0), 1.0);
        assert_eq!(exp_neg(-1e4), 0.0);
        assert_eq!(exp_neg(f64::NEG_INFINITY), 0.0);
        assert!(exp_neg(f64::NAN).is_nan());
        // Subnormal results are reached, not flushed.
        assert!(exp_neg(-740.0) > 0.0 && exp_neg(-740.0) < f64::MIN_POSITIVE);
        assert!(worst <= 1);
    }

    /// [`exp_neg_m256n`] of one register of four values.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn exp_neg_avx2(x: [f64; 4]) -> [f64; 4] {
        use crate::engine::ymm::{load, store};
        store(exp_neg_m256n([load(&x)])[0])
    }

    #[test]
    fn avx2_gives_the_bits_of_the_scalar_version() {
        #[cfg(target_arch = "x86_64")]
        if crate::engine::simd::has_avx2() {
            let mut xs = sweep();
            xs.push(f64::NAN);
            while !xs.len().is_multiple_of(4) {
                xs.push(-1.0);
            }
            for four in xs.chunks_exact(4) {
                let four = [four[0], four[1], four[2], four[3]];
                // SAFETY: the processor has AVX2.
                let vector = unsafe { exp_neg_avx2(four) };
                for (v, x) in vector.iter().zip(four) {
                    let scalar = exp_neg(x);
                    assert!(
                        v.to_bits() == scalar.to_bits() || (v.is_nan() && scalar.is_nan()),
                        "exp({x})"
                    );
                }
            }
        }
    }
}
