//! Shared helpers of the integration tests.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `msd-century` binary, ready for arguments, without `$MSD_DATA` (so that a test's data
/// are the ones it names).
pub fn cli() -> assert_cmd::Command {
    assert_cmd::Command::from_std(cli_process())
}

/// [`cli`] as a plain process, for tests that spawn, limit or kill it. Its user cache (of the
/// synthetic data) is a directory of this test run, not the user's, and no proxy is set.
pub fn cli_process() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("msd-century"));
    cmd.env_remove("MSD_DATA");
    cmd.env("XDG_CACHE_HOME", test_cache_home());
    for proxy in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
    ] {
        cmd.env_remove(proxy);
    }
    cmd
}

/// The user cache directory that the tests' commands see, one per test run.
pub fn test_cache_home() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("msd-test-cache-")
            .tempdir()
            .expect("cache directory")
    })
    .path()
}

/// The bits of each value: equality that tells `-0.0` from `0.0` and compares NaNs.
pub fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// The bytes of every file under `dir` (recursively), by name relative to `dir`.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// A fresh temporary directory, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("msd-test-")
        .tempdir()
        .expect("temporary directory")
}

/// Writes `contents` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write test file");
    path
}

/// Where `scripts/setup-oracles` puts the oracles' Python environment by default.
fn default_oracle_venv() -> Option<PathBuf> {
    if let Some(venv) = std::env::var_os("MSD_ORACLE_VENV") {
        return Some(PathBuf::from(venv));
    }
    let home = std::env::var_os("HOME")?;
    Some(Path::new(&home).join(".cache/msd-century/oracle-venv"))
}

/// The Python interpreter of the oracles with every module of `modules` importable:
/// `$MSD_PYTHON` if set, else the environment made by `scripts/setup-oracles`. `None` (the test
/// is skipped, with a notice) when there is none; under `CI=true` that panics (see
/// [`no_oracle`]).
pub fn oracle_python(modules: &[&str]) -> Option<PathBuf> {
    // Which of the oracle modules the interpreter has, found once for all the tests.
    static FOUND: OnceLock<Result<(PathBuf, Vec<String>), String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let python = match std::env::var_os("MSD_PYTHON") {
            Some(p) => PathBuf::from(p),
            None => default_oracle_venv()
                .ok_or("neither $MSD_PYTHON nor $HOME is set")?
                .join("bin/python"),
        };
        let probe = "import importlib.util, sys\n\
            print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m)))";
        let out = Command::new(&python)
            .args([
                "-c",
                probe,
                "numpy",
                "pandas",
                "sklearn",
                "scipy",
                "statsmodels",
            ])
            .output()
            .map_err(|e| format!("{}: {e}", python.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} failed: {}",
                python.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let have = String::from_utf8_lossy(&out.stdout);
        Ok((python, have.split_whitespace().map(String::from).collect()))
    });
    match found {
        Ok((python, have)) => {
            let missing: Vec<&str> = modules
                .iter()
                .copied()
                .filter(|m| !have.iter().any(|h| h == m))
                .collect();
            if missing.is_empty() {
                Some(python.clone())
            } else {
                no_oracle(&format!(
                    "oracle python {} lacks {}",
                    python.display(),
                    missing.join(", ")
                ))
            }
        }
        Err(why) => no_oracle(&format!("no oracle python ({why})")),
    }
}

/// Debian's chromium, the browser of the report's test, if installed.
pub fn oracle_chromium() -> Option<PathBuf> {
    let chromium = Path::new("/usr/bin/chromium");
    if chromium.is_file() {
        Some(chromium.to_path_buf())
    } else {
        no_oracle("no /usr/bin/chromium")
    }
}

/// The one decision for a test whose oracle is missing: under `CI=true` the test fails (CI must
/// run every comparison); elsewhere it is skipped, with the reason on stderr. The notice goes to
/// the process's stderr, past the test harness's capture, so that `cargo test` shows it.
pub fn no_oracle<T>(why: &str) -> Option<T> {
    let line = format!("{why} (run scripts/setup-oracles)");
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{line}; under CI=true an oracle test may not be skipped");
    }
    // libtest names each test's thread after the test.
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {line}");
    None
}

/// The Newton optimum of `data` with L2 strength `l2`.
pub fn newton(
    data: &msd_century::data::Dataset,
    l2: f64,
) -> msd_century::Result<msd_century::train::NewtonFit> {
    msd_century::train::NewtonSettings {
        l2,
        ..Default::default()
    }
    .check()?
    .fit(data)
}

/// The library baseline on `data` with L2 strength `l2`.
pub fn library(
    data: &msd_century::data::Dataset,
    l2: f64,
) -> msd_century::Result<msd_century::train::LibraryFit> {
    msd_century::train::LibrarySettings { l2: Some(l2) }
        .check()?
        .fit(data)
}

/// Sends the signal `name` (`INT`, `TERM`, `KILL`) to the process `pid`.
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .expect("kill");
    assert!(status.success(), "kill -{name} {pid}");
}

/// A directory under Cargo's scratch space for integration tests (`target/tmp`), named for this
/// test process and made empty: for outputs that several tests share, which outlive any one
/// test. Directories of earlier processes with the same `name` are removed.
pub fn scratch_dir(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    if let Ok(entries) = std::fs::read_dir(root) {
        for entry in entries.flatten() {
            let file = entry.file_name();
            let file = file.to_string_lossy();
            let stale = file
                .strip_prefix(&format!("{name}-"))
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
            if stale {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = root.join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Asserts that `text`, a number as the report quotes it (`0.7254`, `+0.0137`, `-5.8`, `95%`,
/// `3.1e-5`, `51630`), is the value at the JSON pointer `path` of `json` to the precision it is
/// written with: within half a unit of its last digit.
pub fn assert_quoted(json: &serde_json::Value, path: &str, text: &str) {
    let value = json
        .pointer(path)
        .and_then(serde_json::Value::as_f64)
        .unwrap_or_else(|| panic!("{path} (quoted as {text:?}) is not a number in the results"));
    let (body, scale) = match text.strip_suffix('%') {
        Some(body) => (body, 0.01),
        None => (text, 1.0),
    };
    let body = body.strip_prefix('+').unwrap_or(body);
    let (mantissa, exponent) = match body.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().expect("exponent")),
        None => (body, 0),
    };
    let decimals = mantissa.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    let quoted: f64 = body
        .parse::<f64>()
        .unwrap_or_else(|_| panic!("{text:?} is not a number"))
        * scale;
    let half_unit = 0.5 * 10f64.powi(exponent - decimals) * scale;
    assert!(
        (quoted - value).abs() <= half_unit * (1.0 + 1e-9) + 1e-15 * value.abs(),
        "{path}: the report quotes {text:?}, the results hold {value}"
    );
}
