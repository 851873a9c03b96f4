//! The attacker of a published set: what a reader who holds every published cell of an
//! indicator learns of each hidden one. It knows how the figures add up — the categories into
//! their total, each territory into the one above (commune → département → région → national),
//! months into their quarter — and that a hidden cell is never empty; it solves the least and
//! the greatest value of each hidden cell under those equations by linear programming (integers
//! relaxed to reals, `microlp`). Written apart from the protection (`secrecy`, `published`), to check it:
//! the tests attack what is published and find every hidden cell at least the threshold wide.
//! One program per bound: for tables of a few hundred hidden cells.

use std::collections::{BTreeMap, HashMap};

use plateforme_model::codes::{DepartementCode, RegionCode};

use crate::published::PublishedCell;
use microlp::{ComparisonOp, OptimizationDirection, Problem};

/// A published cell as the attacker reads it (from the API's JSON or CSV).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub level: String,
    pub territory: String,
    pub period: String,
    pub category: String,
    /// `None` when hidden.
    pub units: Option<i64>,
}

impl From<&PublishedCell> for Seen {
    fn from(cell: &PublishedCell) -> Self {
        Seen {
            level: cell.level.clone(),
            territory: cell.territory.clone(),
            period: cell.period.clone(),
            category: cell.category.clone(),
            units: cell.units,
        }
    }
}

/// What the attacker learns of one hidden cell: `low ≤ units ≤ high` (`high` infinite when
/// nothing bounds it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// The index of the cell in the published set.
    pub cell: usize,
    pub low: f64,
    pub high: f64,
}

impl Bounds {
    pub fn width(&self) -> f64 {
        self.high - self.low
    }
}

/// The bounds of every hidden cell of `cells`; `None` when the published cells contradict the
/// equations (then the attacker's model, or the figures, are wrong).
pub fn attack(cells: &[Seen]) -> Option<Vec<Bounds>> {
    let equations = equations(cells);
    let hidden: Vec<usize> = (0..cells.len()).filter(|&cell| cells[cell].units.is_none()).collect();
    let mut bounds = Vec::with_capacity(hidden.len());
    for component in components(&hidden, &equations, cells) {
        bounds.extend(solve(&component, &equations, cells)?);
    }
    bounds.sort_by_key(|bounds| bounds.cell);
    Some(bounds)
}

/// Every sum the attacker knows, as `(parent, children)`: indices of cells; a cell not
/// published at all counts 0.
fn equations(cells: &[Seen]) -> Vec<(usize, Vec<usize>)> {
    let key = |cell: &Seen| (cell.level.clone(), cell.territory.clone(), cell.period.clone(), cell.category.clone());
    let index: HashMap<_, usize> = cells.iter().enumerate().map(|(at, cell)| (key(cell), at)).collect();
    // By parent and by what adds up into it (categories, territories, months): one cell is the
    // parent of up to three sums.
    let mut sums: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (at, cell) in cells.iter().enumerate() {
        let (level, territory, period, category) = key(cell);
        let mut parents = Vec::new();
        if category != "total" {
            parents.push((0, (level.clone(), territory.clone(), period.clone(), "total".to_owned())));
        }
        if let Some((upper_level, upper)) = upper_territory(&level, &territory) {
            parents.push((1, (upper_level.to_owned(), upper, period.clone(), category.clone())));
        }
        if let Some(quarter) = quarter_of(&period) {
            parents.push((2, (level, territory, quarter, category)));
        }
        for (sum, parent) in parents {
            if let Some(&parent) = index.get(&parent) {
                sums.entry((parent, sum)).or_default().push(at);
            }
        }
    }
    sums.into_iter().map(|((parent, _), children)| (parent, children)).collect()
}

fn upper_territory(level: &str, territory: &str) -> Option<(&'static str, String)> {
    let departement_of_commune = |commune: &str| {
        let length = if commune.starts_with("97") { 3 } else { 2 };
        commune.get(..length).filter(|code| DepartementCode::parse(code).is_ok()).map(str::to_owned)
    };
    match level {
        "region" => Some(("national", "FR".to_owned())),
        "departement" => Some((
            "region",
            DepartementCode::parse(territory)
                .map_or_else(|_| "unknown".to_owned(), |code| RegionCode::of_departement(&code).as_str().to_owned()),
        )),
        "commune" => Some(("departement", departement_of_commune(territory).unwrap_or_else(|| "unknown".to_owned()))),
        _ => None,
    }
}

