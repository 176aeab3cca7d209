//! SGD against a plain computation written out here; divergence; invalid settings; threads.

use msd_century::data::Dataset;
use msd_century::model::simulate::{moderate_truth, simulate};
use msd_century::model::{Init, Params};
use msd_century::train::{SgdFit, SgdSettings as SgdConfig};
use msd_century::{Error, Setting};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Checks `c` and trains from `init`: the library's path for one run.
fn train_sgd(
    train: &Dataset,
    val: &Dataset,
    init: Params,
    c: &SgdConfig,
) -> msd_century::Result<SgdFit> {
    c.clone().check()?.fit(train, val, init)
}

fn config(lr: f64, batch: usize, iters: usize) -> SgdConfig {
    SgdConfig {
        learning_rate: lr,
        batch_size: batch,
        iterations: iters,
        eval_every: 10,
        l2: 0.0,
        seed: 42,
    }
}

/// The classic loop, written plainly: permute, slice batches, skip the short one, `w -= lr·grad`.
/// Each batch is summed in increasing row order (the order the library fixes for its sums).
fn plain_sgd(
    train: &Dataset,
    val: &Dataset,
    mut w: Vec<f64>,
    mut b: f64,
    c: &SgdConfig,
) -> (Vec<f64>, f64, Vec<(usize, f64, f64)>) {
    let n = train.len();
    let d = w.len();
    let mut rng = ChaCha8Rng::seed_from_u64(c.seed);
    let mut order: Vec<usize> = (0..n).collect();
    let per_epoch = n / c.batch_size;
    let mut history = Vec::new();
    let mut k = per_epoch;
    for iter in 1..=c.iterations {
        if k == per_epoch {
            order.shuffle(&mut rng);
            for batch in order[..per_epoch * c.batch_size].chunks_mut(c.batch_size) {
                batch.sort_unstable();
            }
            k = 0;
        }
        let batch = &order[k * c.batch_size..(k + 1) * c.batch_size];
        k += 1;
        let mut gw = vec![0.0; d];
        let mut gb = 0.0;
        for &i in batch {
            let x = train.x.row(i);
            let z: f64 = (0..d).map(|j| w[j] * x[j]).sum::<f64>() + b;
            let y = 1.0 / (1.0 + (-z).exp());
            for j in 0..d {
                gw[j] += (y - train.targets[i]) * x[j];
            }
            gb += y - train.targets[i];
        }
        let m = c.batch_size as f64;
        for j in 0..d {
            w[j] -= c.learning_rate * (gw[j] / m + c.l2 * w[j]);
        }
        b -= c.learning_rate * gb / m;
        if iter % c.eval_every == 0 {
            let (mut loss, mut correct) = (0.0, 0.0);
            for i in 0..val.len() {
                let x = val.x.row(i);
                let z: f64 = (0..d).map(|j| w[j] * x[j]).sum::<f64>() + b;
                let y = 1.0 / (1.0 + (-z).exp());
                let t = val.targets[i];
                loss += -t * (y + 1e-15).ln() - (1.0 - t) * (1.0 - y + 1e-15).ln();
                correct += ((y >= 0.5) as u8 as f64 == t) as u8 as f64;
            }
            history.push((iter, loss / val.len() as f64, correct / val.len() as f64));
        }
    }
    (w, b, history)
}

#[test]
fn first_iterations_match_a_plain_computation() {
    let train = simulate(1_000, &moderate_truth(7, 0.2), 1);
    let val = simulate(300, &moderate_truth(7, 0.2), 2);
    for (batch, l2, init) in [
        (64, 0.0, Init::Zeros),
        (1, 0.01, Init::Normal { seed: 5 }),
        (1000, 0.0, Init::Zeros),
    ] {
        let mut c = config(0.3, batch, 40);
        c.l2 = l2;
        let p0 = Params::init(7, init);
        let run = train_sgd(&train, &val, p0.clone(), &c).unwrap();
        let (w, b, hist) = plain_sgd(&train, &val, p0.weights, p0.bias, &c);
        for (a, e) in run.params.weights.iter().zip(&w) {
            assert!((a - e).abs() < 1e-12, "batch {batch}: {a} vs {e}");
        }
        assert!((run.params.bias - b).abs() < 1e-12);
        assert_eq!(run.history.points.len(), 4);
        assert_eq!(run.history.diverged_at, None);
        for (p, (iter, loss, acc)) in run.history.points.iter().zip(&hist) {
            assert_eq!(p.iter, *iter);
            assert!((p.val_loss - loss).abs() < 1e-9, "{} vs {loss}", p.val_loss);
            assert_eq!(p.val_accuracy, *acc);
        }
    }
}

