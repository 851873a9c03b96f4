//! The exact attack: the least and greatest value of each hidden cell that the published cells
//! and the sums allow, each the optimum of a linear program — what an attacker with a solver
//! learns, where [`Linked::bounds`] follows chains of subtractions only (and can miss what a
//! combination of several sums gives away, as in a three-way table).
//!
//! [`Linked::exact_bounds`] solves two programs per hidden cell: the tests' attack on what was
//! published. [`Linked::exactly_exposed`] is the protection's check, which proves most cells wide
//! from a few programs' points (see there).

use microlp::{ComparisonOp, Error, OptimizationDirection, Problem};

use super::{Bounds, Linked, Role, UNBOUNDED, root};

/// How far from an integer a solver's optimum may be taken as that integer.
const ROUND_OFF: f64 = 1e-6;

impl Linked {
    /// What an attacker who reads the published cells and knows the sums learns of each cell,
    /// exactly: the linear program's bounds of each hidden cell (a count, so rounded inwards to
    /// integers), its value for a published one. Two programs per hidden cell: the tests' attack,
    /// which panics when the solver cannot settle one.
    pub fn exact_bounds(&self, hidden: &[bool]) -> Vec<Bounds> {
        let mut bounds: Vec<Bounds> =
            (0..self.len()).map(|cell| Bounds { low: self.values[cell], high: self.values[cell] }).collect();
        for component in self.hidden_components(hidden) {
            for (cell, found) in self.solve_component(&component, hidden) {
                bounds[cell] = found;
            }
        }
        bounds
    }

    /// The least value the attacker knows a hidden cell has: never empty (empty cells are
    /// published), except what is never published.
    fn least(&self, cell: usize) -> f64 {
        match self.roles[cell] {
            Role::Unpublished => 0.0,
            _ if self.attacker => 1.0,
            _ => self.values[cell].min(1) as f64,
        }
    }

    /// The hidden cells, grouped by the sums that link them: each group's bounds depend on its
    /// own cells only, the published ones being constants.
    fn hidden_components(&self, hidden: &[bool]) -> Vec<Vec<usize>> {
        let mut parent: Vec<usize> = (0..self.len()).collect();
        for sum in &self.sums {
            let mut members = std::iter::once(sum.total).chain(sum.parts.iter().copied()).filter(|&cell| hidden[cell]);
            if let Some(first) = members.next() {
                for other in members {
                    let (one, two) = (root(&mut parent, first), root(&mut parent, other));
                    parent[two] = one;
                }
            }
        }
        let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
        for cell in (0..self.len()).filter(|&cell| hidden[cell]) {
            groups.entry(root(&mut parent, cell)).or_default().push(cell);
        }
        groups.into_values().collect()
    }

    /// The bounds of each cell of one component: its least and its greatest value, each a linear
    /// program over the component's cells under every sum that holds one of them.
    fn solve_component(&self, component: &[usize], hidden: &[bool]) -> Vec<(usize, Bounds)> {
        let program = Program::of(self, component, hidden, f64::INFINITY);
        // The tests' attack: a program the solver cannot settle is a failure to report.
        let settled = |point: Result<Option<Vec<f64>>, Unsolved>| {
            point.unwrap_or_else(|_| panic!("the solver could not settle a group of {} cells", component.len()))
        };
        let rounded_low =
            |point: Option<Vec<f64>>, at: usize| point.map_or(0, |point| (point[at] - ROUND_OFF).ceil() as i64);
        let rounded_high = |point: Option<Vec<f64>>, at: usize| {
            point.map_or(UNBOUNDED, |point| ((point[at] + ROUND_OFF).floor() as i64).min(UNBOUNDED))
        };
        component
            .iter()
            .enumerate()
            .map(|(at, &cell)| {
                let low = rounded_low(settled(program.optimum(&[at], OptimizationDirection::Minimize)), at);
                let high = rounded_high(settled(program.optimum(&[at], OptimizationDirection::Maximize)), at);
                (cell, Bounds { low, high })
            })
            .collect()
    }

    /// The secret hidden cells that an attacker with a solver narrows below `threshold`, each
    /// with its exact bounds. A cell whose programs the solver cannot settle counts as narrowed
    /// (with the bounds seen so far), so that the protection hides more rather than fail.
    ///
    /// Proving a cell wide takes two points of the linear program at least `threshold` apart in
    /// that cell, not its optima: each program solved gives a point for every cell at once (and
    /// the true values are one, when known). So the cells not yet proven are pushed up and down
    /// together as long as that proves some (which proves most of them from a few programs), then
    /// each cell left gets its own two programs, whose optima settle it.
    ///
    /// Only the groups of at most `most_cells` hidden cells linked by sums are checked, when it is
    /// given: the programs of a group of a thousand cells take tens of milliseconds each. The
    /// cells marked in `proven` are not proven again, and each cell proven wide is marked: hiding
    /// more cells only widens the others' intervals (the program's unknowns gain freedom), so a
    /// protection that hides more after a check needs to prove only the cells it hid and the
    /// ones found narrow.
    pub fn exactly_exposed(
        &self,
        hidden: &[bool],
        threshold: i64,
        most_cells: Option<usize>,
        proven: &mut [bool],
    ) -> Vec<(usize, Bounds)> {
        let mut exposed = Vec::new();
        for component in self.hidden_components(hidden) {
            if most_cells.is_none_or(|most| component.len() <= most) {
                exposed.extend(self.exposed_in(&component, hidden, threshold, proven));
            }
        }
        exposed
    }

