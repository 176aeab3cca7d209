//! The binary cache: served when valid, rebuilt when the source changed or the cache is damaged,
//! skipped (with a notice) when it cannot be written, and readable by numpy.

use crate::common;
use msd_century::Silent;

use msd_century::data::cache::{self, Outcome};
use msd_century::data::uci;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// `rows` lines of UCI text, seeded by `salt`, all of the same length for a given `rows`.
fn sample(rows: usize, salt: u64) -> String {
    let mut out = String::new();
    for i in 0..rows as u64 {
        let year = 1950 + (i * 7 + salt) % 60;
        out.push_str(&year.to_string());
        for j in 1..91u64 {
            let v = ((i * 131 + j * 17 + salt * 7919) % 100_000) as f64 / 1000.0 - 50.0;
            out.push_str(&format!(",{v:+09.3}"));
        }
        out.push('\n');
    }
    out
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

fn set_mtime(path: &Path, time: SystemTime) {
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.set_modified(time).unwrap();
}

fn setup(rows: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = common::temp_dir();
    let path = common::write_file(dir.path(), "songs.txt", sample(rows, 1));
    (dir, path)
}

#[test]
fn second_load_comes_from_the_cache_and_equals_the_parse() {
    let (_dir, path) = setup(40);
    let parsed = uci::parse_file(&path, &Silent).unwrap();
    let (first, outcome) = cache::load(&path, &Silent).unwrap();
    assert_eq!(outcome, Outcome::Built);
    let (npy, json) = cache::cache_paths(&path);
    assert!(npy.is_file() && json.is_file());
    assert!(npy.display().to_string().ends_with("songs.txt.cache.npy"));
    let (second, outcome) = cache::load(&path, &Silent).unwrap();
    assert_eq!(outcome, Outcome::Hit);
    assert_eq!(
        common::bits(first.as_slice()),
        common::bits(parsed.as_slice())
    );
    assert_eq!(
        common::bits(second.as_slice()),
        common::bits(parsed.as_slice())
    );
    assert_eq!((second.rows(), second.cols()), (40, 91));
}

#[test]
fn a_changed_source_is_parsed_again() {
    let (_dir, path) = setup(30);
    cache::load(&path, &Silent).unwrap();
    let before = mtime(&path);

    // Same size, different bytes, same modification time (`touch -r`, `rsync -t`): only the
    // hash of the contents can tell.
    let other = sample(30, 2);
    assert_eq!(
        other.len(),
        std::fs::metadata(&path).unwrap().len() as usize
    );
    std::fs::write(&path, &other).unwrap();
    set_mtime(&path, before);
    let (m, outcome) = cache::load(&path, &Silent).unwrap();
    assert!(matches!(outcome, Outcome::Rebuilt(_)), "{outcome:?}");
    assert_eq!(
        common::bits(m.as_slice()),
        common::bits(uci::parse_file(&path, &Silent).unwrap().as_slice())
    );
    assert_eq!(cache::load(&path, &Silent).unwrap().1, Outcome::Hit);

    // Same bytes, touched: the contents decide, so the cache still serves them.
    set_mtime(&path, before + Duration::from_secs(5));
    assert_eq!(cache::load(&path, &Silent).unwrap().1, Outcome::Hit);
}

#[test]
fn a_damaged_cache_is_detected_and_rebuilt() {
    let (_dir, path) = setup(25);
    let (good, _) = cache::load(&path, &Silent).unwrap();
    let (npy, json) = cache::cache_paths(&path);
    let original = std::fs::read(&npy).unwrap();
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage, &str); 4] = [
        (
            "flipped data byte",
            |b| {
                let n = b.len();
                b[n - 100] ^= 0x01
            },
            "checksum",
        ),
        ("flipped header byte", |b| b[20] ^= 0x20, "header"),
        ("truncated", |b| b.truncate(b.len() - 8), "bytes, expected"),
        ("empty", |b| b.clear(), "bytes, expected"),
    ];
    for (what, damage, reason) in damages {
        let mut bytes = original.clone();
        damage(&mut bytes);
        std::fs::write(&npy, &bytes).unwrap();
        let (m, outcome) = cache::load(&path, &Silent).unwrap();
        match &outcome {
            Outcome::Rebuilt(why) => assert!(why.contains(reason), "{what}: {why}"),
            other => panic!("{what}: {other:?}"),
        }
        assert_eq!(
            common::bits(m.as_slice()),
            common::bits(good.as_slice()),
            "{what}"
        );
        assert_eq!(
            std::fs::read(&npy).unwrap(),
            original,
            "{what}: not rewritten"
        );
        assert_eq!(
            cache::load(&path, &Silent).unwrap().1,
            Outcome::Hit,
            "{what}"
        );
    }
    std::fs::write(&json, b"{ not json").unwrap();
    assert!(matches!(
        cache::load(&path, &Silent).unwrap().1,
        Outcome::Rebuilt(_)
    ));
    std::fs::remove_file(&npy).unwrap();
    assert!(matches!(
        cache::load(&path, &Silent).unwrap().1,
        Outcome::Rebuilt(_)
    ));
    assert_eq!(cache::load(&path, &Silent).unwrap().1, Outcome::Hit);

    // Through the CLI: a notice, and the command still succeeds.
    let mut bytes = original.clone();
    let n = bytes.len();
    bytes[n - 1] ^= 0x40;
    std::fs::write(&npy, &bytes).unwrap();
    let out = common::cli()
        .args(["data", "inspect", "--json", "--data"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("is damaged (checksum mismatch)"),
        "{stderr}"
    );
}

