//! Faults around the outputs: a missing or unwritable output directory, a full disk (`/dev/full`
//! and a file-size limit), a process killed while it writes the model, the cache or the report
//! (by SIGKILL at several moments, and by SIGXFSZ at the exact byte where a write crosses a
//! file-size limit). The previous file must survive intact: each final name holds the old bytes
//! or the complete new ones, never a part.
//!
//! Tests may run as root, for whom a read-only directory is still writable: that is detected
//! (by trying), and a path under `/proc` (unwritable for everyone) is used instead.

use crate::common;
use msd_century::Silent;

use msd_century::data::cache;
use serde_json::Value;
use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const DATA: [&str; 4] = ["--data", "synthetic", "--rows", "3000"];

/// The error line of a command that must fail: exit 1, one `error:` line holding every part of
/// `expect`, no panic.
fn failed(out: &Output, expect: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Progress notes aside (`note: ...`, `wrote outputs in ...`), one error line.
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].starts_with("error: "), "{stderr}");
    for e in expect {
        let found = errors[0].contains(e) || errors[0].to_lowercase().contains(&e.to_lowercase());
        assert!(found, "{e:?} not in {stderr}");
    }
    errors[0].to_string()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `cmd` with a file-size limit of `bytes`; with `ignore` the write fails with EFBIG
