//! One computation, compiled once per instruction set, and the choice of the best build for this
//! processor, made in one place.
//!
//! Every build runs the same operations in the same order (multiplies and adds never fused), so
//! they all give the same bits; the wider vectors only do more of them at a time.

use super::lanes::{Lanes, Portable};

/// A computation written once over the logit lanes `L`; [`dispatch`] runs its best build.
pub trait Kernel {
    type Output;
    /// The computation. Implementations are `#[inline(always)]`, so that each build compiles it
    /// with its own instruction set.
    fn run<L: Lanes>(self) -> Self::Output;
}

/// Runs `kernel` built for AVX2 where the processor has it, else the portable build.
pub fn dispatch<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has just reported AVX2.
        return unsafe { run_avx2(kernel) };
    }
    kernel.run::<Portable>()
}

/// `kernel` compiled with AVX2 (its `run` is inlined here).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub fn run_avx2<K: Kernel>(kernel: K) -> K::Output {
    kernel.run::<super::lanes::Avx2>()
}

/// Whether this processor runs the AVX2 build (for tests that compare builds).
#[cfg(test)]
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    false
}
