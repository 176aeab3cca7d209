//! The HTML report: one self-contained file (inline SVG and CSS, no script, no network; its
//! Content-Security-Policy forbids any fetch), filled from a template.
//!
//! The template (`template.html`) has two kinds of holes: `{{name}}` takes a text value, HTML-
//! escaped; `{{{name}}}` takes markup built here (tables whose cells are escaped, and the SVG
//! plots). A hole without a value, or a value without a hole, is an error, so the template and
//! the code cannot drift apart silently.

use super::chart::Figure;
use crate::error::{Error, Result};
use crate::experiments::{RunResult, RunStatus, StudyResults};
use std::collections::BTreeMap;

/// The report template.
pub const TEMPLATE: &str = include_str!("template.html");

/// Values for the template's holes: text (escaped) or markup (inserted as is).
#[derive(Debug, Default)]
pub struct Context {
    text: BTreeMap<String, String>,
    markup: BTreeMap<String, String>,
}

impl Context {
    pub fn text(&mut self, key: &str, value: impl ToString) {
        self.text.insert(key.into(), value.to_string());
    }
    pub fn markup(&mut self, key: &str, value: String) {
        self.markup.insert(key.into(), value);
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills `template` from `context`.
pub fn fill(template: &str, context: &Context) -> Result<String> {
    let bad = |m: String| Error::format("report template", m);
    let mut out = String::with_capacity(template.len() * 2);
    let mut used = std::collections::BTreeSet::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let raw = rest[start..].starts_with("{{{");
        let (open, close) = if raw { ("{{{", "}}}") } else { ("{{", "}}") };
        let after = &rest[start + open.len()..];
        let end = after.find(close).ok_or_else(|| {
            bad(format!(
                "unclosed {open} near {:?}",
                &after[..after.len().min(30)]
            ))
        })?;
        let key = after[..end].trim();
        let value = if raw {
            context.markup.get(key).cloned()
        } else {
            context.text.get(key).map(|v| escape(v))
        };
        out.push_str(&value.ok_or_else(|| bad(format!("no value for {open}{key}{close}")))?);
        used.insert(key.to_string());
        rest = &after[end + close.len()..];
    }
    out.push_str(rest);
    let unused: Vec<&String> = context
        .text
        .keys()
        .chain(context.markup.keys())
        .filter(|k| !used.contains(*k))
        .collect();
    if !unused.is_empty() {
        return Err(bad(format!("values without a hole: {unused:?}")));
    }
    Ok(out)
}

/// A table whose cells are escaped; rows with `true` get the `best` class.
pub fn table(headers: &[&str], rows: &[(bool, Vec<String>)]) -> String {
    let mut html = String::from("<table>\n<thead><tr>");
    for h in headers {
        html.push_str(&format!("<th>{}</th>", escape(h)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for (best, cells) in rows {
        html.push_str(if *best { "<tr class=\"best\">" } else { "<tr>" });
        for c in cells {
            html.push_str(&format!("<td>{}</td>", escape(c)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>");
    html
}

/// A figure: the inline SVG and a caption.
pub fn figure(fig: &Figure, caption: &str) -> String {
    // The SVG comes from plotters (our own drawing code), not from user input; the XML
    // declaration, if any, is dropped so that the element can sit inline.
    let svg = match fig.svg.find("<svg") {
        Some(i) => &fig.svg[i..],
        None => fig.svg.as_str(),
    };
    format!(
        "<figure class=\"plot\" id=\"plot-{}\">\n{}\n<figcaption>{} (also <code>plots/{}.svg</code> and <code>.png</code>)</figcaption>\n</figure>",
        escape(&fig.name),
        svg,
        escape(caption),
        escape(&fig.name)
    )
}

fn f4(x: f64) -> String {
    format!("{x:.4}")
}
fn f6(x: f64) -> String {
    format!("{x:.6}")
}
fn opt6(x: Option<f64>) -> String {
    x.map(f6).unwrap_or_else(|| "-".into())
}
fn opt4(x: Option<f64>) -> String {
    x.map(f4).unwrap_or_else(|| "-".into())
}

/// A run's status in words.
pub fn status_text(run: &RunResult) -> String {
    match &run.status {
        RunStatus::Completed => "completed".into(),
        RunStatus::Diverged { at } => format!("diverged at iteration {at}"),
        RunStatus::Skipped { reason } => format!("skipped: {reason}"),
    }
}

/// Renders the report for `results` with its `figures` (as made by `plots::all_figures`).
pub fn render(results: &StudyResults, figures: &[Figure]) -> Result<String> {
    let fig = |name: &str, caption: &str| -> Result<String> {
        let f = figures
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| Error::format("report", format!("no figure named {name}")))?;
        Ok(figure(f, caption))
    };
    let mut c = Context::default();
    let d = &results.data;
    let run_table = |runs: &[&RunResult], best: Option<&str>| {
        let rows: Vec<(bool, Vec<String>)> = runs
            .iter()
            .map(|r| {
                (
                    best == Some(r.id.as_str()),
                    vec![
                        r.learning_rate.to_string(),
                        r.batch_size.to_string(),
                        opt6(r.final_val_loss),
                        opt4(r.final_val_accuracy),
                        status_text(r),
                        format!("runs/{}.csv", r.id),
                    ],
                )
            })
            .collect();
        table(
            &[
                "learning rate",
                "batch size",
                "final val loss",
                "final val accuracy",
                "status",
                "history",
            ],
            &rows,
        )
    };

    c.text(
        "title",
        if d.synthetic {
            "synthetic data"
        } else {
            "YearPredictionMSD"
        },
    );
    c.text("version", &results.version);
    c.text("seed", results.seed);
    c.text("source", d.source.to_string());
    c.text("threshold", d.year_threshold);
    c.text("year_min", d.year_min);
    c.text("year_max", d.year_max);
    c.markup(
        "banner",
        if d.synthetic {
            "<div class=\"banner\" id=\"synthetic-banner\">SYNTHETIC DATA: these results come from the \
             embedded MSD-like generator, not from the real Million Song Dataset. Put \
             data/YearPredictionMSD.txt.zip in place (or pass --data) to study the real file.</div>"
                .into()
        } else {
            String::new()
        },
    );
    let s = &d.sizes;
    let p = &d.positive_share;
    c.markup(
        "data_table",
        table(
            &["set", "rows", "positive share"],
            &[
                (false, vec!["all".into(), d.rows.to_string(), f4(p.all)]),
                (
                    false,
                    vec![
                        "train (fits the models)".into(),
                        s.train.to_string(),
                        f4(p.train),
                    ],
                ),
                (
                    false,
                    vec![
                        "validation (chooses the setting)".into(),
                        s.val.to_string(),
                        f4(p.val),
                    ],
                ),
                (
                    false,
                    vec![
                        "test (file order, last rows)".into(),
                        s.test.to_string(),
                        f4(p.test),
                    ],
                ),
            ],
        ),
    );

    let g = &results.gradcheck;
    c.text("gradcheck_rows", results.config.gradcheck_rows);
    c.markup(
        "gradcheck_table",
        table(
            &[
                "parameters checked",
                "max abs error",
                "max rel error",
                "passed",
            ],
            &[(
                !g.passed,
                vec![
                    g.params_checked.to_string(),
                    format!("{:.3e}", g.max_abs_error),
                    format!("{:.3e}", g.max_rel_error),
                    if g.passed { "yes" } else { "NO" }.into(),
                ],
            )],
        ),
    );

    let lr = &results.lr_demo;
    c.text("lr_batch", lr.batch_size);
    c.text("lr_iterations", results.config.lr_demo.iterations);
    c.markup(
        "lr_figure",
        fig(
            "lr_demo",
            "Validation loss (log scale) against iteration for each learning rate.",
        )?,
    );
    c.markup(
        "lr_table",
        run_table(&lr.runs.iter().collect::<Vec<_>>(), None),
    );

    let grid = &results.grid;
    let fe = &results.final_eval;
    c.text("grid_iterations", results.config.grid.iterations);
    c.text(
        "chosen",
        format!(
            "learning rate {}, batch size {}",
            fe.chosen.learning_rate, fe.chosen.batch_size
        ),
    );
    c.markup(
        "grid_heatmap",
        fig(
            "grid_heatmap",
            "Final validation loss of every cell; the best is outlined.",
        )?,
    );
    c.markup(
        "grid_curves",
        fig(
            "grid_curves",
            "Validation loss curves, one panel per batch size.",
        )?,
    );
    c.markup(
        "grid_table",
        run_table(
            &grid.cells.iter().collect::<Vec<_>>(),
            Some(fe.chosen.run_id.as_str()),
        ),
    );

    let mc = &results.monte_carlo;
    c.text("mc_lr", mc.learning_rate);
    c.text("mc_inits", results.config.monte_carlo.inits);
    c.text("mc_iterations", results.config.monte_carlo.iterations);
    c.markup(
        "mc_figure",
        fig(
            "monte_carlo",
            "Mean validation loss with a band of one standard deviation, per batch size.",
        )?,
    );
    let mc_rows: Vec<(bool, Vec<String>)> = mc
        .groups
        .iter()
        .map(|grp| {
            let finals: Vec<String> = grp.runs.iter().map(|r| opt6(r.final_val_loss)).collect();
            let last = grp.band.last();
            (
                false,
                vec![
                    grp.batch_size.to_string(),
                    finals.join(", "),
                    last.map(|b| format!("{:.6} ± {:.6}", b.mean, b.std))
                        .unwrap_or_else(|| "-".into()),
                    grp.runs.iter().filter(|r| r.usable()).count().to_string(),
                ],
            )
        })
        .collect();
    c.markup(
        "mc_table",
        table(
            &[
                "batch size",
                "final val loss of each init",
                "final mean ± std",
                "completed runs",
            ],
            &mc_rows,
        ),
    );

    c.text("newton_l2", fe.newton_l2);
    c.text("newton_iterations", fe.newton_iterations);
    c.text(
        "newton_grad",
        format!("{:.2e}", fe.newton_gradient_max_norm),
    );
    c.text("library_l2", format!("{:.4e}", fe.library_l2));
    c.text(
        "library_c",
        if fe.library_l2 > 0.0 {
            format!(
                "{:.4}",
                1.0 / (fe.library_l2 * results.data.sizes.train as f64)
            )
        } else {
            "infinity (no penalty)".into()
        },
    );
    c.text("library_iterations", fe.library_iterations);
    c.markup(
        "final_figure",
        fig(
            "final_accuracy",
            "Accuracy on train, validation and test; the axis starts above zero.",
        )?,
    );
    let final_rows: Vec<(bool, Vec<String>)> = fe
        .models
        .iter()
        .map(|m| {
            (
                false,
                vec![
                    m.label.clone(),
                    f4(m.train.accuracy),
                    f4(m.val.accuracy),
                    f4(m.test.accuracy),
                    f6(m.train.loss),
                    f6(m.val.loss),
                    f6(m.test.loss),
                    format!("{:+.2e}", m.loss_gap.train),
                    format!("{:+.2e}", m.loss_gap.test),
                ],
            )
        })
        .collect();
    c.markup(
        "final_table",
        table(
            &[
                "model",
                "train acc",
                "val acc",
                "test acc",
                "train loss",
                "val loss",
                "test loss",
                "train loss gap",
                "test loss gap",
            ],
            &final_rows,
        ),
    );

    let sd = &results.standardization;
    c.markup(
        "std_figure",
        fig(
            "standardization",
            "Validation loss with standardized and with raw features.",
        )?,
    );
    c.markup(
        "std_table",
        table(
            &["features", "final val loss", "final val accuracy", "status"],
            &[
                (
                    false,
                    vec![
                        "standardized".into(),
                        opt6(sd.standardized.final_val_loss),
                        opt4(sd.standardized.final_val_accuracy),
                        status_text(&sd.standardized),
                    ],
                ),
                (
                    false,
                    vec![
                        "raw".into(),
                        opt6(sd.raw.final_val_loss),
                        opt4(sd.raw.final_val_accuracy),
                        status_text(&sd.raw),
                    ],
                ),
            ],
        ),
    );

    c.text("command_line", shell_words(&results.command_line));
    c.text("total_seconds", format!("{:.2}", results.total_seconds()));
    let timing_rows: Vec<(bool, Vec<String>)> = results
        .timings
        .iter()
        .map(|t| (false, vec![t.stage.clone(), format!("{:.3}", t.seconds)]))
        .collect();
    c.markup("timings_table", table(&["stage", "seconds"], &timing_rows));
    let config = serde_json::to_string_pretty(&results.config)
        .map_err(|e| Error::format("report", e.to_string()))?;
    c.text("config_json", config);
    fill(TEMPLATE, &c)
}

/// The command line as one string, quoting words that need it.
pub fn shell_words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_escapes_text_and_keeps_markup() {
        let mut c = Context::default();
        c.text("a", "<b>&'\"");
        c.markup("m", "<i>x</i>".into());
        let out = fill("[{{a}}|{{{m}}}|{{ a }}]", &c).unwrap();
        assert_eq!(
            out,
            "[&lt;b&gt;&amp;&#39;&quot;|<i>x</i>|&lt;b&gt;&amp;&#39;&quot;]"
        );
    }

    #[test]
    fn fill_refuses_missing_and_unused_values() {
        let mut c = Context::default();
        assert!(fill("{{missing}}", &c).is_err());
        assert!(fill("{{open", &c).is_err());
        c.text("extra", 1);
        assert!(fill("no holes", &c).is_err());
        // A markup hole never takes a text value.
        assert!(fill("{{{extra}}}", &c).is_err());
    }

    #[test]
    fn the_template_has_every_section() {
        for id in [
            "data",
            "gradcheck",
            "lr-demo",
            "grid",
            "monte-carlo",
            "final",
            "standardization",
            "run",
        ] {
            assert!(TEMPLATE.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
    }

    #[test]
    fn shell_words_quote_what_needs_it() {
        let args: Vec<String> = ["msd-century", "run", "--out", "a b", "it's"]
            .map(String::from)
            .into();
        assert_eq!(shell_words(&args), "msd-century run --out 'a b' 'it'\\''s'");
    }
}
