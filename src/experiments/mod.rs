//! The study: learning-rate demo, grid search, Monte Carlo, final comparison.
