//! Large f64 buffers whose first touch goes on every core.
//!
//! Filling a fresh 375 MB buffer costs one page fault per 4 KiB page (92,000 faults), each with
//! the kernel clearing its page; spread over the workers, that cost goes on every core.
//!
//! Huge pages (`madvise(MADV_HUGEPAGE)`) are not asked for. Where the kernel's free memory is
//! fragmented, it compacts memory inside the fault to find them: on the project's 2-core machine
//! the study's load then took 1.3-1.8 s instead of 0.4-0.5 s, more than the SGD passes gained
//! from fewer TLB misses (nothing measurable in one step, up to 0.5 s over the whole grid).

/// Grows `values` by `lens` segments of fresh values, each zeroed and then filled by
/// `fill(k, segment)` on a worker of its own, and returns what each `fill` returned, in order.
///
/// The segments are zeroed by the workers rather than by one `resize` on this thread: the first
/// touch of fresh memory (page faults, the kernel clearing pages) then also goes on every core.
pub fn extend_in_parallel<R: Send>(
    values: &mut Vec<f64>,
    lens: &[usize],
    fill: impl Fn(usize, &mut [f64]) -> R + Sync,
) -> Vec<R> {
    use rayon::prelude::*;
    use std::mem::MaybeUninit;
    let total: usize = lens.iter().sum();
    values.reserve(total);
    let base = values.len();
    let mut segments = Vec::with_capacity(lens.len());
    let mut rest = &mut values.spare_capacity_mut()[..total];
    for &len in lens {
        let (head, tail) = rest.split_at_mut(len);
        segments.push(head);
        rest = tail;
    }
    let results = segments
        .into_par_iter()
        .enumerate()
        .map(|(k, segment)| {
            segment.fill(MaybeUninit::new(0.0));
            // SAFETY: every element of `segment` was just written, and `MaybeUninit<f64>` has
            // the layout of `f64`.
            let segment = unsafe { &mut *(segment as *mut [MaybeUninit<f64>] as *mut [f64]) };
            fill(k, segment)
        })
        .collect();
    // SAFETY: `total` values were reserved above, and the segments, which cover exactly those,
    // were all written before `collect` returned.
    unsafe { values.set_len(base + total) };
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_zeroed_filled_and_appended_in_order() {
        let mut values = vec![9.0];
        let lens = [3, 0, 2, 1_000_000];
        let out = extend_in_parallel(&mut values, &lens, |k, seg| {
            assert!(seg.iter().all(|&v| v == 0.0));
            if k < 3 {
                seg.fill(k as f64 + 1.0);
            }
            seg.len()
        });
        assert_eq!(out, lens);
        assert_eq!(values.len(), 1 + 3 + 2 + 1_000_000);
        assert_eq!(&values[..6], &[9.0, 1.0, 1.0, 1.0, 3.0, 3.0]);
        assert!(values[6..].iter().all(|&v| v == 0.0));
    }
}
