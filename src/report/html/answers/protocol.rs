//! The producer effect and the leak of test statistics, measured.

use super::{accuracy_with_interval, ACCURACY};
use crate::error::Result;
use crate::report::html::quote::{noise, sentence, Fmt, Quote, Sentence};

/// What a random split does to the optimum's test accuracy.
pub fn producer_effect(q: &Quote) -> Result<Vec<Sentence>> {
    let p = "/producer_effect";
    let mut numbers = vec![
        q.num(&format!("{p}/random_split/train_rows"), Fmt::Int)?,
        q.num(&format!("{p}/random_split/test/n"), Fmt::Int)?,
    ];
    numbers.extend(accuracy_with_interval(
        q,
        &format!("{p}/random_split/test"),
    )?);
    numbers.extend(accuracy_with_interval(q, &format!("{p}/artist_split"))?);
    let first = sentence(
        &format!(
            "Measured: fitted on a random split of the same sizes ({{}} training rows, {{}} test \
             rows, drawn by a seeded shuffle of all rows), the exact optimum has a test accuracy \
             of {ACCURACY}; on the data set's own split by artist it has {ACCURACY}."
        ),
        numbers,
    )?;
    let d = format!("{p}/accuracy_difference");
    let beyond = q.flag(&format!("{d}/beyond_noise"))?;
    let higher = q.f64(&format!("{d}/estimate"))? > 0.0;
    let verdict = match (beyond, higher) {
        (true, true) => "on these data a random split flatters the score by that much.",
        (true, false) => {
            "on these data a random split does not flatter the score: the rows after the artist \
             cut, the file's last artists, are easier for this model than a random sample of all \
             rows."
        }
        (false, _) => "on these data a random split does not measurably flatter the score.",
    };
    let mut numbers = vec![q.num(&format!("{d}/estimate"), Fmt::Signed(4))?];
    let z = if q.present(&format!("{d}/z")) {
        numbers.push(q.num(&format!("{d}/z"), Fmt::Signed(1))?);
        " ({} standard errors)"
    } else {
        ""
    };
    let second = sentence(
        &format!(
            "The random split's test accuracy minus the artist split's is {{}}{z}, {}: {verdict}",
            noise(beyond)
        ),
        numbers,
    )?;
    Ok(vec![first, second])
}

/// What standardizing the test rows with their own statistics does to the optimum's accuracy.
pub fn test_statistics(q: &Quote) -> Result<Vec<Sentence>> {
    let t = "/test_statistics";
    let mut numbers = accuracy_with_interval(q, &format!("{t}/test_statistics"))?;
    numbers.extend(accuracy_with_interval(
        q,
        &format!("{t}/training_statistics"),
    )?);
    numbers.push(q.num(&format!("{t}/accuracy_difference"), Fmt::Signed(4))?);
    let first = sentence(
        &format!(
            "Measured: with the test rows standardized by their own mean and standard deviation, \
             the optimum's test accuracy is {ACCURACY}, against {ACCURACY} with the training \
             statistics: a difference of {{}}."
        ),
        numbers,
    )?;
    let m = format!("{t}/mcnemar");
    let beyond = q.flag(&format!("{m}/beyond_noise"))?;
    let verdict = if !beyond {
        "on these data the leak does not measurably change the score; the protocol forbids it \
         all the same, since a deployed model knows only its training data."
    } else if q.f64(&format!("{t}/accuracy_difference"))? > 0.0 {
        "on these data the leak flatters the test score."
    } else {
        "on these data the leak lowers the score: the model meets inputs scaled with other numbers \
         than the ones it was fitted on."
    };
    let second = sentence(
        &format!(
            "The prediction changes on {{}} rows that only the training statistics get right and \
             {{}} that only the test set's own get right; McNemar's exact binomial test \
             (two-sided) gives p = {{}}, {}: {verdict}",
            noise(beyond)
        ),
        vec![
            q.num(&format!("{m}/only_first_correct"), Fmt::Int)?,
            q.num(&format!("{m}/only_second_correct"), Fmt::Int)?,
            q.num(&format!("{m}/p_value"), Fmt::P)?,
        ],
    )?;
    Ok(vec![first, second])
}
