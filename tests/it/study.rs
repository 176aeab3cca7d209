//! The whole study on small generated data: every output file with the expected structure, the
//! grid's cells really trained with their own batch sizes from fresh copies of one init, the same
//! seed gives the same figures on 1 and 2 threads, every number the report's sentences quote is
//! the one in `results.json`, and the Monte Carlo runs can have independent batch orders.

use crate::common;

use msd_century::data::{load_splits, DataOptions, DataSource, SplitOptions};
use msd_century::experiments::{grid, RunStatus, StudyConfig};
use msd_century::model::Params;
use msd_century::train::SgdSettings;
use msd_century::Silent;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The report's section titles, in order.
pub const SECTIONS: [&str; 8] = [
    "1. Data and provenance",
    "2. Gradient check",
    "3. Learning-rate demo",
    "4. Grid search",
    "5. Monte Carlo",
    "6. Final comparison",
    "7. Standardization demo",
    "8. Run details",
];

/// The names of the report's figures (`plots/<name>.svg` and `.png`).
pub const FIGURES: [&str; 7] = [
    "lr_demo",
    "grid_heatmap",
    "grid_curves",
    "monte_carlo",
    "final_accuracy",
    "roc",
    "standardization",
];

/// Runs `run --quick` on 20,000 synthetic rows in `cwd`, into `cwd/out`, with `extra` flags.
fn run_study(cwd: &Path, threads: &str, extra: &[&str]) {
    common::cli()
        .current_dir(cwd)
        .env("RAYON_NUM_THREADS", threads)
        .args([
            "run",
            "--quick",
            "--data",
            "synthetic",
            "--rows",
            "20000",
            "--out",
            "out",
        ])
        .args(extra)
        .assert()
        .success();
}

/// The output directory of one `run --quick` on 20,000 synthetic rows on 2 threads, made once
/// for every test that only reads it.
pub fn quick_study() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = common::scratch_dir("quick-study");
        run_study(&dir, "2", &[]);
        dir.join("out")
    })
}