    fn exposed_in(
        &self,
        component: &[usize],
        hidden: &[bool],
        threshold: i64,
        proven: &mut [bool],
    ) -> Vec<(usize, Bounds)> {
        let secret: Vec<usize> = (0..component.len())
            .filter(|&at| self.roles[component[at]] != Role::Unpublished && !proven[component[at]])
            .collect();
        if secret.is_empty() {
            return Vec::new();
        }
        let mut program = Program::of(self, component, hidden, f64::INFINITY);
        // A first point: the true values, or the least one an attacker can find.
        let start: Vec<f64> = if self.attacker {
            let all: Vec<usize> = (0..component.len()).collect();
            match program.optimum(&all, OptimizationDirection::Minimize) {
                Ok(Some(point)) => point,
                // Nothing proven: every cell counts as narrowed (it has a least value, so the
                // program is never unbounded).
                Ok(None) | Err(Unsolved) => {
                    let unknown = Bounds { low: 0, high: 0 };
                    return secret.iter().map(|&at| (component[at], unknown)).collect();
                }
            }
        } else {
            component.iter().map(|&cell| self.values[cell] as f64).collect()
        };
        // A ceiling above every cell of that point by twice the threshold: a cell at it is wide
        // whatever its greatest value, and every program then has an optimum.
        let ceiling = start.iter().copied().fold(0.0, f64::max) + 2.0 * threshold as f64;
        program.ceiling = ceiling;
        let (mut low, mut high) = (start.clone(), start);
        let rounded = |low: f64, high: f64| Bounds {
            low: (low - ROUND_OFF).ceil() as i64,
            high: ((high + ROUND_OFF).floor() as i64).min(UNBOUNDED),
        };
        let wide = |low: f64, high: f64| rounded(low, high).width() >= threshold;
        // A point widens what is known; a program the solver could not settle proves nothing,
        // and the cells it was for stay unproven (so count as narrowed: more is hidden).
        let seen = |point: Result<Option<Vec<f64>>, Unsolved>, low: &mut [f64], high: &mut [f64]| {
            for (at, value) in point.ok().flatten().into_iter().flatten().enumerate() {
                low[at] = low[at].min(value);
                high[at] = high[at].max(value);
            }
        };
        let unproven = |low: &[f64], high: &[f64]| -> Vec<usize> {
            secret.iter().copied().filter(|&at| !wide(low[at], high[at])).collect()
        };
        let mut targets = unproven(&low, &high);
        while !targets.is_empty() {
            for direction in [OptimizationDirection::Maximize, OptimizationDirection::Minimize] {
                seen(program.optimum(&targets, direction), &mut low, &mut high);
            }
            let left = unproven(&low, &high);
            if left.len() == targets.len() {
                break;
            }
            targets = left;
        }
        let mut exposed = Vec::new();
        for at in targets {
            for direction in [OptimizationDirection::Maximize, OptimizationDirection::Minimize] {
                if !wide(low[at], high[at]) {
                    seen(program.optimum(&[at], direction), &mut low, &mut high);
                }
            }
            if !wide(low[at], high[at]) {
                exposed.push((component[at], rounded(low[at], high[at])));
            }
        }
        for &at in &secret {
            proven[component[at]] = !exposed.iter().any(|&(cell, _)| cell == component[at]);
        }
        exposed
    }
}

/// One component's linear program: a variable per hidden cell, at least its least value and at
/// most `ceiling`, and each sum that holds one of them as an equation.
struct Program {
    least: Vec<f64>,
    ceiling: f64,
    equations: Vec<(Vec<(usize, f64)>, f64)>,
}

impl Program {
    fn of(linked: &Linked, component: &[usize], hidden: &[bool], ceiling: f64) -> Program {
        let index: std::collections::HashMap<usize, usize> =
            component.iter().enumerate().map(|(at, &cell)| (cell, at)).collect();
        // Each sum as Σ parts − total = 0, its published cells moved to the right-hand side.
        let equations = linked
            .sums
            .iter()
            .filter(|sum| index.contains_key(&sum.total) || sum.parts.iter().any(|part| index.contains_key(part)))
            .map(|sum| {
                let signed = sum.parts.iter().map(|&part| (part, 1.0)).chain([(sum.total, -1.0)]);
                let (mut terms, mut known) = (Vec::new(), 0.0);
                for (cell, sign) in signed {
                    if hidden[cell] {
                        terms.push((index[&cell], sign));
                    } else {
                        known += sign * linked.values[cell] as f64;
                    }
                }
                (terms, -known)
            })
            .collect();
        let least = component.iter().map(|&cell| linked.least(cell)).collect();
        Program { least, ceiling, equations }
    }