#[test]
fn an_unwritable_cache_only_gives_a_notice() {
    let (_dir, path) = setup(20);
    // A directory where the cache file should go: the rename over it fails, even for root.
    let (npy, _) = cache::cache_paths(&path);
    std::fs::create_dir(&npy).unwrap();
    let (m, outcome) = cache::load(&path, &Silent).unwrap();
    assert!(matches!(outcome, Outcome::NotWritten(_)), "{outcome:?}");
    assert_eq!(m.rows(), 20);
    let out = common::cli()
        .args(["data", "inspect", "--data"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("cannot write the cache"), "{stderr}");
}

#[test]
fn no_cache_leaves_no_files_and_errors_still_name_the_source() {
    let (dir, path) = setup(20);
    let out = common::cli()
        .args(["data", "inspect", "--no-cache", "--data"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let (npy, json) = cache::cache_paths(&path);
    assert!(!npy.exists() && !json.exists());
    let missing = dir.path().join("missing.txt");
    let err = cache::load_or_parse(&missing, &Silent)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing.txt"), "{err}");
}

#[test]
fn numpy_reads_the_cache() {
    let Some(python) = common::oracle_python(&["numpy"]) else {
        return;
    };
    let (_dir, path) = setup(35);
    let (m, _) = cache::load(&path, &Silent).unwrap();
    let (npy, _) = cache::cache_paths(&path);
    // numpy's view of the cache against Python's own float() of the text: independent of us.
    let script = r#"
import sys, numpy as np
a = np.load(sys.argv[1])
assert a.dtype == np.dtype('<f8'), a.dtype
assert a.flags['C_CONTIGUOUS']
ref = np.array([[float(x) for x in l.split(',')] for l in open(sys.argv[2]) if l.strip()])
assert a.shape == ref.shape, (a.shape, ref.shape)
assert np.array_equal(a, ref)
sys.stdout.write(a.tobytes().hex())
"#;
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&npy)
        .arg(&path)
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: String = m
        .as_slice()
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(String::from_utf8_lossy(&out.stdout), ours);
}

#[test]
fn a_sidecar_with_an_impossible_shape_is_rebuilt_without_overflow() {
    let (_dir, path) = setup(10);
    let (good, _) = cache::load(&path, &Silent).unwrap();
    let (_, json) = cache::cache_paths(&path);
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    // rows · 91 fits in 64 bits, rows · 91 · 8 does not; then a shape whose product overflows.
    for rows in [u64::MAX / 91 / 4, u64::MAX / 91 + 1, u64::MAX] {
        let mut m = meta.clone();
        m["rows"] = rows.into();
        std::fs::write(&json, serde_json::to_vec(&m).unwrap()).unwrap();
        let (values, outcome) = cache::load(&path, &Silent).unwrap();
        assert!(
            matches!(outcome, Outcome::Rebuilt(_)),
            "{rows}: {outcome:?}"
        );
        assert_eq!(
            common::bits(values.as_slice()),
            common::bits(good.as_slice())
        );
    }
}

mod damage {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 60, failure_persistence: None, ..ProptestConfig::default() })]

        /// Random damage to the npy or the sidecar: the rows are always the parsed ones, and a
        /// changed npy is never served.
        #[test]
        fn damaged_caches_are_never_trusted(
            edits in proptest::collection::vec((any::<bool>(), 0u8..3, any::<u32>(), 1u8..=255), 1..4),
        ) {
            let (_dir, path) = setup(12);
            let (good, _) = cache::load(&path, &Silent).unwrap();
            let (npy, json) = cache::cache_paths(&path);
            let original = std::fs::read(&npy).unwrap();
            for (in_npy, how, at, x) in edits {
                let file = if in_npy { &npy } else { &json };
                let mut bytes = std::fs::read(file).unwrap();
                let len = bytes.len();
                match how {
                    0 => bytes.truncate(at as usize % (len + 1)),
                    1 if len > 0 => bytes[at as usize % len] ^= x,
                    _ => {
                        let i = at as usize % (len + 1);
                        bytes.insert(i, x);
                    }
                }
                std::fs::write(file, bytes).unwrap();
            }
            let changed = std::fs::read(&npy).unwrap() != original;
            let (m, outcome) = cache::load(&path, &Silent).unwrap();
            prop_assert_eq!(common::bits(m.as_slice()), common::bits(good.as_slice()));
            prop_assert!(!(changed && outcome == Outcome::Hit), "damaged npy served");
        }
    }
}

