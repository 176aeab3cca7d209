//! What the row loop needs of each row once its logit is known: the loss (or its floor, see
//! [`super::kernel::StepTotals`]), the residual `y - t` and whether the predicted class is right.
//!
//! [`row_stats`] is the definition, one row at a time, from the functions of
//! [`super::formulas`]. [`rows4_avx2n`] does the same operations for four rows in one AVX register
//! each (exponential, division, logarithm and comparisons included), so it gives the same bits.

use super::formulas::{
    exp_neg_abs, loss_and_probability_from, loss_floor_and_probability_from, predict_class,
};
use super::log1p::log1p_unit;

/// The statistics of four rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rows4 {
    /// The loss of each row (`LOSS`), else its floor `max(z, 0) - t·z`.
    pub loss: [f64; 4],
    /// `y - t` of each row.
    pub residual: [f64; 4],
    /// How many of the four are classified right.
    pub correct: usize,
}

/// Loss (or floor), residual and correctness of one row from its logit `z` and target `t`.
#[inline(always)]
pub fn row_stats<const LOSS: bool>(z: f64, t: f64) -> (f64, f64, bool) {
    let e = exp_neg_abs(z);
    let (loss, y) = if LOSS {
        loss_and_probability_from(z, e, log1p_unit(e), t)
    } else {
        loss_floor_and_probability_from(z, e, t)
    };
    (loss, y - t, predict_class(y) == t)
}

/// [`rows4`] of the same four rows (targets `t`) under each model of `z` (its four logits), into
/// `out`.
#[inline(always)]
pub fn rows4_each<const LOSS: bool>(z: &[[f64; 4]], t: [f64; 4], out: &mut [Rows4]) {
    for (z, out) in z.iter().zip(out) {
        *out = rows4::<LOSS>(*z, t);
    }
}

/// [`row_stats`] of four rows.
#[inline(always)]
pub fn rows4<const LOSS: bool>(z: [f64; 4], t: [f64; 4]) -> Rows4 {
    let mut out = Rows4 {
        loss: [0.0; 4],
        residual: [0.0; 4],
        correct: 0,
    };
    for k in 0..4 {
        let (loss, residual, correct) = row_stats::<LOSS>(z[k], t[k]);
        out.loss[k] = loss;
        out.residual[k] = residual;
        out.correct += usize::from(correct);
    }
    out
}

/// [`rows4`] of the same four rows (targets `t`) under `N` models (logits `z[k]`) in AVX registers,
/// the `N` computations interleaved step by step so that their long dependency chains overlap.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
pub fn rows4_avx2n<const LOSS: bool, const N: usize>(z: [[f64; 4]; N], t: [f64; 4]) -> [Rows4; N] {
    use super::exp::exp_neg_m256n;
    use super::log1p::log1p_unit_m256n;
    use super::ymm::{load, store};
    use std::arch::x86_64::*;
    let (zero, one) = (_mm256_setzero_pd(), _mm256_set1_pd(1.0));
    let t = load(&t);
    let z = z.map(|z| load(&z));
    // -|z|: the sign bit set.
    let e = exp_neg_m256n(z.map(|z| _mm256_or_pd(z, _mm256_set1_pd(-0.0))));
    let log1p_e = if LOSS { log1p_unit_m256n(e) } else { e };
    let mut out = [Rows4::default(); N];
    for k in 0..N {
        // y = 1/(1+e) where z >= 0, e/(1+e) elsewhere.
        let upper = _mm256_cmp_pd::<_CMP_GE_OQ>(z[k], zero);
        let y = _mm256_div_pd(_mm256_blendv_pd(e[k], one, upper), _mm256_add_pd(one, e[k]));
        // max(z, 0): z where z > 0, else the second operand, 0 (NaN and -0 included).
        let positive = _mm256_max_pd(z[k], zero);
        let t_z = _mm256_mul_pd(t, z[k]);
        let loss = if LOSS {
            _mm256_sub_pd(_mm256_add_pd(positive, log1p_e[k]), t_z)
        } else {
            _mm256_sub_pd(positive, t_z)
        };
        let class = _mm256_and_pd(_mm256_cmp_pd::<_CMP_GE_OQ>(y, _mm256_set1_pd(0.5)), one);
        let right = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_EQ_OQ>(class, t));
        out[k].correct = right.count_ones() as usize;
        out[k].loss = store(loss);
        out[k].residual = store(_mm256_sub_pd(y, t));
    }
    out
}

