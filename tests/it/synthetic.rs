//! The embedded MSD-like generator and the UCI writer: determinism across threads, the schema
//! and value ranges of the real file, artists grouped as in the real file, features that really
//! are timbre means and covariances, exact text round trips, and labels about as learnable as
//! the real ones.

use crate::common;

use msd_century::data::synthetic::{artist_of_rows, artist_song_counts, generate};
use msd_century::data::table::{FULL_ROWS, FULL_TRAIN_ROWS, N_FIELDS};
use msd_century::data::write::write_uci;
use msd_century::data::{split, Provenance, RawTable, SplitOptions};
use std::sync::OnceLock;

/// Features 1-12 are timbre means; 13-90 the covariance upper triangle, row by row.
const DIMS: usize = 12;

/// The full-size file of seed 1, generated once for all the tests that need it (the only
/// full-size generation of the test suite).
fn full_seed1() -> &'static RawTable {
    static FULL: OnceLock<RawTable> = OnceLock::new();
    FULL.get_or_init(|| RawTable {
        values: generate(FULL_ROWS, 1),
        provenance: Provenance::Synthetic {
            rows: FULL_ROWS,
            seed: 1,
        },
    })
}

fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
        .install(f)
}

/// Position in the 78 covariance features of entry `(i, j)`, `i <= j`.
fn cov_index(i: usize, j: usize) -> usize {
    // Rows 0..i of the upper triangle hold 12 + 11 + ... + (12 - i + 1) entries.
    i * DIMS - i * (i.saturating_sub(1)) / 2 + (j - i)
}

#[test]
fn cli_writes_the_same_bytes_with_one_or_two_threads() {
    let dir = common::temp_dir();
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("synth-{threads}.txt"));
        common::cli()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "data",
                "synth",
                "--rows",
                "30000",
                "--synthetic-seed",
                "7",
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        files.push(std::fs::read(&out).expect("read output"));
    }
    assert_eq!(files[0].iter().filter(|&&b| b == b'\n').count(), 30_000);
    assert!(files[0] == files[1], "bytes differ between 1 and 2 threads");
}

#[test]
fn cli_refuses_too_few_rows() {
    let dir = common::temp_dir();
    let out = dir.path().join("x.txt");
    common::cli()
        .args(["data", "synth", "--rows", "1", "--out"])
        .arg(&out)
        .assert()
        .failure();
    assert!(!out.exists());
}

#[test]
fn generate_is_bitwise_the_same_whatever_the_threads() {
    let one = with_threads(1, || generate(20_000, 5));
    let two = with_threads(2, || generate(20_000, 5));
    let three = with_threads(3, || generate(20_000, 5));
    assert_eq!(one.rows(), 20_000);
    assert_eq!(one.cols(), N_FIELDS);
    assert!(
        common::bits(one.as_slice()) == common::bits(two.as_slice())
            && common::bits(one.as_slice()) == common::bits(three.as_slice())
    );
}

#[test]
fn different_seeds_give_different_data() {
    let a = generate(2_000, 1);
    let b = generate(2_000, 2);
    let same = a
        .as_slice()
        .iter()
        .zip(b.as_slice())
        .filter(|(x, y)| x == y)
        .count();
    // Only a few coincidences (equal years) are possible; features never coincide in bulk.
    assert!(same < a.rows() * 2, "{same} equal values");
    assert_ne!(artist_song_counts(2_000, 1), artist_song_counts(2_000, 2));
}

#[test]
fn a_prefix_of_artists_does_not_depend_on_later_ones() {
    // Each artist has its own random stream, so the first artists of two files of different
    // lengths (whose layouts agree on them) are identical.
    let small = generate(3_000, 8);
    let counts = artist_song_counts(3_000, 8);
    let first = counts[0];
    let large = generate(6_000, 8);
    if artist_song_counts(6_000, 8)[0] == first {
        assert_eq!(
            common::bits(small.as_slice())[..first * N_FIELDS],
            common::bits(large.as_slice())[..first * N_FIELDS]
        );
    }
}

#[test]
fn years_are_whole_and_in_range_and_skewed_like_the_real_file() {
    let m = &full_seed1().values;
    let years: Vec<f64> = (0..m.rows()).map(|i| m.row(i)[0]).collect();
    assert!(years
        .iter()
        .all(|&y| y.fract() == 0.0 && (1922.0..=2011.0).contains(&y)));
    let share = |lo: f64, hi: f64| {
        years.iter().filter(|&&y| y >= lo && y <= hi).count() as f64 / years.len() as f64
    };
    let after_2000 = share(2001.0, 2011.0);
    assert!(
        (0.55..=0.62).contains(&after_2000),
        "share after 2000: {after_2000}"
    );
    // Most songs are from 1990-2010, and old songs exist but are rare.
    assert!(share(1990.0, 2010.0) > 0.8);
    assert!(share(1922.0, 1959.0) > 0.0005 && share(1922.0, 1959.0) < 0.02);
    assert!(years.iter().any(|&y| y < 1940.0));
}

