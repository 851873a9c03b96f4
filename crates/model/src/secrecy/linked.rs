//! Statistical secrecy (secret statistique) of linked tables: no published cell counts fewer
//! persons than the threshold, and no hidden cell can be narrowed down to an interval narrower
//! than the threshold from the cells published around it.
//!
//! The cells of one indicator are linked by sums: a row's total is the sum of its categories, a
//! quarter the sum of its months, a région the sum of its départements, the nation the sum of its
//! régions. An attacker who reads every published cell knows each of those sums, and that a hidden
//! cell is never empty (empty cells name nobody and stay published). [`Linked::bounds`] is that
//! attack: it narrows every hidden cell's interval from each sum in turn, and again whenever
//! another sum has narrowed one of its cells, until nothing moves (interval propagation, which
//! follows any chain of subtractions through the sums).
//!
//! [`Linked::protect`] hides every cell counting from 1 to `threshold - 1` (primary suppression),
//! then, while the attack narrows a hidden cell below `threshold`, hides one more cell in the sum
//! that bounds it: the smallest published non-empty cell of that sum, a row total or a national
//! cell only when nothing else is left (secondary suppression).
//!
//! Interval propagation is not the strongest attack: several sums combined (three hidden cells
//! whose pairs each add up to a published 10 are each 5) narrow cells that no chain of
//! subtractions does. The attacker's best is the linear program of the table — the least and the
//! greatest value of each hidden cell under every sum — which the module `exact` solves
//! ([`Linked::exact_bounds`], [`Linked::exactly_exposed`]); [`Linked::widen`] hides more where it
//! finds a cell narrowed, and the protection goes on from there (see `cube::protect`).

mod exact;

/// What a cell is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Published unless secrecy hides it.
    Cell,
    /// Published unless secrecy hides it, and hidden only when no other cell of a sum can be: row
    /// totals and national cells, which readers want most.
    Kept,
    /// Published, its secrecy decided in another table (the totals shared by every breakdown):
    /// hidden only as a last resort, when nothing else around a secret cell is left to hide.
    Fixed,
    /// Never published, and secret by nobody's standard (the records of no known commune, of a
    /// territory the reader may not read): an unknown of the attack, at least 0.
    Unpublished,
}

/// `total` is the sum of `parts`.
#[derive(Debug, Clone)]
struct Sum {
    total: usize,
    parts: Vec<usize>,
}

/// Cells and the sums between them.
#[derive(Debug, Clone, Default)]
pub struct Linked {
    values: Vec<i64>,
    roles: Vec<Role>,
    /// What hiding each cell costs readers, among cells of one role: the finer cells first.
    costs: Vec<u8>,
    sums: Vec<Sum>,
    /// An attacker's view: the hidden cells' values are not known, the sums hold by definition.
    attacker: bool,
}

/// What the attack knows of a cell: its least and greatest possible values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub low: i64,
    pub high: i64,
}

impl Bounds {
    pub fn width(self) -> i64 {
        self.high.saturating_sub(self.low)
    }
}

/// No upper bound known: far enough from `i64::MAX` for sums of a few of them not to overflow.
pub const UNBOUNDED: i64 = i64::MAX / 1024;

/// How many times each sum may be narrowed from on average before the attack stops: far above
/// what the tables of the platform need, and a bound on the time of a pathological one.
const PASSES_PER_SUM: usize = 64;

/// How many sums away from a secret cell a cell to hide is looked for, along the sums that bound
/// it and its hidden neighbours.
const SEARCH_DEPTH: usize = 6;

/// A hide marks the sums of its hidden neighbours, and a search goes on, through sums of at most
/// this many parts (not through a département's hundreds of communes, which would reach most of
/// a large table).
const TOUCH_WIDTH: usize = 32;

/// The most sums one search looks at.
const SEARCH_SUMS: usize = 256;

/// Rounds in which an exposed cell near a hide of the same round waits; after them, each exposed
/// cell is mended at once (more cells hidden, but a bounded number of rounds).
const PATIENT_ROUNDS: usize = 32;

