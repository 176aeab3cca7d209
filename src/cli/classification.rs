//! `evaluate`'s classification metrics: the confusion matrix, precision, recall, F1 and ROC AUC
//! of a model on each set.

use msd_century::data::{Dataset, Splits};
use msd_century::model::metrics::{predict_rows, Classification};
use msd_century::model::Params;

/// The metrics of each set; absent (`null`) for an empty set.
#[derive(Debug, serde::Serialize)]
pub struct BySet {
    pub train: Option<Classification>,
    pub val: Option<Classification>,
    pub test: Option<Classification>,
}

fn one(params: &Params, data: &Dataset) -> Option<Classification> {
    (!data.is_empty()).then(|| Classification::new(&predict_rows(params, data), &data.targets))
}

/// The metrics of `params` on the three sets of `splits`.
pub fn by_set(params: &Params, splits: &Splits) -> BySet {
    BySet {
        train: one(params, &splits.train),
        val: one(params, &splits.val),
        test: one(params, &splits.test),
    }
}

/// An optional ratio as text.
fn opt(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.4}")).unwrap_or_else(|| "-".into())
}

/// The lines `evaluate` prints for each set.
pub fn print(sets: &BySet) -> anyhow::Result<()> {
    for (name, c) in [
        ("train", &sets.train),
        ("val", &sets.val),
        ("test", &sets.test),
    ] {
        let Some(c) = c else { continue };
        let m = &c.confusion;
        outln!(
            "{name:>5}: TN {} FP {} FN {} TP {}  precision {}  recall {}  F1 {}  ROC AUC {}",
            m.true_negative,
            m.false_positive,
            m.false_negative,
            m.true_positive,
            opt(c.precision),
            opt(c.recall),
            opt(c.f1),
            opt(c.roc_auc)
        );
    }
    Ok(())
}
