//! Statistical secrecy (secret statistique) of a table of counts: no published cell counts
//! fewer persons than the threshold, and no hidden cell can be narrowed down from the row's total
//! and the other cells.
//!
//! A row is its cells and their total. Primary suppression hides every cell counting from 1 to
//! `threshold - 1` persons (an empty cell names nobody and stays published). An attacker who reads
//! the total and the published cells knows the hidden cells add up to `H`, and that each is at
//! least 1 (a hidden cell is never empty): each lies in `[1, H - (k - 1)]` for `k` hidden cells,
//! an interval of width `H - k`. Secondary suppression hides the smallest published non-empty
//! cells until `H - k ≥ threshold`, or, when no cell is left to hide, hides the total: then the
//! row says nothing of its hidden cells. A row whose total itself counts fewer than `threshold`
//! persons is hidden whole.

/// The cells and the total of one row, as published: `None` where hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedRow {
    pub cells: Vec<Option<i64>>,
    pub total: Option<i64>,
}

/// Hides what `threshold` requires of a row of counts whose total is the sum of its cells.
pub fn protect_row(cells: &[i64], threshold: i64) -> ProtectedRow {
    let total: i64 = cells.iter().sum();
    let small = |count: i64| count > 0 && count < threshold;
    if small(total) {
        return ProtectedRow { cells: cells.iter().map(|&count| (count == 0).then_some(0)).collect(), total: None };
    }
    let mut hidden: Vec<bool> = cells.iter().map(|&count| small(count)).collect();
    let mut total_hidden = false;
    while hidden.contains(&true) && interval_width(cells, &hidden) < threshold {
        let smallest_published = (0..cells.len())
            .filter(|&index| !hidden[index] && cells[index] > 0)
            .min_by_key(|&index| (cells[index], index));
        match smallest_published {
            Some(index) => hidden[index] = true,
            None => {
                total_hidden = true;
                break;
            }
        }
    }
    ProtectedRow {
        cells: cells.iter().zip(&hidden).map(|(&count, &hide)| (!hide).then_some(count)).collect(),
        total: (!total_hidden).then_some(total),
    }
}

/// The width of the interval each hidden cell is known to lie in, from the total and the
/// published cells: `H - k` for `k` hidden cells adding up to `H`.
fn interval_width(cells: &[i64], hidden: &[bool]) -> i64 {
    let (sum, count) = cells
        .iter()
        .zip(hidden)
        .filter(|(_, hide)| **hide)
        .fold((0, 0), |(sum, count), (&cells, _)| (sum + cells, count + 1));
    sum - count
}

/// What an attacker learns of each hidden cell of a published row: its lowest and highest
/// possible values, from the total, the published cells, and that a hidden cell is never empty.
/// `None` for a published cell; `(1, i64::MAX)` when the total is hidden too.
pub fn attack_row(row: &ProtectedRow) -> Vec<Option<(i64, i64)>> {
    let hidden_count = row.cells.iter().filter(|cell| cell.is_none()).count() as i64;
    let published: i64 = row.cells.iter().flatten().sum();
    row.cells
        .iter()
        .map(|cell| match (cell, row.total) {
            (Some(_), _) => None,
            (None, Some(total)) => Some((1, total - published - (hidden_count - 1))),
            (None, None) => Some((1, i64::MAX)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const THRESHOLD: i64 = 11;

    /// Every row of small counts: each hidden cell's interval is at least the threshold wide,
    /// every published cell is empty or at least the threshold, and the published numbers are
    /// the true ones.
    #[test]
    fn no_hidden_cell_is_recovered_from_the_total() {
        let values = [0, 1, 2, 5, 10, 11, 12, 30];
        for a in values {
            for b in values {
                for c in values {
                    for d in [0, 3, 40] {
                        let cells = [a, b, c, d];
                        let row = protect_row(&cells, THRESHOLD);
                        check(&cells, &row);
                    }
                }
            }
        }
    }

    fn check(cells: &[i64], row: &ProtectedRow) {
        for (cell, published) in cells.iter().zip(&row.cells) {
            if let Some(published) = published {
                assert_eq!(published, cell);
                assert!(*published == 0 || *published >= THRESHOLD, "{cells:?} → {row:?}");
            }
        }
        if let Some(total) = row.total {
            assert_eq!(total, cells.iter().sum::<i64>());
            assert!(total == 0 || total >= THRESHOLD);
        }
        for (cell, bounds) in cells.iter().zip(attack_row(row)) {
            if let Some((low, high)) = bounds {
                assert!((low..=high).contains(cell), "the bounds hold the true value");
                assert!(high - low >= THRESHOLD, "{cells:?} → {row:?}: [{low}, {high}]");
            }
        }
    }

    #[test]
    fn a_small_cell_takes_the_next_smallest_with_it() {
        let row = protect_row(&[3, 20, 50, 0], THRESHOLD);
        assert_eq!(row, ProtectedRow { cells: vec![None, None, Some(50), Some(0)], total: Some(73) });
    }

    #[test]
    fn a_row_of_fewer_persons_than_the_threshold_is_hidden_whole() {
        let row = protect_row(&[3, 4, 0], THRESHOLD);
        assert_eq!(row, ProtectedRow { cells: vec![None, None, Some(0)], total: None });
    }
}
