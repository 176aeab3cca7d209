//! The ROC curves of the final comparison's three models on the test set, beside the diagonal
//! of a classifier that guesses.

use super::chart::{
    err, label_font, linear_ticks, style, tick_font, tick_label, ticked, title_font,
};
use super::chart::{DrawResult, Plot};
use crate::experiments::final_eval::FinalResult;
use plotters::coord::Shift;
use plotters::prelude::*;

/// True-positive rate against false-positive rate, one line per model, its AUC in the legend.
pub struct RocCurves<'a>(pub &'a FinalResult);

impl Plot for RocCurves<'_> {
    /// Half the report's width, beside the accuracy bars.
    fn size(&self) -> (u32, u32) {
        (660, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let mut ctx = ChartBuilder::on(root)
            .caption("ROC curves on the test set", title_font())
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(
                ticked(0.0..1.0, linear_ticks(0.0, 1.0)),
                ticked(0.0..1.0, linear_ticks(0.0, 1.0)),
            )
            .map_err(err)?;
        ctx.configure_mesh()
            .x_desc("false-positive rate (negatives called positive)")
            .y_desc("true-positive rate (positives found)")
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .x_label_formatter(&|x| tick_label(*x))
            .y_label_formatter(&|y| tick_label(*y))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()
            .map_err(err)?;
        let grey = RGBColor(150, 150, 150);
        ctx.draw_series(DashedLineSeries::new(
            vec![(0.0, 0.0), (1.0, 1.0)],
            6,
            6,
            grey.stroke_width(1),
        ))
        .map_err(err)?
        .label("chance")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], grey.stroke_width(1)));
        for (i, model) in self.0.models.iter().enumerate() {
            let s = style(i);
            let points: Vec<(f64, f64)> = model
                .test_roc
                .points
                .iter()
                .map(|p| (p.fpr, p.tpr))
                .collect();
            let stroke = s.color.stroke_width(2);
            let drawn = match s.dash {
                None => ctx.draw_series(LineSeries::new(points, stroke)),
                Some((d, g)) => ctx.draw_series(DashedLineSeries::new(points, d, g, stroke)),
            }
            .map_err(err)?;
            let auc = model
                .test_roc
                .auc
                .map(|a| format!(", AUC {a:.4}"))
                .unwrap_or_default();
            drawn
                .label(format!("{}{auc}", model.label))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], stroke));
        }
        ctx.configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(120, 120, 120))
            .label_font(tick_font())
            .draw()
            .map_err(err)?;
        Ok(())
    }
}
