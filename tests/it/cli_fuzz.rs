//! Generated command lines: every command, every flag, hostile values (huge, negative, NaN,
//! empty, unicode; paths that are directories, FIFOs without a writer, missing, empty, standard
//! input). Whatever the line, the command ends with an exit code of the documented set (0, 1,
//! 2, 3, 4), never a panic or an abort; one that is still working after a moment (a FIFO to
//! wait for, a long training) must stop on Ctrl-C with 130 (a second Ctrl-C exits at once).
//!
//! Each case runs the built binary on a 40-row data file (or 40 rows of synthetic data), so the
//! 200 cases take about ten seconds, most of it the few cases that wait on a FIFO until their
//! Ctrl-C. `MSD_FUZZ_SLOW=1` prints the cases that took longer than 0.3 s.

use crate::common;

use msd_century::data::{synthetic, write};
use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Cases run; and of them, cases that had to be interrupted.
static CASES: AtomicUsize = AtomicUsize::new(0);
static INTERRUPTED: AtomicUsize = AtomicUsize::new(0);
const CASES_PER_RUN: u32 = 200;

/// How long a case may work before it is sent Ctrl-C.
const DEADLINE: Duration = Duration::from_secs(1);

struct Scene {
    _dir: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
    model: PathBuf,
    /// Paths for any flag that takes one.
    paths: Vec<String>,
}

