//! Large f64 buffers backed by transparent huge pages where the kernel offers them.
//!
//! Filling a fresh 375 MB buffer costs one page fault per 4 KiB page (92,000 faults); in a virtual
//! machine each fault can cost microseconds, more than the parse or the copy itself. Asking for
//! huge pages (`madvise(MADV_HUGEPAGE)`) turns that into one fault per 2 MiB. The advice changes
//! no contents and is only a hint: where it is refused, nothing changes but the speed.

/// Advises huge pages for the whole capacity of `values`.
pub fn advise_huge(values: &mut Vec<f64>) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let bytes = values.capacity() * std::mem::size_of::<f64>();
        if bytes < (2 << 20) {
            return;
        }
        let start = values.as_mut_ptr() as usize;
        let first = start.div_ceil(PAGE) * PAGE;
        let end = (start + bytes) / PAGE * PAGE;
        if end > first {
            // SAFETY: the range lies inside the allocation that `values` owns; MADV_HUGEPAGE
            // only changes how the kernel backs it, never its contents.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = values;
}

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
    let capacity = values.capacity();
    values.reserve(total);
    if values.capacity() != capacity {
        advise_huge(values);
    }
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