/// The cells published with a table, `hidden[i]` for cell `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub hidden: Vec<bool>,
    /// Hidden cells that the attack still narrows below the threshold because every cell around
    /// them is hidden already: none in a table whose sums hold.
    pub exposed: Vec<usize>,
}

impl Linked {
    pub fn new() -> Self {
        Self::default()
    }

    /// The tables as an attacker reads them: published values, any value in the hidden cells,
    /// and every sum known to hold (see [`Linked::bounds`]).
    pub fn attacker() -> Self {
        Linked { attacker: true, ..Self::default() }
    }

    /// Adds a cell counting `value` persons; returns its index.
    pub fn cell(&mut self, value: i64, role: Role) -> usize {
        self.costed_cell(value, role, 0)
    }

    /// Adds a cell whose hiding costs readers `cost` (higher is dearer) among the cells of its
    /// role; returns its index.
    pub fn costed_cell(&mut self, value: i64, role: Role, cost: u8) -> usize {
        self.values.push(value);
        self.roles.push(role);
        self.costs.push(cost);
        self.values.len() - 1
    }

    pub fn role(&self, cell: usize) -> Role {
        self.roles[cell]
    }

    pub fn value(&self, cell: usize) -> i64 {
        self.values[cell]
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Links `total` to the sum of `parts`, when it is one (a sum that does not hold on the
    /// counts, such as distinct persons over months, is no linear relation an attacker can use,
    /// and is left out). Returns whether the sum was added.
    pub fn sum(&mut self, total: usize, parts: Vec<usize>) -> bool {
        let holds = self.attacker || parts.iter().map(|&part| self.values[part]).sum::<i64>() == self.values[total];
        if holds && !parts.is_empty() {
            self.sums.push(Sum { total, parts });
        }
        holds
    }

    /// Links `total` to the sum of `parts` and of what `parts` leave out (the records of a
    /// territory counted in none of its parts), a cell of its own, never published, whose index
    /// is returned. `None` when the parts count more than the total: no such link holds.
    pub fn sum_with_rest(&mut self, total: usize, mut parts: Vec<usize>) -> Option<usize> {
        let rest = self.values[total] - parts.iter().map(|&part| self.values[part]).sum::<i64>();
        if rest < 0 && !self.attacker {
            return None;
        }
        let rest = self.cell(rest.max(0), Role::Unpublished);
        parts.push(rest);
        self.sum(total, parts);
        Some(rest)
    }

    /// The cells to hide so that each hidden cell stays uncertain by `threshold` persons,
    /// starting from the cells `already` hidden (another reader's pattern this one must include).
    pub fn protect(&self, threshold: i64, already: &[bool]) -> Pattern {
        let small = |value: i64| value > 0 && value < threshold;
        let mut hidden: Vec<bool> = (0..self.len())
            .map(|cell| {
                self.roles[cell] == Role::Unpublished
                    || (self.roles[cell] != Role::Fixed
                        && (small(self.values[cell]) || already.get(cell).copied().unwrap_or(false)))
            })
            .collect();
        let by_cell = self.sums_of_cells();
        let classes = self.equal_classes();
        let mut seen = Seen::new(self.len(), self.sums.len());
        for round in 0.. {
            let attack = self.attack(&hidden, &by_cell);
            let mut exposed: Vec<usize> = (0..self.len())
                .filter(|&cell| self.secret(cell, &hidden) && attack.bounds[cell].width() < threshold)
                .collect();
            if exposed.is_empty() {
                break;
            }
            // The largest first: a cell hidden to cover another is given away by its own chain of
            // equal sums, which hiding around the small secret would not mend.
            exposed.sort_by_key(|&cell| (std::cmp::Reverse(self.values[cell]), cell));
            let mut opened = false;
            // A hide changes the bounds around it: an exposed cell whose search meets a sum
            // touched this round waits for the next one, when it may need nothing more.
            let mut touched = vec![false; self.sums.len()];
            let patient = round < PATIENT_ROUNDS;
            for &cell in &exposed {
                let round = Round { hidden: &hidden, attack: &attack, by_cell: &by_cell, touched: &touched };
                let found = self.next_to_hide(cell, &round, Role::Kept, &mut seen);
                let hide: Vec<usize> = match found {
                    Search::Found(next) => vec![next],
                    Search::Defer | Search::Nothing if patient => continue,
                    // Nothing found near, or no more patience: every published non-empty cell
                    // of the sums that bound it (at worst, all of its sums') goes.
                    _ => self.around(cell, &hidden, &attack, &by_cell),
                };
                for next in hide {
                    for &equal in &classes[next] {
                        hidden[equal] = true;
                        self.touch(equal, &hidden, &by_cell, &mut touched);
                    }
                    opened = true;
                }
            }
            if !opened {
                // Only fixed cells are left around the exposed ones: one at a time.
                let fixed = exposed.iter().find_map(|&cell| {
                    let round = Round { hidden: &hidden, attack: &attack, by_cell: &by_cell, touched: &touched };
                    let found = self.next_to_hide(cell, &round, Role::Fixed, &mut seen);
                    match found {
                        Search::Found(next) => Some(next),
                        _ => None,
                    }
                });
                match fixed {
                    Some(next) => classes[next].iter().for_each(|&equal| hidden[equal] = true),
                    None => return Pattern { hidden, exposed },
                }
            }
        }
        Pattern { hidden, exposed: Vec::new() }
    }

    /// The cells to hide so that the `exposed` ones (hidden, but narrowed below the threshold by
    /// an attack the protection's own did not see, such as [`Linked::exactly_exposed`]) get
    /// wider: for each, the cheapest published non-empty cell of its own sums, else of the sums
    /// of its hidden neighbours, nearest first, a fixed cell last. An exposed cell sharing a sum
    /// with a cell chosen for another waits for the next attack, which may find it wide.
    pub fn widen(&self, exposed: &[usize], hidden: &[bool]) -> Vec<usize> {
        let by_cell = self.sums_of_cells();
        let mut seen = Seen::new(self.len(), self.sums.len());
        let mut touched = vec![false; self.sums.len()];
        let mut hides = Vec::new();
        for &cell in exposed {
            if by_cell[cell].iter().any(|&sum| touched[sum as usize]) {
                continue;
            }
            let Some(next) = [Role::Kept, Role::Fixed]
                .into_iter()
                .find_map(|most| self.nearest_published(cell, hidden, &by_cell, most, &mut seen))
            else {
                continue;
            };
            by_cell[next].iter().for_each(|&sum| touched[sum as usize] = true);
            by_cell[cell].iter().for_each(|&sum| touched[sum as usize] = true);
            hides.push(next);
        }
        hides
    }

    /// Breadth first from `cell` through its hidden neighbours: the cheapest published non-empty
    /// cell of a role up to `most` in the nearest ring of sums.
    fn nearest_published(
        &self,
        cell: usize,
        hidden: &[bool],
        by_cell: &[Vec<u32>],
        most: Role,
        seen: &mut Seen,
    ) -> Option<usize> {
        seen.start();
        seen.cell(cell);
        let mut frontier = vec![cell];
        for _ in 0..SEARCH_DEPTH {
            let sums: Vec<u32> =
                frontier.iter().flat_map(|&cell| by_cell[cell].iter().copied()).filter(|&sum| seen.sum(sum)).collect();
            if let Some(best) = self.cheapest_in(&sums, hidden, most) {
                return Some(best);
            }
            frontier = sums
                .iter()
                .flat_map(|&sum| self.members(sum))
                .filter(|&member| hidden[member] && seen.cell(member))
                .collect();
            if frontier.is_empty() {
                break;
            }
        }
        None
    }

    /// The published non-empty cells (fixed ones last) of the sums that bound `cell`, or of all
    /// its sums when those have none: what is hidden when no single cell is found to widen it.
    fn around(&self, cell: usize, hidden: &[bool], attack: &Attack, by_cell: &[Vec<u32>]) -> Vec<usize> {
        let binding: Vec<u32> = [attack.high_from[cell], attack.low_from[cell]].into_iter().flatten().collect();
        for sums in [&binding, &by_cell[cell]] {
            for most in [Role::Cell, Role::Kept, Role::Fixed] {
                let found: Vec<usize> = sums
                    .iter()
                    .flat_map(|&sum| self.members(sum))
                    .filter(|&member| !hidden[member] && self.values[member] > 0 && self.roles[member] <= most)
                    .collect();
                if !found.is_empty() {
                    return found;
                }
            }
        }
        Vec::new()
    }

    /// What an attacker who reads the published cells and knows the sums learns of each cell.
    pub fn bounds(&self, hidden: &[bool]) -> Vec<Bounds> {
        self.attack(hidden, &self.sums_of_cells()).bounds
    }

    /// Whether `cell` is a hidden count that secrecy must keep uncertain.
    fn secret(&self, cell: usize, hidden: &[bool]) -> bool {
        hidden[cell] && self.roles[cell] != Role::Unpublished
    }

    fn sums_of_cells(&self) -> Vec<Vec<u32>> {
        let mut by_cell = vec![Vec::new(); self.len()];
        for (index, sum) in self.sums.iter().enumerate() {
            for &cell in std::iter::once(&sum.total).chain(&sum.parts) {
                by_cell[cell].push(index as u32);
            }
        }
        by_cell
    }

    /// Interval propagation: each sum narrows its cells from the others' bounds, and a sum is
    /// looked at again whenever one of its cells was narrowed by another.
    fn attack(&self, hidden: &[bool], by_cell: &[Vec<u32>]) -> Attack {
        let mut bounds: Vec<Bounds> = (0..self.len())
            .map(|cell| match (hidden[cell], self.roles[cell]) {
                (false, _) => Bounds { low: self.values[cell], high: self.values[cell] },
                (true, Role::Unpublished) => Bounds { low: 0, high: UNBOUNDED },
                (true, _) if self.attacker => Bounds { low: 1, high: UNBOUNDED },
                (true, _) => Bounds { low: self.values[cell].min(1), high: UNBOUNDED },
            })
            .collect();
        let mut low_from = vec![None; self.len()];
        let mut high_from = vec![None; self.len()];
        let mut queued = vec![true; self.sums.len()];
        let mut queue: std::collections::VecDeque<u32> = (0..self.sums.len() as u32).collect();
        let mut budget = self.sums.len() * PASSES_PER_SUM + 1024;
        while let Some(index) = queue.pop_front() {
            queued[index as usize] = false;
            budget = budget.saturating_sub(1);
            if budget == 0 {
                break;
            }
            for (cell, narrowed) in narrow(&self.sums[index as usize], &bounds) {
                if narrowed.low > bounds[cell].low {
                    low_from[cell] = Some(index);
                }
                if narrowed.high < bounds[cell].high {
                    high_from[cell] = Some(index);
                }
                bounds[cell] = narrowed;
                for &other in &by_cell[cell] {
                    if !queued[other as usize] {
                        queued[other as usize] = true;
                        queue.push_back(other);
                    }
                }
            }
        }
        Attack { bounds, low_from, high_from }
    }

    /// For each cell, the cells it always equals: linked by sums of a single non-empty part (a
    /// commune alone in its département, a région of one département with records, a row of one
    /// category). Hiding one alone gives it away through the others: they are hidden together.
    fn equal_classes(&self) -> Vec<Vec<usize>> {
        let mut parent: Vec<usize> = (0..self.len()).collect();
        for sum in &self.sums {
            let mut non_empty = sum.parts.iter().filter(|&&part| self.values[part] != 0);
            if let (Some(&only), None) = (non_empty.next(), non_empty.next()) {
                let (one, other) = (root(&mut parent, only), root(&mut parent, sum.total));
                parent[one] = other;
            }
        }
        let roots: Vec<usize> = (0..self.len()).map(|cell| root(&mut parent, cell)).collect();
        let mut members: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
        for (cell, &class) in roots.iter().enumerate() {
            if self.roles[cell] != Role::Unpublished {
                members.entry(class).or_default().push(cell);
            }
        }
        roots.iter().map(|class| members.get(class).cloned().unwrap_or_default()).collect()
    }

    /// Marks the sums whose bounds hiding `cell` may change: its own, and those of the hidden
    /// cells it shares a sum with (whose bounds widen with it), but through the widest sums.
    fn touch(&self, cell: usize, hidden: &[bool], by_cell: &[Vec<u32>], touched: &mut [bool]) {
        for &sum in &by_cell[cell] {
            touched[sum as usize] = true;
            if self.sums[sum as usize].parts.len() > TOUCH_WIDTH {
                continue;
            }
            for member in self.members(sum).filter(|&member| hidden[member] && member != cell) {
                for &further in &by_cell[member] {
                    touched[further as usize] = true;
                }
            }
        }
    }

    /// The cell to hide so that `cell` gets wider: the smallest published non-empty cell of a sum
    /// that bounds it, looking further along the sums that bound its hidden neighbours when those
    /// sums have nothing published left; else the nearest along any sum. A [`Role::Kept`] cell
    /// only when no [`Role::Cell`] is found; a [`Role::Fixed`] one only when `most` allows it.
    fn next_to_hide(&self, cell: usize, round: &Round<'_>, most: Role, seen: &mut Seen) -> Search {
        let Round { attack, by_cell, .. } = *round;
        let binding = |most, seen: &mut Seen| {
            let next = |frontier: &[usize]| -> Vec<u32> {
                frontier.iter().flat_map(|&cell| [attack.high_from[cell], attack.low_from[cell]]).flatten().collect()
            };
            self.search(cell, round, most, &next, SEARCH_DEPTH, seen)
        };
        let nearest = |most, seen: &mut Seen| {
            let next = |frontier: &[usize]| -> Vec<u32> {
                frontier.iter().flat_map(|&cell| by_cell[cell].iter().copied()).collect()
            };
            // Its own sums only: further away, the nearest published cell is as likely to be
            // anywhere in the table as where it would widen this one.
            self.search(cell, round, most, &next, 1, seen)
        };
        let tiers: &[(bool, Role)] = if most == Role::Fixed {
            &[(true, Role::Fixed), (false, Role::Fixed)]
        } else {
            &[(true, Role::Cell), (true, Role::Kept), (false, Role::Cell), (false, Role::Kept)]
        };
        for &(along_bounds, most) in tiers {
            let found = if along_bounds { binding(most, seen) } else { nearest(most, seen) };
            if found != Search::Nothing {
                return found;
            }
        }
        Search::Nothing
    }

    /// Breadth first from `cell`: the sums `next` gives for the cells reached (the sums that
    /// bound them, or all of theirs), the cheapest cell of a role up to `most` in the nearest
    /// ring, else on through the hidden cells of those sums — but not through the widest sums (a
    /// département's communes), and within a budget of sums: a search that finds nothing near
    /// gives way to the next tier rather than walk the whole table.
    fn search(
        &self,
        cell: usize,
        round: &Round<'_>,
        most: Role,
        next: &dyn Fn(&[usize]) -> Vec<u32>,
        depth: usize,
        seen: &mut Seen,
    ) -> Search {
        let Round { hidden, touched, .. } = *round;
        seen.start();
        seen.cell(cell);
        let mut frontier = vec![cell];
        let mut looked_at = 0;
        for _ in 0..depth {
            let sums: Vec<u32> = next(&frontier).into_iter().filter(|&sum| seen.sum(sum)).collect();
            looked_at += sums.len();
            if looked_at > SEARCH_SUMS {
                return Search::Nothing;
            }
            if sums.iter().any(|&sum| touched[sum as usize]) {
                return Search::Defer;
            }
            if let Some(best) = self.cheapest_in(&sums, hidden, most) {
                return Search::Found(best);
            }
            frontier = sums
                .iter()
                .filter(|&&sum| self.sums[sum as usize].parts.len() <= TOUCH_WIDTH)
                .flat_map(|&sum| self.members(sum))
                .filter(|&member| hidden[member] && seen.cell(member))
                .collect();
            if frontier.is_empty() {
                break;
            }
        }
        Search::Nothing
    }

    /// The published non-empty cell of `sums` of a role up to `most` that costs readers least:
    /// the cheapest role, then the lowest cost, a part before a total, then the smallest.
    fn cheapest_in(&self, sums: &[u32], hidden: &[bool], most: Role) -> Option<usize> {
        sums.iter()
            .flat_map(|&sum| {
                let total = self.sums[sum as usize].total;
                self.members(sum).map(move |member| (member, member == total))
            })
            .filter(|&(member, _)| !hidden[member] && self.values[member] > 0 && self.roles[member] <= most)
            .min_by_key(|&(member, is_total)| {
                (self.roles[member], self.costs[member], is_total, self.values[member], member)
            })
            .map(|(member, _)| member)
    }

    fn members(&self, sum: u32) -> impl Iterator<Item = usize> + '_ {
        let sum = &self.sums[sum as usize];
        std::iter::once(sum.total).chain(sum.parts.iter().copied())
    }
}

/// The representative of `cell`'s set in a union-find forest (`parent[i] == i` at a root), the
/// path halved on the way.
fn root(parent: &mut [usize], mut cell: usize) -> usize {
    while parent[cell] != cell {
        parent[cell] = parent[parent[cell]];
        cell = parent[cell];
    }
    cell
}

/// What a round of the protection searches in: the cells hidden so far, the attack on them, the
/// sums of each cell, and the sums a hide of this round touched.
#[derive(Clone, Copy)]
struct Round<'a> {
    hidden: &'a [bool],
    attack: &'a Attack,
    by_cell: &'a [Vec<u32>],
    touched: &'a [bool],
}

