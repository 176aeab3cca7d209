//! The kernels at full size: 413,715 training rows of 90 features (the full data set's train
//! rows), 50,000 validation rows.
//!
//! - `stream/*`: a plain streaming read (sum) of the training matrix, the memory-bandwidth floor;
//! - `gradient/full_batch`: loss, gradient and accuracy over the same matrix in one pass;
//! - `sgd/batch50000_iters1000`: a whole SGD run with its 100 validation passes;
//! - `newton/solve`: the exact solver to max |gradient| <= 1e-8.
//!
//! The data is drawn from a known logistic model (the synthetic generator's sizes).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use msd_century::data::Dataset;
use msd_century::model::kernel::{loss_gradient, Rows, CHUNK_ROWS};
use msd_century::model::simulate::{moderate_truth, simulate};
use msd_century::model::{Init, Params};
use msd_century::train::{fit_newton, train_sgd, NewtonConfig, SgdConfig};
use rayon::prelude::*;
use std::time::{Duration, Instant};

const TRAIN_ROWS: usize = 413_715;
const VAL_ROWS: usize = 50_000;

fn data() -> (Dataset, Dataset) {
    let truth = moderate_truth(90, -0.3);
    (
        simulate(TRAIN_ROWS, &truth, 1),
        simulate(VAL_ROWS, &truth, 2),
    )
}

/// Sum of every value, in 8 lanes, on all cores in the kernel's chunks.
fn stream_sum(values: &[f64]) -> f64 {
    values
        .par_chunks(CHUNK_ROWS * 90)
        .map(|c| {
            let mut acc = [0.0f64; 8];
            let it = c.chunks_exact(8);
            let rest: f64 = it.remainder().iter().sum();
            for v in it {
                for k in 0..8 {
                    acc[k] += v[k];
                }
            }
            acc.iter().sum::<f64>() + rest
        })
        .sum()
}

fn mean_time(mut f: impl FnMut(), reps: usize) -> Duration {
    f();
    let start = Instant::now();
    for _ in 0..reps {
        f();
    }
    start.elapsed() / reps as u32
}

fn benches(c: &mut Criterion) {
    let (train, val) = data();
    let values = train.x.as_slice();
    let params = Params::init(90, Init::Normal { seed: 1 });
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();

    let mut g = c.benchmark_group("stream");
    g.sample_size(30);
    g.bench_function("sum_all_cores", |b| {
        b.iter(|| black_box(stream_sum(values)))
    });
    g.bench_function("sum_one_core", |b| {
        b.iter(|| one.install(|| black_box(stream_sum(values))))
    });
    g.finish();

    let mut g = c.benchmark_group("gradient");
    g.sample_size(30);
    g.bench_function("full_batch", |b| {
        b.iter(|| black_box(loss_gradient(&params, &train, Rows::All)))
    });
    g.bench_function("full_batch_one_core", |b| {
        b.iter(|| one.install(|| black_box(loss_gradient(&params, &train, Rows::All))))
    });
    g.finish();

    // The ratio asked for, from the same data in the same process.
    let sum = mean_time(
        || {
            black_box(stream_sum(values));
        },
        20,
    );
    let grad = mean_time(
        || drop(black_box(loss_gradient(&params, &train, Rows::All))),
        20,
    );
    let sum1 = one.install(|| {
        mean_time(
            || {
                black_box(stream_sum(values));
            },
            10,
        )
    });
    let grad1 = one.install(|| {
        mean_time(
            || drop(black_box(loss_gradient(&params, &train, Rows::All))),
            10,
        )
    });
    eprintln!(
        "full-batch gradient / streaming sum: all cores {:.2?} / {:.2?} = {:.2}x; one core {:.2?} / {:.2?} = {:.2}x ({} MB)",
        grad,
        sum,
        grad.as_secs_f64() / sum.as_secs_f64(),
        grad1,
        sum1,
        grad1.as_secs_f64() / sum1.as_secs_f64(),
        values.len() * 8 / 1_000_000
    );

    let h = mean_time(
        || {
            drop(black_box(msd_century::model::hessian::hessian_sum(
                &params, &train,
            )))
        },
        3,
    );
    eprintln!("full Hessian pass: {h:.2?}");

    let mut g = c.benchmark_group("newton");
    g.sample_size(10);
    g.bench_function("solve", |b| {
        b.iter(|| black_box(fit_newton(&train, &NewtonConfig::default()).unwrap()))
    });
    g.finish();
    let fit = fit_newton(&train, &NewtonConfig::default()).unwrap();
    eprintln!(
        "newton: {} iterations, {} Hessians, max |gradient| {:.2e}",
        fit.iterations, fit.hessian_evaluations, fit.gradient_max_norm
    );

    let config = SgdConfig {
        learning_rate: 0.1,
        batch_size: 50_000,
        iterations: 1000,
        eval_every: 10,
        l2: 0.0,
        seed: 1,
    };
    let mut g = c.benchmark_group("sgd");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("batch50000_iters1000", |b| {
        b.iter(|| black_box(train_sgd(&train, &val, Params::zeros(90), &config).unwrap()))
    });
    g.finish();
}

criterion_group!(model, benches);
criterion_main!(model);
