//! The exact attack: the least and greatest value of each hidden cell that the published cells
//! and the sums allow, each the optimum of a linear program — what an attacker with a solver
//! learns, where [`Linked::bounds`] follows chains of subtractions only (and can miss what a
//! combination of several sums gives away, as in a three-way table).
//!
//! [`Linked::exact_bounds`] solves two programs per hidden cell: the tests' attack on what was
//! published, and an independent check of the protection's: [`Linked::exactly_exposed`], which
//! proves cells wide from the points of two programs and of edits of the last one's optimum, and
//! settles the others' bounds by bisection of such edits (see there).

use microlp::{ComparisonOp, Error, OptimizationDirection, Problem, Solution, SolveOutcome, Variable};

use super::{Bounds, Linked, Role, UNBOUNDED, root};

/// The fewest cells to prove that are first pushed up together by a program of their own: a
/// program over a thousand cells costs as much as about seventy edits of one, and proves about a
/// third of the cells it pushes (the bench's vintage).
const PUSHED_TOGETHER: usize = 100;

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
    /// with its exact bounds (rounded inwards to integers). A cell the solver cannot settle counts
    /// as narrowed (with the bounds seen so far), so that the protection hides more rather than
    /// fail.
    ///
    /// Proving a cell wide takes two points of the linear program at least `threshold` apart in
    /// that cell, not its optima: each point found gives a value of every cell at once (and the
    /// true values are one, when known). So the cells not yet proven are first pushed up and down
    /// together by two programs, which prove many of them; then each cell left is fixed at the
    /// threshold away from what was seen of it, in the last program solved: a few pivots of the
    /// simplex from that optimum (an edit) rather than a program solved anew, and a point (it is
    /// wide) or none. A cell that neither edit proves wide is narrowed or not by its exact
    /// bounds, which a bisection of such edits finds.
    ///
    /// The cells marked in `proven` are not proven again, and each cell proven wide is marked:
    /// hiding more cells only widens the others' intervals (the program's unknowns gain freedom),
    /// so a protection that hides more after a check needs to prove only the cells it hid and the
    /// ones found narrow.
    pub fn exactly_exposed(&self, hidden: &[bool], threshold: i64, proven: &mut [bool]) -> Vec<(usize, Bounds)> {
        let mut exposed = Vec::new();
        for component in self.hidden_components(hidden) {
            exposed.extend(self.exposed_in(&component, hidden, threshold, proven));
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
        // A point widens what is known of every cell.
        let seen = |point: &[f64], low: &mut [f64], high: &mut [f64]| {
            for (at, &value) in point.iter().enumerate() {
                low[at] = low[at].min(value);
                high[at] = high[at].max(value);
            }
        };
        // The cells not yet proven pushed up together, then down: two programs prove many cells
        // at once (more rounds prove fewer each, for the cost of a program over the group). A few
        // cells are proven by edits alone (below), from one program's optimum.
        let mut targets: Vec<usize> = secret.iter().copied().filter(|&at| !wide(low[at], high[at])).collect();
        let directions: &[OptimizationDirection] = if targets.len() < PUSHED_TOGETHER {
            &[OptimizationDirection::Minimize]
        } else {
            &[OptimizationDirection::Maximize, OptimizationDirection::Minimize]
        };
        let mut last = None;
        for &direction in directions {
            // A program the solver could not settle proves nothing.
            if let Ok(Some(solved)) = program.solved(&targets, direction) {
                seen(&solved.point(), &mut low, &mut high);
                last = Some(solved);
            }
        }
        targets.retain(|&at| !wide(low[at], high[at]));
        let mut exposed = Vec::new();
        for at in targets {
            // Each cell left, from the last optimum edited: the cell fixed at a value proves it
            // reachable (a point, which may prove other cells too) or not (the edit is
            // infeasible); a few such edits settle the cell's integer bounds. A cell the solver
            // could not settle counts as narrowed: more is hidden.
            if wide(low[at], high[at]) {
                continue;
            }
            let Bounds { low: known_low, high: known_high } = rounded(low[at], high[at]);
            let least = program.least[at] as i64;
            let mut reachable = |value: i64| {
                let point = last.as_ref().and_then(|last| last.fixed(at, value as f64));
                point.map(|point| seen(&point, &mut low, &mut high)).is_some()
            };
            if reachable(known_low + threshold)
                || (known_high - threshold >= least && reachable(known_high - threshold))
            {
                continue;
            }
            let greatest = furthest_reachable(known_high, known_low + threshold, &mut reachable);
            let least = furthest_reachable(known_low, (known_high - threshold).max(least - 1), &mut reachable);
            if greatest - least < threshold {
                exposed.push((component[at], Bounds { low: least, high: greatest }));
            }
        }
        for &at in &secret {
            proven[component[at]] = !exposed.iter().any(|&(cell, _)| cell == component[at]);
        }
        exposed
    }
}

