//! `gradcheck`, `train`, `evaluate`, `predict`.

use super::observe::Terminal;
use super::{print_json, DataArgs};
use clap::{Args, ValueEnum};
use msd_century::data::{self, Provenance, Splits};
use msd_century::model::{self, evaluate as eval_set, Evaluation, Init, Model, Params, Training};
use msd_century::report::csv::write_history_csv;
use msd_century::train::{
    self, History, HistoryPoint, LibrarySettings, NewtonSettings, Sgd, SgdSettings,
};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Exit code of `train` when SGD diverged (non-finite parameters or loss).
pub const EXIT_DIVERGED: u8 = 3;
/// Exit code of `gradcheck` when the check fails.
pub const EXIT_GRADCHECK_FAILED: u8 = 2;
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
    /// Rows of 90 raw features (or 91 with a leading year)
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Output file [default: stdout]
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn gradcheck(args: GradcheckArgs) -> anyhow::Result<ExitCode> {
    let observer = Terminal::new();
    let (table, splits) = data::load_splits(&args.data.to_options(), &observer)?;
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
        Ok(ExitCode::from(EXIT_GRADCHECK_FAILED))
    }
}

/// The JSON of `train`. Evaluations, weights and bias are absent when the run diverged.
#[derive(Debug, serde::Serialize)]
struct TrainReport {
    solver: Solver,
    data: Provenance,
    synthetic: bool,
    settings: serde_json::Value,
    train: Option<Evaluation>,
    val: Option<Evaluation>,
    test: Option<Evaluation>,
    history: Vec<HistoryPoint>,
    diverged_at: Option<usize>,
    weights: Option<Vec<f64>>,
    bias: Option<f64>,
    seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    newton: Option<NewtonInfo>,
    model_file: Option<PathBuf>,
    history_file: PathBuf,
}

/// How the Newton solver got there (its parameters are the report's `weights` and `bias`).
#[derive(Debug, Clone, serde::Serialize)]
struct NewtonInfo {
    iterations: usize,
    hessian_evaluations: usize,
    gradient_max_norm: f64,
    objective: f64,
}

impl From<&train::NewtonFit> for NewtonInfo {
    fn from(f: &train::NewtonFit) -> Self {
        NewtonInfo {
            iterations: f.iterations,
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
    // Every setting is checked before the data is read.
    let solver = Checked::from_args(&args)?;
    let observer = if args.verbose {
        Terminal::new().with_classic_log()
    } else {
        Terminal::new()
    };
    let (table, splits) = data::load_splits(&args.data.to_options(), &observer)?;
    observer.finish();
    let start = Instant::now();
    let fitted = fit(&solver, &splits, &observer)?;
    observer.finish();
    let seconds = start.elapsed().as_secs_f64();

    msd_century::atomic::create_dir_all(&args.out)?;
    let history_file = args.out.join("history.csv");
    write_history_csv(&history_file, &fitted.history)?;
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
        history_file,
    };
    if let Some(iter) = diverged_at {
        if args.json {
            print_json(&report)?;
        }
        eprintln!(
            "error: training diverged at iteration {iter}: the parameters or the loss stopped being \
             finite (try a smaller --lr); no model written, history in {}",
            report.history_file.display()
        );
        return Ok(ExitCode::from(EXIT_DIVERGED));
    }
    let params = &fitted.params;
    report.train = Some(eval_set(params, &splits.train));
    report.val = Some(eval_set(params, &splits.val));
    report.test = Some(eval_set(params, &splits.test));
    report.weights = Some(params.weights.clone());
    report.bias = Some(params.bias);
    let model_file = args.out.join("model.json");
    let training = Training::new(
        &format!("{:?}", args.solver).to_lowercase(),
        fitted.settings.clone(),
        args.data.seed,
        table.provenance.clone(),
    );
    Model::new(
        params,
        &splits.standardizer,
        splits.options.year_threshold,
        training,
    )
    .save(&model_file)?;
    report.model_file = Some(model_file);
    if args.json {
        print_json(&report)?;
    } else {
        print_train(&report)?;
    }
    Ok(ExitCode::SUCCESS)
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

fn print_eval(name: &str, e: &Evaluation) -> anyhow::Result<()> {
    outln!(
        "{name:>5}: loss {:.6}  accuracy {:.4}  ({} rows)",
        e.loss,
        e.accuracy,
        e.n
    );
    Ok(())
}

fn print_train(r: &TrainReport) -> anyhow::Result<()> {
    outln!("data: {}", r.data);
    outln!("solver: {:?}, {:.3} s", r.solver, r.seconds);
    if let Some(fit) = &r.newton {
        outln!(
            "newton: {} iterations ({} Hessians), max |gradient| {:.2e}",
            fit.iterations,
            fit.hessian_evaluations,
            fit.gradient_max_norm
        );
    }
    for (name, e) in [("train", &r.train), ("val", &r.val), ("test", &r.test)] {
        if let Some(e) = e {
            print_eval(name, e)?;
        }
    }
    if let Some(path) = &r.model_file {
        outln!("model: {}", path.display());
    }
    outln!("history: {}", r.history_file.display());
    Ok(())
}

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<ExitCode> {
    let model = Model::load(&args.model)?;
    let mut options = args.data.to_options();
    // Labels follow the model's own threshold.
    options.split.year_threshold = model.year_threshold;
    let observer = Terminal::new();
    let (table, splits) = data::load_splits(&options, &observer)?;
    observer.finish();
    let params = model.params_for(&splits.standardizer);
    #[derive(serde::Serialize)]
    struct Out {
        train: Evaluation,
        val: Evaluation,
        test: Evaluation,
        data: Provenance,
        synthetic: bool,
        model_file: PathBuf,
        /// Confusion matrix, precision, recall, F1 and ROC AUC of each set.
        classification: super::classification::BySet,
    }
    let out = Out {
        classification: super::classification::by_set(&params, &splits),
        train: eval_set(&params, &splits.train),
        val: eval_set(&params, &splits.val),
        test: eval_set(&params, &splits.test),
        synthetic: table.provenance.is_synthetic(),
        data: table.provenance,
        model_file: args.model.clone(),
    };
    if args.json {
        print_json(&out)?;
    } else {
        outln!("model: {}", args.model.display());
        outln!("data: {}", out.data);
        print_eval("train", &out.train)?;
        print_eval("val", &out.val)?;
        print_eval("test", &out.test)?;
        super::classification::print(&out.classification)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn predict(args: PredictArgs) -> anyhow::Result<ExitCode> {
    let model = Model::load(&args.model)?;
    let probabilities = model::predict_file(&model, &args.input)?;
    let text = model::format_probabilities(&probabilities);
    match &args.output {
        Some(path) => msd_century::atomic::write_bytes_atomic(path, text.as_bytes())?,
        None => super::emit(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
