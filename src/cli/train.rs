//! `gradcheck`, `train`, `evaluate`, `predict`.

use super::observe::Terminal;
use super::{exit, load_data, print_json, DataArgs};
use clap::{Args, ValueEnum};
use msd_century::data::{Dataset, Provenance, Splits};
use msd_century::model::metrics::SetMetrics;
use msd_century::model::{self, Init, Model, OutputFormat, Params, Training};
use msd_century::output_dir::OutputDir;
use msd_century::report::write_history_csv;
use msd_century::train::{
    self, History, HistoryPoint, LibrarySettings, NewtonSettings, Sgd, SgdSettings,
};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The files of a `train` output directory: a set that is replaced whole.
const TRAIN_SET: [&str; 2] = ["model.json", "history.csv"];
/// Rows sampled by `gradcheck`.
pub const GRADCHECK_ROWS: usize = 1000;

#[derive(Debug, Args)]
pub struct GradcheckArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Solver {
    /// Mini-batch stochastic gradient descent
    Sgd,
    /// The exact optimum by Newton's method
    Newton,
    /// linfa-logistic (L-BFGS), scikit-learn's default C = 1 unless --l2
    Library,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitArg {
    Zeros,
    /// N(0, 1), seeded by --seed
    Normal,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Solver
    #[arg(long, value_enum, default_value_t = Solver::Sgd)]
    pub solver: Solver,
    /// Learning rate (sgd)
    #[arg(
        long,
        value_name = "F",
        default_value_t = 0.1,
        allow_negative_numbers = true
    )]
    pub lr: f64,
    /// Rows per mini-batch (sgd)
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub batch_size: usize,
    /// Iterations (sgd)
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub iters: usize,
    /// Record validation loss and accuracy every N iterations (sgd)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub eval_every: usize,
    /// Initial parameters (sgd)
    #[arg(long, value_enum, default_value_t = InitArg::Zeros)]
    pub init: InitArg,
    /// L2 strength: objective = mean loss + (l2/2)·‖w‖² [default: 0; library: 1/n_train, i.e. C = 1]
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub l2: Option<f64>,
    /// Output directory for model.json and history.csv
    #[arg(long, value_name = "DIR", default_value = "out/train")]
    pub out: PathBuf,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Print the validation loss and accuracy as they are recorded (instead of a progress bar)
    #[arg(long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Model file
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Model file
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Rows of 90 raw features (or 91 with a leading year): text, .gz, .zip, or `-` for
    /// standard input
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Output file [default: stdout]
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Each output line: the probability, the class label (0/1), or both (`p,label`)
    #[arg(long, value_enum, default_value_t = FormatArg::Proba)]
    pub output_format: FormatArg,
    /// Label 1 when the probability is at least T (label and both) [default: 0.5]
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub threshold: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Proba,
    Label,
    Both,
}

pub fn gradcheck(args: GradcheckArgs) -> anyhow::Result<ExitCode> {
    let observer = Terminal::new();
    let (table, splits) = load_data(&args.data.to_options(), &observer)?;
    observer.finish();
    let report = model::gradcheck(&splits.train, args.data.seed, GRADCHECK_ROWS);
    if args.json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            #[serde(flatten)]
            report: &'a model::GradcheckReport,
            data: &'a Provenance,
            synthetic: bool,
        }
        print_json(&Out {
            report: &report,
            data: &table.provenance,
            synthetic: table.provenance.is_synthetic(),
        })?;
    } else {
        outln!("data: {}", table.provenance);
        outln!(
            "gradient check on {} rows: {} parameters, max abs error {:.3e}, max rel error {:.3e} (limit {:.0e}): {}",
            GRADCHECK_ROWS.min(splits.train.len()),
            report.params_checked,
            report.max_abs_error,
            report.max_rel_error,
            model::MAX_REL_ERROR,
            if report.passed { "passed" } else { "FAILED" }
        );
    }
    if report.passed {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: the gradient check failed");
        Ok(exit::code(exit::CHECK_FAILED))
    }
}

/// The JSON of `train`. Evaluations, weights and bias are absent when the run diverged.
#[derive(Debug, serde::Serialize)]
struct TrainReport {
    solver: Solver,
    data: Provenance,
    synthetic: bool,
    settings: serde_json::Value,
    train: Option<SetMetrics>,
    val: Option<SetMetrics>,
    test: Option<SetMetrics>,
    history: Vec<HistoryPoint>,
    diverged_at: Option<usize>,
    weights: Option<Vec<f64>>,
    bias: Option<f64>,
    seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    newton: Option<NewtonInfo>,
    model_file: Option<PathBuf>,
    history_file: Option<PathBuf>,
}

/// How the Newton solver got there (its parameters are the report's `weights` and `bias`).
#[derive(Debug, Clone, serde::Serialize)]
struct NewtonInfo {
    /// Steps on all rows.
    iterations: usize,
    /// Steps on the warm start's subsample, before those.
    warm_start_iterations: usize,
    hessian_evaluations: usize,
    gradient_max_norm: f64,
    objective: f64,
}

