//! The learning-rate demo, the grid's choice and the Monte Carlo bands.

use crate::error::Result;
use crate::report::html::quote::{noise, sentence, Fmt, Part, Quote, Sentence};

/// How far each learning rate got, and whether the largest settled.
pub fn lr_demo(q: &Quote) -> Result<Vec<Sentence>> {
    let a = "/answers/lr_demo";
    let mut template = String::from("From zero parameters at batch size {} over {} iterations, ");
    let mut numbers = vec![
        q.num(&format!("{a}/batch_size"), Fmt::Int)?,
        q.num(&format!("{a}/iterations"), Fmt::Int)?,
    ];
    let rates = q.len(&format!("{a}/rates"))?;
    let mut largest = (0, f64::NEG_INFINITY);
    for k in 0..rates {
        let r = format!("{a}/rates/{k}");
        let lr = q.f64(&format!("{r}/learning_rate"))?;
        if lr > largest.1 {
            largest = (k, lr);
        }
        template.push_str(if k == 0 {
            "learning rate {} "
        } else {
            "; rate {} "
        });
        numbers.push(q.num(&format!("{r}/learning_rate"), Fmt::Plain)?);
        if q.present(&format!("{r}/final_val_loss")) {
            numbers.push(q.num(&format!("{r}/final_val_loss"), Fmt::Dec(4))?);
            numbers.push(q.num(&format!("{r}/above_optimum"), Fmt::Dec(4))?);
            if k == 0 {
                template.push_str("reached a validation loss of {}, {} above the optimum's {}");
                numbers.push(q.num(&format!("{a}/optimum_val_loss"), Fmt::Dec(4))?);
            } else {
                template.push_str("reached {} ({} above)");
            }
        } else if q.present(&format!("{r}/diverged_at")) {
            template.push_str("diverged at iteration {}");
            numbers.push(q.num(&format!("{r}/diverged_at"), Fmt::Int)?);
        } else {
            template.push_str("did not run");
        }
    }
    template.push('.');
    let mut out = vec![sentence(&template, numbers)?];

    let s = format!("{a}/largest");
    if q.present(&s) {
        let settled = q.flag(&format!("{s}/settled"))?;
        let mut numbers = vec![
            q.num(&format!("{s}/from_iter"), Fmt::Int)?,
            q.num(&format!("{s}/to_iter"), Fmt::Int)?,
            q.num(&format!("{s}/learning_rate"), Fmt::Plain)?,
            q.num(&format!("{s}/min"), Fmt::Dec(4))?,
            q.num(&format!("{s}/max"), Fmt::Dec(4))?,
            q.num(&format!("{s}/spread"), Fmt::Dec(4))?,
        ];
        let times = if q.present(&format!("{s}/spread_in_half_widths")) {
            numbers.push(q.num(&format!("{s}/spread_in_half_widths"), Fmt::Dec(1))?);
            "{} times "
        } else {
            ""
        };
        numbers.push(q.num("/answers/confidence", Fmt::Pct(0))?);
        numbers.push(q.num("/answers/val_loss_half_width", Fmt::Dec(4))?);
        out.push(sentence(
            &format!(
                "Over the last fifth of its run (iterations {{}} to {{}}), the validation loss of \
                 the largest rate, {{}}, moved between {{}} and {{}}: a spread of {{}}, {times}the \
                 half-width of the {{}} interval of a validation loss ({{}}). It {} ({}).",
                if settled { "settled" } else { "did not settle" },
                noise(!settled)
            ),
            numbers,
        )?);
    } else if q.present(&format!("{a}/rates/{}/diverged_at", largest.0)) {
        let r = format!("{a}/rates/{}", largest.0);
        out.push(sentence(
            "The largest rate, {}, diverged at iteration {}: it did not settle.",
            vec![
                q.num(&format!("{r}/learning_rate"), Fmt::Plain)?,
                q.num(&format!("{r}/diverged_at"), Fmt::Int)?,
            ],
        )?);
    }
    Ok(out)
}

/// `learning rate {} with batch size {}` of the grid cell at `cell`.
fn cell(q: &Quote, cell: &str) -> Result<Vec<Part>> {
    Ok(vec![
        q.num(&format!("{cell}/learning_rate"), Fmt::Plain)?,
        q.num(&format!("{cell}/batch_size"), Fmt::Int)?,
    ])
}
const CELL: &str = "learning rate {} with batch size {}";

