//! One computation, compiled once per instruction set, and the choice of the best build for this
//! processor, made in one place.
//!
//! Every build runs the same operations in the same order, with correctly rounded fused
//! multiply-adds, so they all give the same bits; the wider vectors only do more of them at a
//! time. Builds: AVX-512 (F, VL, DQ, with AVX2 and FMA), AVX2 with FMA, and the portable one.

use super::lanes::{Lanes, Portable};

/// A computation written once over the lanes `L` of a build; [`dispatch`] runs its best build.
pub trait Kernel {
    type Output;
    /// The computation. Implementations are `#[inline(always)]`, so that each build compiles it
    /// with its own instruction set.
    fn run<L: Lanes>(self) -> Self::Output;
}

/// Runs `kernel` built for the widest instruction set the processor has.
pub fn dispatch<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512() {
            // SAFETY: the processor has just reported AVX-512 F, VL and DQ, AVX2 and FMA.
            return unsafe { run_avx512(kernel) };
        }
        if has_avx2() {
            // SAFETY: the processor has just reported AVX2 and FMA.
            return unsafe { run_avx2(kernel) };
        }
    }
    kernel.run::<Portable>()
}

/// `kernel` compiled with AVX2 and FMA (its `run` is inlined here).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub fn run_avx2<K: Kernel>(kernel: K) -> K::Output {
    kernel.run::<super::avx2::Avx2>()
}

/// `kernel` compiled with AVX-512 (its `run` is inlined here).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx2,fma")]
pub fn run_avx512<K: Kernel>(kernel: K) -> K::Output {
    kernel.run::<super::avx512::Avx512>()
}

/// Whether this processor runs the AVX2 build (AVX2 and FMA).
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Whether this processor runs the AVX-512 build.
pub fn has_avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    return has_avx2()
        && std::is_x86_feature_detected!("avx512f")
        && std::is_x86_feature_detected!("avx512vl")
        && std::is_x86_feature_detected!("avx512dq");
    #[cfg(not(target_arch = "x86_64"))]
    false
}
