//! The whole study in order: gradient check, learning-rate demo, grid search and Monte Carlo,
//! standardization demo, final comparison, with the time of each stage. The library baseline is
//! fitted beside the stages from the start; the final comparison waits for it.

use super::config::StudyConfig;
use super::grid::GridResult;
use super::results::{StageTiming, StudyResults, RESULTS_FORMAT};
use super::runs::{run_all, RunResult};
use super::{
    answers, final_eval, grid, lr_demo, monte_carlo, producer_effect, standardization_demo,
    test_statistics,
};
use crate::data::{inspect::inspect, RawTable, Splits};
use crate::error::{Error, Result, Setting};
use crate::model::gradcheck;
use crate::observer::{Event, Muted, Observer, Task};
use crate::train::LibrarySettings;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// The stage that trains the grid and the Monte Carlo runs (together, see [`run`]), with the
/// optimum and the optimum of a random split fitted beside them.
pub const GRID_AND_MONTE_CARLO: &str = "grid + monte_carlo";

/// Runs the study on `splits` (loaded from `table`), reporting each stage and each finished SGD
/// run to `observer` ([`Task::Study`]). `command_line` and the data-loading time are the
/// caller's to fill in.
pub fn run(
    table: &RawTable,
    splits: &Splits,
    config: &StudyConfig,
    observer: &dyn Observer,
) -> Result<StudyResults> {
    config.validate()?;
    let newton = config.newton.clone().check()?;
    let library = LibrarySettings {
        l2: config.library_l2,
    }
    .check()?;
    if splits.val.is_empty() {
        return Err(Error::setting(
            Setting::ValRows,
            0,
            "the study chooses its settings on validation data: must be at least 1",
        ));
    }
    let (train, val) = (&splits.train, &splits.val);
    let total = Some(config.run_count() as u64);
    let finished = AtomicU64::new(0);
    let current: Mutex<&'static str> = Mutex::new("");
    let report = |stage: &'static str, done: u64| {
        observer.event(Event::Progress {
            task: Task::Study { stage },
            done,
            total,
        })
    };
    let done = |_: &RunResult| {
        let done = finished.fetch_add(1, Ordering::Relaxed) + 1;
        report(*current.lock().unwrap_or_else(|e| e.into_inner()), done);
    };
    let mut timings = Vec::new();
    let stage = |name: &'static str| {
        *current.lock().unwrap_or_else(|e| e.into_inner()) = name;
        report(name, finished.load(Ordering::Relaxed));
        Instant::now()
    };
    let mut time = |name: &str, start: Instant| {
        timings.push(StageTiming {
            stage: name.into(),
            seconds: start.elapsed().as_secs_f64(),
        })
    };

    // The library baseline depends only on the training rows, and most of linfa's time is one
    // serial chain of L-BFGS steps: it is fitted from the start, beside every stage until the
    // final comparison needs it, on the core time the others leave idle.
    let (library_fit, staged) = rayon::join(
        || library.fit(train),
        || -> Result<_> {
            let t = stage("gradcheck");
            let gradcheck = gradcheck(train, config.seed, config.gradcheck_rows);
            time("gradcheck", t);

            let t = stage("lr_demo");
            let lr_demo = lr_demo::run(config, train, val, observer, &done)?;
            time("lr_demo", t);

            // The grid and the Monte Carlo runs train together: runs of one batch size share
            // their batches (one shuffle seed per batch size), so each batch is read once for
            // all of them.
            let grid_specs = grid::specs(config);
            let mut specs = grid_specs.clone();
            specs.extend(monte_carlo::specs(config));
            let t = stage(GRID_AND_MONTE_CARLO);
            // The optimum and the optimum of a random split depend on no SGD run either: they
            // are fitted beside the grid.
            let (results, (newton_fit, random_split)) = rayon::join(
                || run_all(&specs, train, val, observer, &done),
                || {
                    rayon::join(
                        || newton.fit_observed(train, &Muted(observer)),
                        || {
                            let seed = config.random_split_seed();
                            producer_effect::fit_random_split(
                                table, splits, &newton, seed, observer,
                            )
                        },
                    )
                },
            );
            let (mut results, newton_fit, random_split) = (results?, newton_fit?, random_split?);
            let monte_carlo = monte_carlo::assemble(config, results.split_off(grid_specs.len()));
            let grid = grid::assemble(config, results);
            time(GRID_AND_MONTE_CARLO, t);
            let best = best_or_error(&grid)?.clone();
            check(observer)?;

            let t = stage("standardization");
            let standardization = standardization_demo::run(
                &best,
                train,
                val,
                &splits.standardizer,
                config.eval_every,
                observer,
            )?;
            done(&standardization.raw);
            time("standardization", t);
            // The final stage starts here: a wait for the library's fit is part of it.
            let t = stage("final");
            Ok((
                t,
                (gradcheck, lr_demo, grid, monte_carlo, best),
                (newton_fit, random_split, standardization),
            ))
        },
    );
    let (
        t,
        (gradcheck, lr_demo, grid, monte_carlo, best),
        (newton_fit, random_split, standardization),
    ) = staged?;
    check(observer)?;
    let references = final_eval::References::new(newton_fit, library_fit?, newton.settings().l2);
    let chosen = final_eval::Chosen {
        learning_rate: best.learning_rate,
        batch_size: best.batch_size,
        run_id: best.id.clone(),
    };
    let sgd_params = best.final_params.as_ref().ok_or(Error::NoUsableGridCell)?;
    let final_eval = final_eval::run(chosen, sgd_params, splits, references)?;
    let optimum = &final_eval.models[1];
    let producer_effect = producer_effect::ProducerEffect::new(
        random_split,
        optimum.test,
        splits.test.positive_share(),
    );
    let test_statistics = test_statistics::run(table, splits, &optimum.params)?;
    let answers = answers::answers(config, &lr_demo, &grid, &monte_carlo, &final_eval);
    time("final", t);

    Ok(StudyResults {
        format: RESULTS_FORMAT.into(),
        version: crate::VERSION.into(),
        command_line: Vec::new(),
        seed: config.seed,
        config: config.clone(),
        data: inspect(table, splits),
        gradcheck,
        lr_demo,
        grid,
        monte_carlo,
        final_eval,
        standardization,
        producer_effect,
        test_statistics,
        answers,
        timings,
    })
}

fn best_or_error(grid: &GridResult) -> Result<&RunResult> {
    grid.best_cell().ok_or(Error::NoUsableGridCell)
}

fn check(observer: &dyn Observer) -> Result<()> {
    if observer.cancelled() {
        Err(Error::Interrupted)
    } else {
        Ok(())
    }
}