    /// The point at which the sum of `targets` is least or greatest; `None` when it has no
    /// greatest.
    fn optimum(&self, targets: &[usize], direction: OptimizationDirection) -> Result<Option<Vec<f64>>, Unsolved> {
        let mut problem = Problem::new(direction);
        let mut weights = vec![0.0; self.least.len()];
        targets.iter().for_each(|&at| weights[at] = 1.0);
        let variables: Vec<_> = self
            .least
            .iter()
            .zip(&weights)
            .map(|(&least, &weight)| problem.add_var(weight, (least, self.ceiling)))
            .collect();
        for (terms, right) in &self.equations {
            let expression: Vec<_> = terms.iter().map(|&(at, sign)| (variables[at], sign)).collect();
            problem.add_constraint(expression.as_slice(), ComparisonOp::Eq, *right);
        }
        match problem.solve().map(|outcome| outcome.into_solution()) {
            Ok(Ok(solution)) => Ok(Some(variables.iter().map(|&variable| solution.var_value(variable)).collect())),
            Err(Error::Unbounded) => Ok(None),
            // A numerical failure (the true values meet every sum: a table whose sums hold is
            // never infeasible), or a limit the solver stopped at.
            _ => Err(Unsolved),
        }
    }
}

/// A linear program the solver could not settle.
#[derive(Debug, Clone, Copy)]
struct Unsolved;

#[cfg(test)]
mod tests {
    use super::*;

    /// Three hidden cells, each pair the parts of a published total of 10: no sum alone narrows
    /// any of them below [1, 9], but the three sums together say that they add up to 15, so each
    /// is 5. Interval propagation misses it; the linear program does not.
    #[test]
    fn three_sums_together_give_away_what_each_one_hides() {
        let mut linked = Linked::attacker();
        let cells: Vec<usize> = (0..3).map(|_| linked.cell(5, Role::Cell)).collect();
        for (one, two) in [(0, 1), (1, 2), (0, 2)] {
            let total = linked.cell(10, Role::Cell);
            linked.sum(total, vec![cells[one], cells[two]]);
        }
        let mut hidden = vec![false; linked.len()];
        cells.iter().for_each(|&cell| hidden[cell] = true);
        let propagated = linked.bounds(&hidden);
        assert_eq!(propagated[cells[0]], Bounds { low: 1, high: 9 });
        let exact = linked.exact_bounds(&hidden);
        for &cell in &cells {
            assert_eq!(exact[cell], Bounds { low: 5, high: 5 });
        }
    }

    /// The protection's check finds the same three cells, with the same bounds, whether it knows
    /// the true values or reads as an attacker; with two of the three sums, each cell lies within
    /// [1, 19] and none is found.
    #[test]
    fn the_check_finds_what_the_exact_bounds_find() {
        let all = [(0, 1), (1, 2), (0, 2)];
        for (attacker, sums, exposed) in
            [(false, &all[..], 3), (true, &all[..], 3), (false, &all[..2], 0), (true, &all[..2], 0)]
        {
            let mut linked = if attacker { Linked::attacker() } else { Linked::new() };
            let cells: Vec<usize> = (0..3).map(|_| linked.cell(10, Role::Cell)).collect();
            for &(one, two) in sums {
                let total = linked.cell(20, Role::Cell);
                linked.sum(total, vec![cells[one], cells[two]]);
            }
            let mut hidden = vec![false; linked.len()];
            cells.iter().for_each(|&cell| hidden[cell] = true);
            let found = linked.exactly_exposed(&hidden, 11, None, &mut vec![false; linked.len()]);
            assert_eq!(found.len(), exposed, "attacker {attacker}, {} sums: {found:?}", sums.len());
            for (cell, bounds) in found {
                assert_eq!(bounds, Bounds { low: 10, high: 10 });
                assert_eq!(bounds, linked.exact_bounds(&hidden)[cell]);
            }
        }
    }

    #[test]
    fn a_hidden_total_of_hidden_parts_is_unbounded_above() {
        let mut linked = Linked::attacker();
        let parts = [linked.cell(3, Role::Cell), linked.cell(4, Role::Cell), linked.cell(20, Role::Cell)];
        let total = linked.cell(27, Role::Cell);
        linked.sum(total, parts.to_vec());
        let hidden = [true, true, false, true];
        let exact = linked.exact_bounds(&hidden);
        assert_eq!(exact[parts[0]], Bounds { low: 1, high: UNBOUNDED });
        assert_eq!(exact[total], Bounds { low: 22, high: UNBOUNDED });
        assert_eq!(exact[parts[2]], Bounds { low: 20, high: 20 });
    }
}