impl From<&train::NewtonFit> for NewtonInfo {
    fn from(f: &train::NewtonFit) -> Self {
        NewtonInfo {
            iterations: f.iterations,
            warm_start_iterations: f.warm_start_iterations,
            hessian_evaluations: f.hessian_evaluations,
            gradient_max_norm: f.gradient_max_norm,
            objective: f.objective,
        }
    }
}

/// What a solver produced.
struct Fitted {
    params: Params,
    history: History,
    settings: serde_json::Value,
    newton: Option<train::NewtonFit>,
}

/// A solver with its settings checked, before any data is read.
enum Checked {
    Sgd(Sgd, Init),
    Newton(train::Newton),
    Library(train::Library),
}

impl Checked {
    fn from_args(args: &TrainArgs) -> msd_century::Result<Checked> {
        Ok(match args.solver {
            Solver::Sgd => {
                let settings = SgdSettings {
                    learning_rate: args.lr,
                    batch_size: args.batch_size,
                    iterations: args.iters,
                    eval_every: args.eval_every,
                    l2: args.l2.unwrap_or(0.0),
                    seed: args.data.seed,
                };
                let init = match args.init {
                    InitArg::Zeros => Init::Zeros,
                    InitArg::Normal => Init::Normal {
                        seed: args.data.seed,
                    },
                };
                Checked::Sgd(settings.check()?, init)
            }
            Solver::Newton => Checked::Newton(
                NewtonSettings {
                    l2: args.l2.unwrap_or(0.0),
                    ..NewtonSettings::default()
                }
                .check()?,
            ),
            Solver::Library => Checked::Library(LibrarySettings { l2: args.l2 }.check()?),
        })
    }
}

