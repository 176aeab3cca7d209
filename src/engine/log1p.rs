//! `log(1 + e)` for `e` in `[0, 1]`: the `log1p(exp(-|z|))` of every row's loss.
//!
//! Our own for the same reason as [`super::exp`]: plain and fused operations, so that the vector
//! builds do four rows at once with the bits of the scalar one. The method is fdlibm's `log1p` restricted to
//! this range, without branches: `u = 1 + e` rounded, with its rounding error `c` kept; `u = 2^k·m`
//! with `k` 0 or 1 and `m` in `[√2/2, √2)`; `f = m - 1`, `s = f / (2 + f)`, and
//! `log(1 + f) = f - f²/2 + s·(f²/2 + R(s²))` with fdlibm's polynomial `R` (error below 2^-58.45).
//! Within 1 ulp of the standard library's `ln_1p` over the range (tested).

const SQRT_2: f64 = std::f64::consts::SQRT_2;
/// `ln 2 = LN2_HI + LN2_LO`, as in [`super::exp`].
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// fdlibm's coefficients Lg7 down to Lg1 of `R(z) = z·(Lg1 + z·(Lg2 + ... + z·Lg7))`.
const LG: [f64; 7] = [
    f64::from_bits(0x3fc2_f112_df3e_5244),
    f64::from_bits(0x3fc3_9a09_d078_c69f),
    f64::from_bits(0x3fc7_4664_96cb_03de),
    f64::from_bits(0x3fcc_71c5_1d8e_78af),
    f64::from_bits(0x3fd2_4924_9422_9359),
    f64::from_bits(0x3fd9_9999_9997_fa04),
    f64::from_bits(0x3fe5_5555_5555_5593),
];

/// `log(1 + e)` for `e` in `[0, 1]` (NaN gives NaN).
#[inline(always)]
pub fn log1p_unit(e: f64) -> f64 {
    let u = 1.0 + e;
    let c = (e - (u - 1.0)) / u;
    let (m, k) = if u >= SQRT_2 {
        (u * 0.5, 1.0)
    } else {
        (u, 0.0f64)
    };
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let mut r = LG[0];
    for g in &LG[1..] {
        r = r.mul_add(z, *g);
    }
    let r = r * z;
    let hfsq = 0.5 * f * f;
    let inner = s.mul_add(hfsq + r, k.mul_add(LN2_LO, c));
    k * LN2_HI - ((hfsq - inner) - f)
}

/// [`log1p_unit`] of `N` registers of four values, each step done for all of them before the next,
/// so that `N` independent chains of dependent operations overlap (see `exp_neg_m256n`). The same
/// operations lane by lane as [`log1p_unit`], so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
pub fn log1p_unit_m256n<const N: usize>(
    e: [std::arch::x86_64::__m256d; N],
) -> [std::arch::x86_64::__m256d; N] {
    use std::arch::x86_64::*;
    let set = |v: f64| _mm256_set1_pd(v);
    let one = set(1.0);
    let (mut c, mut k, mut f, mut s, mut z) = ([one; N], [one; N], [one; N], [one; N], [one; N]);
    for j in 0..N {
        let u = _mm256_add_pd(one, e[j]);
        c[j] = _mm256_div_pd(_mm256_sub_pd(e[j], _mm256_sub_pd(u, one)), u);
        let high = _mm256_cmp_pd::<_CMP_GE_OQ>(u, set(SQRT_2));
        let m = _mm256_blendv_pd(u, _mm256_mul_pd(u, set(0.5)), high);
        k[j] = _mm256_and_pd(high, one);
        f[j] = _mm256_sub_pd(m, one);
        s[j] = _mm256_div_pd(f[j], _mm256_add_pd(set(2.0), f[j]));
        z[j] = _mm256_mul_pd(s[j], s[j]);
    }
    let mut r = [set(LG[0]); N];
    for g in &LG[1..] {
        let g = set(*g);
        for j in 0..N {
            r[j] = _mm256_fmadd_pd(r[j], z[j], g);
        }
    }
    let mut out = [one; N];
    for j in 0..N {
        let r = _mm256_mul_pd(r[j], z[j]);
        let hfsq = _mm256_mul_pd(_mm256_mul_pd(set(0.5), f[j]), f[j]);
        let inner = _mm256_fmadd_pd(
            s[j],
            _mm256_add_pd(hfsq, r),
            _mm256_fmadd_pd(k[j], set(LN2_LO), c[j]),
        );
        out[j] = _mm256_sub_pd(
            _mm256_mul_pd(k[j], set(LN2_HI)),
            _mm256_sub_pd(_mm256_sub_pd(hfsq, inner), f[j]),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep() -> Vec<f64> {
        let mut es: Vec<f64> = (0..=2_000_000).map(|k| k as f64 / 2_000_000.0).collect();
        es.extend((1..1075).map(|k| 2f64.powi(-k)));
        es.extend([
            SQRT_2 - 1.0,
            f64::from_bits((SQRT_2 - 1.0).to_bits() - 1),
            1e-300,
            5e-324,
        ]);
        es.extend((1..2_000).map(|k| (-(k as f64) * 0.37).exp()));
        es
    }

    #[test]
    fn within_one_ulp_of_the_standard_library() {
        for e in sweep() {
            let (ours, std) = (log1p_unit(e), e.ln_1p());
            let d = ours.to_bits().abs_diff(std.to_bits());
            assert!(d <= 1, "log1p({e:e}): {ours:e} vs {std:e}, {d} ulps");
        }
        assert_eq!(log1p_unit(0.0), 0.0);
        assert_eq!(log1p_unit(1e-300), 1e-300);
        assert!(log1p_unit(f64::NAN).is_nan());
    }

    /// [`log1p_unit_m256n`] of one register of four values.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn log1p_unit_avx2(e: [f64; 4]) -> [f64; 4] {
        use crate::engine::ymm::{load, store};
        store(log1p_unit_m256n([load(&e)])[0])
    }

    #[test]
    fn avx2_gives_the_bits_of_the_scalar_version() {
        #[cfg(target_arch = "x86_64")]
        if crate::engine::simd::has_avx2() {
            let mut es = sweep();
            es.push(f64::NAN);
            while !es.len().is_multiple_of(4) {
                es.push(0.5);
            }
            for four in es.chunks_exact(4) {
                let four = [four[0], four[1], four[2], four[3]];
                // SAFETY: the processor has AVX2.
                let vector = unsafe { log1p_unit_avx2(four) };
                for (v, e) in vector.iter().zip(four) {
                    let scalar = log1p_unit(e);
                    assert!(
                        v.to_bits() == scalar.to_bits() || (v.is_nan() && scalar.is_nan()),
                        "log1p({e})"
                    );
                }
            }
        }
    }
}
