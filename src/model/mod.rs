//! The logistic-regression model `y = sigmoid(w·x + b)`: its parameters, the math as small pure
//! functions ([`logistic`]), loss, accuracy and gradient on a data set, the gradient check, the
//! model file, predictions from raw features, the scores of rows held in memory, and what
//! predictions say with their uncertainty ([`metrics`]).

mod evaluate;
mod gradcheck;
mod io;
pub mod logistic;
pub mod metrics;
mod params;
mod predict;
mod score;
pub mod simulate;

pub use evaluate::{
    block_stats, evaluate, evaluate_many, loss_and_gradient, BlockStats, Evaluation,
};
pub(crate) use evaluate::{loss_totals, totals};
pub use gradcheck::{gradcheck, gradcheck_at, GradcheckReport, MAX_REL_ERROR};
pub use io::{Model, Training, FORMAT as MODEL_FORMAT, VERSION as MODEL_VERSION};
pub use params::{Init, Params};
pub use predict::{
    format_predictions, format_probabilities, predict_file, read_rows, OutputFormat,
};
pub use score::{logits, probabilities};
