//! Decimal text to `f64`, exactly as `str::parse::<f64>` would round it, but faster on the
//! plain decimals of the UCI file (`-17.40628`).
//!
//! Fast path (Clinger, 1990): a decimal `d1...dn` with a point before the last `k` digits is
//! `m / 10^k` with the integer `m`. When `m <= 2^53` and `k <= 22`, both `m` and `10^k` are exact
//! doubles, so one IEEE division gives the correctly rounded quotient: the same bits as any
//! correct parser. Everything else (exponents, long mantissas, `.5`, `+1`, `nan`) goes to
//! `fast-float2`, which is also correctly rounded.

/// Exact powers of ten as doubles: `10^0 ..= 10^22` (10^22 < 2^53 · 2^22, so all are exact).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Largest mantissa whose conversion to `f64` is exact.
const MAX_EXACT: u64 = 1 << 53;

/// Parses the number at the start of `bytes` in the plain form `-?digits(.digits*)?` and returns
/// it with the count of bytes it used; `None` when the text is not in that form or is beyond the
/// exact range (the caller then falls back to [`parse_field`] on the whole field).
#[inline(always)]
pub fn parse_plain_prefix(bytes: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
    let negative = bytes.first() == Some(&b'-');
    if negative {
        i = 1;
    }
    let mut mantissa: u64 = 0;
    let int_start = i;
    while let Some(&b) = bytes.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        // At most 19 digits keep `mantissa` below 10^19 < 2^64.
        mantissa = mantissa.wrapping_mul(10).wrapping_add(d as u64);
        i += 1;
    }
    let int_digits = i - int_start;
    if int_digits == 0 {
        return None;
    }
    let mut frac_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while let Some(&b) = bytes.get(i) {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(d as u64);
            i += 1;
        }
        frac_digits = i - frac_start;
    }
    if int_digits + frac_digits > 19 || frac_digits > 22 || mantissa > MAX_EXACT {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        return None;
    }
    let magnitude = mantissa as f64 / POW10[frac_digits];
    Some((if negative { -magnitude } else { magnitude }, i))
}

/// Parses a whole field with the grammar of `str::parse::<f64>`; `None` when it is not a number.
/// Non-finite results (`nan`, `inf`, `1e999`) are returned as they are: the caller rejects them.
#[inline]
pub fn parse_field(field: &[u8]) -> Option<f64> {
    if let Some((v, used)) = parse_plain_prefix(field) {
        if used == field.len() {
            return Some(v);
        }
    }
    fast_float2::parse::<f64, _>(field).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(text: &str) {
        let ours = parse_field(text.as_bytes());
        let std = text.parse::<f64>().ok();
        assert_eq!(ours.map(f64::to_bits), std.map(f64::to_bits), "{text}");
    }

    #[test]
    fn agrees_with_std_on_edge_cases() {
        for t in [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "1",
            "-1",
            "49.94357",
            "-17.40628",
            "2001",
            "1.",
            "-1.",
            "9007199254740992",
            "9007199254740993",
            "9007199254740993.0",
            "0.1",
            "0.3",
            "1234567890123456789",
            "12345678901234567890",
            "0.0000000000000000000001",
            "0.00000000000000000000001",
            "1e5",
            "1E-5",
            "+1",
            ".5",
            "-.5",
            "1.5e+3",
        ] {
            same(t);
        }
    }

    #[test]
    fn rejects_what_std_rejects() {
        for t in [
            "", "-", ".", "1..2", "1,2", "abc", "1e", "--1", " 1", "1 ", "0x10", "1_0",
        ] {
            assert!(parse_field(t.as_bytes()).is_none(), "{t}");
            assert!(t.parse::<f64>().is_err(), "{t}");
        }
    }

    #[test]
    fn prefix_stops_at_the_delimiter() {
        assert_eq!(parse_plain_prefix(b"12.5,3"), Some((12.5, 4)));
        assert_eq!(parse_plain_prefix(b"-3\r\n"), Some((-3.0, 2)));
        assert_eq!(parse_plain_prefix(b"1e5,"), None);
        assert_eq!(parse_plain_prefix(b",1"), None);
    }
}
