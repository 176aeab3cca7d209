//! The library baseline: linfa-logistic on the same standardized rows.
