//! The HTML report: one self-contained file (inline SVG and CSS, no script, no network; its
//! Content-Security-Policy forbids any fetch), rendered from the template `report.html` with a
//! context of one serde value per section (see `sections.rs`).
//!
//! What the engine is set up to guarantee:
//! - every value prints HTML-escaped; markup is only what the code marks as such (the inline
//!   SVG plots) and the output of the template's `table` and `figure` macros, whose holes are
//!   escaped in turn; the `safe` filter is removed, so the template cannot mark text as markup;
//! - a hole without a value is an error (strict undefined), and so is a value without a hole,
//!   so the template and the code cannot drift apart silently;
//! - only text and whole numbers print: every float is formatted by the code, as the report
//!   shows it, never by the engine's own float format.

mod answers;
mod final_section;
mod parts;
mod quote;
mod sections;

use crate::error::{Error, Result};
use crate::experiments::StudyResults;
use crate::report::chart::Figure;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, ValueKind};
use minijinja::{Environment, ErrorKind, Output, State, UndefinedBehavior, Value};
use serde::Serialize;
use std::collections::BTreeSet;

/// The report template.
pub const TEMPLATE: &str = include_str!("report.html");

/// The context of the report: one value per section, named as in the template.
#[derive(Debug, Serialize)]
struct Report {
    page: sections::Page,
    data: sections::Data,
    gradcheck: sections::Gradcheck,
    lr_demo: sections::LrDemo,
    grid: sections::Grid,
    monte_carlo: sections::MonteCarlo,
    final_eval: final_section::FinalEval,
    standardization: sections::Standardization,
    run: sections::Run,
}

/// Renders the report for `results` with its `figures` (as made by `plots::all_figures`).
pub fn render(results: &StudyResults, figures: &[Figure]) -> Result<String> {
    // The sentences quote their numbers from the results as `results.json` holds them.
    let json = serde_json::to_value(results).map_err(|e| Error::format("report", e.to_string()))?;
    let q = quote::Quote::new(&json);
    let report = Report {
        page: sections::page(results),
        data: sections::data(results, &q)?,
        gradcheck: sections::gradcheck(results),
        lr_demo: sections::lr_demo(results, figures, &q)?,
        grid: sections::grid(results, figures, &q)?,
        monte_carlo: sections::monte_carlo(results, figures, &q)?,
        final_eval: final_section::final_eval(results, figures, &q)?,
        standardization: sections::standardization(results, figures)?,
        run: sections::run(results)?,
    };
    render_html(TEMPLATE, &report)
}

/// Renders the HTML template `source` with `context`, whose values are maps of fields (one per
/// section), each of which the template must use.
fn render_html(source: &str, context: &impl Serialize) -> Result<String> {
    let bad = |e: minijinja::Error| Error::format("report template", e.to_string());
    let env = environment().map_err(bad)?;
    // The name's `.html` turns HTML autoescaping on.
    let template = env
        .template_from_named_str("report.html", source)
        .map_err(bad)?;
    let context = Value::from(Serde(context));
    let holes = template.undeclared_variables(true);
    let unused: Vec<String> = fields(&context)
        .map_err(bad)?
        .into_iter()
        .filter(|path| !holes.contains(path))
        .collect();
    if !unused.is_empty() {
        return Err(Error::format(
            "report template",
            format!("values without a hole: {unused:?}"),
        ));
    }
    template.render(context).map_err(bad)
}

/// The engine: strict undefined, our own printing of values, no `safe` filter, and the
/// template's final newline kept.
fn environment() -> std::result::Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()?,
    );
    env.remove_filter("safe");
    env.set_formatter(print_value);
    Ok(env)
}

/// Prints a value: markup as is, text escaped, whole numbers in decimal; anything else (a float,
/// none, a list) is an error, so that no value can print in a form the code did not choose.
fn print_value(
    out: &mut Output,
    _: &mut State,
    value: &Value,
) -> std::result::Result<(), minijinja::Error> {
    let text = match value.kind() {
        ValueKind::String if value.is_safe() => value.to_string(),
        ValueKind::String => escape(value.as_str().unwrap_or_default()),
        ValueKind::Number if value.is_integer() => value.to_string(),
        kind => {
            return Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("the report prints text and whole numbers only, not the {kind} {value}"),
            ))
        }
    };
    out.write_str(&text).map_err(minijinja::Error::from)
}

