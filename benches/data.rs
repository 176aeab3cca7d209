//! Loading the full-size data: parse of the text file and of a zip of it, reload from the
//! binary cache (which hashes the whole source to check it), the source's hash alone, and a
//! plain streaming read of the same bytes for reference.
//!
//! The file (515,345 rows x 91 fields, about 450 MB, values with 5 decimals like the real data)
//! is made once by a seeded generator under `target/bench-data/` and reused.

#[path = "common/stream.rs"]
mod stream;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use msd_century::data::{cache, uci, FULL_ROWS, N_FIELDS};
use msd_century::Silent;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// xorshift64*: a tiny seeded generator, enough for bench data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data")
}

/// The full-size text file, written once.
fn text_file() -> PathBuf {
    let path = bench_dir().join("msd-full.txt");
    if path.is_file() {
        return path;
    }
    std::fs::create_dir_all(bench_dir()).expect("bench dir");
    let tmp = path.with_extension("tmp");
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp).expect("create"));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Timbre averages are tens, covariances hundreds to thousands, as in the real file.
    let scale: Vec<f64> = (0..N_FIELDS - 1)
        .map(|j| {
            if j < 12 {
                40.0
            } else {
                20.0 + 600.0 * ((j * 37) % 11) as f64 / 10.0
            }
        })
        .collect();
    let mut line = String::with_capacity(1024);
    for _ in 0..FULL_ROWS {
        use std::fmt::Write as _;
        line.clear();
        let year = 1922 + (90.0 * rng.unit().sqrt()) as u32;
        write!(line, "{}", year.min(2011)).expect("format");
        for s in &scale {
            let v = (rng.unit() + rng.unit() + rng.unit() - 1.5) * s;
            write!(line, ",{v:.5}").expect("format");
        }
        line.push('\n');
        out.write_all(line.as_bytes()).expect("write");
    }
    out.flush().expect("flush");
    drop(out);
    std::fs::rename(&tmp, &path).expect("rename");
    path
}

/// A zip archive holding the text file, written once.
fn zip_file(text: &Path) -> PathBuf {
    let path = bench_dir().join("msd-full.txt.zip");
    if path.is_file() {
        return path;
    }
    let tmp = path.with_extension("tmp");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&tmp).expect("create"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("msd-full.txt", options).expect("zip entry");
    let mut src = std::fs::File::open(text).expect("open");
    std::io::copy(&mut src, &mut zip).expect("compress");
    zip.finish().expect("finish zip");
    std::fs::rename(&tmp, &path).expect("rename");
    path
}

fn loading(c: &mut Criterion) {
    let text = text_file();
    let zipped = zip_file(&text);
    // Make sure the cache exists before the reload bench.
    let (m, _) = cache::load(&text, &Silent).expect("cache build");
    assert_eq!((m.rows(), m.cols()), (FULL_ROWS, N_FIELDS));
    standardizing(c, &m);
    drop(m);

    let mut group = c.benchmark_group("data");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("stream_read_text", |b| {
        b.iter(|| {
            let mut f = std::fs::File::open(&text).expect("open");
            let mut buf = vec![0u8; 8 << 20];
            let mut total = 0usize;
            loop {
                let n = f.read(&mut buf).expect("read");
                if n == 0 {
                    break;
                }
                total += n;
            }
            black_box(total)
        })
    });
    group.bench_function("parse_text", |b| {
        b.iter(|| black_box(uci::parse_file(&text, &Silent).expect("parse").rows()))
    });
    // The cache's key: an xxh3 hash of every byte of the source, on every load.
    group.bench_function("source_hash", |b| {
        b.iter(|| black_box(cache::source_key(&text).expect("hash").size))
    });
    group.bench_function("cache_reload", |b| {
        b.iter(|| {
            let (m, outcome) = cache::load(&text, &Silent).expect("cache");
            assert_eq!(outcome, cache::Outcome::Hit);
            black_box(m.rows())
        })
    });
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("parse_zip", |b| {
        b.iter(|| black_box(uci::parse_file(&zipped, &Silent).expect("parse").rows()))
    });
    group.finish();
}

/// A plain streaming read of `values`, in the kernel's chunks.
fn stream_sum(values: &[f64]) -> f64 {
    stream::stream_sum(values, 8192 * N_FIELDS)
}

/// Standardization of the default train part (fit: two passes; then the standardized copy)
/// beside a plain read of the same rows, with the ratio.
fn standardizing(c: &mut Criterion, m: &msd_century::data::Matrix) {
    use msd_century::data::Standardizer;
    const TRAIN_ROWS: usize = 463_715;
    let rows: Vec<usize> = (0..TRAIN_ROWS).collect();
    let standardize = || {
        let s = Standardizer::fit(m, 0..TRAIN_ROWS).expect("fit");
        s.transform_rows(m, &rows)
    };
    let part = &m.as_slice()[..TRAIN_ROWS * N_FIELDS];
    let mut group = c.benchmark_group("prepare");
    group.sample_size(10);
    group.bench_function("stream_read_train_rows", |b| {
        b.iter(|| black_box(stream_sum(part)))
    });
    group.bench_function("standardize_train_rows", |b| {
        b.iter(|| black_box(standardize()))
    });
    group.finish();
    let time = |f: &dyn Fn()| {
        f();
        let start = std::time::Instant::now();
        for _ in 0..5 {
            f();
        }
        start.elapsed() / 5
    };
    let read = time(&|| {
        black_box(stream_sum(part));
    });
    let fit = time(&|| drop(black_box(standardize())));
    eprintln!(
        "standardize / streaming read of the same {} MB: {fit:.2?} / {read:.2?} = {:.2}x",
        part.len() * 8 / 1_000_000,
        fit.as_secs_f64() / read.as_secs_f64()
    );
}

criterion_group!(benches, loading);
criterion_main!(benches);