/// [`rows4_each`] in AVX registers, four models at a time ([`rows4_avx2n`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
pub fn rows4_each_avx2<const LOSS: bool>(z: &[[f64; 4]], t: [f64; 4], out: &mut [Rows4]) {
    let mut z = z.chunks_exact(4);
    let mut out = out.chunks_exact_mut(4);
    for (z, out) in (&mut z).zip(&mut out) {
        out.copy_from_slice(&rows4_avx2n::<LOSS, 4>([z[0], z[1], z[2], z[3]], t));
    }
    let (z, out) = (z.remainder(), out.into_remainder());
    match *z {
        [] => {}
        [a] => out.copy_from_slice(&rows4_avx2n::<LOSS, 1>([a], t)),
        [a, b] => out.copy_from_slice(&rows4_avx2n::<LOSS, 2>([a, b], t)),
        [a, b, c] => out.copy_from_slice(&rows4_avx2n::<LOSS, 3>([a, b, c], t)),
        _ => unreachable!("a remainder of chunks of four"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same bits as the one-row definition for every kind of logit (zeros of both signs, the
    /// edges of the exponential's range, infinities, NaN), both targets and both modes.
    #[test]
    fn avx2_gives_the_bits_of_the_one_row_definition() {
        #[cfg(target_arch = "x86_64")]
        if crate::engine::simd::has_avx2() {
            let mut zs: Vec<f64> = (-4_000..=4_000).map(|k| k as f64 * 0.0123).collect();
            zs.extend([
                0.0, -0.0, 1e-300, -1e-300, 708.4, -708.4, 745.2, -745.2, 1e4, -1e4,
            ]);
            zs.extend([f64::INFINITY, f64::NEG_INFINITY, f64::NAN]);
            while !zs.len().is_multiple_of(4) {
                zs.push(0.5);
            }
            let same = |a: [f64; 4], b: [f64; 4]| {
                a.iter()
                    .zip(&b)
                    .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
            };
            for (k, four) in zs.chunks_exact(4).enumerate() {
                let z = [four[0], four[1], four[2], four[3]];
                let t = [0, 1, 2, 3].map(|i| ((k + i) % 2) as f64);
                for (scalar, vector) in [
                    // SAFETY: the processor has AVX2.
                    (rows4::<true>(z, t), unsafe {
                        rows4_avx2n::<true, 1>([z], t)[0]
                    }),
                    (rows4::<false>(z, t), unsafe {
                        rows4_avx2n::<false, 1>([z], t)[0]
                    }),
                ] {
                    assert!(same(scalar.loss, vector.loss), "{z:?}");
                    assert!(same(scalar.residual, vector.residual), "{z:?}");
                    assert_eq!(scalar.correct, vector.correct, "{z:?}");
                }
                // The same four rows under 1 to 7 models at once (chunks of four and every
                // remainder), each model's logits a rotation of these.
                for models in 1..=7 {
                    let zs: Vec<[f64; 4]> = (0..models)
                        .map(|m| [0, 1, 2, 3].map(|i| z[(i + m) % 4]))
                        .collect();
                    for loss in [true, false] {
                        let (mut each, mut vector) = (
                            vec![Rows4::default(); models],
                            vec![Rows4::default(); models],
                        );
                        let alone: Vec<Rows4> = if loss {
                            rows4_each::<true>(&zs, t, &mut each);
                            // SAFETY: the processor has AVX2.
                            unsafe { rows4_each_avx2::<true>(&zs, t, &mut vector) };
                            zs.iter().map(|z| rows4::<true>(*z, t)).collect()
                        } else {
                            rows4_each::<false>(&zs, t, &mut each);
                            // SAFETY: as above.
                            unsafe { rows4_each_avx2::<false>(&zs, t, &mut vector) };
                            zs.iter().map(|z| rows4::<false>(*z, t)).collect()
                        };
                        for got in [&each, &vector] {
                            for (a, b) in alone.iter().zip(got) {
                                assert!(same(a.loss, b.loss), "{models} models, {zs:?}");
                                assert!(same(a.residual, b.residual), "{models} models");
                                assert_eq!(a.correct, b.correct, "{models} models");
                            }
                        }
                    }
                }
            }
        }
    }
}
