//! Drawing primitives shared by the study's plots: rendering one drawing to both SVG and PNG,
//! the embedded font, and a line chart (optionally log-scaled, with shaded bands) whose series
//! are told apart by colour, dash pattern and marker.

use super::palette::{self, Marker, SeriesStyle};
use crate::error::{Error, Result};
use plotters::coord::combinators::{BindKeyPoints, WithKeyPoints};
use plotters::coord::ranged1d::{
    AsRangedCoord, DefaultFormatting, KeyPointHint, Ranged, ValueFormatter,
};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

/// The embedded font (DejaVu Sans, Bitstream Vera licence, see `assets/`): text renders in PNG
/// plots without any system font; SVG text names the same family and falls back to the
/// viewer's sans-serif.
pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
/// The family every plot uses.
pub const FONT: &str = "sans-serif";

/// Default plot size in pixels.
pub const SIZE: (u32, u32) = (900, 540);

/// A drawing error as text (plotters' errors are generic over the backend).
pub type DrawResult = std::result::Result<(), String>;

/// Something that can draw itself on any plotters backend.
pub trait Plot {
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// One figure in both formats.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// File stem under `plots/`.
    pub name: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// Converts any displayable drawing error to text.
pub fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid font (a test renders text with them); a failure here would only
        // leave text undrawn in PNGs, and `render` reports it.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

/// Renders `plot` as SVG text and as PNG bytes.
pub fn render<P: Plot>(name: &str, plot: &P) -> Result<Figure> {
    register_font();
    let (w, h) = plot.size();
    let fail = |ext: &str, message: String| Error::format(format!("plots/{name}.{ext}"), message);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail("svg", err(e)))?;
        plot.draw(&root).map_err(|e| fail("svg", e))?;
        root.present().map_err(|e| fail("svg", err(e)))?;
    }
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail("png", err(e)))?;
        plot.draw(&root).map_err(|e| fail("png", e))?;
        root.present().map_err(|e| fail("png", err(e)))?;
    }
    let png = encode_png(&pixels, w, h).map_err(|e| fail("png", e))?;
    Ok(Figure {
        name: name.into(),
        svg,
        png,
    })
}

/// Encodes RGB8 pixels as PNG.
fn encode_png(pixels: &[u8], w: u32, h: u32) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(err)?;
        writer.write_image_data(pixels).map_err(err)?;
    }
    Ok(out)
}

/// The style of titles, axis descriptions and labels.
pub fn title_font() -> TextStyle<'static> {
    (FONT, 22).into_font().color(&BLACK)
}
pub fn label_font() -> TextStyle<'static> {
    (FONT, 16).into_font().color(&BLACK)
}
pub fn tick_font() -> TextStyle<'static> {
    (FONT, 13).into_font().color(&BLACK)
}

/// One series of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub style: SeriesStyle,
}

/// A shaded band (mean ± one standard deviation) drawn under the lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// `(x, low, high)`.
    pub points: Vec<(f64, f64, f64)>,
    pub style: SeriesStyle,
}

/// A line chart: a titled panel with labelled axes and a legend.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub log_y: bool,
    pub lines: Vec<Line>,
    pub bands: Vec<Band>,
}

impl LineChart {
    /// The x range and the y range of everything drawn (finite and, on a log axis, positive
    /// values only), padded a little.
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for l in &self.lines {
            for &(x, y) in &l.points {
                xs.push(x);
                ys.push(y);
            }
        }
        for b in &self.bands {
            for &(x, lo, hi) in &b.points {
                xs.push(x);
                ys.push(lo);
                ys.push(hi);
            }
        }
        let ok = |y: &f64| y.is_finite() && (!self.log_y || *y > 0.0);
        let (x0, x1) = min_max(xs.into_iter().filter(|x| x.is_finite())).unwrap_or((0.0, 1.0));
        let (y0, y1) = min_max(ys.into_iter().filter(ok)).unwrap_or((0.1, 1.0));
        let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
        if self.log_y {
            let (y0, y1) = if y1 > y0 {
                (y0, y1)
            } else {
                (y0 / 2.0, y0 * 2.0)
            };
            ((x0, x1), (y0 / 1.15, y1 * 1.15))
        } else {
            let pad = if y1 > y0 { (y1 - y0) * 0.05 } else { 0.5 };
            ((x0, x1), (y0 - pad, y1 + pad))
        }
    }
}

