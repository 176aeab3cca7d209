//! The gradient-sum updates of the row loop, `g[j] = fma(r, x[j], g[j])` row after row, written
//! so that the compiler vectorizes them across features (every slice is cut to `g.len()` first,
//! so no bounds check stays in the loop). Vectorizing across features keeps each element's
//! operations and their order, so the bits do not depend on the vector width.

/// Four rows in order, `r[k]` the residual of row `k`: one load and one store of `g` for the four.
#[inline(always)]
pub fn add_rows4(g: &mut [f64], r: [f64; 4], x: [&[f64]; 4]) {
    let d = g.len();
    let (x0, x1, x2, x3) = (&x[0][..d], &x[1][..d], &x[2][..d], &x[3][..d]);
    let [r0, r1, r2, r3] = r;
    for j in 0..d {
        g[j] = r3.mul_add(
            x3[j],
            r2.mul_add(x2[j], r1.mul_add(x1[j], r0.mul_add(x0[j], g[j]))),
        );
    }
}

/// [`add_rows4`] for two models' sums at once, `ga` with residuals `ra` and `gb` with `rb`: each
/// feature of the four rows is loaded once for both.
#[inline(always)]
pub fn add_rows4_pair(ga: &mut [f64], gb: &mut [f64], ra: [f64; 4], rb: [f64; 4], x: [&[f64]; 4]) {
    let d = ga.len();
    let gb = &mut gb[..d];
    let (x0, x1, x2, x3) = (&x[0][..d], &x[1][..d], &x[2][..d], &x[3][..d]);
    for j in 0..d {
        let (v0, v1, v2, v3) = (x0[j], x1[j], x2[j], x3[j]);
        ga[j] = ra[3].mul_add(
            v3,
            ra[2].mul_add(v2, ra[1].mul_add(v1, ra[0].mul_add(v0, ga[j]))),
        );
        gb[j] = rb[3].mul_add(
            v3,
            rb[2].mul_add(v2, rb[1].mul_add(v1, rb[0].mul_add(v0, gb[j]))),
        );
    }
}

/// One row: `g[j] = fma(r, x[j], g[j])`.
#[inline(always)]
pub fn add_row(g: &mut [f64], r: f64, x: &[f64]) {
    let d = g.len();
    let x = &x[..d];
    for j in 0..d {
        g[j] = r.mul_add(x[j], g[j]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four rows at once and two models at once give the bits of one row at a time.
    #[test]
    fn updates_are_rows_in_order() {
        let x: Vec<Vec<f64>> = (0..4)
            .map(|k| (0..11).map(|j| ((k * 11 + j) as f64 * 0.7).sin()).collect())
            .collect();
        let rows = [&x[0][..], &x[1][..], &x[2][..], &x[3][..]];
        let (r, rb) = ([0.5, -1.25, 2.0, 0.125], [-0.75, 3.0, 0.0, -2.5]);
        let start: Vec<f64> = (0..11).map(|j| j as f64 * 0.1).collect();
        let one_by_one = |r: [f64; 4]| {
            let mut g = start.clone();
            for (r, row) in r.iter().zip(rows) {
                add_row(&mut g, *r, row);
            }
            g
        };
        let mut g = start.clone();
        add_rows4(&mut g, r, rows);
        assert_eq!(g, one_by_one(r));
        let (mut ga, mut gb) = (start.clone(), start.clone());
        add_rows4_pair(&mut ga, &mut gb, r, rb, rows);
        assert_eq!((ga, gb), (one_by_one(r), one_by_one(rb)));
        let mut g = vec![1.0; 11];
        add_row(&mut g, -3.0, &x[2]);
        for j in 0..11 {
            assert_eq!(g[j], (-3.0f64).mul_add(x[2][j], 1.0));
        }
    }
}