#[test]
fn a_huge_learning_rate_diverges_and_records_the_iteration() {
    let train = simulate(2_000, &moderate_truth(90, 0.0), 3);
    let val = simulate(500, &moderate_truth(90, 0.0), 4);
    for lr in [1e6, 1e300] {
        let mut c = config(lr, 100, 1000);
        c.eval_every = 1;
        let run = train_sgd(&train, &val, Params::init(90, Init::Normal { seed: 1 }), &c).unwrap();
        let at = run.history.diverged_at.expect("diverged");
        assert!((1..5).contains(&at), "lr {lr}: diverged at {at}");
        assert_eq!(run.history.points.len(), at - 1);
        assert!(run.history.points.iter().all(|p| p.val_loss.is_finite()));
    }
    // A large but workable rate does not count as divergence.
    let run = train_sgd(&train, &val, Params::zeros(90), &config(5.0, 100, 300)).unwrap();
    assert_eq!(run.history.diverged_at, None);
}

#[test]
fn an_empty_validation_set_records_nothing() {
    let train = simulate(500, &moderate_truth(3, 0.0), 5);
    let run = train_sgd(
        &train,
        &Dataset::default(),
        Params::zeros(3),
        &config(0.1, 50, 30),
    )
    .unwrap();
    assert!(run.history.points.is_empty());
    assert!(run.params.is_finite() && run.params != Params::zeros(3));
}

#[test]
fn invalid_settings_are_errors_naming_the_setting() {
    let train = simulate(100, &moderate_truth(3, 0.0), 6);
    let val = Dataset::default();
    let base = config(0.1, 10, 10);
    let cases: Vec<(SgdConfig, Setting)> = vec![
        (
            SgdConfig {
                batch_size: 0,
                ..base.clone()
            },
            Setting::BatchSize,
        ),
        (
            SgdConfig {
                batch_size: 101,
                ..base.clone()
            },
            Setting::BatchSize,
        ),
        (
            SgdConfig {
                learning_rate: 0.0,
                ..base.clone()
            },
            Setting::LearningRate,
        ),
        (
            SgdConfig {
                learning_rate: -1.0,
                ..base.clone()
            },
            Setting::LearningRate,
        ),
        (
            SgdConfig {
                learning_rate: f64::NAN,
                ..base.clone()
            },
            Setting::LearningRate,
        ),
        (
            SgdConfig {
                learning_rate: f64::INFINITY,
                ..base.clone()
            },
            Setting::LearningRate,
        ),
        (
            SgdConfig {
                iterations: 0,
                ..base.clone()
            },
            Setting::Iterations,
        ),
        (
            SgdConfig {
                eval_every: 0,
                ..base.clone()
            },
            Setting::EvalEvery,
        ),
        (
            SgdConfig {
                l2: -1e-3,
                ..base.clone()
            },
            Setting::L2,
        ),
        (
            SgdConfig {
                l2: f64::NAN,
                ..base.clone()
            },
            Setting::L2,
        ),
    ];
    for (c, expected) in cases {
        match train_sgd(&train, &val, Params::zeros(3), &c) {
            Err(Error::InvalidSetting { setting, .. }) => assert_eq!(setting, expected, "{c:?}"),
            Err(Error::BatchTooLarge { batch_size, .. }) => {
                assert_eq!((expected, batch_size), (Setting::BatchSize, c.batch_size))
            }
            other => panic!("{c:?}: {other:?}"),
        }
    }
    assert!(matches!(
        train_sgd(&train, &val, Params::zeros(4), &base),
        Err(Error::ShapeMismatch {
            weights: 4,
            features: 3
        })
    ));
    assert!(train_sgd(
        &train,
        &val,
        Params::zeros(3),
        &SgdConfig {
            batch_size: 100,
            ..base
        }
    )
    .is_ok());
}

#[test]
fn same_bits_on_one_and_two_threads() {
    let train = simulate(30_000, &moderate_truth(90, -0.2), 7);
    let val = simulate(10_000, &moderate_truth(90, -0.2), 8);
    let c = config(0.5, 8_192, 50);
    let go = |k| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
            .install(|| train_sgd(&train, &val, Params::zeros(90), &c).unwrap())
    };
    assert_eq!(go(1), go(2));
}
