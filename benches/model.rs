//! The kernels at full size: 413,715 training rows of 90 features (the full data set's train
//! rows), 50,000 validation rows.
//!
//! - `stream/*`: a plain streaming read (sum) of the training matrix, the memory-bandwidth floor;
//! - `gradient/full_batch`: loss, gradient and accuracy over the same matrix in one pass;
//! - `sgd/batch50000_iters1000`: a whole SGD run with its 100 validation passes;
//! - `epoch/*`: one epoch of SGD at batch 50,000 (8 shuffled batches: gradient and step) beside
//!   a plain read of the same rows in the same order, the floor for shuffled batches, and beside
//!   that read with the seven models' multiply-adds done in registers, their floor;
//! - `newton_step/*`: the Hessian on the solver's subsample beside a plain read of those rows;
//! - `newton/solve`: the exact solver to max |gradient| <= 1e-8.
//!
//! The data is drawn from a known logistic model (the synthetic generator's sizes).

#[path = "common/stream.rs"]
mod stream;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use msd_century::data::Dataset;
use msd_century::internals::{
    linear, prefetch_row_l2, step_sums, table, Batches, Rows, Totals, CHUNK_ROWS, LOOKAHEAD,
};
use msd_century::model::logistic::l2_penalty;
use msd_century::model::simulate::{moderate_truth, simulate};
use msd_century::model::{evaluate, Init, Params};
use msd_century::train::{LibrarySettings, NewtonSettings, SgdSettings, HESSIAN_SAMPLE_ROWS};
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

/// A plain streaming read of `values`, in the kernel's chunks.
fn stream_sum(values: &[f64]) -> f64 {
    stream::stream_sum(values, CHUNK_ROWS * 90)
}

/// Loss, gradient and accuracy of every training row in one pass.
fn loss_gradient(params: &Params, data: &Dataset) -> Vec<Totals> {
    msd_century::internals::loss_gradient(&[linear(params)], table(data), Rows::All)
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
        b.iter(|| black_box(loss_gradient(&params, &train)))
    });
    g.bench_function("full_batch_one_core", |b| {
        b.iter(|| one.install(|| black_box(loss_gradient(&params, &train))))
    });
    g.finish();

    // The ratio asked for, from the same data in the same process.
    let sum = mean_time(
        || {
            black_box(stream_sum(values));
        },
        20,
    );
    let grad = mean_time(|| drop(black_box(loss_gradient(&params, &train))), 20);
    let sum1 = one.install(|| {
        mean_time(
            || {
                black_box(stream_sum(values));
            },
            10,
        )
    });
    let grad1 = one.install(|| mean_time(|| drop(black_box(loss_gradient(&params, &train))), 10));
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

    epoch_and_newton_step(c, &train, &params);

    let h = mean_time(
        || {
            drop(black_box(msd_century::internals::hessian_sum(
                linear(&params),
                table(&train),
                1,
            )))
        },
        3,
    );
    eprintln!("full Hessian pass: {h:.2?}");

    let mut g = c.benchmark_group("newton");
    g.sample_size(10);
    let newton = NewtonSettings::default().check().unwrap();
    g.bench_function("solve", |b| {
        b.iter(|| black_box(newton.fit(&train).unwrap()))
    });
    g.finish();
    let fit = newton.fit(&train).unwrap();
    eprintln!(
        "newton: {} iterations on all rows (after {} on the warm start's subsample), {} Hessians, \
         max |gradient| {:.2e}",
        fit.iterations, fit.warm_start_iterations, fit.hessian_evaluations, fit.gradient_max_norm
    );

    // The library baseline once (it takes seconds): time, and its objective against Newton's at
    // scikit-learn's default C = 1 (l2 = 1/n).
    let l2 = 1.0 / TRAIN_ROWS as f64;
    let newton = NewtonSettings {
        l2,
        ..Default::default()
    }
    .check()
    .unwrap()
    .fit(&train)
    .unwrap();
    let start = Instant::now();
    let lib = LibrarySettings { l2: Some(l2) }
        .check()
        .unwrap()
        .fit(&train)
        .unwrap();
    let lib_time = start.elapsed();
    let objective = |p: &Params| evaluate(p, &train).loss + l2_penalty(&p.weights, l2);
    eprintln!(
        "library (linfa-logistic, C = 1): {lib_time:.2?}; objective {:.12} vs newton {:.12} (diff {:.2e})",
        objective(&lib.params),
        newton.objective,
        objective(&lib.params) - newton.objective
    );

    let sgd = SgdSettings {
        learning_rate: 0.1,
        batch_size: 50_000,
        iterations: 1000,
        eval_every: 10,
        l2: 0.0,
        seed: 1,
    }
    .check()
    .unwrap();
    let mut g = c.benchmark_group("sgd");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("batch50000_iters1000", |b| {
        b.iter(|| black_box(sgd.fit(&train, &val, Params::zeros(90)).unwrap()))
    });
    g.finish();
}

