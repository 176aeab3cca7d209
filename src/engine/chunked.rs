//! The deterministic parallel sum: rows cut into fixed chunks, each chunk summed on any core, the
//! chunk sums added in chunk order. The chunks depend on the row count alone, never on the number
//! of threads, so the result has the same bits on one thread or many.

use rayon::prelude::*;
use std::ops::Range;

/// `zero` plus the sum of `part(chunk)` over the chunks `0..chunk_rows`, `chunk_rows..`, ... of
/// `0..n`, added with `add` in chunk order. One chunk is summed on this thread.
pub fn chunked_sum<T: Send>(
    n: usize,
    chunk_rows: usize,
    zero: T,
    part: impl Fn(Range<usize>) -> T + Sync,
    add: impl Fn(&mut T, T),
) -> T {
    let chunks = n.div_ceil(chunk_rows);
    let one = |c: usize| part(c * chunk_rows..((c + 1) * chunk_rows).min(n));
    let partials: Vec<T> = if chunks <= 1 {
        (0..chunks).map(one).collect()
    } else {
        (0..chunks).into_par_iter().map(one).collect()
    };
    let mut total = zero;
    for p in partials {
        add(&mut total, p);
    }
    total
}

/// Adds `b` into `a`, element by element.
pub fn add_into(a: &mut [f64], b: &[f64]) {
    for (a, b) in a.iter_mut().zip(b) {
        *a += b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_row_once_and_add_in_order() {
        for (n, chunk) in [(0, 4), (3, 4), (4, 4), (10, 4), (1000, 7)] {
            let order = chunked_sum(
                n,
                chunk,
                Vec::new(),
                |r| vec![(r.start, r.end)],
                |a, b| a.extend(b),
            );
            let expected: Vec<(usize, usize)> = (0..n.div_ceil(chunk))
                .map(|c| (c * chunk, ((c + 1) * chunk).min(n)))
                .collect();
            assert_eq!(order, expected, "n {n}, chunk {chunk}");
        }
    }

    #[test]
    fn same_bits_on_one_and_two_threads() {
        let values: Vec<f64> = (0..100_003)
            .map(|i| (i as f64 * 0.731).sin() * 1e3)
            .collect();
        let sum = || {
            chunked_sum(
                values.len(),
                4096,
                0.0,
                |r| values[r].iter().sum::<f64>(),
                |a, b| *a += b,
            )
        };
        let pool = |k| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .unwrap()
        };
        assert_eq!(
            pool(1).install(sum).to_bits(),
            pool(2).install(sum).to_bits()
        );
    }
}
