//! The final comparison: SGD against the optimum (McNemar), each model's sets against each other,
//! and the areas under the ROC curves.

use super::{accuracy_with_interval, ACCURACY};
use crate::error::Result;
use crate::report::html::quote::{noise, sentence, Fmt, Quote, Sentence};

/// The sets of a model's `differences`, in their order, as a sentence names them.
const PAIRS: [&str; 3] = [
    "validation minus train",
    "test minus validation",
    "test minus train",
];

pub fn final_eval(q: &Quote) -> Result<Vec<Sentence>> {
    let f = "/final_eval";
    let m = format!("{f}/sgd_vs_optimum");
    let beyond = q.flag(&format!("{m}/beyond_noise"))?;
    let mut numbers = vec![q.num(&format!("{f}/models/0/test/n"), Fmt::Int)?];
    numbers.extend(accuracy_with_interval(q, &format!("{f}/models/0/test"))?);
    numbers.extend(accuracy_with_interval(q, &format!("{f}/models/1/test"))?);
    numbers.push(q.num(&format!("{m}/only_first_correct"), Fmt::Int)?);
    numbers.push(q.num(&format!("{m}/only_second_correct"), Fmt::Int)?);
    numbers.push(q.num(&format!("{m}/p_value"), Fmt::P)?);
    let mut out = vec![sentence(
        &format!(
            "On the {{}} test rows the chosen SGD model is right on {ACCURACY} and the optimum on \
             {ACCURACY}. SGD alone is right on {{}} rows, the optimum alone on {{}}; McNemar's \
             exact binomial test (two-sided) on these paired predictions gives p = {{}}: the \
             difference is {}.",
            noise(beyond)
        ),
        numbers,
    )?];

    let models = q.len(&format!("{f}/models"))?;
    for k in 0..models {
        let model = format!("{f}/models/{k}");
        let label = q.text(&format!("{model}/label"))?;
        let mut template = format!("{label}, accuracy: ");
        let mut numbers = Vec::new();
        for (j, pair) in PAIRS.iter().enumerate() {
            let d = format!("{model}/differences/{j}/accuracy");
            template.push_str(if j == 0 { "" } else { "; " });
            template.push_str(pair);
            numbers.push(q.num(&format!("{d}/estimate"), Fmt::Signed(4))?);
            if q.present(&format!("{d}/z")) {
                template.push_str(" {} ({} standard errors, ");
                numbers.push(q.num(&format!("{d}/z"), Fmt::Signed(1))?);
            } else {
                template.push_str(" {} (");
            }
            template.push_str(noise(q.flag(&format!("{d}/beyond_noise"))?));
            template.push(')');
        }
        template.push('.');
        out.push(sentence(&template, numbers)?);
    }

    let mut template = String::from("Area under the ROC curve on the test set: ");
    let mut numbers = Vec::new();
    for k in 0..models {
        let model = format!("{f}/models/{k}");
        template.push_str(if k == 0 { "" } else { "; " });
        template.push_str(q.text(&format!("{model}/label"))?);
        if q.present(&format!("{model}/test_roc/auc")) {
            template.push_str(" {}");
            numbers.push(q.num(&format!("{model}/test_roc/auc"), Fmt::Dec(4))?);
        } else {
            template.push_str(" none (one class only)");
        }
    }
    template.push('.');
    out.push(sentence(&template, numbers)?);
    Ok(out)
}
