//! Four doubles in and out of an AVX register: the loads and stores that the AVX2 build of the
//! row loop and the AVX2 forms of the row statistics, `exp` and `log1p` share.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

/// The four values of `x` in a register.
#[target_feature(enable = "avx2")]
#[inline]
pub fn load(x: &[f64; 4]) -> __m256d {
    // SAFETY: `x` is 32 readable bytes; the unaligned load asks for no alignment.
    unsafe { _mm256_loadu_pd(x.as_ptr()) }
}

/// The four values of a register.
#[target_feature(enable = "avx2")]
#[inline]
pub fn store(v: __m256d) -> [f64; 4] {
    let mut out = [0.0; 4];
    // SAFETY: `out` is 32 writable bytes; the unaligned store asks for no alignment.
    unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) };
    out
}