impl Plot for LineChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let ((x0, x1), (y0, y1)) = self.ranges();
        let ticks = if self.log_y {
            log_ticks(y0, y1)
        } else {
            linear_ticks(y0, y1)
        };
        if self.log_y {
            draw_line_chart(
                root,
                self,
                x0..x1,
                (y0..y1).log_scale().with_key_points(ticks),
            )
        } else {
            draw_line_chart(root, self, x0..x1, Ticked((y0..y1).with_key_points(ticks)))
        }
    }
}

/// A linear axis with our own ticks (plotters gives `WithKeyPoints` over a linear axis no label
/// formatter; this one delegates everything and formats with `Debug`, which our own label
/// formatter replaces anyway).
pub struct Ticked(WithKeyPoints<RangedCoordf64>);

/// A linear axis over `range` with ticks exactly at `ticks`.
pub fn ticked(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Ticked {
    Ticked(range.with_key_points(ticks))
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.0.map(value, limit)
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        self.0.key_points(hint)
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.0.range()
    }
}

/// About five "nice" ticks (steps of 1, 2 or 5 times a power of ten) inside `[lo, hi]`.
pub fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return vec![lo];
    }
    let raw = (hi - lo) / 5.0;
    let exponent = raw.log10().floor() as i32;
    let power = 10f64.powi(exponent);
    let mantissa = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|m| m * power >= raw)
        .unwrap_or(10.0);
    let step = mantissa * power;
    // k · mantissa is an exact integer; one division (or product) by the power of ten rounds
    // once, so the ticks print as 0.6, not 0.6000000000000001.
    let value = |k: i64| {
        let units = k as f64 * mantissa;
        if exponent < 0 {
            units / 10f64.powi(-exponent)
        } else {
            units * power
        }
    };
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(value).collect()
}

/// Ticks for a logarithmic axis: the 1-2-5 values of each decade inside `[lo, hi]` (only the
/// powers of ten when there are many decades), or linear ticks when the range is under a decade
/// and has fewer than three of them.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return linear_ticks(lo, hi);
    }
    let (d0, d1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let mantissas: &[f64] = if d1 - d0 > 4 {
        &[1.0]
    } else {
        &[1.0, 2.0, 5.0]
    };
    let ticks: Vec<f64> = (d0..=d1)
        .flat_map(|d| mantissas.iter().map(move |m| m * 10f64.powi(d)))
        .filter(|t| *t >= lo && *t <= hi)
        .collect();
    if ticks.len() >= 3 {
        ticks
    } else {
        linear_ticks(lo, hi)
            .into_iter()
            .filter(|t| *t > 0.0)
            .collect()
    }
}

