//! The Monte Carlo bands: the spread across initializations at the end of the runs, per batch
//! size, against the noise of a validation loss, and the ratio of the spreads.

use super::in_half_widths;
use crate::experiments::config::BatchOrders;
use crate::experiments::monte_carlo::MonteCarloResult;
use crate::experiments::StudyConfig;

/// The end of one batch size's band.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Spread {
    pub batch_size: usize,
    /// Runs that completed.
    pub completed: usize,
    /// The band's last point: its iteration, mean and sample standard deviation across the
    /// initializations; absent when no run recorded anything.
    pub iter: Option<usize>,
    pub mean: Option<f64>,
    pub std: Option<f64>,
    /// `std` over the half-width of a validation loss's 95% interval.
    pub std_in_half_widths: Option<f64>,
    /// `std` exceeds that half-width.
    pub beyond_noise: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MonteCarloAnswer {
    pub orders: BatchOrders,
    pub learning_rate: f64,
    pub inits: usize,
    pub iterations: usize,
    pub spreads: Vec<Spread>,
    /// The first batch size's spread over the last one's (with the classic sizes: batch 1 over
    /// batch 50,000); absent when either is missing or the last is 0.
    pub ratio: Option<f64>,
}

pub fn answer(config: &StudyConfig, mc: &MonteCarloResult, half_width: f64) -> MonteCarloAnswer {
    let spreads: Vec<Spread> = mc
        .groups
        .iter()
        .map(|g| {
            let last = g.band.last();
            let std = last.map(|b| b.std);
            Spread {
                batch_size: g.batch_size,
                completed: g.runs.iter().filter(|r| r.usable()).count(),
                iter: last.map(|b| b.iter),
                mean: last.map(|b| b.mean),
                std,
                std_in_half_widths: std.and_then(|s| in_half_widths(s, half_width)),
                beyond_noise: std.map(|s| s > half_width),
            }
        })
        .collect();
    let ratio = match (spreads.first(), spreads.last()) {
        (Some(a), Some(b)) if spreads.len() > 1 => a
            .std
            .zip(b.std)
            .filter(|(_, b)| *b > 0.0)
            .map(|(a, b)| a / b),
        _ => None,
    };
    MonteCarloAnswer {
        orders: config.monte_carlo.orders,
        learning_rate: mc.learning_rate,
        inits: config.monte_carlo.inits,
        iterations: config.monte_carlo.iterations,
        spreads,
        ratio,
    }
}