/// `section.field` for every field of every section of `context`.
fn fields(context: &Value) -> std::result::Result<BTreeSet<String>, minijinja::Error> {
    let mut paths = BTreeSet::new();
    for section in context.try_iter()? {
        for field in context.get_item(&section)?.try_iter()? {
            paths.insert(format!("{section}.{field}"));
        }
    }
    Ok(paths)
}

/// Escapes `&`, `<`, `>`, `"` and `'`. Ours rather than minijinja's, which also escapes `/` and
/// writes `'` as `&#x27;`: the report's text stays as it always was (`&#39;`, paths unescaped).
fn escape(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The error message of rendering `source` with `context`.
    fn error(source: &str, context: serde_json::Value) -> String {
        match render_html(source, &context) {
            Ok(out) => panic!("{source} rendered as {out:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn text_is_escaped_and_markup_kept() {
        #[derive(Serialize)]
        struct Section {
            text: &'static str,
            markup: Value,
            n: u64,
        }
        #[derive(Serialize)]
        struct Context {
            s: Section,
        }
        let context = Context {
            s: Section {
                text: "<b>&'\"/",
                markup: Value::from_safe_string("<i>x</i>".into()),
                n: 7,
            },
        };
        let out = render_html("[{{ s.text }}|{{ s.markup }}|{{ s.n }}]\n", &context);
        assert_eq!(out.unwrap(), "[&lt;b&gt;&amp;&#39;&quot;/|<i>x</i>|7]\n");
    }

    #[test]
    fn missing_and_unused_values_are_refused() {
        let ctx = || json!({ "s": { "a": "x", "b": "y" } });
        assert_eq!(render_html("{{ s.a }}{{ s.b }}", &ctx()).unwrap(), "xy");
        for missing in ["{{ s.c }}", "{{ t }}", "{% if s.c %}{% endif %}"] {
            let source = format!("{{{{ s.a }}}}{{{{ s.b }}}}{missing}");
            assert!(
                error(&source, ctx()).contains("undefined value"),
                "{missing}"
            );
        }
        assert!(error("{{ s.a }}{{ s.b", ctx()).contains("syntax error"));
        assert!(error("{{ s.a }}", ctx()).contains("values without a hole: [\"s.b\"]"));
    }

    #[test]
    fn only_text_and_whole_numbers_print_and_never_as_markup() {
        for value in [json!(0.5), json!(null), json!([1]), json!(true)] {
            let message = error("{{ s.v }}", json!({ "s": { "v": value } }));
            assert!(message.contains("text and whole numbers only"), "{message}");
        }
        let message = error("{{ s.v|safe }}", json!({ "s": { "v": "<i>" } }));
        assert!(message.contains("unknown filter"), "{message}");
    }

    #[test]
    fn the_macros_write_tables_and_figures_as_before() {
        let macros = &TEMPLATE[..TEMPLATE.find("<!DOCTYPE").unwrap()];
        let table = parts::Table::new(
            &["a", "<b>"],
            vec![
                parts::Row::new(true, vec!["1".into(), "x & y".into()]),
                parts::Row::plain(vec!["2".into(), "z".into()]),
            ],
        );
        let fig = Figure {
            name: "lr_demo".into(),
            svg: "<?xml version=\"1.0\"?>\n<svg><text>t</text></svg>".into(),
            png: Vec::new(),
        };
        #[derive(Serialize)]
        struct Section {
            table: parts::Table,
            figure: parts::FigureView,
        }
        #[derive(Serialize)]
        struct Context {
            s: Section,
        }
        let context = Context {
            s: Section {
                table,
                figure: parts::figure(&[fig], "lr_demo", "A <caption>").unwrap(),
            },
        };
        let source = format!("{macros}{{{{ table(s.table) }}}}\n{{{{ figure(s.figure) }}}}");
        let out = render_html(&source, &context);
        assert_eq!(
            out.unwrap(),
            "<table>\n<thead><tr><th>a</th><th>&lt;b&gt;</th></tr></thead>\n<tbody>\n\
             <tr class=\"best\"><td>1</td><td>x &amp; y</td></tr>\n<tr><td>2</td><td>z</td></tr>\n\
             </tbody>\n</table>\n\
             <figure class=\"plot\" id=\"plot-lr_demo\">\n<svg><text>t</text></svg>\n\
             <figcaption>A &lt;caption&gt; (also <code>plots/lr_demo.svg</code> and \
             <code>.png</code>)</figcaption>\n</figure>"
        );
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
}
