//! The memory-bandwidth reference the benches compare their kernels with.

use rayon::prelude::*;

/// Sum of every value, in 8 lanes, on all cores in pieces of `chunk` values: a plain streaming
/// read of `values`.
pub fn stream_sum(values: &[f64], chunk: usize) -> f64 {
    values
        .par_chunks(chunk)
        .map(|c| {
            let mut acc = [0.0f64; 8];
            let it = c.chunks_exact(8);
            let rest: f64 = it.remainder().iter().sum();
            for v in it {
                for k in 0..8 {
                    acc[k] += v[k];
                }
            }
            acc.iter().sum::<f64>() + rest
        })
        .sum()
}
