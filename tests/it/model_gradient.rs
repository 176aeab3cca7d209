//! The analytic gradient against finite differences and against a case computed by hand.

use msd_century::data::{Dataset, Matrix};
use msd_century::model::simulate::{moderate_truth, simulate};
use msd_century::model::{gradcheck, gradcheck_at, loss_and_gradient, Params};

#[test]
fn gradcheck_passes_on_all_91_parameters() {
    let data = simulate(5_000, &moderate_truth(90, -0.4), 11);
    for seed in [1, 2, 3] {
        let report = gradcheck(&data, seed, 1_000);
        assert_eq!(report.params_checked, 91);
        assert!(report.passed, "{report:?}");
        assert!(report.max_rel_error <= 1e-6 && report.max_rel_error > 0.0);
        assert!(report.max_abs_error < 1e-8);
        eprintln!("seed {seed}: {report:?}");
    }
}

#[test]
fn gradcheck_fails_when_the_gradient_is_wrong() {
    // A non-finite feature in the checked rows makes both sides NaN: that must not pass.
    let mut data = simulate(200, &moderate_truth(3, 0.0), 5);
    data.x.row_mut(7)[1] = f64::NAN;
    let rows: Vec<usize> = (0..200).collect();
    let report = gradcheck_at(&data, &Params::zeros(3), &rows);
    assert!(!report.passed, "{report:?}");
    // And no rows at all is not a pass either.
    assert!(!gradcheck_at(&data, &Params::zeros(3), &[]).passed);
}

/// One feature, two rows, hand-computable: x = (1, -2), t = (1, 0), w = 0, b = 0.
/// Then y = 1/2 for both rows; dL/dw = mean((y - t)·x) = ((-1/2)·1 + (1/2)·(-2))/2 = -3/4,
/// dL/db = mean(y - t) = 0, and L = ln 2.
#[test]
fn closed_form_case_at_zero() {
    let data = Dataset {
        x: Matrix::from_vec(2, 1, vec![1.0, -2.0]),
        targets: vec![1.0, 0.0],
    };
    let (eval, gradient) = loss_and_gradient(&Params::zeros(1), &data);
    assert_eq!(gradient, vec![-0.75, 0.0]);
    assert!((eval.loss - std::f64::consts::LN_2).abs() < 1e-16);
    // y = 0.5 counts as class 1: right for row 1, wrong for row 2.
    assert_eq!(eval.accuracy, 0.5);
}

/// The same rows at w = ln 3, b = 0: row 1 has z = ln 3, y = 3/4; row 2 has z = -2 ln 3, y = 1/10.
/// dL/dw = ((3/4 - 1)·1 + (1/10)·(-2))/2 = -0.225, dL/db = ((-1/4) + 1/10)/2 = -0.075,
/// L = (ln(4/3) + ln(10/9))/2.
#[test]
fn closed_form_case_away_from_zero() {
    let data = Dataset {
        x: Matrix::from_vec(2, 1, vec![1.0, -2.0]),
        targets: vec![1.0, 0.0],
    };
    let p = Params {
        weights: vec![3f64.ln()],
        bias: 0.0,
    };
    let (eval, g) = loss_and_gradient(&p, &data);
    assert!((g[0] + 0.225).abs() < 1e-15, "{g:?}");
    assert!((g[1] + 0.075).abs() < 1e-15, "{g:?}");
    let expected = ((4.0f64 / 3.0).ln() + (10.0f64 / 9.0).ln()) / 2.0;
    assert!((eval.loss - expected).abs() < 1e-15);
    assert_eq!(eval.accuracy, 1.0);
}
