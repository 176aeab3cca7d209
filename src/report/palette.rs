//! Colours and line styles that stay apart for colour-blind readers and in grey print.
//!
//! The colours are the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), ordered
//! so that neighbours differ in lightness as well as hue; every series also gets its own dash
//! pattern and marker, so that no series is told apart by colour alone.

use plotters::style::RGBColor;

/// Okabe-Ito colours, dark and light alternating.
pub const COLORS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 0, 0),       // black
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
];

/// Dash patterns `(dash, gap)` in pixels; `None` is a solid line.
pub const DASHES: [Option<(u32, u32)>; 4] = [None, Some((10, 5)), Some((3, 4)), Some((14, 4))];

/// Marker shapes, cycled with the colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Cross,
}

/// Markers in series order.
pub const MARKERS: [Marker; 4] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Cross,
];

/// The look of series `i`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesStyle {
    pub color: RGBColor,
    pub dash: Option<(u32, u32)>,
    pub marker: Marker,
}

/// The style of series `i` (cycles after the palette's length).
pub fn series(i: usize) -> SeriesStyle {
    SeriesStyle {
        color: COLORS[i % COLORS.len()],
        dash: DASHES[i % DASHES.len()],
        marker: MARKERS[i % MARKERS.len()],
    }
}

/// A sequential colour map for heat maps, from dark (low) to light (high): viridis, whose
/// lightness rises monotonically, so it reads in grey and for colour-blind readers.
/// `t` is clamped to [0, 1].
pub fn sequential(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let k = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - k as f64;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Relative luminance (sRGB weights, no gamma), 0 to 255: picks black or white text on a fill.
pub fn luminance(c: RGBColor) -> f64 {
    0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_series_differ_in_lightness_dash_and_marker() {
        for i in 0..4 {
            let (a, b) = (series(i), series(i + 1));
            assert!(
                (luminance(a.color) - luminance(b.color)).abs() > 30.0,
                "series {i}"
            );
            assert_ne!(a.dash, b.dash);
            assert_ne!(a.marker, b.marker);
        }
    }

    #[test]
    fn sequential_map_gets_lighter() {
        let mut last = -1.0;
        for k in 0..=20 {
            let l = luminance(sequential(k as f64 / 20.0));
            assert!(l > last, "step {k}");
            last = l;
        }
        assert_eq!(sequential(f64::NAN), sequential(0.0));
    }
}