/// `YYYY-Qn` of a month `YYYY-MM`; `None` for a quarter.
fn quarter_of(period: &str) -> Option<String> {
    let (year, month) = period.split_once('-')?;
    let month: u32 = month.parse().ok()?;
    Some(format!("{year}-Q{}", month.div_ceil(3)))
}

/// The hidden cells in groups that no equation links to one another: each group is its own
/// linear program.
fn components(hidden: &[usize], equations: &[(usize, Vec<usize>)], cells: &[Seen]) -> Vec<Vec<usize>> {
    let mut root: HashMap<usize, usize> = hidden.iter().map(|&cell| (cell, cell)).collect();
    fn find(root: &mut HashMap<usize, usize>, cell: usize) -> usize {
        let parent = root[&cell];
        if parent == cell {
            return cell;
        }
        let top = find(root, parent);
        root.insert(cell, top);
        top
    }
    for (parent, children) in equations {
        let mut members = std::iter::once(parent).chain(children).filter(|&&cell| cells[cell].units.is_none());
        if let Some(&first) = members.next() {
            for &other in members {
                let (a, b) = (find(&mut root, first), find(&mut root, other));
                root.insert(a, b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &cell in hidden {
        let top = find(&mut root, cell);
        groups.entry(top).or_default().push(cell);
    }
    groups.into_values().collect()
}

/// The least and greatest value of each hidden cell of one group: with `x = 1 + y`, `y ≥ 0`,
/// every equation that holds one of them fixes a sum of `y`s.
fn solve(group: &[usize], equations: &[(usize, Vec<usize>)], cells: &[Seen]) -> Option<Vec<Bounds>> {
    let variable: HashMap<usize, usize> = group.iter().enumerate().map(|(at, &cell)| (cell, at)).collect();
    let mut rows = Vec::new();
    for (parent, children) in equations {
        let terms: Vec<(usize, f64)> =
            std::iter::once((*parent, -1.0)).chain(children.iter().map(|&child| (child, 1.0))).collect();
        if !terms.iter().any(|(cell, _)| variable.contains_key(cell)) {
            continue;
        }
        // The components share no equation: every hidden cell here is of this group.
        let (mut coefficients, mut value) = (vec![0.0; group.len()], 0.0);
        for (cell, sign) in terms {
            match (cells[cell].units, variable.get(&cell)) {
                (Some(units), _) => value -= sign * units as f64,
                (None, Some(&at)) => {
                    coefficients[at] += sign;
                    value -= sign; // the 1 of x = 1 + y
                }
                (None, None) => return None,
            }
        }
        rows.push((coefficients, value));
    }
    let mut bounds = Vec::with_capacity(group.len());
    for (at, &cell) in group.iter().enumerate() {
        let low = 1.0 + optimum(&rows, group.len(), at, OptimizationDirection::Minimize)?.unwrap_or(0.0);
        let high = optimum(&rows, group.len(), at, OptimizationDirection::Maximize)?.map_or(f64::INFINITY, |y| 1.0 + y);
        bounds.push(Bounds { cell, low, high });
    }
    Some(bounds)
}

/// The least or greatest `y[at]` with `y ≥ 0` under `rows`: `Some(None)` when unbounded, `None`
/// when no `y` satisfies them.
fn optimum(
    rows: &[(Vec<f64>, f64)],
    variables: usize,
    at: usize,
    direction: OptimizationDirection,
) -> Option<Option<f64>> {
    let mut problem = Problem::new(direction);
    let y: Vec<_> = (0..variables)
        .map(|index| problem.add_var(if index == at { 1.0 } else { 0.0 }, (0.0, f64::INFINITY)))
        .collect();
    for (coefficients, value) in rows {
        let terms: Vec<_> =
            coefficients.iter().enumerate().filter(|(_, c)| **c != 0.0).map(|(index, c)| (y[index], *c)).collect();
        problem.add_constraint(terms.as_slice(), ComparisonOp::Eq, *value);
    }
    match problem.solve() {
        Ok(microlp::SolveOutcome::Solution(solution)) => Some(Some(solution[y[at]])),
        Err(microlp::Error::Unbounded) => Some(None),
        Ok(_) | Err(_) => None,
    }
}