/// The furthest integer from `reached` towards `unreached` (exclusive) that `reachable` says a
/// cell can take, by bisection: the cell's greatest (or least) value, given that it can take
/// `reached` and not `unreached`, and every value between two it can take (the program's points
/// form a convex set).
fn furthest_reachable(reached: i64, unreached: i64, reachable: &mut dyn FnMut(i64) -> bool) -> i64 {
    let (mut reached, mut unreached) = (reached, unreached);
    while (unreached - reached).abs() > 1 {
        let middle = reached + (unreached - reached) / 2;
        if reachable(middle) {
            reached = middle;
        } else {
            unreached = middle;
        }
    }
    reached
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
        Ok(self.solved(targets, direction)?.map(|solved| solved.point()))
    }

    /// [`Program::optimum`], with the solver's state to edit it from.
    fn solved(&self, targets: &[usize], direction: OptimizationDirection) -> Result<Option<Solved>, Unsolved> {
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
            Ok(Ok(solution)) => Ok(Some(Solved { solution, variables })),
            Err(Error::Unbounded) => Ok(None),
            // A numerical failure (the true values meet every sum: a table whose sums hold is
            // never infeasible), or a limit the solver stopped at.
            _ => Err(Unsolved),
        }
    }
}

/// A program solved: its optimum, and the solver's state at it.
struct Solved {
    solution: Solution,
    variables: Vec<Variable>,
}

impl Solved {
    fn point(&self) -> Vec<f64> {
        point_of(&self.solution, &self.variables)
    }

    /// A point of the program whose cell `at` is `value`, if it has one: the solved program with
    /// that cell fixed, solved again from this optimum (a few pivots of the dual simplex where a
    /// program solved anew takes hundreds). `None` when there is none, or the solver could not
    /// settle it.
    fn fixed(&self, at: usize, value: f64) -> Option<Vec<f64>> {
        match self.solution.clone().fix_var(self.variables[at], value) {
            Ok(SolveOutcome::Solution(solution)) => Some(point_of(&solution, &self.variables)),
            _ => None,
        }
    }
}

fn point_of(solution: &Solution, variables: &[Variable]) -> Vec<f64> {
    variables.iter().map(|&variable| solution.var_value(variable)).collect()
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
            let found = linked.exactly_exposed(&hidden, 11, &mut vec![false; linked.len()]);
            assert_eq!(found.len(), exposed, "attacker {attacker}, {} sums: {found:?}", sums.len());
            for (cell, bounds) in found {
                assert_eq!(bounds, Bounds { low: 10, high: 10 });
                assert_eq!(bounds, linked.exact_bounds(&hidden)[cell]);
            }
        }
    }

    /// Random tables of 3 to 5 rows and columns with their totals, about half of the non-empty
    /// cells hidden: the check, which proves cells wide by points and settles the others by
    /// bisection, finds exactly the cells whose exact bounds (two programs each) are narrower than
    /// the threshold, with those bounds, whether it knows the true values or reads as an attacker.
    #[test]
    fn the_check_agrees_with_the_exact_bounds_on_random_tables() {
        let mut state = 7_u64;
        let mut next = move |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        let (mut narrowed, mut wide) = (0, 0);
        for _ in 0..40 {
            let (rows, columns) = (3 + next(3) as usize, 3 + next(3) as usize);
            let values: Vec<Vec<i64>> = (0..rows).map(|_| (0..columns).map(|_| next(25) as i64).collect()).collect();
            let hide: Vec<Vec<bool>> =
                values.iter().map(|row| row.iter().map(|&value| value > 0 && next(2) == 0).collect()).collect();
            for attacker in [false, true] {
                let mut linked = if attacker { Linked::attacker() } else { Linked::new() };
                let mut hidden = Vec::new();
                let mut cell = |linked: &mut Linked, value: i64, hide: bool| {
                    hidden.push(hide);
                    linked.cell(value, Role::Cell)
                };
                let cells: Vec<Vec<usize>> = (0..rows)
                    .map(|row| {
                        (0..columns).map(|column| cell(&mut linked, values[row][column], hide[row][column])).collect()
                    })
                    .collect();
                let sum_of = |of: &dyn Fn(usize) -> i64, count: usize| (0..count).map(of).sum::<i64>();
                for row in 0..rows {
                    let total = cell(&mut linked, sum_of(&|column| values[row][column], columns), false);
                    linked.sum(total, cells[row].clone());
                }
                for column in 0..columns {
                    let total = cell(&mut linked, sum_of(&|row| values[row][column], rows), false);
                    linked.sum(total, (0..rows).map(|row| cells[row][column]).collect());
                }
                let exact = linked.exact_bounds(&hidden);
                for threshold in [3, 5, 11] {
                    let mut found = linked.exactly_exposed(&hidden, threshold, &mut vec![false; linked.len()]);
                    found.sort_by_key(|&(cell, _)| cell);
                    let expected: Vec<(usize, Bounds)> = (0..linked.len())
                        .filter(|&cell| hidden[cell] && exact[cell].width() < threshold)
                        .map(|cell| (cell, exact[cell]))
                        .collect();
                    assert_eq!(found, expected, "{rows}×{columns}, attacker {attacker}, threshold {threshold}");
                    narrowed += found.len();
                    wide += hidden.iter().filter(|&&hidden| hidden).count() - found.len();
                }
            }
        }
        assert!(narrowed > 100 && wide > 100, "{narrowed} cells narrowed (the bisection), {wide} proven wide");
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
