//! Newton against the library and against first principles; the separable case.

use crate::common;
use msd_century::data::{Dataset, Matrix};
use msd_century::model::logistic::l2_penalty;
use msd_century::model::simulate::{moderate_truth, simulate};
use msd_century::model::{evaluate, loss_and_gradient, Params};
use msd_century::train::{LibrarySettings, NewtonSettings};
use msd_century::{Error, Setting};

fn objective(p: &Params, data: &Dataset, l2: f64) -> f64 {
    evaluate(p, data).loss + l2_penalty(&p.weights, l2)
}

#[test]
fn newton_reaches_a_zero_gradient_and_beats_perturbations() {
    let data = simulate(20_000, &moderate_truth(10, -0.5), 1);
    for l2 in [0.0, 1e-3] {
        let fit = common::newton(&data, l2).unwrap();
        assert!(fit.gradient_max_norm <= 1e-8, "{fit:?}");
        assert!(fit.iterations >= 3 && fit.iterations < 30, "{fit:?}");
        // The gradient recomputed independently of the solver.
        let (_, g) = loss_and_gradient(&fit.params, &data);
        for (j, gj) in g.iter().enumerate() {
            let reg = if j < 10 {
                l2 * fit.params.weights[j]
            } else {
                0.0
            };
            assert!((gj + reg).abs() <= 1e-8);
        }
        // Any small move raises the objective.
        let f0 = objective(&fit.params, &data, l2);
        assert!((f0 - fit.objective).abs() < 1e-15);
        for j in 0..11 {
            for h in [1e-3, -1e-3] {
                let mut v = fit.params.to_vec();
                v[j] += h;
                assert!(objective(&Params::from_slice(&v), &data, l2) > f0);
            }
        }
    }
}

#[test]
fn newton_recovers_the_generating_model_on_many_rows() {
    let truth = moderate_truth(5, 0.7);
    let data = simulate(200_000, &truth, 2);
    let fit = common::newton(&data, 0.0).unwrap();
    for (a, b) in fit.params.to_vec().iter().zip(truth.to_vec()) {
        assert!((a - b).abs() < 0.03, "{a} vs {b}");
    }
}

#[test]
fn separable_data_without_l2_is_a_separable_error() {
    // t = 1 exactly when x > 0: separable.
    let x: Vec<f64> = (0..200).map(|i| (i as f64 - 99.5) / 50.0).collect();
    let targets = x.iter().map(|&v| (v > 0.0) as u8 as f64).collect();
    let data = Dataset {
        x: Matrix::from_vec(200, 1, x),
        targets,
    };
    let err = common::newton(&data, 0.0).unwrap_err();
    assert!(matches!(err, Error::Separable { .. }), "{err}");
    // With L2 there is a finite optimum.
    let fit = common::newton(&data, 1e-3).unwrap();
    assert!(fit.gradient_max_norm <= 1e-8);
    // A single class is called that, by both solvers, with or without L2.
    let one = Dataset {
        x: Matrix::from_vec(3, 1, vec![1.0, 2.0, 3.0]),
        targets: vec![1.0; 3],
    };
    for l2 in [0.0, 1e-3] {
        assert!(matches!(
            common::newton(&one, l2),
            Err(Error::OneClass { rows: 3, class: 1 })
        ));
        assert!(matches!(
            common::library(&one, l2),
            Err(Error::OneClass { rows: 3, class: 1 })
        ));
    }
}

#[test]
fn invalid_l2_is_refused_when_the_settings_are_checked() {
    for l2 in [-1.0, f64::NAN, f64::INFINITY] {
        let newton = NewtonSettings {
            l2,
            ..Default::default()
        }
        .check();
        let library = LibrarySettings { l2: Some(l2) }.check();
        for err in [newton.err(), library.err()] {
            assert!(
                matches!(
                    err,
                    Some(Error::InvalidSetting {
                        setting: Setting::L2,
                        ..
                    })
                ),
                "{err:?}"
            );
        }
    }
}

#[test]
fn library_reaches_the_newton_optimum_at_the_same_l2() {
    let data = simulate(30_000, &moderate_truth(20, -0.3), 4);
    let n = data.len() as f64;
    for l2 in [1.0 / n, 1e-2] {
        let newton = common::newton(&data, l2).unwrap();
        let lib = common::library(&data, l2).unwrap();
        let (fn_, fl) = (
            objective(&newton.params, &data, l2),
            objective(&lib.params, &data, l2),
        );
        assert!(fl >= fn_ - 1e-12, "library {fl} below the optimum {fn_}");
        assert!(fl - fn_ < 1e-6, "library {fl} vs newton {fn_}");
        for (a, b) in lib.params.to_vec().iter().zip(newton.params.to_vec()) {
            assert!((a - b).abs() < 1e-3, "{a} vs {b}");
        }
    }
}