/// The cells and sums one search has reached, marked with the search's number (so that each
/// search starts afresh without clearing them).
struct Seen {
    search: u32,
    cells: Vec<u32>,
    sums: Vec<u32>,
}

impl Seen {
    fn new(cells: usize, sums: usize) -> Seen {
        Seen { search: 0, cells: vec![0; cells], sums: vec![0; sums] }
    }

    fn start(&mut self) {
        self.search += 1;
    }

    /// Whether `cell` is reached for the first time in this search.
    fn cell(&mut self, cell: usize) -> bool {
        std::mem::replace(&mut self.cells[cell], self.search) != self.search
    }

    fn sum(&mut self, sum: u32) -> bool {
        std::mem::replace(&mut self.sums[sum as usize], self.search) != self.search
    }
}

/// What a search for a cell to hide found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Search {
    Found(usize),
    /// A cell hidden this round changed the bounds on the way: look again next round.
    Defer,
    Nothing,
}

struct Attack {
    bounds: Vec<Bounds>,
    /// The sum that last raised a cell's least value, and the one that last lowered its greatest.
    low_from: Vec<Option<u32>>,
    high_from: Vec<Option<u32>>,
}

/// The bounds `sum` gives its cells from the bounds of the others, where narrower than `bounds`.
fn narrow(sum: &Sum, bounds: &[Bounds]) -> Vec<(usize, Bounds)> {
    let lows: i64 = sum.parts.iter().map(|&part| bounds[part].low).sum();
    let unbounded = sum.parts.iter().filter(|&&part| bounds[part].high >= UNBOUNDED).count();
    let highs: i64 = sum.parts.iter().map(|&part| bounds[part].high).filter(|&high| high < UNBOUNDED).sum();
    let total = bounds[sum.total];
    let mut narrowed = Vec::new();
    let high = if unbounded > 0 { UNBOUNDED } else { highs };
    let of_total = Bounds { low: total.low.max(lows), high: total.high.min(high) };
    if of_total != total {
        narrowed.push((sum.total, of_total));
    }
    for &part in &sum.parts {
        let own = bounds[part];
        let others_low = lows - own.low;
        let others_unbounded = unbounded - usize::from(own.high >= UNBOUNDED);
        let others_high = match (others_unbounded > 0, own.high >= UNBOUNDED) {
            (true, _) => UNBOUNDED,
            (false, true) => highs,
            (false, false) => highs - own.high,
        };
        let mut better = own;
        if total.high < UNBOUNDED {
            better.high = better.high.min(total.high - others_low);
        }
        if others_high < UNBOUNDED {
            better.low = better.low.max(total.low - others_high);
        }
        if better != own {
            narrowed.push((part, better));
        }
    }
    narrowed
}

