//! Labels, splits and standardization, checked against plain computations written here.

use msd_century::data::{split, Matrix, Provenance, RawTable, SplitOptions, N_FIELDS};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A table of `rows` rows with years 1990-2010 and features of very different scales; the last
/// feature is the row index, so that rows can be traced through the split.
fn table(rows: usize) -> RawTable {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut data = Vec::with_capacity(rows * N_FIELDS);
    for i in 0..rows {
        data.push(rng.gen_range(1990..=2010) as f64);
        for j in 0..89i32 {
            let scale = 10f64.powi(j % 5 - 1);
            data.push(scale * rng.gen_range(-3.0..3.0) + 1e3 * f64::from(j));
        }
        data.push(i as f64);
    }
    RawTable {
        values: Matrix::from_vec(rows, N_FIELDS, data),
        provenance: Provenance::Synthetic { rows, seed: 7 },
    }
}

fn options(train: usize, val: usize) -> SplitOptions {
    SplitOptions {
        year_threshold: 2000,
        train_rows: Some(train),
        val_rows: Some(val),
        seed: 3,
    }
}

/// Two-pass mean and sample standard deviation of column `j + 1` over `rows`, summed in row order.
fn two_pass(t: &RawTable, rows: std::ops::Range<usize>, j: usize) -> (f64, f64) {
    let n = rows.len() as f64;
    let mean = rows.clone().map(|i| t.features(i)[j]).sum::<f64>() / n;
    let ss: f64 = rows.map(|i| (t.features(i)[j] - mean).powi(2)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

#[test]
fn standardizer_matches_a_two_pass_computation_on_the_train_part() {
    let t = table(30_000);
    let s = split(&t, &options(25_000, 4_000)).unwrap();
    for j in 0..90 {
        let (mean, std) = two_pass(&t, 0..25_000, j);
        assert!(
            (s.standardizer.mean[j] - mean).abs() <= 1e-12 * mean.abs().max(1.0),
            "mean {j}"
        );
        assert!(
            (s.standardizer.std[j] - std).abs() <= 1e-10 * std,
            "std {j}"
        );
    }
    // Standardized train-part columns (train + val together) have mean 0 and sample std 1.
    for j in [0, 1, 44, 89] {
        let col: Vec<f64> = (0..s.train.len())
            .map(|i| s.train.x.row(i)[j])
            .chain((0..s.val.len()).map(|i| s.val.x.row(i)[j]))
            .collect();
        let n = col.len() as f64;
        let m = col.iter().sum::<f64>() / n;
        let v = col.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
        assert!(
            m.abs() < 1e-9 && (v - 1.0).abs() < 1e-9,
            "column {j}: mean {m}, var {v}"
        );
    }
}

#[test]
fn test_rows_use_training_statistics_in_file_order() {
    let t = table(2_000);
    let s = split(&t, &options(1_500, 300)).unwrap();
    assert_eq!(s.test.len(), 500);
    for (k, i) in (1_500..2_000).enumerate() {
        for j in [0, 17, 89] {
            let expect = (t.features(i)[j] - s.standardizer.mean[j]) / s.standardizer.std[j];
            assert_eq!(s.test.x.row(k)[j], expect);
        }
        assert_eq!(
            s.test.targets[k],
            if t.year(i) > 2000.0 { 1.0 } else { 0.0 }
        );
    }
}

/// Recovers the source row of a standardized row from its last feature (the row index).
fn source_row(s: &msd_century::data::Splits, x: &[f64]) -> usize {
    (x[89] * s.standardizer.std[89] + s.standardizer.mean[89]).round() as usize
}

#[test]
fn train_and_validation_are_disjoint_and_cover_the_train_part() {
    let t = table(1_000);
    let s = split(&t, &options(800, 150)).unwrap();
    assert_eq!((s.sizes.train, s.sizes.val, s.sizes.test), (650, 150, 200));
    let mut seen = vec![0u8; 1_000];
    for d in [&s.train, &s.val] {
        for i in 0..d.len() {
            let r = source_row(&s, d.x.row(i));
            seen[r] += 1;
            assert_eq!(d.targets[i], if t.year(r) > 2000.0 { 1.0 } else { 0.0 });
        }
    }
    assert!(
        seen[..800].iter().all(|&c| c == 1),
        "every train-part row exactly once"
    );
    assert!(
        seen[800..].iter().all(|&c| c == 0),
        "no test row in train or validation"
    );
}

#[test]
fn validation_rows_depend_on_the_seed_only() {
    let t = table(1_000);
    let a = split(&t, &options(800, 150)).unwrap();
    let b = split(&t, &options(800, 150)).unwrap();
    let c = split(
        &t,
        &SplitOptions {
            seed: 4,
            ..options(800, 150)
        },
    )
    .unwrap();
    assert_eq!(a.val.x, b.val.x);
    assert_ne!(a.val.x, c.val.x);
}

#[test]
fn default_sizes_follow_the_data_set_split() {
    use msd_century::data::split::resolve_sizes;
    let full = resolve_sizes(515_345, &SplitOptions::default()).unwrap();
    assert_eq!(
        (full.train_part, full.train, full.val, full.test),
        (463_715, 413_715, 50_000, 51_630)
    );
    let small = resolve_sizes(20_000, &SplitOptions::default()).unwrap();
    // 20,000 x 463,715 / 515,345 = 17,996.2; 17,996 x 50,000 / 463,715 = 1,940.4
    assert_eq!(
        (small.train_part, small.val, small.test),
        (17_996, 1_940, 2_004)
    );
    let no_val = resolve_sizes(
        20_000,
        &SplitOptions {
            val_rows: Some(0),
            ..Default::default()
        },
    );
    assert_eq!(no_val.unwrap().val, 0);
}

#[test]
fn impossible_sizes_are_clear_errors() {
    use msd_century::data::split::resolve_sizes;
    use msd_century::{Error, Setting};
    let cases = [
        (Some(0), None, Setting::TrainRows, "0", "must be at least 1"),
        (
            Some(1_001),
            None,
            Setting::TrainRows,
            "1001",
            "beyond the 1000 rows",
        ),
        (
            Some(1_000),
            None,
            Setting::TrainRows,
            "1000",
            "leaves no test rows",
        ),
        (
            Some(500),
            Some(500),
            Setting::ValRows,
            "500",
            "must be smaller than the 500 train rows",
        ),
    ];
    for (train_rows, val_rows, expected, given, expect) in cases {
        let o = SplitOptions {
            train_rows,
            val_rows,
            ..Default::default()
        };
        match resolve_sizes(1_000, &o).unwrap_err() {
            Error::InvalidSetting {
                setting,
                value,
                requirement,
            } => {
                assert_eq!((setting, value.as_str()), (expected, given));
                assert!(requirement.contains(expect), "{requirement:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_constant_feature_in_the_train_part_is_an_error() {
    let mut t = table(1_000);
    for i in 0..1_000 {
        t.values.row_mut(i)[1 + 41] = 2.5;
    }
    let err = split(&t, &options(800, 100)).unwrap_err().to_string();
    assert!(
        err.contains("feature 42 (field 43) has zero variance"),
        "{err}"
    );
}

#[test]
fn the_year_threshold_sets_the_labels() {
    let t = table(1_000);
    for threshold in [1995, 2000, 2005] {
        let s = split(
            &t,
            &SplitOptions {
                year_threshold: threshold,
                ..options(800, 0)
            },
        )
        .unwrap();
        let expect = (800..1_000)
            .filter(|&i| t.year(i) > threshold as f64)
            .count() as f64;
        assert_eq!(s.test.targets.iter().sum::<f64>(), expect);
    }
}
