//! Analytic gradient against central finite differences.