/// A tick label: no trailing zeros, scientific notation for very small or large values.
pub fn tick_label(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e5).contains(&a) {
        return format!("{v:.0e}");
    }
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Draws `chart` with the given y coordinate (linear or logarithmic).
fn draw_line_chart<DB, Y>(
    root: &DrawingArea<DB, Shift>,
    chart: &LineChart,
    x: std::ops::Range<f64>,
    y: Y,
) -> DrawResult
where
    DB: DrawingBackend,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let mut ctx = ChartBuilder::on(root)
        .caption(&chart.title, title_font())
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    ctx.configure_mesh()
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .axis_desc_style(label_font())
        .label_style(tick_font())
        .x_labels(8)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| tick_label(*y))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(220, 220, 220))
        .draw()
        .map_err(err)?;
    let positive = |y: f64| y.is_finite() && (!chart.log_y || y > 0.0);
    for band in &chart.bands {
        let upper = band.points.iter().map(|&(x, _, hi)| (x, hi));
        let lower = band.points.iter().rev().map(|&(x, lo, _)| (x, lo));
        let outline: Vec<(f64, f64)> = upper.chain(lower).filter(|p| positive(p.1)).collect();
        if outline.len() >= 3 {
            ctx.draw_series(std::iter::once(Polygon::new(
                outline,
                band.style.color.mix(0.22).filled(),
            )))
            .map_err(err)?;
        }
    }
    for line in &chart.lines {
        let points: Vec<(f64, f64)> = line
            .points
            .iter()
            .copied()
            .filter(|p| p.0.is_finite() && positive(p.1))
            .collect();
        let s = line.style;
        let stroke = s.color.stroke_width(2);
        let anno = match s.dash {
            None => ctx.draw_series(LineSeries::new(points.clone(), stroke)),
            Some((d, g)) => ctx.draw_series(DashedLineSeries::new(points.clone(), d, g, stroke)),
        }
        .map_err(err)?;
        anno.label(&line.label).legend(move |(lx, ly)| {
            EmptyElement::at((lx, ly))
                + PathElement::new(vec![(0, 0), (24, 0)], s.color.stroke_width(2))
                + Polygon::new(marker_outline(s.marker, 12, 5), s.color.filled())
        });
        // A few markers per line, at the same positions on every line of the chart.
        let every = (points.len() / 8).max(1);
        ctx.draw_series(
            points
                .iter()
                .enumerate()
                .filter(|(k, _)| (k + 1) % every == 0)
                .map(|(_, &p)| {
                    EmptyElement::at(p)
                        + Polygon::new(marker_outline(s.marker, 0, 5), s.color.filled())
                }),
        )
        .map_err(err)?;
    }
    if !chart.lines.is_empty() {
        ctx.configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(120, 120, 120))
            .label_font(tick_font())
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// The outline of a marker of radius `r` centred at `(cx, 0)`, in pixels.
pub fn marker_outline(marker: Marker, cx: i32, r: i32) -> Vec<(i32, i32)> {
    match marker {
        Marker::Circle => (0..12)
            .map(|k| {
                let a = k as f64 * std::f64::consts::PI / 6.0;
                (
                    cx + (r as f64 * a.cos()).round() as i32,
                    (r as f64 * a.sin()).round() as i32,
                )
            })
            .collect(),
        Marker::Square => vec![(cx - r, -r), (cx + r, -r), (cx + r, r), (cx - r, r)],
        Marker::Triangle => vec![(cx, -r - 1), (cx + r + 1, r), (cx - r - 1, r)],
        Marker::Cross => {
            let t = (r / 3).max(1);
            vec![
                (cx - t, -r),
                (cx + t, -r),
                (cx + t, -t),
                (cx + r, -t),
                (cx + r, t),
                (cx + t, t),
                (cx + t, r),
                (cx - t, r),
                (cx - t, t),
                (cx - r, t),
                (cx - r, -t),
                (cx - t, -t),
            ]
        }
    }
}

/// Series style `i` of the palette.
pub fn style(i: usize) -> SeriesStyle {
    palette::series(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_inside_the_range() {
        assert_eq!(linear_ticks(0.53, 0.71), [0.55, 0.6, 0.65, 0.7]);
        assert_eq!(
            linear_ticks(0.0, 1000.0),
            [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
        );
        assert_eq!(log_ticks(0.4, 12.0), [0.5, 1.0, 2.0, 5.0, 10.0]);
        assert_eq!(
            log_ticks(1e-3, 1e4),
            [1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, 1000.0, 1e4]
        );
        // Under a decade with fewer than three 1-2-5 values: linear ticks.
        let t = log_ticks(0.52, 0.9);
        assert!(
            t.len() >= 3 && t.iter().all(|v| (0.52..=0.9).contains(v)),
            "{t:?}"
        );
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(0.55), "0.55");
        assert_eq!(tick_label(2.0), "2");
        assert_eq!(tick_label(1e-5), "1e-5");
        assert_eq!(tick_label(-0.0), "0");
    }
}