#[cfg(test)]
mod tests {
    use super::*;

    const THRESHOLD: i64 = 11;

    /// One row: `cells` and their total.
    fn row(cells: &[i64]) -> (Linked, Vec<usize>, usize) {
        let mut linked = Linked::new();
        let parts: Vec<usize> = cells.iter().map(|&value| linked.cell(value, Role::Cell)).collect();
        let total = linked.cell(cells.iter().sum(), Role::Kept);
        assert!(linked.sum(total, parts.clone()));
        (linked, parts, total)
    }

    /// Every published cell is true and empty or at least the threshold; every hidden one's
    /// interval holds its value and is at least the threshold wide.
    fn check(linked: &Linked, pattern: &Pattern, threshold: i64) {
        assert!(pattern.exposed.is_empty(), "exposed: {:?}", pattern.exposed);
        let bounds = linked.bounds(&pattern.hidden);
        for (cell, bounds) in bounds.into_iter().enumerate() {
            let value = linked.value(cell);
            if !pattern.hidden[cell] {
                assert!(value == 0 || value >= threshold, "cell {cell}: {value}");
            } else if linked.roles[cell] != Role::Unpublished {
                let Bounds { low, high } = bounds;
                assert!((low..=high).contains(&value), "cell {cell}: {value} outside [{low}, {high}]");
                assert!(high - low >= threshold, "cell {cell} ({value}) narrowed to [{low}, {high}]");
            }
        }
    }

