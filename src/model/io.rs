//! The model file, `model.json`: predicts from raw features.
