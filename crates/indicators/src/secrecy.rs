//! Statistical secrecy (secret statistique) of a published set of counts linked by margins: no
//! published cell counts fewer persons than the threshold, and no hidden cell can be narrowed
//! down from the published cells and the sums that link them.
//!
//! A set is its cells (counts of persons) and its margins, each an additive relation
//! `parent = Σ children`: the categories of a row add up to its total, the départements of a
//! région to the région, the months of a quarter to the quarter. Primary suppression hides every
//! cell counting from 1 to `threshold - 1` persons (an empty cell names nobody and stays
//! published). Secondary suppression then holds every margin to one rule, margin after margin
//! until none changes (a fixed point):
//!
//! - a margin with hidden children hides at least two of them, whose counts `H` less their
//!   number `k` reach the threshold (`H - k ≥ threshold`): read with its parent, the margin
//!   leaves each of them in `[1, H - (k - 1)]`, an interval `H - k` wide. The rule holds whether
//!   the parent is published or not, so that hiding a parent never makes its children's sum
//!   known to a combination of other margins;
//! - a hidden parent has hidden children (else it is their sum);
//! - while a margin breaks the rule, its smallest published non-empty child is hidden (the
//!   finest level first); when none is left, the parent is hidden, which the rule accepts once
//!   every non-empty cell of the margin is hidden (the margin then publishes nothing).
//!
//! The margins read together can narrow a cell more than each alone (a cell's other margins
//! raise the least value of its neighbours). So, at the fixed point, interval propagation bounds
//! every hidden cell through the margins over and over; a cell left narrower than the threshold
//! has the smallest published cell of its margins hidden too, and the rule runs again.
//!
//! The rule and the propagation are local; `audit` solves the whole published set as linear bounds, and the tests
//! check with it that every hidden cell stays at least `threshold` wide.

use std::collections::VecDeque;

/// An additive relation between cells (indices into the set): `parent = Σ children`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Margin {
    pub parent: usize,
    pub children: Vec<usize>,
}

/// Which cells of a set of counts `units` linked by `margins` are hidden at `threshold`.
pub fn suppress(units: &[i64], margins: &[Margin], threshold: i64) -> Vec<bool> {
    let mut hidden: Vec<bool> = units.iter().map(|&count| count > 0 && count < threshold).collect();
    let mut margins_of: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for (index, margin) in margins.iter().enumerate() {
        for &cell in std::iter::once(&margin.parent).chain(&margin.children) {
            margins_of[cell].push(index);
        }
    }
    let mut queue: VecDeque<usize> = (0..margins.len()).collect();
    loop {
        settle(units, margins, &margins_of, &mut hidden, queue, threshold);
        // The margins read together can narrow a cell more than each alone: widen what they do.
        let wideners: Vec<usize> = narrow_cells(units, margins, &hidden, threshold)
            .into_iter()
            .filter_map(|cell| widener(cell, units, margins, &margins_of, &hidden))
            .collect();
        if wideners.is_empty() {
            return hidden;
        }
        queue = VecDeque::new();
        for cell in wideners {
            hidden[cell] = true;
            queue.extend(&margins_of[cell]);
        }
    }
}

/// Holds every margin of `queue` to the rule, and those whose cells it hides, until none changes.
fn settle(
    units: &[i64],
    margins: &[Margin],
    margins_of: &[Vec<usize>],
    hidden: &mut [bool],
    mut queue: VecDeque<usize>,
    threshold: i64,
) {
    let mut queued = vec![false; margins.len()];
    queue.iter().for_each(|&index| queued[index] = true);
    while let Some(index) = queue.pop_front() {
        queued[index] = false;
        while let Some(cell) = next_to_hide(&margins[index], units, hidden, threshold) {
            hidden[cell] = true;
            for &other in &margins_of[cell] {
                if other != index && !queued[other] {
                    queued[other] = true;
                    queue.push_back(other);
                }
            }
        }
    }
}

/// No bound: more than any count.
const UNBOUNDED: i64 = i64::MAX / 4;