/// linfa takes the more frequent label as positive: with only ~15% positives it labels 0 as its
/// positive class, and the returned parameters must still give P(t = 1).
#[test]
fn library_probabilities_mean_the_positive_class_when_it_is_the_minority() {
    let data = simulate(20_000, &moderate_truth(6, -2.5), 5);
    let share = data.positive_share();
    assert!(share < 0.3, "positive share {share}");
    let lib = common::library(&data, 1e-4).unwrap();
    let newton = common::newton(&data, 1e-4).unwrap();
    assert!(lib.params.bias < -1.0, "bias {}", lib.params.bias);
    for (a, b) in lib.params.to_vec().iter().zip(newton.params.to_vec()) {
        assert!((a - b).abs() < 1e-3, "{a} vs {b}");
    }
    // Mean predicted probability matches the positive share (a property of the MLE intercept).
    let mean_p: f64 = (0..data.len())
        .map(|i| {
            let x = data.x.row(i);
            let z: f64 = x
                .iter()
                .zip(&lib.params.weights)
                .map(|(a, b)| a * b)
                .sum::<f64>();
            1.0 / (1.0 + (-(z + lib.params.bias)).exp())
        })
        .sum::<f64>()
        / data.len() as f64;
    assert!((mean_p - share).abs() < 1e-3, "{mean_p} vs {share}");
}

/// Rows enough for the warm start on every 8th row.
const WARM_ROWS: usize = msd_century::train::WARM_MIN_ROWS * msd_century::train::WARM_STRIDE + 8;

/// The warm start on a subsample: the same bits on one and two threads, and the same optimum (to
/// the tolerance) as a fit too small for a warm start gives on the same rows' model.
#[test]
fn newton_warm_start_is_deterministic_and_reaches_the_tolerance() {
    let data = simulate(WARM_ROWS, &moderate_truth(6, 0.4), 3);
    let pool = |k| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
    };
    for l2 in [0.0, 1.0 / WARM_ROWS as f64] {
        let one = pool(1).install(|| common::newton(&data, l2).unwrap());
        let two = pool(2).install(|| common::newton(&data, l2).unwrap());
        assert_eq!(one, two);
        assert!(one.warm_start_iterations > 0, "{one:?}");
        assert!(one.gradient_max_norm <= 1e-8, "{one:?}");
        let (_, g) = loss_and_gradient(&one.params, &data);
        for (j, gj) in g.iter().enumerate() {
            let reg = one.params.weights.get(j).map_or(0.0, |w| l2 * w);
            assert!((gj + reg).abs() <= 1e-8);
        }
    }
}

/// A subsample can be separable, or of one class, when all rows are not: the fit then starts
/// from zero and still finds the optimum; data separable as a whole is still said to be.
#[test]
fn newton_falls_back_to_a_cold_start_when_the_subsample_is_degenerate() {
    let n = WARM_ROWS;
    // Every 8th row (the warm start's) is separable at x = 0, or all of class 1; the other rows
    // have labels drawn with probability sigmoid(x).
    let x: Vec<f64> = (0..n)
        .map(|i| ((i * 7919) % 2001) as f64 / 1000.0 - 1.0)
        .collect();
    let noisy = |i: usize| {
        let u = ((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64;
        (u < 1.0 / (1.0 + (-2.0 * x[i]).exp())) as u8 as f64
    };
    for warm_rows in ["separable", "one class"] {
        let targets = (0..n)
            .map(|i| match (i % 8, warm_rows) {
                (0, "separable") => (x[i] > 0.0) as u8 as f64,
                (0, _) => 1.0,
                _ => noisy(i),
            })
            .collect();
        let data = Dataset {
            x: Matrix::from_vec(n, 1, x.clone()),
            targets,
        };
        let fit = common::newton(&data, 0.0).unwrap();
        assert_eq!(fit.warm_start_iterations, 0, "{warm_rows}: {fit:?}");
        assert!(fit.gradient_max_norm <= 1e-8, "{warm_rows}: {fit:?}");
    }
    // Separable as a whole: the error, not an optimum.
    let targets = x.iter().map(|&v| (v > 0.0) as u8 as f64).collect();
    let data = Dataset {
        x: Matrix::from_vec(n, 1, x),
        targets,
    };
    let err = common::newton(&data, 0.0).unwrap_err();
    assert!(matches!(err, Error::Separable { .. }), "{err}");
}