/// Every key path of a JSON value; array elements are `[]` (the union over all elements).
fn key_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = format!("{prefix}.{k}");
                out.insert(path.clone());
                key_paths(v, &path, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                key_paths(v, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// The key schema of `results.json`, written by hand.
const SCHEMA: &str = include_str!("../data/study_schema.txt");

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read JSON")).expect("valid JSON")
}

#[test]
fn run_writes_every_file_with_the_expected_structure() {
    let out = quick_study();

    let html = std::fs::read_to_string(out.join("report.html")).expect("report");
    let titles: Vec<&str> = html
        .match_indices("<h2>")
        .map(|(i, _)| {
            let rest = &html[i + 4..];
            &rest[..rest.find("</h2>").expect("closed h2")]
        })
        .collect();
    assert_eq!(titles, SECTIONS);
    assert!(
        html.contains("id=\"synthetic-banner\""),
        "synthetic data are flagged"
    );
    assert_eq!(html.matches("<svg").count(), FIGURES.len());
    assert!(!html.contains("<script"), "no script in the report");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no network"
    );

    for name in FIGURES {
        let svg = std::fs::read_to_string(out.join(format!("plots/{name}.svg"))).expect("svg");
        assert!(svg.contains("<svg") && svg.contains("<text"), "{name}.svg");
        let png = std::fs::read(out.join(format!("plots/{name}.png"))).expect("png");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}.png");
    }

    let json = read_json(&out.join("results.json"));
    let mut paths = BTreeSet::new();
    key_paths(&json, "", &mut paths);
    let expected: BTreeSet<String> = SCHEMA
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let missing: Vec<_> = expected.difference(&paths).collect();
    let extra: Vec<_> = paths.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );

    assert_eq!(json["format"], "msd-century-study");
    assert_eq!(json["data"]["synthetic"], true);
    let args: Vec<&str> = json["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        &args[1..],
        [
            "run",
            "--quick",
            "--data",
            "synthetic",
            "--rows",
            "20000",
            "--out",
            "out"
        ]
    );
    let stages: Vec<&str> = json["timings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["stage"].as_str())
        .collect();
    assert_eq!(
        stages,
        [
            "load_data",
            "gradcheck",
            "lr_demo",
            "grid + monte_carlo",
            "standardization",
            "final"
        ]
    );

    // One CSV per run, named by the run's id, holding exactly its history.
    let mut runs: Vec<&Value> = Vec::new();
    runs.extend(json["lr_demo"]["runs"].as_array().unwrap());
    runs.extend(json["grid"]["cells"].as_array().unwrap());
    for g in json["monte_carlo"]["groups"].as_array().unwrap() {
        runs.extend(g["runs"].as_array().unwrap());
    }
    runs.push(&json["standardization"]["raw"]);
    assert_eq!(runs.len(), 3 + 16 + 6 + 1);
    // A completed run's final validation figures, with their uncertainty, are its history's last.
    for run in &runs {
        let done = run["status"]["kind"] == "completed";
        let fv = &run["final_val"];
        assert_eq!(fv.is_null(), !done, "{}", run["id"]);
        if done {
            assert_eq!(fv["loss"], run["final_val_loss"], "{}", run["id"]);
            assert_eq!(fv["accuracy"], run["final_val_accuracy"], "{}", run["id"]);
            assert!(fv["loss_se"].as_f64().unwrap() > 0.0);
        }
    }
    let csv_files = std::fs::read_dir(out.join("runs")).unwrap().count();
    assert_eq!(csv_files, runs.len());
    for run in runs {
        let id = run["id"].as_str().unwrap();
        let text = std::fs::read_to_string(out.join(format!("runs/{id}.csv"))).expect(id);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("iter,val_loss,val_accuracy"));
        let points = run["history"]["points"].as_array().unwrap();
        assert_eq!(lines.count(), points.len(), "{id}");
    }

    // 20,000 rows leave fewer than 50,000 training rows: that column is skipped, with a reason,
    // and never chosen.
    let cells = json["grid"]["cells"].as_array().unwrap();
    for cell in cells.iter().filter(|c| c["batch_size"] == 50_000) {
        assert_eq!(cell["status"]["kind"], "skipped");
        assert!(cell["status"]["reason"]
            .as_str()
            .unwrap()
            .contains("larger than"));
    }
    let best = json["grid"]["best"].as_u64().expect("a best cell") as usize;
    assert_eq!(cells[best]["status"]["kind"], "completed");
    let best_loss = cells[best]["final_val_loss"].as_f64().unwrap();
    for c in cells.iter().filter(|c| c["status"]["kind"] == "completed") {
        assert!(c["final_val_loss"].as_f64().unwrap() >= best_loss);
    }
    assert_eq!(json["final_eval"]["chosen"]["run_id"], cells[best]["id"]);

    assert_eq!(json["final_eval"]["library_iterations"], Value::Null);

    // The optimum's training loss is a floor: no model is below it.
    let models = json["final_eval"]["models"].as_array().unwrap();
    let names: Vec<&str> = models.iter().filter_map(|m| m["name"].as_str()).collect();
    assert_eq!(names, ["sgd", "optimum", "library"]);
    for m in models {
        assert!(
            m["loss_gap"]["train"].as_f64().unwrap() >= -1e-12,
            "{}",
            m["name"]
        );
    }
}

/// Small standardized splits for library-level tests.
fn small_splits() -> msd_century::data::Splits {
    let options = DataOptions {
        source: DataSource::Synthetic {
            rows: 6000,
            seed: 3,
        },
        split: SplitOptions::default(),
        use_cache: false,
        synthetic_cache: None,
    };
    load_splits(&options, &Silent).expect("synthetic splits").1
}

