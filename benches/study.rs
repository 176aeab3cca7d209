//! The whole `run` on the full-size synthetic data (515,345 rows), from loading the data to the
//! written report, with the default protocol and with `--quick`. Each sample is one whole study,
//! so the sample count is the smallest criterion allows.
//!
//! The data come from the synthetic data's cache, as in every `run` after the first: the cache is
//! written (in a temporary directory) before the first sample. `cargo bench --bench synthetic`
//! times the generation itself.
//!
//! `cargo bench --bench study` (use a release target directory); the figure to compare with the
//! classic numpy code is the `full` mean.

use criterion::{criterion_group, criterion_main, Criterion};
use msd_century::data::{load_splits, DataOptions, DataSource, SplitOptions, FULL_ROWS};
use msd_century::experiments::{run_study, StudyConfig};
use msd_century::report::write_outputs;
use msd_century::Silent;
use std::path::Path;
use std::time::Duration;

/// The options of `run` on the default synthetic data, its cache in `cache`.
fn options(cache: &Path) -> DataOptions {
    DataOptions {
        source: DataSource::Synthetic {
            rows: FULL_ROWS,
            seed: 1,
        },
        split: SplitOptions::default(),
        use_cache: true,
        synthetic_cache: Some(cache.to_path_buf()),
    }
}

fn whole_run(config: &StudyConfig, cache: &Path) {
    let (table, splits) = load_splits(&options(cache), &Silent).expect("synthetic data");
    let results = run_study(&table, &splits, config, &Silent).expect("study");
    let dir = tempfile::tempdir().expect("temporary directory");
    write_outputs(dir.path(), &results).expect("outputs");
}

fn bench(c: &mut Criterion) {
    let cache_dir = tempfile::tempdir().expect("temporary cache directory");
    let cache = cache_dir.path();
    load_splits(&options(cache), &Silent).expect("synthetic data, generated and cached");
    let mut group = c.benchmark_group("study");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    group.bench_function("quick", |b| {
        b.iter(|| whole_run(&StudyConfig::quick(), cache))
    });
    group.bench_function("full", |b| {
        b.iter(|| whole_run(&StudyConfig::default(), cache))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
