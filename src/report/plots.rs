//! The study's figures: learning-rate demo, grid heat map and curves, Monte Carlo bands, final
//! accuracies, the ROC curves (in [`super::roc_plot`]) and the standardization demo. Each is titled, has labelled axes and a legend, and
//! tells its series apart by colour, dash and marker (see [`super::palette`]).

use super::chart::{
    err, label_font, render, style, tick_font, ticked, title_font, Band, DrawResult, Figure, Line,
    LineChart, Plot,
};
use super::palette::{luminance, sequential};
use crate::error::Result;
use crate::experiments::final_eval::FinalResult;
use crate::experiments::grid::GridResult;
use crate::experiments::StudyResults;
use crate::experiments::{RunResult, RunStatus};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Every figure of the report, in report order.
pub fn all_figures(results: &StudyResults) -> Result<Vec<Figure>> {
    Ok(vec![
        render("lr_demo", &lr_demo(results))?,
        render("grid_heatmap", &GridHeatmap(&results.grid))?,
        render("grid_curves", &GridCurves(&results.grid))?,
        render("monte_carlo", &monte_carlo(results))?,
        render("final_accuracy", &FinalBars(&results.final_eval))?,
        render("roc", &super::roc_plot::RocCurves(&results.final_eval))?,
        render("standardization", &standardization(results))?,
    ])
}

/// The validation-loss curve of a run.
fn curve(run: &RunResult) -> Vec<(f64, f64)> {
    run.history
        .points
        .iter()
        .map(|p| (p.iter as f64, p.val_loss))
        .collect()
}

/// A legend label that says when a run diverged or was skipped.
fn status_note(run: &RunResult) -> String {
    match &run.status {
        RunStatus::Completed => String::new(),
        RunStatus::Diverged { at } => format!(" (diverged at {at})"),
        RunStatus::Skipped { .. } => " (skipped)".into(),
    }
}

/// Learning-rate demo: validation loss (log scale) against iteration, one line per rate.
pub fn lr_demo(results: &StudyResults) -> LineChart {
    let demo = &results.lr_demo;
    LineChart {
        title: format!(
            "Learning rates: validation loss (zero init, batch {})",
            demo.batch_size
        ),
        x_label: "iteration".into(),
        y_label: "validation loss (log scale)".into(),
        log_y: true,
        lines: demo
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| Line {
                label: format!("lr {}{}", r.learning_rate, status_note(r)),
                points: curve(r),
                style: style(i),
            })
            .collect(),
        bands: Vec::new(),
    }
}

/// Monte Carlo: mean validation loss with a band of one standard deviation, per batch size.
pub fn monte_carlo(results: &StudyResults) -> LineChart {
    let mc = &results.monte_carlo;
    let inits = results.config.monte_carlo.inits;
    let mut chart = LineChart {
        title: format!(
            "Monte Carlo: mean ± 1 std of validation loss over {inits} inits (lr {})",
            mc.learning_rate
        ),
        x_label: "iteration".into(),
        y_label: "validation loss".into(),
        log_y: false,
        lines: Vec::new(),
        bands: Vec::new(),
    };
    for (i, g) in mc.groups.iter().enumerate() {
        let s = style(i);
        chart.bands.push(Band {
            points: g
                .band
                .iter()
                .map(|b| (b.iter as f64, b.mean - b.std, b.mean + b.std))
                .collect(),
            style: s,
        });
        chart.lines.push(Line {
            label: format!("batch {} (mean ± 1 std)", g.batch_size),
            points: g.band.iter().map(|b| (b.iter as f64, b.mean)).collect(),
            style: s,
        });
    }
    chart
}

/// Standardization demo: the chosen setting on standardized and on raw features.
pub fn standardization(results: &StudyResults) -> LineChart {
    let s = &results.standardization;
    LineChart {
        title: format!(
            "Standardization: lr {}, batch {} on standardized vs raw features",
            s.learning_rate, s.batch_size
        ),
        x_label: "iteration".into(),
        y_label: "validation loss (log scale)".into(),
        log_y: true,
        lines: vec![
            Line {
                label: format!("standardized{}", status_note(&s.standardized)),
                points: curve(&s.standardized),
                style: style(0),
            },
            Line {
                label: format!("raw features{}", status_note(&s.raw)),
                points: curve(&s.raw),
                style: style(1),
            },
        ],
        bands: Vec::new(),
    }
}

/// Where `loss` falls between `lo` and `hi` on the heat map's colour scale, from 0 to 1: on a log
/// scale, so that one cell far off (a loss of 18 beside losses of 0.55) does not paint all the
/// others the same colour; linear where a loss is not positive.
fn colour_position(loss: f64, lo: f64, hi: f64) -> f64 {
    let (l, lo, hi) = if lo > 0.0 {
        (loss.ln(), lo.ln(), hi.ln())
    } else {
        (loss, lo, hi)
    };
    if hi > lo {
        (l - lo) / (hi - lo)
    } else {
        0.5
    }
}