#[test]
fn grid_cells_train_with_their_own_batch_size_from_fresh_copies_of_one_init() {
    let splits = small_splits();
    let mut config = StudyConfig::quick();
    config.grid.iterations = 40;
    config.grid.batch_sizes = vec![1, 64, 1024];
    config.grid.learning_rates = vec![0.1, 0.5];
    let result = grid::run(&config, &splits.train, &splits.val, &Silent, &|_| {}).expect("grid");
    assert_eq!(result.cells.len(), 6);

    let init = Params::init(splits.train.x.cols(), config.grid_init());
    for (k, cell) in result.cells.iter().enumerate() {
        let (lr, b) = (
            config.grid.learning_rates[k / 3],
            config.grid.batch_sizes[k % 3],
        );
        assert_eq!((cell.learning_rate, cell.batch_size), (lr, b));
        assert_eq!(
            cell.init,
            config.grid_init(),
            "every cell names the shared init"
        );
        assert_eq!(cell.status, RunStatus::Completed);
        // The same run made here by hand, from a fresh copy of the init with this batch size,
        // gives the same history bit for bit: the cell used its batch size and did not start
        // from parameters left over by another cell.
        let sgd = SgdSettings {
            learning_rate: lr,
            batch_size: b,
            iterations: 40,
            eval_every: config.eval_every,
            l2: 0.0,
            seed: config.shuffle_seed(b),
        }
        .check()
        .expect("settings");
        let alone = sgd
            .fit(&splits.train, &splits.val, init.clone())
            .expect("sgd");
        assert_eq!(cell.history, alone.history, "cell lr {lr} batch {b}");
        assert_eq!(cell.final_params.as_ref(), Some(&alone.params));
    }
    // Histories differ between batch sizes at the same rate (they would all match if the batch
    // size were not passed on), and between rates at the same batch size.
    for i in 0..2 {
        for j in 0..3 {
            for j2 in j + 1..3 {
                assert_ne!(result.cell(i, j).history, result.cell(i, j2).history);
            }
            assert_ne!(result.cell(0, j).history, result.cell(1, j).history);
        }
    }
}

/// `results.json` without its timings.
fn figures_of(out: &Path) -> Value {
    let mut json = read_json(&out.join("results.json"));
    json.as_object_mut().unwrap().remove("timings");
    json
}

#[test]
fn same_seed_gives_the_same_figures_on_one_and_two_threads() {
    let a = common::temp_dir();
    run_study(a.path(), "1", &[]);
    let (out_a, out_b) = (a.path().join("out"), quick_study().to_path_buf());
    assert_eq!(figures_of(&out_a), figures_of(&out_b));
    for sub in ["runs", "plots"] {
        for entry in std::fs::read_dir(out_a.join(sub)).unwrap() {
            let name = entry.unwrap().file_name();
            let (x, y) = (
                std::fs::read(out_a.join(sub).join(&name)).unwrap(),
                std::fs::read(out_b.join(sub).join(&name)).unwrap(),
            );
            assert!(x == y, "{sub}/{name:?} differs between 1 and 2 threads");
        }
    }
}

/// Every number the answers of `html` quote: its JSON pointer and its text.
pub fn quoted_numbers(html: &str) -> Vec<(String, String)> {
    let open = "<span class=\"num\" data-json=\"";
    html.match_indices(open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            let (path, rest) = rest.split_once("\">").expect("closed attribute");
            let text = &rest[..rest.find("</span>").expect("closed span")];
            (path.to_string(), text.to_string())
        })
        .collect()
}

