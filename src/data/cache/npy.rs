//! The NumPy `.npy` v1.0 format, for one shape only: a C-order matrix of little-endian f64.
//!
//! ```text
//! \x93NUMPY 01 00 <u16 LE header length> {'descr': '<f8', 'fortran_order': False, 'shape': (R, C), }
//! <spaces> \n <R*C*8 bytes of data>
//! ```
//! The header is padded so the data starts on a 64-byte boundary, as numpy itself writes it.

/// The exact header numpy expects for a `rows x cols` matrix of `<f8`.
pub fn header(rows: usize, cols: usize) -> Vec<u8> {
    let dict = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
    let unpadded = 10 + dict.len() + 1;
    let total = unpadded.div_ceil(64) * 64;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&((total - 10) as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.resize(total - 1, b' ');
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_aligned_and_well_formed() {
        let h = header(515_345, 91);
        assert_eq!(h.len() % 64, 0);
        assert_eq!(&h[..8], b"\x93NUMPY\x01\x00");
        let len = u16::from_le_bytes([h[8], h[9]]) as usize;
        assert_eq!(len + 10, h.len());
        let text = std::str::from_utf8(&h[10..]).unwrap();
        assert!(
            text.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (515345, 91), }")
        );
        assert!(text.ends_with(" \n"));
    }
}
