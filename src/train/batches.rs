//! Shuffle and batch: the mini-batches of SGD, epoch after epoch.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Shuffle and batch: epochs of `n / batch_size` full batches of a freshly shuffled order.
///
/// A batch is the set of rows at positions `k·b .. (k+1)·b` of the epoch's permutation. Within a
/// batch the rows are then visited in increasing row order: the batch is the same set, only the
/// order in which its sum is added up is fixed this way, and rows read in address order come from
/// memory markedly faster than rows read in random order (nearby rows share pages and cache).
///
/// Each epoch's order is the previous one shuffled again. [`Batches::with_next`] prepares it
/// beside the last batch of the epoch before, on the other core: a shuffle of every row is serial
/// work that would otherwise leave that core idle once per epoch.
pub struct Batches {
    order: Vec<usize>,
    batch_size: usize,
    next: usize,
    /// The next epoch's order, once prepared.
    upcoming: Option<Vec<usize>>,
    rng: ChaCha8Rng,
    /// Scratch of [`sort_within_batches`], kept between epochs.
    batch_of_row: Vec<u32>,
}

impl Batches {
    pub fn new(n: usize, batch_size: usize, seed: u64) -> Batches {
        Batches {
            order: (0..n).collect(),
            batch_size,
            next: usize::MAX,
            upcoming: None,
            rng: ChaCha8Rng::seed_from_u64(seed),
            batch_of_row: Vec::new(),
        }
    }

    /// The rows of the next batch; a new epoch begins when this one has no full batch left.
    #[cfg(any(test, feature = "internals"))]
    pub fn next_batch(&mut self) -> &[usize] {
        self.with_next(|batch| batch.len());
        &self.order[self.next - self.batch_size..self.next]
    }

    /// Runs `work` on the rows of the next batch and returns its result. When that batch is the
    /// epoch's last, the next epoch's order is prepared at the same time (with `rayon::join`).
    pub fn with_next<R: Send>(&mut self, work: impl FnOnce(&[usize]) -> R + Send) -> R {
        let b = self.batch_size;
        let n = self.order.len();
        if self.next.saturating_add(b) > n {
            self.order = match self.upcoming.take() {
                Some(order) => order,
                None => self.shuffled(self.order.clone()),
            };
            self.next = 0;
        }
        let start = self.next;
        self.next += b;
        if self.next + b <= n {
            return work(&self.order[start..self.next]);
        }
        let Batches {
            order,
            rng,
            batch_of_row,
            ..
        } = self;
        let (result, upcoming) = rayon::join(
            || work(&order[start..start + b]),
            || shuffle_epoch(order.clone(), b, rng, batch_of_row),
        );
        self.upcoming = Some(upcoming);
        result
    }

    fn shuffled(&mut self, order: Vec<usize>) -> Vec<usize> {
        shuffle_epoch(
            order,
            self.batch_size,
            &mut self.rng,
            &mut self.batch_of_row,
        )
    }
}

/// The next epoch's order: `order` shuffled, then each full batch sorted.
fn shuffle_epoch(
    mut order: Vec<usize>,
    b: usize,
    rng: &mut ChaCha8Rng,
    batch_of_row: &mut Vec<u32>,
) -> Vec<usize> {
    order.shuffle(rng);
    if b > 1 {
        sort_within_batches(&mut order, b, batch_of_row);
    }
    order
}

/// Sorts each full batch of `order` (positions `k·b .. (k+1)·b`) in increasing row order, in one
/// counting pass over the rows (O(n) for any batch size); the short tail is left as it is.
fn sort_within_batches(order: &mut [usize], b: usize, batch_of_row: &mut Vec<u32>) {
    const NONE: u32 = u32::MAX;
    let full = order.len() / b;
    if full >= NONE as usize {
        // More batches than the scratch can number: sort them one by one.
        order[..full * b]
            .chunks_mut(b)
            .for_each(|batch| batch.sort_unstable());
        return;
    }
    batch_of_row.clear();
    batch_of_row.resize(order.len(), NONE);
    for (position, &row) in order[..full * b].iter().enumerate() {
        batch_of_row[row] = (position / b) as u32;
    }
    let mut fill: Vec<usize> = (0..full).map(|k| k * b).collect();
    for (row, &batch) in batch_of_row.iter().enumerate() {
        if batch != NONE {
            let slot = &mut fill[batch as usize];
            order[*slot] = row;
            *slot += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The batches are those of the plain recipe: shuffle the previous order, cut it into full
    /// batches, sort each batch; the short tail is skipped.
    #[test]
    fn batches_are_sorted_slices_of_each_epoch_permutation() {
        for (n, b) in [(103, 10), (100, 10), (50, 1), (64, 64), (7, 3)] {
            let mut batches = Batches::new(n, b, 9);
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let mut order: Vec<usize> = (0..n).collect();
            let per_epoch = n / b;
            for _epoch in 0..4 {
                order.shuffle(&mut rng);
                for batch in order[..per_epoch * b].chunks_mut(b) {
                    batch.sort_unstable();
                }
                for k in 0..per_epoch {
                    assert_eq!(
                        batches.next_batch(),
                        &order[k * b..(k + 1) * b],
                        "n {n} b {b}"
                    );
                }
            }
        }
    }
}