fn scene() -> &'static Scene {
    static S: OnceLock<Scene> = OnceLock::new();
    S.get_or_init(|| {
        let dir = common::temp_dir();
        let root = dir.path().to_path_buf();
        let data = root.join("tiny.txt");
        write::write_uci(&data, &synthetic::generate(40, 3)).unwrap();
        let out = root.join("model");
        let o = common::cli()
            .args(["train", "--solver", "newton", "--l2", "1e-2", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let rows = common::write_file(&root, "rows.txt", vec!["1.5"; 90].join(",") + "\n");
        let empty = common::write_file(&root, "empty.txt", "");
        let fifo = root.join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        std::fs::create_dir(root.join("a-dir")).unwrap();
        let show = |p: &PathBuf| p.display().to_string();
        let paths = vec![
            show(&data),
            show(&out.join("model.json")),
            show(&rows),
            show(&empty),
            show(&fifo),
            show(&root.join("a-dir")),
            show(&root.join("missing/deeper/x")),
            show(&root.join("out-new")),
            show(&root.join("ünï ☃")),
            "-".into(),
            "/dev/null".into(),
            "synthetic".into(),
        ];
        Scene {
            data: data.clone(),
            model: out.join("model.json"),
            _dir: dir,
            root,
            paths,
        }
    })
}

/// Values that are not paths.
const VALUES: &[&str] = &[
    "0",
    "1",
    "2",
    "7",
    "40",
    "-1",
    "-0",
    "0.5",
    "1e3",
    "1e-300",
    "1e308",
    "NaN",
    "inf",
    "-inf",
    "18446744073709551615",
    "18446744073709551616",
    "4611686018427387904",
    "50000000",
    "",
    " ",
    "abc",
    "синтетика",
    "🎵",
    "sgd",
    "newton",
    "library",
    "normal",
    "zeros",
    "proba",
    "label",
    "both",
    "any",
    "http://127.0.0.1:9/x.zip",
];

/// A flag: its name, and whether it takes a path (else a value), or nothing.
#[derive(Clone, Copy)]
enum Arg {
    Value(&'static str),
    Path(&'static str),
    Switch(&'static str),
}

const DATA_FLAGS: &[Arg] = &[
    Arg::Path("--data"),
    Arg::Value("--rows"),
    Arg::Value("--synthetic-seed"),
    Arg::Value("--year-threshold"),
    Arg::Value("--train-rows"),
    Arg::Value("--val-rows"),
    Arg::Value("--seed"),
    Arg::Switch("--no-cache"),
];

/// The commands, each with its own flags (beside the data flags where it reads data).
fn commands() -> Vec<(Vec<&'static str>, bool, Vec<Arg>)> {
    use Arg::*;
    vec![
        (
            vec!["data", "synth"],
            false,
            vec![Path("--out"), Value("--rows"), Value("--synthetic-seed")],
        ),
        (vec!["data", "inspect"], true, vec![Switch("--json")]),
        (
            vec!["data", "fetch"],
            false,
            vec![
                Path("--dest"),
                Value("--url"),
                Value("--sha256"),
                Value("--expect-rows"),
            ],
        ),
        (vec!["gradcheck"], true, vec![Switch("--json")]),
        (
            vec!["train"],
            true,
            vec![
                Value("--solver"),
                Value("--lr"),
                Value("--batch-size"),
                Value("--iters"),
                Value("--eval-every"),
                Value("--init"),
                Value("--l2"),
                Path("--out"),
                Switch("--json"),
                Switch("--verbose"),
            ],
        ),
        (
            vec!["evaluate"],
            true,
            vec![Path("--model"), Switch("--json")],
        ),
        (
            vec!["predict"],
            false,
            vec![
                Path("--model"),
                Path("--input"),
                Path("--output"),
                Value("--output-format"),
                Value("--threshold"),
            ],
        ),
        (vec!["run"], true, vec![Path("--out"), Switch("--quick")]),
    ]
}

/// The command line of a case: the command, the chosen flags with their values, and the
/// flags a run needs (data, model, a loopback address) unless chosen.
fn command_line(command: usize, picks: &[(usize, usize)]) -> Vec<String> {
    let s = scene();
    let commands = commands();
    let (words, reads_data, own) = &commands[command % commands.len()];
    let mut flags: Vec<Arg> = own.clone();
    if *reads_data {
        flags.extend_from_slice(DATA_FLAGS);
    }
    let mut args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let mut named = Vec::new();
    for &(f, v) in picks {
        let flag = flags[f % flags.len()];
        match flag {
            Arg::Switch(name) => args.push(name.into()),
            Arg::Value(name) => args.extend([name.into(), VALUES[v % VALUES.len()].into()]),
            Arg::Path(name) => args.extend([name.into(), s.paths[v % s.paths.len()].clone()]),
        }
        named.push(match flag {
            Arg::Switch(n) | Arg::Value(n) | Arg::Path(n) => n,
        });
    }
    let mut need = |flag: &str, value: Option<String>| {
        if !named.contains(&flag) {
            args.push(flag.to_string());
            args.extend(value);
        }
    };
    let show = |p: &PathBuf| Some(p.display().to_string());
    if *reads_data {
        need("--data", show(&s.data));
        need("--rows", Some("40".into())); // synthetic data, when chosen, stay small
    }
    match words[..] {
        ["evaluate"] => need("--model", show(&s.model)),
        ["predict"] => {
            need("--model", show(&s.model));
            need("--input", show(&s.root.join("rows.txt")));
        }
        ["data", "synth"] => {
            need("--out", show(&s.root.join("synth.txt")));
            need("--rows", Some("40".into()));
        }
        ["run"] => need("--quick", None),
        ["data", "fetch"] => {
            // Never the real addresses: a closed loopback port after whatever was chosen.
            args.extend([
                "--url".into(),
                "http://127.0.0.1:9/YearPredictionMSD.txt.zip".into(),
            ]);
        }
        _ => {}
    }
    args
}

/// Runs one command line; fails on a panic, an abort, a hang or an undocumented exit code.
fn check(args: &[String]) -> Result<(), TestCaseError> {
    let s = scene();
    CASES.fetch_add(1, Ordering::Relaxed);
    let mut child = common::cli_process()
        .args(args)
        .current_dir(&s.root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    let mut interrupted = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let elapsed = start.elapsed();
        if elapsed > DEADLINE * (interrupted + 1) {
            if interrupted == 2 {
                let _ = child.kill();
                child.wait().unwrap();
                prop_assert!(false, "{args:?}: still running after two Ctrl-C");
            }
            if interrupted == 0 {
                INTERRUPTED.fetch_add(1, Ordering::Relaxed);
            }
            common::signal(child.id(), "INT");
            interrupted += 1;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = reader.join().unwrap();
    if std::env::var_os("MSD_FUZZ_SLOW").is_some() && start.elapsed() > Duration::from_millis(300) {
        eprintln!("slow {:?}: {args:?}", start.elapsed());
    }
    prop_assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    let code = status.code();
    prop_assert!(
        code.is_some(),
        "{args:?}: killed by a signal ({status:?}): {stderr}"
    );
    let allowed: &[i32] = if interrupted > 0 {
        &[0, 1, 2, 3, 4, 130]
    } else {
        &[0, 1, 2, 3, 4]
    };
    prop_assert!(
        allowed.contains(&code.unwrap()),
        "{args:?}: exit code {code:?}: {stderr}"
    );
    Ok(())
}

#[test]
fn generated_command_lines_end_with_a_documented_exit_code() {
    let config = ProptestConfig {
        cases: CASES_PER_RUN,
        failure_persistence: None,
        max_shrink_iters: 32,
        ..ProptestConfig::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let lines = (
        0usize..8,
        proptest::collection::vec((0usize..64, 0usize..64), 0..5),
    );
    let start = Instant::now();
    let result = runner.run(&lines, |(command, picks)| {
        check(&command_line(command, &picks))
    });
    eprintln!(
        "command lines: {} cases in {:.1} s, {} stopped by Ctrl-C after {:?}",
        CASES.load(Ordering::Relaxed),
        start.elapsed().as_secs_f64(),
        INTERRUPTED.load(Ordering::Relaxed),
        DEADLINE
    );
    result.unwrap();
}
