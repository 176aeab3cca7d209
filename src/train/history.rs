//! Validation loss and accuracy recorded during training.

/// One evaluation of the validation set.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HistoryPoint {
    pub iter: usize,
    pub val_loss: f64,
    pub val_accuracy: f64,
}

/// The evaluations of a run, and the iteration at which it diverged, if it did.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct History {
    pub points: Vec<HistoryPoint>,
    pub diverged_at: Option<usize>,
}