/// The share is the generator's, not seed 1's nor the full size's: a quarter of the rows (about
/// 9,000 artists) must land in the same range as the full-size file of seed 1.
#[test]
fn other_seeds_have_the_same_positive_share() {
    for seed in [2, 3] {
        let m = generate(FULL_ROWS / 4, seed);
        let pos = (0..m.rows()).filter(|&i| m.row(i)[0] > 2000.0).count();
        let share = pos as f64 / m.rows() as f64;
        assert!((0.55..=0.62).contains(&share), "seed {seed}: {share}");
    }
}

#[test]
fn artists_are_contiguous_and_the_split_keeps_them_apart() {
    let m = &full_seed1().values;
    let artist = artist_of_rows(FULL_ROWS, 1);
    let counts = artist_song_counts(FULL_ROWS, 1);
    assert_eq!(artist.len(), FULL_ROWS);
    assert!(artist.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1));
    assert_eq!(*artist.last().unwrap() + 1, counts.len());
    // The data set's own cut falls between two artists.
    assert_ne!(artist[FULL_TRAIN_ROWS - 1], artist[FULL_TRAIN_ROWS]);
    // Artists of varying song counts, from 1 to 60.
    assert_eq!(counts.iter().max(), Some(&60));
    assert_eq!(counts.iter().min(), Some(&1));
    assert!(counts.iter().filter(|&&c| c == 1).count() > 100);

    // Rows of one artist have one career (years within a few decades) and a shared style:
    // the pooled within-artist variance of the brightness mean (feature 2) is a small part of
    // its total variance, which it would not be if the groups did not match the artists.
    let mut start = 0;
    let (mut within, mut total) = (0.0, 0.0);
    let grand = (0..FULL_ROWS).map(|i| m.row(i)[2]).sum::<f64>() / FULL_ROWS as f64;
    let mut mixed = 0.0;
    for &c in &counts {
        let rows = start..start + c;
        let ys: Vec<f64> = rows.clone().map(|i| m.row(i)[0]).collect();
        let span = ys.iter().cloned().fold(f64::MIN, f64::max)
            - ys.iter().cloned().fold(f64::MAX, f64::min);
        assert!(span <= 30.0, "artist at row {start} spans {span} years");
        let mean = rows.clone().map(|i| m.row(i)[2]).sum::<f64>() / c as f64;
        for i in rows {
            within += (m.row(i)[2] - mean).powi(2);
            total += (m.row(i)[2] - grand).powi(2);
        }
        start += c;
    }
    // Same pooled variance for groups of 14 rows that ignore the artists.
    for block in (0..FULL_ROWS)
        .collect::<Vec<_>>()
        .chunks(14)
        .map(|b| b.to_vec())
    {
        let mean = block.iter().map(|&i| m.row(i)[2]).sum::<f64>() / block.len() as f64;
        mixed += block
            .iter()
            .map(|&i| (m.row(i)[2] - mean).powi(2))
            .sum::<f64>();
    }
    assert!(within / total < 0.45, "within/total {}", within / total);
    assert!(
        mixed / total > within / total + 0.1,
        "mixed {} vs {}",
        mixed / total,
        within / total
    );
}