pub fn train(args: TrainArgs) -> anyhow::Result<ExitCode> {
    // Every setting is checked before the data is read, and the output directory taken.
    let solver = Checked::from_args(&args)?;
    let out = OutputDir::lock(&args.out, &super::command_line())?;
    let observer = if args.verbose {
        Terminal::new().with_classic_log()
    } else {
        Terminal::new()
    };
    let (table, splits) = load_data(&args.data.to_options(), &observer)?;
    observer.finish();
    let start = Instant::now();
    let fitted = fit(&solver, &splits, &observer)?;
    observer.finish();
    let seconds = start.elapsed().as_secs_f64();

    let diverged_at = fitted.history.diverged_at;
    let mut report = TrainReport {
        solver: args.solver,
        data: table.provenance.clone(),
        synthetic: table.provenance.is_synthetic(),
        settings: fitted.settings.clone(),
        train: None,
        val: None,
        test: None,
        history: fitted.history.points.clone(),
        diverged_at,
        weights: None,
        bias: None,
        seconds,
        newton: fitted.newton.as_ref().map(NewtonInfo::from),
        model_file: None,
        history_file: None,
    };
    if let Some(iter) = diverged_at {
        // A failed run writes nothing: the directory keeps its previous model and history.
        drop(out);
        if args.json {
            print_json(&report)?;
        }
        eprintln!(
            "error: training diverged at iteration {iter}: the parameters or the loss stopped being \
             finite (try a smaller --lr); nothing written to {} (its previous files are kept)",
            args.out.display()
        );
        return Ok(exit::code(exit::DIVERGED));
    }
    let params = &fitted.params;
    report.train = set_metrics(params, &splits.train, "train");
    report.val = set_metrics(params, &splits.val, "validation");
    report.test = set_metrics(params, &splits.test, "test");
    report.weights = Some(params.weights.clone());
    report.bias = Some(params.bias);
    let training = Training::new(
        &format!("{:?}", args.solver).to_lowercase(),
        fitted.settings.clone(),
        args.data.seed,
        table.provenance.clone(),
    );
    let model = Model::new(
        params,
        &splits.standardizer,
        splits.options.year_threshold,
        training,
    );
    model.save(&out.staging().join("model.json"))?;
    write_history_csv(&out.staging().join("history.csv"), &fitted.history)?;
    if super::signals::requested() {
        return Err(msd_century::Error::Interrupted.into());
    }
    out.commit(&TRAIN_SET)?;
    report.model_file = Some(args.out.join("model.json"));
    report.history_file = Some(args.out.join("history.csv"));
    if args.json {
        print_json(&report)?;
    } else {
        print_train(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Loss and accuracy on `set`; absent (`null` in JSON, "no rows" in text) for an empty set.
/// The scores of a set with their uncertainty; `None` for an empty set.
fn set_metrics(params: &Params, set: &Dataset, name: &'static str) -> Option<SetMetrics> {
    SetMetrics::of(params, set, name).ok().map(|(m, _)| m)
}

fn fit(solver: &Checked, splits: &Splits, observer: &Terminal) -> anyhow::Result<Fitted> {
    let d = splits.train.x.cols();
    Ok(match solver {
        Checked::Sgd(sgd, init) => {
            let run =
                sgd.fit_observed(&splits.train, &splits.val, Params::init(d, *init), observer)?;
            Fitted {
                params: run.params,
                history: run.history,
                settings: serde_json::json!({ "sgd": sgd.settings(), "init": init }),
                newton: None,
            }
        }
        Checked::Newton(newton) => {
            let fit = newton.fit(&splits.train)?;
            Fitted {
                params: fit.params.clone(),
                history: History::default(),
                settings: serde_json::json!({ "newton": newton.settings() }),
                newton: Some(fit),
            }
        }
        Checked::Library(library) => {
            let n = splits.train.len() as f64;
            let fit = library.fit(&splits.train)?;
            let l2 = fit.l2;
            Fitted {
                params: fit.params,
                history: History::default(),
                settings: serde_json::json!({
                    "library": "linfa-logistic 0.8.1 (L-BFGS)",
                    "l2": l2,
                    "alpha": l2 * n,
                    "sklearn_c": 1.0 / (l2 * n),
                    "gradient_tolerance": train::GRADIENT_TOLERANCE_PER_ROW * n,
                    "max_iterations": train::MAX_ITERATIONS,
                }),
                newton: None,
            }
        }
    })
}

fn print_metrics(name: &str, m: &Option<SetMetrics>) -> anyhow::Result<()> {
    match m {
        Some(m) => outln!(
            "{name:>5}: loss {:.6} (s.e. {})  accuracy {:.4} (95% CI {:.4} to {:.4})  ({} rows)",
            m.loss,
            m.loss_se.map_or("-".into(), |se| format!("{se:.6}")),
            m.accuracy,
            m.accuracy_ci.low,
            m.accuracy_ci.high,
            m.n
        ),
        None => outln!("{name:>5}: no rows"),
    }
    Ok(())
}

fn print_train(r: &TrainReport) -> anyhow::Result<()> {
    outln!("data: {}", r.data);
    outln!("solver: {:?}, {:.3} s", r.solver, r.seconds);
    if let Some(fit) = &r.newton {
        outln!(
            "newton: {} iterations (after {} on a subsample; {} Hessians), max |gradient| {:.2e}",
            fit.iterations,
            fit.warm_start_iterations,
            fit.hessian_evaluations,
            fit.gradient_max_norm
        );
    }
    for (name, e) in [("train", &r.train), ("val", &r.val), ("test", &r.test)] {
        print_metrics(name, e)?;
    }
    if let Some(path) = &r.model_file {
        outln!("model: {}", path.display());
    }
    if let Some(path) = &r.history_file {
        outln!("history: {}", path.display());
    }
    Ok(())
}

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<ExitCode> {
    let model = Model::load(&args.model)?;
    // Labels follow the model's own threshold; another one given is a conflict, not a choice.
    if let Some(y) = args
        .data
        .year_threshold
        .filter(|&y| y != model.year_threshold)
    {
        anyhow::bail!(
            "--year-threshold {y} conflicts with the model's threshold {} ({}): its \
             probabilities are of year > {}; drop the flag, or train a model with it",
            model.year_threshold,
            args.model.display(),
            model.year_threshold
        );
    }
    let mut options = args.data.to_options();
    options.split.year_threshold = model.year_threshold;
    let observer = Terminal::new();
    let (table, splits) = load_data(&options, &observer)?;
    observer.finish();
    let params = model.params_for(&splits.standardizer);
    #[derive(serde::Serialize)]
    struct Out {
        train: Option<SetMetrics>,
        val: Option<SetMetrics>,
        test: Option<SetMetrics>,
        data: Provenance,
        synthetic: bool,
        model_file: PathBuf,
        /// Confusion matrix, precision, recall, F1 and ROC AUC of each set.
        classification: super::classification::BySet,
    }
    let out = Out {
        classification: super::classification::by_set(&params, &splits),
        train: set_metrics(&params, &splits.train, "train"),
        val: set_metrics(&params, &splits.val, "validation"),
        test: set_metrics(&params, &splits.test, "test"),
        synthetic: table.provenance.is_synthetic(),
        data: table.provenance,
        model_file: args.model.clone(),
    };
    if args.json {
        print_json(&out)?;
    } else {
        outln!("model: {}", args.model.display());
        outln!("data: {}", out.data);
        print_metrics("train", &out.train)?;
        print_metrics("val", &out.val)?;
        print_metrics("test", &out.test)?;
        super::classification::print(&out.classification)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn predict(args: PredictArgs) -> anyhow::Result<ExitCode> {
    let format = match args.output_format {
        FormatArg::Proba => OutputFormat::Proba,
        FormatArg::Label => OutputFormat::Label,
        FormatArg::Both => OutputFormat::Both,
    };
    let threshold = match (args.threshold, format) {
        (Some(t), OutputFormat::Proba) => {
            anyhow::bail!(
                "--threshold {t} has no effect on probabilities: add --output-format label or both"
            )
        }
        (Some(t), _) if !(0.0..=1.0).contains(&t) => {
            anyhow::bail!("--threshold {t}: must be a probability, from 0 to 1")
        }
        (t, _) => t.unwrap_or(0.5),
    };
    let model = Model::load(&args.model)?;
    let probabilities = model::predict_file(&model, &args.input)?;
    let text = model::format_predictions(&probabilities, format, threshold);
    match &args.output {
        Some(path) => msd_century::atomic::write_bytes_atomic(path, text.as_bytes())?,
        None => super::emit(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
