//! The ROC curve and the area under it.
//!
//! Rows are ranked by score, highest first; rows with equal scores form one step (scikit-learn's
//! `roc_curve`, whose points sit at each distinct score). The area is exact: the trapezoids over
//! those steps add up to `Σ negatives_g·(positives above g + positives_g/2) / (P·N)` over the
//! groups `g` of equal scores, a tie counting half, which is computed in integers and divided
//! once (scikit-learn's `roc_auc_score` adds the same trapezoids in floating point).

/// A point of the curve: false-positive rate, true-positive rate.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RocPoint {
    pub fpr: f64,
    pub tpr: f64,
}

/// The groups of equal scores, highest first: `(positives, negatives)` in each.
fn groups(scores: &[f64], targets: &[f64]) -> Vec<(u64, u64)> {
    let mut ranked: Vec<(f64, bool)> = scores
        .iter()
        .zip(targets)
        .map(|(&s, &t)| (s, t == 1.0))
        .collect();
    ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<(u64, u64)> = Vec::new();
    let mut last = None;
    for (score, positive) in ranked {
        if last != Some(score.to_bits()) {
            out.push((0, 0));
            last = Some(score.to_bits());
        }
        let g = out.last_mut().expect("a group was pushed");
        if positive {
            g.0 += 1;
        } else {
            g.1 += 1;
        }
    }
    out
}

/// The curve from `(0, 0)` through one point per distinct score to `(1, 1)`; empty unless
/// both classes are present.
pub fn roc_curve(scores: &[f64], targets: &[f64]) -> Vec<RocPoint> {
    let groups = groups(scores, targets);
    let (p, n) = totals(&groups);
    if p == 0 || n == 0 {
        return Vec::new();
    }
    let mut points = vec![RocPoint { fpr: 0.0, tpr: 0.0 }];
    let (mut tp, mut fp) = (0u64, 0u64);
    for (pos, neg) in groups {
        tp += pos;
        fp += neg;
        points.push(RocPoint {
            fpr: fp as f64 / n as f64,
            tpr: tp as f64 / p as f64,
        });
    }
    points
}

/// The area under the ROC curve, exactly rounded; `None` unless both classes are present.
pub fn roc_auc(scores: &[f64], targets: &[f64]) -> Option<f64> {
    let groups = groups(scores, targets);
    let (p, n) = totals(&groups);
    if p == 0 || n == 0 {
        return None;
    }
    // Twice the area times P·N, in integers: a negative below `above` positives and beside
    // `pos` tied ones counts `2·above + pos`.
    let mut twice = 0u128;
    let mut above = 0u128;
    for (pos, neg) in groups {
        twice += neg as u128 * (2 * above + pos as u128);
        above += pos as u128;
    }
    Some(twice as f64 / (2 * p as u128 * n as u128) as f64)
}

fn totals(groups: &[(u64, u64)]) -> (u64, u64) {
    groups.iter().fold((0, 0), |(p, n), g| (p + g.0, n + g.1))
}

/// A few points of `curve` for a plot: the first, the last, and each one that moved at least
/// `step` in either rate since the last kept. The curve drawn through them departs from the full
/// one by less than `step`.
pub fn thin(curve: &[RocPoint], step: f64) -> Vec<RocPoint> {
    let mut kept: Vec<RocPoint> = Vec::new();
    for (i, point) in curve.iter().enumerate() {
        let far = |last: &RocPoint| {
            (point.fpr - last.fpr).abs() >= step || (point.tpr - last.tpr).abs() >= step
        };
        if i == 0 || i + 1 == curve.len() || kept.last().is_some_and(far) {
            kept.push(*point);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The area as the share of (positive, negative) pairs ranked right, ties counting half.
    fn pairs(scores: &[f64], targets: &[f64]) -> f64 {
        let (mut good, mut all) = (0.0, 0.0);
        for (i, &si) in scores.iter().enumerate() {
            for (j, &sj) in scores.iter().enumerate() {
                if targets[i] == 1.0 && targets[j] == 0.0 {
                    all += 1.0;
                    good += if si > sj {
                        1.0
                    } else if si == sj {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        good / all
    }

    #[test]
    fn area_counts_pairs_and_ties_count_half() {
        let scores = [0.9, 0.8, 0.8, 0.8, 0.4, 0.4, 0.3, 0.1, 0.1];
        let targets = [1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0];
        let auc = roc_auc(&scores, &targets).unwrap();
        assert_eq!(auc, pairs(&scores, &targets));
        // The trapezoids under the curve give the same area.
        let curve = roc_curve(&scores, &targets);
        let trapezoids: f64 = curve
            .windows(2)
            .map(|w| (w[1].fpr - w[0].fpr) * (w[1].tpr + w[0].tpr) / 2.0)
            .sum();
        assert!((trapezoids - auc).abs() < 1e-15);
        assert_eq!(curve.len(), 1 + 5, "one point per distinct score");
        assert_eq!(*curve.last().unwrap(), RocPoint { fpr: 1.0, tpr: 1.0 });
        assert_eq!(roc_auc(&[0.2, 0.7], &[0.0, 1.0]), Some(1.0));
        assert_eq!(roc_auc(&[0.5, 0.5], &[0.0, 1.0]), Some(0.5));
        assert_eq!(roc_auc(&[0.2, 0.7], &[1.0, 1.0]), None);
        assert!(roc_curve(&[0.2], &[0.0]).is_empty());
    }

    #[test]
    fn thinning_keeps_the_ends_and_steps() {
        let curve: Vec<RocPoint> = (0..=1000)
            .map(|k| RocPoint {
                fpr: k as f64 / 1000.0,
                tpr: 1.0 - (1.0 - k as f64 / 1000.0).powi(2),
            })
            .collect();
        let few = thin(&curve, 0.01);
        assert!(few.len() < 150 && few.len() > 50, "{}", few.len());
        assert_eq!(few[0], curve[0]);
        assert_eq!(few.last(), curve.last());
        // Each gap is at most the step plus one step of the full curve (at most 0.002).
        for w in few.windows(2) {
            assert!(w[1].fpr - w[0].fpr <= 0.0121 && w[1].tpr - w[0].tpr <= 0.0121);
        }
    }
}
