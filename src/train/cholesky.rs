//! A small dense Cholesky factorization `A = L·Lᵀ` for the Newton system (91×91).

/// The lower factor `L` of a symmetric positive definite matrix, row-major.
#[derive(Debug, Clone)]
pub struct Cholesky {
    n: usize,
    l: Vec<f64>,
}

/// A pivot below this times the largest diagonal entry means the matrix is numerically singular.
pub const SINGULAR_PIVOT: f64 = 1e-13;

impl Cholesky {
    /// Factors the `n×n` row-major `a`; `None` when `a` is not (numerically) positive definite.
    pub fn factor(a: &[f64], n: usize) -> Option<Cholesky> {
        assert_eq!(a.len(), n * n);
        let max_diag = (0..n).map(|i| a[i * n + i]).fold(0.0f64, f64::max);
        if !(max_diag.is_finite() && max_diag > 0.0) {
            return None;
        }
        let mut l = vec![0.0; n * n];
        for j in 0..n {
            let s: f64 = (0..j).map(|k| l[j * n + k] * l[j * n + k]).sum();
            let pivot = a[j * n + j] - s;
            if !(pivot > SINGULAR_PIVOT * max_diag) {
                return None;
            }
            let ljj = pivot.sqrt();
            l[j * n + j] = ljj;
            for i in j + 1..n {
                let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
                l[i * n + j] = (a[i * n + j] - s) / ljj;
            }
        }
        Some(Cholesky { n, l })
    }

    /// Solves `A·x = b` by forward then back substitution.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let (n, l) = (self.n, &self.l);
        let mut y = vec![0.0; n];
        for i in 0..n {
            let s: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
            y[i] = (b[i] - s) / l[i * n + i];
        }
        let mut x = vec![0.0; n];
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
            x[i] = (y[i] - s) / l[i * n + i];
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_known_system() {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = [1, -1, 2] -> b = A·x = [2, -1, 5].
        let a = [4.0, 2.0, 0.0, 2.0, 5.0, 1.0, 0.0, 1.0, 3.0];
        let c = Cholesky::factor(&a, 3).unwrap();
        let x = c.solve(&[2.0, -1.0, 5.0]);
        for (got, want) in x.iter().zip([1.0, -1.0, 2.0]) {
            assert!((got - want).abs() < 1e-14, "{x:?}");
        }
    }

    #[test]
    fn refuses_singular_and_indefinite_matrices() {
        assert!(Cholesky::factor(&[1.0, 1.0, 1.0, 1.0], 2).is_none());
        assert!(Cholesky::factor(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
        assert!(Cholesky::factor(&[0.0; 4], 2).is_none());
        assert!(Cholesky::factor(&[f64::NAN, 0.0, 0.0, 1.0], 2).is_none());
    }
}