/// Sum of the given rows, in this order, in 8 lanes, on all cores in the kernel's chunks: a plain
/// read of exactly the bytes a pass over those rows reads, asking memory for the rows ahead as the
/// kernel does (into the second-level cache, [`LOOKAHEAD`] rows ahead). With `fma_rounds` above 0
/// each row also costs that many rounds of 12 fused multiply-adds on 8 lanes that touch no memory
/// (12 independent chains): the arithmetic of several models without its loads, stores and
/// reductions, so that the gather plus it is about the least a pass of those models can cost.
fn gather_sum(values: &[f64], rows: &[usize], fma_rounds: usize) -> f64 {
    rows.par_chunks(CHUNK_ROWS)
        .map(|c| {
            let mut acc = [0.0f64; 8];
            let mut chains = [[1.0f64; 8]; 12];
            for (k, &i) in c.iter().enumerate() {
                if let Some(&next) = c.get(k + LOOKAHEAD) {
                    prefetch_row_l2(&values[next * 90..next * 90 + 90]);
                }
                let row = &values[i * 90..i * 90 + 88];
                for v in row.chunks_exact(8) {
                    for l in 0..8 {
                        acc[l] += v[l];
                    }
                }
                acc[0] += values[i * 90 + 88] + values[i * 90 + 89];
                fma_chains(&mut chains, fma_rounds);
            }
            acc.iter().sum::<f64>() + chains.iter().flatten().sum::<f64>()
        })
        .sum()
}

/// `rounds` rounds of one fused multiply-add on each of the 12 chains of 8 lanes, in the widest
/// vectors the processor has.
fn fma_chains(chains: &mut [[f64; 8]; 12], rounds: usize) {
    if rounds == 0 {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("fma") {
        // SAFETY: the processor has just reported AVX-512 F and FMA.
        return unsafe { fma_chains_avx512(chains, rounds) };
    }
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        // SAFETY: the processor has just reported AVX2 and FMA.
        return unsafe { fma_chains_avx2(chains, rounds) };
    }
    fma_chains_portable(chains, rounds)
}

/// The portable loop built with AVX2 and FMA: two 4-lane fused multiply-adds per chain and round,
/// as the row engine's AVX2 build does.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn fma_chains_avx2(chains: &mut [[f64; 8]; 12], rounds: usize) {
    fma_chains_portable(chains, rounds)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
fn fma_chains_avx512(chains: &mut [[f64; 8]; 12], rounds: usize) {
    use std::arch::x86_64::*;
    let (m, a) = (
        _mm512_set1_pd(black_box(0.999_999_9)),
        _mm512_set1_pd(black_box(1e-9)),
    );
    // SAFETY: each load and store is of one whole `[f64; 8]`, unaligned.
    let mut v = chains.map(|c| unsafe { _mm512_loadu_pd(c.as_ptr()) });
    for _ in 0..rounds {
        for chain in v.iter_mut() {
            *chain = _mm512_fmadd_pd(*chain, m, a);
        }
    }
    for (c, v) in chains.iter_mut().zip(v) {
        // SAFETY: as above.
        unsafe { _mm512_storeu_pd(c.as_mut_ptr(), v) };
    }
}

#[inline(always)]
fn fma_chains_portable(chains: &mut [[f64; 8]; 12], rounds: usize) {
    let (m, a) = (black_box(0.999_999_9), black_box(1e-9));
    for _ in 0..rounds {
        for chain in chains.iter_mut() {
            for v in chain.iter_mut() {
                *v = v.mul_add(m, a);
            }
        }
    }
}

/// Rounds of 12 fused multiply-adds on 8 lanes per row for seven models: each model's logit (11
/// full chunks of the 90 features; the last 2 features apart, not counted) and gradient sums (12
/// chunks, the last one partial) make 161, rounded down to 13 rounds (156).
const SEVEN_MODELS_FMA_ROUNDS: usize = 7 * (11 + 12) / 12;

