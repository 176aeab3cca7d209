//! Shared helpers of the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `msd-century` binary, ready for arguments.
pub fn cli() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("msd-century").expect("binary built by cargo");
    cmd.env_remove("MSD_DATA");
    cmd
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

/// A Python interpreter with numpy, pandas and scikit-learn: `$MSD_PYTHON` if set, else a virtual
/// environment under `target/pyenv`, made (with pip, from PyPI) on first use. Panics with the
/// reason when it cannot be made, so a test that needs it fails instead of passing silently.
pub fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            if let Ok(p) = std::env::var("MSD_PYTHON") {
                return PathBuf::from(p);
            }
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
            let venv = root.join("pyenv");
            let python = venv.join("bin/python");
            let ready = venv.join(".ready");
            // A lock file keeps test binaries that run at the same time from building it twice.
            std::fs::create_dir_all(&root).expect("target dir");
            let lock = std::fs::File::create(root.join("pyenv.lock")).expect("lock file");
            lock.lock().expect("lock the venv");
            if !ready.exists() {
                run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
                run(Command::new(&python).args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "numpy",
                    "pandas",
                    "scikit-learn",
                ]));
                std::fs::write(&ready, "").expect("mark venv ready");
            }
            python
        })
        .clone()
}

fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(status.success(), "{cmd:?} failed: {status}");
}