/// The grid's choice, the runners-up within one standard error, the cells that failed.
pub fn grid(q: &Quote) -> Result<Vec<Sentence>> {
    let a = "/answers/grid";
    let mut out = Vec::new();
    if q.present(&format!("{a}/chosen")) {
        let mut numbers = cell(q, &format!("{a}/chosen"))?;
        numbers.push(q.num(&format!("{a}/chosen/final_val_loss"), Fmt::Dec(6))?);
        out.push(sentence(
            &format!("The grid chose {CELL}, whose final validation loss, {{}}, is the lowest."),
            numbers,
        )?);
        let n = q.len(&format!("{a}/runners_up"))?;
        let se = q.num(&format!("{a}/se"), Fmt::Dec(6))?;
        if n == 0 {
            out.push(sentence(
                "No other cell is within one standard error ({}) of it: the choice is beyond noise.",
                vec![se],
            )?);
        } else {
            let mut template = String::from("Within one standard error ({}) of it: ");
            let mut numbers = vec![se];
            for k in 0..n {
                let c = format!("{a}/runners_up/{k}");
                template.push_str(if k == 0 { "" } else { "; " });
                template.push_str(CELL);
                template.push_str(" ({} above)");
                numbers.extend(cell(q, &c)?);
                numbers.push(q.num(&format!("{c}/above_chosen"), Fmt::Dec(6))?);
            }
            template.push_str(". Among these the choice is within noise");
            if q.f64(&format!("{a}/others"))? > 0.0 {
                template.push_str("; the other {} completed cells are further off");
                numbers.push(q.num(&format!("{a}/others"), Fmt::Int)?);
            }
            template.push('.');
            out.push(sentence(&template, numbers)?);
        }
    }
    let mut failed = |list: &str, label: &str, detail: Option<(&str, &str)>| -> Result<()> {
        let n = q.len(&format!("{a}/{list}"))?;
        if n == 0 {
            return Ok(());
        }
        let mut template = format!("{label}: ");
        let mut numbers = Vec::new();
        for k in 0..n {
            let c = format!("{a}/{list}/{k}");
            template.push_str(if k == 0 { "" } else { "; " });
            template.push_str(CELL);
            numbers.extend(cell(q, &c)?);
            if let Some((field, text)) = detail {
                template.push_str(text);
                numbers.push(q.num(&format!("{c}/{field}"), Fmt::Int)?);
            }
        }
        template.push('.');
        out.push(sentence(&template, numbers)?);
        Ok(())
    };
    failed(
        "diverged",
        "Diverged",
        Some(("diverged_at", " (at iteration {})")),
    )?;
    failed(
        "skipped",
        "Skipped, with a batch larger than the training set",
        None,
    )?;
    if q.len(&format!("{a}/diverged"))? + q.len(&format!("{a}/skipped"))? == 0 {
        out.push(sentence("No cell diverged and none was skipped.", vec![])?);
    }
    Ok(out)
}

/// What the band measures, the spread at each batch size, and their ratio.
pub fn monte_carlo(q: &Quote) -> Result<Vec<Sentence>> {
    let a = "/answers/monte_carlo";
    let orders = match q.text(&format!("{a}/orders"))? {
        "independent" => {
            "Each initialization had its own batch order (independent orders): the band is the \
             spread due to the initialization and the batch order together."
        }
        _ => {
            "Every initialization saw the same batches (shared orders): the band is the spread \
             due to the initialization alone."
        }
    };
    let mut out = vec![sentence(orders, vec![])?];
    let n = q.len(&format!("{a}/spreads"))?;
    for k in 0..n {
        let s = format!("{a}/spreads/{k}");
        if !q.present(&format!("{s}/std")) {
            out.push(sentence(
                "At batch size {} no run recorded a validation loss.",
                vec![q.num(&format!("{s}/batch_size"), Fmt::Int)?],
            )?);
            continue;
        }
        let beyond = q.flag(&format!("{s}/beyond_noise"))?;
        let mut numbers = vec![
            q.num(&format!("{s}/batch_size"), Fmt::Int)?,
            q.num(&format!("{s}/completed"), Fmt::Int)?,
            q.num(&format!("{s}/iter"), Fmt::Int)?,
            q.num(&format!("{s}/mean"), Fmt::Dec(6))?,
            q.num(&format!("{s}/std"), Fmt::Dec(6))?,
        ];
        let times = if q.present(&format!("{s}/std_in_half_widths")) {
            numbers.push(q.num(&format!("{s}/std_in_half_widths"), Fmt::Dec(2))?);
            "{} times the half-width of a validation loss's interval, "
        } else {
            ""
        };
        out.push(sentence(
            &format!(
                "At batch size {{}}, the {{}} completed runs end at iteration {{}} with a mean \
                 validation loss of {{}} and a standard deviation across initializations of {{}}, \
                 {times}{}.",
                noise(beyond)
            ),
            numbers,
        )?);
    }
    if q.present(&format!("{a}/ratio")) {
        out.push(sentence(
            "The spread at batch size {} is {} times the spread at batch size {}.",
            vec![
                q.num(&format!("{a}/spreads/0/batch_size"), Fmt::Int)?,
                q.num(&format!("{a}/ratio"), Fmt::Dec(1))?,
                q.num(&format!("{a}/spreads/{}/batch_size", n - 1), Fmt::Int)?,
            ],
        )?);
    }
    Ok(out)
}