/// Grid search: final validation loss of every cell as a heat map, the best cell outlined.
pub struct GridHeatmap<'a>(pub &'a GridResult);

impl Plot for GridHeatmap<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let grid = self.0;
        let (nb, nl) = (grid.batch_sizes.len(), grid.learning_rates.len());
        let losses: Vec<f64> = grid
            .cells
            .iter()
            .filter(|c| c.usable())
            .filter_map(|c| c.final_val_loss)
            .collect();
        let lo = losses.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = losses.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let centres = |n: usize| (0..n).map(|k| k as f64 + 0.5).collect::<Vec<_>>();
        let mut ctx = ChartBuilder::on(root)
            .caption(
                "Grid search: final validation loss (darker is lower, log scale, best outlined)",
                title_font(),
            )
            .margin(12)
            .x_label_area_size(52)
            .y_label_area_size(80)
            .build_cartesian_2d(
                ticked(0.0..nb as f64, centres(nb)),
                ticked(0.0..nl as f64, centres(nl)),
            )
            .map_err(err)?;
        let batches = grid.batch_sizes.clone();
        let rates = grid.learning_rates.clone();
        let pick = |v: f64, n: usize| {
            (v.is_finite() && v >= 0.0)
                .then(|| v.floor() as usize)
                .filter(|k| *k < n)
        };
        ctx.configure_mesh()
            .disable_mesh()
            .x_desc("batch size")
            .y_desc("learning rate")
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .x_label_formatter(&|v| {
                pick(*v, nb)
                    .map(|j| batches[j].to_string())
                    .unwrap_or_default()
            })
            .y_label_formatter(&|v| {
                pick(*v, nl)
                    .map(|i| rates[i].to_string())
                    .unwrap_or_default()
            })
            .draw()
            .map_err(err)?;
        let corner = |i: usize, j: usize| (j as f64, i as f64);
        let center = |i: usize, j: usize| (j as f64 + 0.5, i as f64 + 0.5);
        let centered = Pos::new(HPos::Center, VPos::Center);
        for i in 0..nl {
            for j in 0..nb {
                let cell = grid.cell(i, j);
                let (fill, text) = match (&cell.status, cell.final_val_loss) {
                    (RunStatus::Completed, Some(l)) if l.is_finite() => {
                        (sequential(colour_position(l, lo, hi)), format!("{l:.4}"))
                    }
                    (RunStatus::Diverged { at }, _) => {
                        (RGBColor(200, 200, 200), format!("diverged at {at}"))
                    }
                    (RunStatus::Skipped { .. }, _) => (WHITE, "skipped".to_string()),
                    _ => (RGBColor(200, 200, 200), "no value".to_string()),
                };
                let ink = if luminance(fill) < 110.0 {
                    WHITE
                } else {
                    BLACK
                };
                let corners = [corner(i, j), corner(i + 1, j + 1)];
                ctx.draw_series(std::iter::once(Rectangle::new(corners, fill.filled())))
                    .map_err(err)?;
                ctx.draw_series(std::iter::once(Rectangle::new(
                    corners,
                    RGBColor(255, 255, 255).stroke_width(2),
                )))
                .map_err(err)?;
                let best = grid.best == Some(i * nb + j);
                let label = if best { format!("{text} (best)") } else { text };
                let font = (super::chart::FONT, if best { 17 } else { 15 })
                    .into_font()
                    .color(&ink)
                    .pos(centered);
                ctx.draw_series(std::iter::once(Text::new(label, center(i, j), font)))
                    .map_err(err)?;
            }
        }
        if let Some(b) = grid.best {
            let (i, j) = (b / nb, b % nb);
            let corners = [corner(i, j), corner(i + 1, j + 1)];
            let outline = Rectangle::new(corners, RGBColor(213, 94, 0).stroke_width(5));
            ctx.draw_series(std::iter::once(outline)).map_err(err)?;
        }
        Ok(())
    }
}

/// Grid search: the validation-loss curves, one panel per batch size, one line per rate.
pub struct GridCurves<'a>(pub &'a GridResult);