/// The text of each answer of `html`, its quoted numbers taken out.
pub fn answers_without_numbers(html: &str) -> Vec<String> {
    html.split("<p class=\"answer\">")
        .skip(1)
        .map(|rest| {
            let mut text = rest[..rest.find("</p>").expect("closed answer")].to_string();
            while let Some(i) = text.find("<span") {
                let j = i + text[i..].find("</span>").expect("closed span") + 7;
                text.replace_range(i..j, "#");
            }
            text.replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// Checks the answers of the report in `out` against its `results.json`: every quoted number is
/// the value its pointer names, no number is written without a quote, and each question has its
/// answer.
pub fn check_answers(out: &Path) {
    let html = std::fs::read_to_string(out.join("report.html")).expect("report");
    let json = read_json(&out.join("results.json"));
    let quoted = quoted_numbers(&html);
    for (path, text) in &quoted {
        common::assert_quoted(&json, path, text);
    }
    for prefix in [
        "/producer_effect/",
        "/test_statistics/",
        "/answers/lr_demo/",
        "/answers/grid/",
        "/answers/monte_carlo/",
        "/final_eval/sgd_vs_optimum/",
        "/final_eval/models/2/differences/",
        "/final_eval/models/1/test_roc/auc",
    ] {
        assert!(
            quoted.iter().any(|(p, _)| p.starts_with(prefix)),
            "no sentence quotes {prefix}"
        );
    }
    let answers = answers_without_numbers(&html);
    for text in &answers {
        assert!(
            !text.chars().any(|c| c.is_ascii_digit()),
            "a number is written without its quote: {text}"
        );
    }
    // The verdicts follow the results: McNemar's on the final comparison, for one.
    let mcnemar = answers
        .iter()
        .find(|a| a.contains("the chosen SGD model is right on"))
        .expect("the final comparison's sentence");
    let beyond = json["final_eval"]["sgd_vs_optimum"]["beyond_noise"] == true;
    let verdict = if beyond {
        "beyond noise"
    } else {
        "within noise"
    };
    assert!(
        mcnemar.contains(&format!("the difference is {verdict}")),
        "{mcnemar}"
    );
}

#[test]
fn every_number_the_sentences_quote_is_the_value_in_results_json() {
    let out = quick_study();
    check_answers(out);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(quoted_numbers(&html).len() > 60);
    assert!(html.contains("(shared orders)"));
}

#[test]
fn monte_carlo_runs_can_have_independent_batch_orders() {
    let dir = common::temp_dir();
    run_study(dir.path(), "2", &["--mc-orders", "independent"]);
    let out = dir.path().join("out");
    let json = read_json(&out.join("results.json"));
    let shared = read_json(&quick_study().join("results.json"));
    assert_eq!(json["config"]["monte_carlo"]["orders"], "independent");
    assert_eq!(shared["config"]["monte_carlo"]["orders"], "shared");
    assert_eq!(json["grid"], shared["grid"], "the grid does not change");
    let seeds = |j: &Value| -> Vec<u64> {
        j["monte_carlo"]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["runs"].as_array().unwrap().iter())
            .map(|r| r["shuffle_seed"].as_u64().unwrap())
            .collect()
    };
    let (own, common_seeds) = (seeds(&json), seeds(&shared));
    let mut unique = own.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), own.len(), "each run its own order");
    assert_eq!(
        common_seeds[0], common_seeds[1],
        "shared: one order per batch size"
    );
    let grid_seeds: Vec<u64> = json["grid"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["shuffle_seed"].as_u64().unwrap())
        .collect();
    assert!(own.iter().all(|s| !grid_seeds.contains(s)));
    // Same inits, other orders: other curves.
    let first = |j: &Value| j["monte_carlo"]["groups"][0]["runs"][1]["history"].clone();
    assert_ne!(first(&json), first(&shared));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("(independent orders)"));
    check_answers(&out);
}

#[test]
fn run_writes_the_three_final_models_for_evaluate_and_predict() {
    let out = quick_study();
    let json = read_json(&out.join("results.json"));
    let final_models = json["final_eval"]["models"].as_array().unwrap();
    for (k, name) in ["sgd", "optimum", "library"].into_iter().enumerate() {
        let path = out.join(format!("models/{name}.json"));
        let model = msd_century::model::Model::load(&path).expect("a valid model file");
        let scored = &final_models[k];
        assert_eq!(scored["name"], name);
        let weights: Vec<f64> =
            serde_json::from_value(scored["params"]["weights"].clone()).unwrap();
        assert_eq!(
            model.weights, weights,
            "{name}: the weights of results.json"
        );
        assert_eq!(model.bias, scored["params"]["bias"].as_f64().unwrap());
        assert_eq!(
            model.feature_mean,
            serde_json::from_value::<Vec<f64>>(json["data"]["feature_mean"].clone()).unwrap()
        );

        // Evaluated on the same data, the file gives the study's own scores.
        let output = common::cli()
            .args([
                "evaluate",
                "--json",
                "--data",
                "synthetic",
                "--rows",
                "20000",
                "--model",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let evaluated: Value = serde_json::from_slice(&output.stdout).unwrap();
        for set in ["train", "val", "test"] {
            // Loss, its standard error, accuracy, its interval and counts, to the bit.
            assert_eq!(evaluated[set], scored[set], "{name} {set}");
        }
    }
}
