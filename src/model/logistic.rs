//! The math of logistic regression as small pure functions.
