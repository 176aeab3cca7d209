//! Full-size synthetic data: generation in memory, its reload from the cache, writing it as UCI
//! text (from the matrix, and streamed batch by batch as `data synth` does).

use criterion::{criterion_group, criterion_main, Criterion};
use msd_century::data::cache::{load_synthetic, Outcome};
use msd_century::data::synthetic::{self, generate};
use msd_century::data::table::FULL_ROWS;
use msd_century::data::write::write_uci;
use msd_century::Silent;
use std::hint::black_box;

fn bench_generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("synthetic");
    group.sample_size(10);
    group.bench_function("generate_full", |b| {
        b.iter(|| black_box(generate(black_box(FULL_ROWS), 1)))
    });
    let dir = tempfile::tempdir().expect("temporary directory");
    let (_, outcome) = load_synthetic(dir.path(), FULL_ROWS, 1, &Silent).expect("cache");
    assert_eq!(outcome, Outcome::Built);
    group.bench_function("cache_reload_full", |b| {
        b.iter(|| {
            let (m, outcome) = load_synthetic(dir.path(), FULL_ROWS, 1, &Silent).expect("cache");
            assert_eq!(outcome, Outcome::Hit);
            black_box(m.rows())
        })
    });
    let values = generate(FULL_ROWS, 1);
    let path = dir.path().join("synth.txt");
    group.bench_function("write_uci_full", |b| {
        b.iter(|| write_uci(&path, &values).expect("write"))
    });
    group.bench_function("write_uci_streamed_full", |b| {
        b.iter(|| synthetic::write_uci(&path, FULL_ROWS, 1, &Silent).expect("write"))
    });
    group.finish();
}

criterion_group!(benches, bench_generate);
criterion_main!(benches);