impl Plot for GridCurves<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.0.batch_sizes.len().div_ceil(2).max(1) as u32;
        (1000, 80 + 380 * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let grid = self.0;
        let nb = grid.batch_sizes.len();
        let area = root
            .titled(
                "Grid search: validation loss of every cell (same init, own batch size)",
                title_font(),
            )
            .map_err(err)?;
        let cols = nb.clamp(1, 2);
        let panels = area.split_evenly((nb.div_ceil(cols).max(1), cols));
        for (j, panel) in panels.iter().enumerate().take(nb) {
            let runs: Vec<&RunResult> = (0..grid.learning_rates.len())
                .map(|i| grid.cell(i, j))
                .collect();
            if let Some(RunStatus::Skipped { reason }) =
                runs.first().map(|r| &r.status).filter(|_| {
                    runs.iter()
                        .all(|r| matches!(r.status, RunStatus::Skipped { .. }))
                })
            {
                let (w, h) = panel.dim_in_pixel();
                let font = label_font().pos(Pos::new(HPos::Center, VPos::Center));
                let lines = [
                    format!("batch size {}: skipped", grid.batch_sizes[j]),
                    reason.clone(),
                ];
                for (k, text) in lines.into_iter().enumerate() {
                    let at = (w as i32 / 2, h as i32 / 2 + 24 * k as i32);
                    panel
                        .draw(&Text::new(text, at, font.clone()))
                        .map_err(err)?;
                }
                continue;
            }
            let chart = LineChart {
                title: format!("batch size {}", grid.batch_sizes[j]),
                x_label: "iteration".into(),
                y_label: "validation loss (log)".into(),
                log_y: true,
                lines: runs
                    .iter()
                    .enumerate()
                    .map(|(i, r)| Line {
                        label: format!("lr {}{}", r.learning_rate, status_note(r)),
                        points: curve(r),
                        style: style(i),
                    })
                    .collect(),
                bands: Vec::new(),
            };
            chart.draw(panel)?;
        }
        Ok(())
    }
}

/// Final accuracies: grouped bars for SGD, the optimum and the library on train, validation
/// and test. The accuracy axis does not start at zero (the models differ in the third digit);
/// every bar carries its value.
pub struct FinalBars<'a>(pub &'a FinalResult);

impl Plot for FinalBars<'_> {
    /// Half the report's width, beside the ROC curves.
    fn size(&self) -> (u32, u32) {
        (660, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let models = &self.0.models;
        let m = models.len();
        let slots = m + 1;
        let splits = ["train", "validation", "test"];
        let acc = |s: &super::super::experiments::final_eval::ModelScores, k: usize| match k {
            0 => s.train.accuracy,
            1 => s.val.accuracy,
            _ => s.test.accuracy,
        };
        let values: Vec<f64> = models
            .iter()
            .flat_map(|s| (0..3).map(move |k| acc(s, k)))
            .filter(|v| v.is_finite())
            .collect();
        let vmin = values.iter().copied().fold(1.0, f64::min);
        let vmax = values.iter().copied().fold(0.0, f64::max);
        let y0 = (((vmin - 0.04) * 20.0).floor() / 20.0).max(0.0);
        let y1 = (vmax + 0.03).min(1.0).max(y0 + 0.05);
        let centres: Vec<f64> = (0..3)
            .map(|k| (k * slots) as f64 + m as f64 / 2.0)
            .collect();
        let mut ctx = ChartBuilder::on(root)
            .caption(
                "Final accuracy: chosen SGD, exact optimum and library",
                title_font(),
            )
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(
                ticked(-0.5..(3 * slots) as f64 - 0.5, centres),
                ticked(y0..y1, super::chart::linear_ticks(y0, y1)),
            )
            .map_err(err)?;
        ctx.configure_mesh()
            .disable_x_mesh()
            .x_desc("data set")
            .y_desc("accuracy (axis starts above 0)")
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .x_label_formatter(&|x| {
                let k = ((x + 0.5) / slots as f64).floor();
                if (0.0..3.0).contains(&k) {
                    splits[k as usize].to_string()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| super::chart::tick_label(*y))
            .bold_line_style(RGBColor(220, 220, 220))
            .draw()
            .map_err(err)?;
        for (i, model) in models.iter().enumerate() {
            let color = style(i).color;
            let bars = (0..3).map(|k| {
                let x = k * slots + i;
                Rectangle::new(
                    [(x as f64 + 0.04, y0), (x as f64 + 0.96, acc(model, k))],
                    color.filled(),
                )
            });
            ctx.draw_series(bars)
                .map_err(err)?
                .label(&model.label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 18, y + 6)], color.filled())
                });
            let font = (super::chart::FONT, 12)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            let labels = (0..3).map(|k| {
                let x = k * slots + i;
                let v = acc(model, k);
                Text::new(format!("{v:.4}"), (x as f64 + 0.5, v), font.clone())
            });
            ctx.draw_series(labels).map_err(err)?;
        }
        ctx.configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(120, 120, 120))
            .label_font(tick_font())
            .draw()
            .map_err(err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::colour_position;

    #[test]
    fn heat_map_colours_follow_the_log_of_the_loss() {
        assert_eq!(colour_position(0.5, 0.5, 18.0), 0.0);
        assert!((colour_position(18.0, 0.5, 18.0) - 1.0).abs() < 1e-12);
        // The geometric mean sits half way; on a linear scale it would be at 0.13.
        assert!((colour_position(3.0, 0.5, 18.0) - 0.5).abs() < 1e-12);
        assert_eq!(colour_position(0.7, 0.7, 0.7), 0.5);
        // A loss of 0 cannot go on a log scale: linear then.
        assert!((colour_position(1.0, 0.0, 4.0) - 0.25).abs() < 1e-12);
    }
}