/// `data inspect --json` of `data` with `extra` flags, without the source's name.
fn inspect(data: &Path, extra: &[&str]) -> serde_json::Value {
    let out = common::cli()
        .args(["data", "inspect", "--json", "--data"])
        .arg(data)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_edit_that_keeps_size_and_time_gives_the_numbers_of_no_cache() {
    let (_dir, path) = setup(30);
    let before = inspect(&path, &[]);
    let stamp = mtime(&path);
    std::fs::write(&path, sample(30, 5)).unwrap();
    set_mtime(&path, stamp); // `touch -r`, `rsync -t`
    let after = inspect(&path, &[]);
    assert_ne!(after, before);
    assert_eq!(after, inspect(&path, &["--no-cache"]));
}

#[test]
fn synthetic_data_are_cached_by_generator_rows_and_seed() {
    let dir = common::temp_dir();
    let load = |rows, seed| cache::load_synthetic(dir.path(), rows, seed, &Silent).unwrap();
    let generated = msd_century::data::synthetic::generate(700, 4);
    let (first, outcome) = load(700, 4);
    assert_eq!(outcome, Outcome::Built);
    let (second, outcome) = load(700, 4);
    assert_eq!(outcome, Outcome::Hit);
    assert_eq!(
        common::bits(first.as_slice()),
        common::bits(generated.as_slice())
    );
    assert_eq!(
        common::bits(second.as_slice()),
        common::bits(generated.as_slice())
    );

    // Other rows or another seed: their own cache, never the first one's.
    for (rows, seed) in [(701, 4), (700, 5)] {
        let (m, outcome) = load(rows, seed);
        assert_eq!(outcome, Outcome::Built);
        let want = msd_century::data::synthetic::generate(rows, seed);
        assert_eq!(common::bits(m.as_slice()), common::bits(want.as_slice()));
    }
    assert_eq!(load(700, 4).1, Outcome::Hit);

    // Damaged: detected and generated again.
    let (npy, _) = cache::synthetic_cache_paths(dir.path(), 700, 4);
    let mut bytes = std::fs::read(&npy).unwrap();
    let n = bytes.len();
    bytes[n - 9] ^= 0x10;
    std::fs::write(&npy, &bytes).unwrap();
    let (m, outcome) = load(700, 4);
    assert!(
        matches!(&outcome, Outcome::Rebuilt(why) if why.contains("checksum")),
        "{outcome:?}"
    );
    assert_eq!(
        common::bits(m.as_slice()),
        common::bits(generated.as_slice())
    );
    assert_eq!(load(700, 4).1, Outcome::Hit);
}

#[test]
fn the_command_line_caches_synthetic_data_in_the_user_cache_unless_told_not_to() {
    let home = common::temp_dir();
    let inspect = |extra: &[&str]| {
        let out = common::cli()
            .env("XDG_CACHE_HOME", home.path())
            .args([
                "data",
                "inspect",
                "--json",
                "--data",
                "synthetic",
                "--rows",
                "900",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let plain = inspect(&["--no-cache"]);
    assert!(!home.path().join("msd-century").exists());
    assert_eq!(inspect(&[]), plain);
    let names: Vec<String> = common::files(&home.path().join("msd-century"))
        .into_keys()
        .collect();
    assert_eq!(names, ["synthetic-g1-900-1.json", "synthetic-g1-900-1.npy"]);
    assert_eq!(inspect(&[]), plain);
}
