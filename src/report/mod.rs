//! Outputs of the study: results JSON, CSV histories, plots and the HTML report.