/// One SGD epoch at batch 50,000 and one Newton step's Hessian, each beside a plain read of the
/// same rows, with the ratios.
fn epoch_and_newton_step(c: &mut Criterion, train: &Dataset, params: &Params) {
    let values = train.x.as_slice();
    let batch = 50_000;
    let mut batches = Batches::new(train.len(), batch, 1);
    let epoch: Vec<Vec<usize>> = (0..train.len() / batch)
        .map(|_| batches.next_batch().to_vec())
        .collect();
    let run_epoch = || {
        let mut p = params.clone();
        for rows in &epoch {
            let t = step_sums(&[linear(&p)], table(train), Rows::Subset(rows)).remove(0);
            for (w, g) in p.weights.iter_mut().zip(&t.grad_sum) {
                *w -= 0.1 * g / batch as f64;
            }
        }
        p
    };
    // The study's 7 runs at batch 50,000 (4 grid rates, 3 Monte Carlo inits) train in lockstep:
    // each batch read once for all of them.
    let seven: Vec<Params> = (0..7)
        .map(|k| Params::init(params.len(), Init::Normal { seed: k }))
        .collect();
    let run_epoch_seven = || {
        let mut ps = seven.clone();
        for rows in &epoch {
            let models: Vec<_> = ps.iter().map(linear).collect();
            let totals = step_sums(&models, table(train), Rows::Subset(rows));
            for (p, t) in ps.iter_mut().zip(totals) {
                for (w, g) in p.weights.iter_mut().zip(&t.grad_sum) {
                    *w -= 0.1 * g / batch as f64;
                }
            }
        }
        ps
    };
    let read_epoch = || {
        epoch
            .iter()
            .map(|rows| gather_sum(values, rows, 0))
            .sum::<f64>()
    };
    let read_epoch_with_fmas = || {
        epoch
            .iter()
            .map(|rows| gather_sum(values, rows, SEVEN_MODELS_FMA_ROUNDS))
            .sum::<f64>()
    };
    let stride = train.len().div_ceil(HESSIAN_SAMPLE_ROWS);
    let sample: Vec<usize> = (0..train.len()).step_by(stride).collect();
    let hessian = || msd_century::internals::hessian_sum(linear(params), table(train), stride);

    let mut g = c.benchmark_group("epoch");
    g.sample_size(20);
    g.bench_function("read_batch_rows", |b| b.iter(|| black_box(read_epoch())));
    g.bench_function("read_batch_rows_with_seven_models_fmas", |b| {
        b.iter(|| black_box(read_epoch_with_fmas()))
    });
    g.bench_function("sgd_batch50000", |b| b.iter(|| black_box(run_epoch())));
    g.bench_function("sgd_batch50000_seven_models", |b| {
        b.iter(|| black_box(run_epoch_seven()))
    });
    g.finish();
    let mut g = c.benchmark_group("newton_step");
    g.sample_size(20);
    g.bench_function("read_sample_rows", |b| {
        b.iter(|| black_box(gather_sum(values, &sample, 0)))
    });
    g.bench_function("hessian_sample", |b| b.iter(|| black_box(hessian())));
    g.finish();

    let (read, sgd) = (
        mean_time(
            || {
                black_box(read_epoch());
            },
            10,
        ),
        mean_time(|| drop(black_box(run_epoch())), 10),
    );
    let sgd_seven = mean_time(|| drop(black_box(run_epoch_seven())), 10);
    let read_fmas = mean_time(
        || {
            black_box(read_epoch_with_fmas());
        },
        10,
    );
    let (read_h, hess) = (
        mean_time(
            || {
                black_box(gather_sum(values, &sample, 0));
            },
            10,
        ),
        mean_time(|| drop(black_box(hessian())), 10),
    );
    eprintln!(
        "SGD epoch, 7 models in lockstep / 1 model: {sgd_seven:.2?} / {sgd:.2?} = {:.2}x",
        sgd_seven.as_secs_f64() / sgd.as_secs_f64()
    );
    eprintln!(
        "SGD epoch of 7 models / read of the same rows: {sgd_seven:.2?} / {read:.2?} = {:.2}x; \
         the read with the 7 models' {} multiply-adds per row in registers \
         (about the least those models can cost) / the read: {read_fmas:.2?} / {read:.2?} = {:.2}x",
        sgd_seven.as_secs_f64() / read.as_secs_f64(),
        SEVEN_MODELS_FMA_ROUNDS * 12,
        read_fmas.as_secs_f64() / read.as_secs_f64()
    );
    eprintln!(
        "SGD epoch (8 batches of 50,000) / read of the same rows: {sgd:.2?} / {read:.2?} = {:.2}x; \
         Newton step Hessian ({} rows) / read of the same rows: {hess:.2?} / {read_h:.2?} = {:.2}x",
        sgd.as_secs_f64() / read.as_secs_f64(),
        sample.len(),
        hess.as_secs_f64() / read_h.as_secs_f64()
    );
}

criterion_group!(model, benches);
criterion_main!(model);