/// (a full disk for that file), otherwise SIGXFSZ kills the process right at that write.
fn with_file_limit(cmd: &mut Command, bytes: u64, ignore: bool) -> Output {
    // SAFETY: only async-signal-safe calls (setrlimit, signal) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if ignore {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

/// Copies the files of `from` into `to`.
fn restore(files: &BTreeMap<String, Vec<u8>>, to: &Path) {
    for (name, bytes) in files {
        let path = to.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Every file of `dir` is the old version or the complete new one (as `complete` judges);
/// temporary files left by a killed writer keep their hidden temporary names. Returns how
/// many of those were left.
fn old_or_new(
    what: &str,
    dir: &Path,
    old: &BTreeMap<String, Vec<u8>>,
    complete: &dyn Fn(&str, &[u8]) -> bool,
) -> usize {
    let now = common::files(dir);
    let mut temps = 0;
    for (name, bytes) in &now {
        // A temporary file, a staged set or the lock of a killed writer (see output_sets.rs).
        let hidden = Path::new(name)
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with(".msd-"));
        if hidden {
            temps += 1;
            continue;
        }
        let is_old = old.get(name).is_some_and(|o| o == bytes);
        assert!(
            is_old || complete(name, bytes),
            "{what}: {name} is neither the old file nor a complete new one ({} bytes)",
            bytes.len()
        );
    }
    for name in old.keys() {
        assert!(now.contains_key(name), "{what}: {name} was removed");
    }
    temps
}

fn train_cmd(out: &Path, iters: &str) -> Command {
    let mut cmd = common::cli_process();
    cmd.arg("train")
        .args(DATA)
        .args(["--iters", iters, "--batch-size", "50", "--out"])
        .arg(out);
    cmd
}

// ---------------------------------------------------------------------------------------------

#[test]
fn a_missing_output_directory_is_created_and_an_impossible_one_is_a_clear_error() {
    let dir = common::temp_dir();
    let deep = dir.path().join("a/b/c");
    ok(&train_cmd(&deep, "20").output().unwrap());
    assert!(deep.join("model.json").is_file() && deep.join("history.csv").is_file());
    let model = deep.join("model.json");

    // A parent that is a regular file: refused for everyone, root included.
    let file = common::write_file(dir.path(), "plain-file", b"x");
    let under_file = file.join("out");
    let o = train_cmd(&under_file, "20").output().unwrap();
    failed(&o, &[&under_file.display().to_string(), "Not a directory"]);
    let rows = common::write_file(dir.path(), "rows.txt", vec!["1"; 90].join(","));
    let o = common::cli_process()
        .args(["predict", "--model"])
        .arg(&model)
        .arg("--input")
        .arg(&rows)
        .arg("--output")
        .arg(file.join("p.txt"))
        .output()
        .unwrap();
    failed(&o, &["plain-file/p.txt", "Not a directory"]);
    let o = common::cli_process()
        .args(["run", "--quick"])
        .args(DATA)
        .arg("--out")
        .arg(&under_file)
        .output()
        .unwrap();
    failed(&o, &["plain-file/out", "Not a directory"]);
    let o = common::cli_process()
        .args(["predict", "--model"])
        .arg(&model)
        .arg("--input")
        .arg(&rows)
        .arg("--output")
        .arg(dir.path().join("no/such/dir/p.txt"))
        .output()
        .unwrap();
    failed(&o, &["no/such/dir", "No such file or directory"]);

    // A read-only directory; when it is writable anyway (root), a directory under /proc.
    let ro = dir.path().join("read-only");
    std::fs::create_dir(&ro).unwrap();
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    std::fs::set_permissions(&ro, perms).unwrap();
    let probe = ro.join("probe");
    let target = if std::fs::write(&probe, b"").is_ok() {
        std::fs::remove_file(&probe).unwrap();
        PathBuf::from("/proc/msd-century-test-out")
    } else {
        ro.clone()
    };
    let o = train_cmd(&target, "20").output().unwrap();
    failed(&o, &[&target.display().to_string()]);
    assert!(!target.join("model.json").exists());
}

#[test]
fn a_full_disk_is_a_clear_error_and_leaves_the_old_files() {
    let dir = common::temp_dir();
    let out = dir.path().join("out");
    ok(&train_cmd(&out, "20").output().unwrap());
    let model = out.join("model.json");
    let old = common::files(&out);

    // A file-size limit: every write past it fails (EFBIG), like a full disk for that file.
    // (history.csv, small, may be written; model.json, larger, may not.)
    let o = with_file_limit(&mut train_cmd(&out, "40"), 1000, true);
    failed(&o, &["model.json", "File too large"]);
    let now = common::files(&out);
    assert_eq!(now["model.json"], old["model.json"]);
    assert_eq!(
        now.keys().collect::<Vec<_>>(),
        old.keys().collect::<Vec<_>>(),
        "temporary files left"
    );

    // /dev/full through a link: written in place (not replaced by a file), and refused.
    let rows = common::write_file(dir.path(), "rows.txt", vec!["1"; 90].join(","));
    let link = dir.path().join("full-link");
    std::os::unix::fs::symlink("/dev/full", &link).unwrap();
    let o = common::cli_process()
        .args(["predict", "--model"])
        .arg(&model)
        .arg("--input")
        .arg(&rows)
        .arg("--output")
        .arg(&link)
        .output()
        .unwrap();
    failed(&o, &["No space left on device"]);
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("/dev/full"));

    // Standard output on /dev/full: every command says so, none panics.
    let commands: Vec<Vec<String>> = vec![
        vec![
            "predict".into(),
            "--model".into(),
            model.display().to_string(),
            "--input".into(),
            rows.display().to_string(),
        ],
        vec![
            "evaluate".into(),
            "--model".into(),
            model.display().to_string(),
        ],
        vec![
            "train".into(),
            "--iters".into(),
            "20".into(),
            "--out".into(),
            dir.path().join("o2").display().to_string(),
        ],
        vec![
            "train".into(),
            "--json".into(),
            "--iters".into(),
            "20".into(),
            "--out".into(),
            dir.path().join("o3").display().to_string(),
        ],
        vec!["data".into(), "inspect".into()],
        vec!["data".into(), "inspect".into(), "--json".into()],
        vec!["gradcheck".into()],
        vec![
            "run".into(),
            "--quick".into(),
            "--out".into(),
            dir.path().join("o4").display().to_string(),
        ],
    ];
    for args in commands {
        let mut cmd = common::cli_process();
        cmd.args(&args);
        if args[0] != "predict" {
            cmd.args(DATA);
        }
        let o = cmd
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        failed(&o, &["No space left on device"]);
    }
}

/// `train` killed by SIGXFSZ at the byte where a write crosses each of several limits, and by
/// SIGKILL at several moments: `model.json` and `history.csv` are the old ones or the new ones.
#[test]
fn killed_while_writing_the_model_leaves_old_or_new_files() {
    let dir = common::temp_dir();
    let reference = dir.path().join("reference");
    ok(&train_cmd(&reference, "60").output().unwrap());
    let new = common::files(&reference);
    let old_dir = dir.path().join("old");
    ok(&train_cmd(&old_dir, "30").output().unwrap());
    let old = common::files(&old_dir);
    assert_ne!(old["model.json"], new["model.json"]);
    let complete = |name: &str, bytes: &[u8]| new.get(name).is_some_and(|n| n == bytes);
    let model_len = new["model.json"].len() as u64;
    let mut temps = 0;
    let mut killed = 0;
    for (k, limit) in [0, 1, 100, 1000, model_len / 2, model_len - 1]
        .into_iter()
        .enumerate()
    {
        let out = dir.path().join(format!("xfsz{k}"));
        restore(&old, &out);
        let o = with_file_limit(&mut train_cmd(&out, "60"), limit, false);
        if !o.status.success() {
            killed += 1;
        }
        temps += old_or_new(&format!("limit {limit}"), &out, &old, &complete);
    }
    assert!(killed >= 5, "the limits did not stop the writes");
    for (k, ms) in [0u64, 20, 60, 120, 250, 500, 1000].into_iter().enumerate() {
        let out = dir.path().join(format!("kill{k}"));
        restore(&old, &out);
        let mut child = train_cmd(&out, "60")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill();
        child.wait().unwrap();
        temps += old_or_new(&format!("SIGKILL after {ms} ms"), &out, &old, &complete);
    }
    eprintln!("temporary files left by killed writers: {temps}");
}

/// `data inspect` killed while it writes the cache: the cache is never trusted half-written.
#[test]
fn killed_while_writing_the_cache_never_leaves_a_trusted_partial_cache() {
    let dir = common::temp_dir();
    let values = msd_century::data::synthetic::generate(400, 3);
    let data = dir.path().join("d.txt");
    msd_century::data::write::write_uci(&data, &values).unwrap();
    let expected = msd_century::data::uci::parse_file(&data, &Silent).unwrap();
    let (npy, json) = cache::cache_paths(&data);
    let npy_len = (cache::npy_header(400, 91).len() + 400 * 91 * 8) as u64;
    let mut killed = 0;
    for limit in [0u64, 64, 4096, npy_len / 2, npy_len - 1, npy_len + 100] {
        let _ = std::fs::remove_file(&npy);
        let _ = std::fs::remove_file(&json);
        let o = with_file_limit(
            common::cli_process()
                .args(["data", "inspect", "--data"])
                .arg(&data),
            limit,
            false,
        );
        if !o.status.success() {
            killed += 1;
        }
        // Whatever was left, the next load gives the parsed values; a partial npy is not a hit.
        let (m, outcome) = cache::load(&data, &Silent).unwrap();
        assert_eq!(m, expected, "limit {limit}");
        if outcome == cache::Outcome::Hit {
            assert_eq!(
                std::fs::metadata(&npy).unwrap().len(),
                npy_len,
                "limit {limit}: a partial cache was used"
            );
        }
    }
    assert!(killed >= 4, "the limits did not stop the writes");
}

/// `run --quick` killed at several limits and moments: every report file is old or new.
#[test]
fn killed_while_writing_the_report_leaves_old_or_new_files() {
    let dir = common::temp_dir();
    let run = |out: &Path, seed: &str| {
        let mut cmd = common::cli_process();
        cmd.args(["run", "--quick", "--seed", seed])
            .args(DATA)
            .arg("--out")
            .arg(out);
        cmd
    };
    let reference = dir.path().join("reference");
    ok(&run(&reference, "1").output().unwrap());
    let new = common::files(&reference);
    let old_dir = dir.path().join("old");
    ok(&run(&old_dir, "2").output().unwrap());
    let old = common::files(&old_dir);
    let figures = |bytes: &[u8]| -> Option<Value> {
        let mut v: Value = serde_json::from_slice(bytes).ok()?;
        v.as_object_mut()?.remove("timings");
        v.as_object_mut()?.remove("command_line");
        Some(v)
    };
    let new_figures = figures(&new["results.json"]).unwrap();
    // Timings and the command line differ between runs; everything else must be the new bytes.
    let complete = |name: &str, bytes: &[u8]| match name {
        "results.json" => figures(bytes).is_some_and(|v| v == new_figures),
        "report.html" => bytes.trim_ascii_end().ends_with(b"</html>"),
        _ => new.get(name).is_some_and(|n| n == bytes),
    };
    let mut killed = 0;
    let sizes = [
        0u64,
        2000,
        20_000,
        100_000,
        new["report.html"].len() as u64 - 1,
    ];
    for (k, limit) in sizes.into_iter().enumerate() {
        let out = dir.path().join(format!("xfsz{k}"));
        restore(&old, &out);
        let o = with_file_limit(&mut run(&out, "1"), limit, false);
        if !o.status.success() {
            killed += 1;
        }
        old_or_new(&format!("limit {limit}"), &out, &old, &complete);
    }
    assert!(killed >= 4, "the limits did not stop the writes");
    for (k, ms) in [50u64, 150, 300, 600].into_iter().enumerate() {
        let out = dir.path().join(format!("kill{k}"));
        restore(&old, &out);
        let mut child = run(&out, "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill();
        child.wait().unwrap();
        old_or_new(&format!("SIGKILL after {ms} ms"), &out, &old, &complete);
    }
}

/// One message per cause: a missing model file is not reported twice over.
#[test]
fn a_missing_file_is_named_once() {
    let dir = common::temp_dir();
    let missing = dir.path().join("missing.json");
    let rows = common::write_file(dir.path(), "rows.txt", vec!["1"; 90].join(","));
    let o = common::cli_process()
        .args(["predict", "--model"])
        .arg(&missing)
        .arg("--input")
        .arg(&rows)
        .output()
        .unwrap();
    let line = failed(&o, &["missing.json", "No such file or directory"]);
    assert_eq!(line.matches("No such file").count(), 1, "{line}");
}
