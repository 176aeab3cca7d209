//! The gradient-sum updates of the kernels, `g += Σ r·x`, written so that LLVM vectorizes them
//! across features (every slice is cut to `g.len()` first, so no bounds check stays in the loop).
//! Vectorizing across features keeps each element's operations and their order, so the bits do
//! not depend on the vector width.

/// `g[j] += (r0·x0[j] + r1·x1[j]) + (r2·x2[j] + r3·x3[j])` for every feature `j`: four rows at a
/// cost of one load and one store of `g`.
#[inline(always)]
pub fn add_rows4(g: &mut [f64], r: [f64; 4], x: [&[f64]; 4]) {
    let d = g.len();
    let (x0, x1, x2, x3) = (&x[0][..d], &x[1][..d], &x[2][..d], &x[3][..d]);
    let [r0, r1, r2, r3] = r;
    for j in 0..d {
        g[j] += (r0 * x0[j] + r1 * x1[j]) + (r2 * x2[j] + r3 * x3[j]);
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
        ga[j] += (ra[0] * v0 + ra[1] * v1) + (ra[2] * v2 + ra[3] * v3);
        gb[j] += (rb[0] * v0 + rb[1] * v1) + (rb[2] * v2 + rb[3] * v3);
    }
}

/// `g[j] += r·x[j]` for every feature `j`: one row.
#[inline(always)]
pub fn add_row(g: &mut [f64], r: f64, x: &[f64]) {
    let d = g.len();
    let x = &x[..d];
    for j in 0..d {
        g[j] += r * x[j];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_match_the_formulas() {
        let x: Vec<Vec<f64>> = (0..4)
            .map(|k| (0..11).map(|j| ((k * 11 + j) as f64 * 0.7).sin()).collect())
            .collect();
        let r = [0.5, -1.25, 2.0, 0.125];
        let mut g: Vec<f64> = (0..11).map(|j| j as f64 * 0.1).collect();
        let start = g.clone();
        add_rows4(&mut g, r, [&x[0], &x[1], &x[2], &x[3]]);
        for j in 0..11 {
            let plain =
                start[j] + ((r[0] * x[0][j] + r[1] * x[1][j]) + (r[2] * x[2][j] + r[3] * x[3][j]));
            assert_eq!(g[j], plain);
        }
        let (mut ga, mut gb) = (start.clone(), vec![1.0; 11]);
        let rb = [-0.75, 3.0, 0.0, -2.5];
        add_rows4_pair(&mut ga, &mut gb, r, rb, [&x[0], &x[1], &x[2], &x[3]]);
        assert_eq!(ga, g);
        let mut alone = vec![1.0; 11];
        add_rows4(&mut alone, rb, [&x[0], &x[1], &x[2], &x[3]]);
        assert_eq!(gb, alone);
        let before = g.clone();
        add_row(&mut g, -3.0, &x[2]);
        for j in 0..11 {
            assert_eq!(g[j], before[j] + -3.0 * x[2][j]);
        }
    }
}