    #[test]
    fn no_hidden_cell_of_a_row_is_recovered_from_its_total() {
        let values = [0, 1, 2, 5, 10, 11, 12, 30];
        for a in values {
            for b in values {
                for c in values {
                    for d in [0, 3, 40] {
                        let (linked, _, _) = row(&[a, b, c, d]);
                        check(&linked, &linked.protect(THRESHOLD, &[]), THRESHOLD);
                    }
                }
            }
        }
    }

    #[test]
    fn a_small_cell_takes_the_next_smallest_with_it() {
        let (linked, parts, total) = row(&[3, 20, 50, 0]);
        let pattern = linked.protect(THRESHOLD, &[]);
        let hidden: Vec<bool> = parts.iter().map(|&part| pattern.hidden[part]).collect();
        assert_eq!(hidden, [true, true, false, false]);
        assert!(!pattern.hidden[total]);
    }

    #[test]
    fn a_row_of_fewer_persons_than_the_threshold_hides_its_total() {
        let (linked, parts, total) = row(&[3, 4, 0]);
        let pattern = linked.protect(THRESHOLD, &[]);
        assert!(pattern.hidden[parts[0]] && pattern.hidden[parts[1]] && !pattern.hidden[parts[2]]);
        assert!(pattern.hidden[total]);
    }