#[test]
fn covariance_features_are_a_covariance_matrix() {
    let m = generate(20_000, 3);
    for r in 0..m.rows() {
        let f = &m.row(r)[1..];
        let cov = &f[DIMS..];
        let mut a = [[0.0f64; DIMS]; DIMS];
        for i in 0..DIMS {
            for j in i..DIMS {
                a[i][j] = cov[cov_index(i, j)];
                a[j][i] = a[i][j];
            }
        }
        for i in 0..DIMS {
            assert!(a[i][i] > 0.0, "row {r}: variance {i} = {}", a[i][i]);
            for j in 0..DIMS {
                assert!(
                    a[i][j].abs() <= (a[i][i] * a[j][j]).sqrt() + 1e-5,
                    "row {r}: cov({i},{j}) exceeds Cauchy-Schwarz"
                );
            }
        }
        // A sample covariance of 16 or more segments is positive definite: Cholesky succeeds.
        let mut l = [[0.0f64; DIMS]; DIMS];
        for i in 0..DIMS {
            for j in 0..=i {
                let s: f64 = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
                if i == j {
                    assert!(s > 0.0, "row {r}: covariance not positive definite");
                    l[i][i] = s.sqrt();
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
    }
    assert_eq!(cov_index(0, 0), 0);
    assert_eq!(cov_index(0, 11), 11);
    assert_eq!(cov_index(1, 1), 12);
    assert_eq!(cov_index(11, 11), 77);
}

#[test]
fn feature_scales_span_orders_of_magnitude_like_the_real_file() {
    let m = generate(50_000, 1);
    let n = m.rows() as f64;
    let mut mean = [0.0; 90];
    let mut sd = [0.0; 90];
    for j in 0..90 {
        mean[j] = (0..m.rows()).map(|i| m.row(i)[j + 1]).sum::<f64>() / n;
        sd[j] = ((0..m.rows())
            .map(|i| (m.row(i)[j + 1] - mean[j]).powi(2))
            .sum::<f64>()
            / (n - 1.0))
            .sqrt();
    }
    // Timbre means within -60..60, the first (loudness) around 30-50.
    assert!(
        (30.0..=50.0).contains(&mean[0]),
        "feature 1 mean {}",
        mean[0]
    );
    assert!(mean[..DIMS].iter().all(|v| v.abs() < 60.0));
    // Variances in the thousands for the first dimensions, tens for loudness.
    let var_mean = |i: usize| mean[DIMS + cov_index(i, i)];
    assert!(var_mean(1) > 1000.0 && var_mean(0) < 200.0);
    let (lo, hi) = sd
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    assert!(
        hi / lo > 100.0,
        "feature standard deviations from {lo} to {hi}"
    );
}

#[test]
fn recent_songs_are_louder() {
    let m = &full_seed1().values;
    let avg = |keep: &dyn Fn(f64) -> bool| {
        let rows: Vec<usize> = (0..m.rows()).filter(|&i| keep(m.row(i)[0])).collect();
        rows.iter().map(|&i| m.row(i)[1]).sum::<f64>() / rows.len() as f64
    };
    let old = avg(&|y| y < 1980.0);
    let new = avg(&|y| y > 2000.0);
    assert!(
        new > old + 1.0,
        "loudness {old} before 1980, {new} after 2000"
    );
}

#[test]
fn written_text_parses_back_to_exactly_the_generated_values() {
    let m = generate(5_000, 4);
    let dir = common::temp_dir();
    let path = dir.path().join("synth.txt");
    write_uci(&path, &m).expect("write");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), m.rows());
    for (i, line) in lines.iter().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), N_FIELDS, "line {}", i + 1);
        assert!(fields[0].len() == 4 && fields[0].bytes().all(|b| b.is_ascii_digit()));
        for (j, field) in fields.iter().enumerate() {
            let v: f64 = field.parse().expect("number");
            assert_eq!(
                v.to_bits(),
                m.row(i)[j].to_bits(),
                "line {}, field {}",
                i + 1,
                j + 1
            );
            // At most 5 decimals, never a trailing zero or exponent.
            if let Some((_, frac)) = field.split_once('.') {
                assert!(frac.len() <= 5 && !frac.ends_with('0'), "{field}");
            }
            assert!(!field.contains(['e', 'E']), "{field}");
        }
    }
}

#[test]
fn the_exact_optimum_is_about_as_accurate_as_on_the_real_data() {
    use msd_century::model::evaluate;

    let splits = split(full_seed1(), &SplitOptions::default()).expect("split");
    let fit = common::newton(&splits.train, 0.0).expect("optimum");
    assert!(
        fit.gradient_max_norm <= 1e-8,
        "not converged: {}",
        fit.gradient_max_norm
    );
    let test = evaluate(&fit.params, &splits.test);
    let train = evaluate(&fit.params, &splits.train);

    // The same accuracy computed plainly, from the parameters.
    let plain = |d: &msd_century::data::Dataset| {
        let hits = (0..d.len())
            .filter(|&i| {
                let z: f64 =
                    d.x.row(i)
                        .iter()
                        .zip(&fit.params.weights)
                        .map(|(x, w)| x * w)
                        .sum::<f64>()
                        + fit.params.bias;
                (z >= 0.0) == (d.targets[i] == 1.0)
            })
            .count();
        hits as f64 / d.len() as f64
    };
    assert!((test.accuracy - plain(&splits.test)).abs() < 1e-12);
    assert!(
        (0.70..=0.76).contains(&test.accuracy),
        "test accuracy {}",
        test.accuracy
    );
    // Far from separable.
    assert!(train.accuracy < 0.8, "train accuracy {}", train.accuracy);
}
