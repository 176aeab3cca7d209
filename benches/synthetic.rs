//! Full-size synthetic data: generation in memory, and writing it as UCI text.

use criterion::{criterion_group, criterion_main, Criterion};
use msd_century::data::synthetic::generate;
use msd_century::data::table::FULL_ROWS;
use msd_century::data::write::write_uci;
use std::hint::black_box;

fn bench_generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("synthetic");
    group.sample_size(10);
    group.bench_function("generate_full", |b| {
        b.iter(|| black_box(generate(black_box(FULL_ROWS), 1)))
    });
    let values = generate(FULL_ROWS, 1);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("synth.txt");
    group.bench_function("write_uci_full", |b| {
        b.iter(|| write_uci(&path, &values).expect("write"))
    });
    group.finish();
}

criterion_group!(benches, bench_generate);
criterion_main!(benches);
