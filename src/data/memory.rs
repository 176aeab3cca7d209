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