/// The hidden cells narrower than `threshold` by interval propagation: each margin bounds each
/// of its hidden cells by the others' bounds (`child ≤ parent - Σ others`, `parent ≥ Σ
/// children`…), over and over — sound (every bound holds) though weaker than linear programming.
fn narrow_cells(units: &[i64], margins: &[Margin], hidden: &[bool], threshold: i64) -> Vec<usize> {
    let mut low: Vec<i64> = units.iter().zip(hidden).map(|(&count, &hide)| if hide { 1 } else { count }).collect();
    let mut high: Vec<i64> =
        units.iter().zip(hidden).map(|(&count, &hide)| if hide { UNBOUNDED } else { count }).collect();
    for _ in 0..100 {
        let mut changed = false;
        for margin in
            margins.iter().filter(|margin| hidden[margin.parent] || margin.children.iter().any(|&child| hidden[child]))
        {
            let low_sum: i64 = margin.children.iter().map(|&child| low[child]).sum();
            let high_sum = margin.children.iter().fold(0, |sum: i64, &child| (sum + high[child]).min(UNBOUNDED));
            let parent = margin.parent;
            changed |= tighten(&mut low[parent], &mut high[parent], low_sum, high_sum);
            for &child in margin.children.iter().filter(|&&child| hidden[child]) {
                let others_low = low_sum - low[child];
                let others_high = if high_sum >= UNBOUNDED { UNBOUNDED } else { high_sum - high[child] };
                let floor = if others_high >= UNBOUNDED { 1 } else { low[parent] - others_high };
                let ceiling = if high[parent] >= UNBOUNDED { UNBOUNDED } else { high[parent] - others_low };
                changed |= tighten(&mut low[child], &mut high[child], floor, ceiling);
            }
        }
        if !changed {
            break;
        }
    }
    (0..units.len()).filter(|&cell| hidden[cell] && high[cell] - low[cell] < threshold).collect()
}

/// Raises `low` to `floor` and lowers `high` to `ceiling` where they are tighter; whether it did.
fn tighten(low: &mut i64, high: &mut i64, floor: i64, ceiling: i64) -> bool {
    let (old_low, old_high) = (*low, *high);
    *low = (*low).max(floor);
    *high = (*high).min(ceiling);
    (*low, *high) != (old_low, old_high)
}

/// The published cell whose hiding widens a narrow `cell`: the smallest non-empty one of its
/// margins, a child before a parent.
fn widener(
    cell: usize,
    units: &[i64],
    margins: &[Margin],
    margins_of: &[Vec<usize>],
    hidden: &[bool],
) -> Option<usize> {
    let candidates = margins_of[cell].iter().flat_map(|&index| {
        let margin = &margins[index];
        margin.children.iter().map(|&child| (0, child)).chain([(1, margin.parent)])
    });
    candidates
        .filter(|&(_, other)| !hidden[other] && units[other] > 0)
        .min_by_key(|&(parent, other)| (parent, units[other], other))
        .map(|(_, other)| other)
}

/// The cell a margin needs hidden next to hold the rule, if any.
fn next_to_hide(margin: &Margin, units: &[i64], hidden: &[bool], threshold: i64) -> Option<usize> {
    let (mut mass, mut count) = (0, 0);
    for &child in margin.children.iter().filter(|&&child| hidden[child]) {
        mass += units[child];
        count += 1;
    }
    let smallest_published = margin
        .children
        .iter()
        .copied()
        .filter(|&child| !hidden[child] && units[child] > 0)
        .min_by_key(|&child| (units[child], child));
    let parent_hidden = hidden[margin.parent];
    let holds = match count {
        0 => !parent_hidden,
        _ => (count >= 2 && mass - count >= threshold) || (parent_hidden && smallest_published.is_none()),
    };
    if holds {
        return None;
    }
    smallest_published.or((!parent_hidden).then_some(margin.parent))
}

/// The cells and the total of one row, as published: `None` where hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedRow {
    pub cells: Vec<Option<i64>>,
    pub total: Option<i64>,
}

/// Hides what `threshold` requires of a row of counts whose total is the sum of its cells: the
/// set of one margin.
pub fn protect_row(cells: &[i64], threshold: i64) -> ProtectedRow {
    let total: i64 = cells.iter().sum();
    let mut units = cells.to_vec();
    units.push(total);
    let margin = Margin { parent: cells.len(), children: (0..cells.len()).collect() };
    let hidden = suppress(&units, &[margin], threshold);
    ProtectedRow {
        cells: cells.iter().zip(&hidden).map(|(&count, &hide)| (!hide).then_some(count)).collect(),
        total: (!hidden[cells.len()]).then_some(total),
    }
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