    /// The hole of the row-by-row rule: a nation of two régions, one of two départements. The
    /// nation's 7 was published, the Rhône's 3 hidden in its row but the région's other
    /// département and the other région published: 7 − 0 − 3 gave the hidden 4 away.
    #[test]
    fn a_hidden_departement_is_not_given_away_by_its_region_and_nation() {
        let mut linked = Linked::new();
        let rhone = linked.cell(4, Role::Cell);
        let isere = linked.cell(30, Role::Cell);
        let aura = linked.cell(34, Role::Cell);
        let paris = linked.cell(40, Role::Cell);
        let idf = linked.cell(40, Role::Cell);
        let nation = linked.cell(74, Role::Kept);
        assert!(linked.sum(aura, vec![rhone, isere]));
        assert!(linked.sum(idf, vec![paris]));
        assert!(linked.sum(nation, vec![aura, idf]));
        let pattern = linked.protect(THRESHOLD, &[]);
        check(&linked, &pattern, THRESHOLD);
        assert!(pattern.hidden[rhone] && pattern.hidden[isere], "the Isère covers the Rhône within its région");
        assert!(!pattern.hidden[nation] && !pattern.hidden[aura], "the totals stay published");
    }

    #[test]
    fn a_sum_that_does_not_hold_is_no_link() {
        let mut linked = Linked::new();
        let months = [linked.cell(5, Role::Cell), linked.cell(20, Role::Cell)];
        let quarter = linked.cell(22, Role::Cell);
        assert!(!linked.sum(quarter, months.to_vec()), "persons counted once a quarter");
        assert!(linked.sum_with_rest(quarter, vec![months[1]]).is_some());
        assert!(linked.sum_with_rest(months[0], vec![months[1]]).is_none());
    }
}
