//! One indicator's cells as the sums that link them, for statistical secrecy: categories add up
//! to the row's `total`, the months of a quarter to the quarter, the communes of a département
//! (with its records of no known commune) to the département, the départements of a région to
//! the région, the régions to the nation. Secrecy is decided over all of them at once, so that a
//! reader of several levels, periods or categories cannot subtract one from another; each quarter
//! on its own, since no published figure adds quarters up.

use std::collections::{BTreeMap, HashMap};

use crate::codes::{DepartementCode, RegionCode};
use crate::secrecy::{Bounds, Linked, Role};

/// The category of a row's total.
pub const TOTAL: &str = "total";
/// The territory of the national level.
pub const NATION: &str = "FR";

/// One cell of a table: a count of persons (or records) at a level, territory, period and
/// category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// `national`, `region`, `departement` or `commune`.
    pub level: &'a str,
    pub territory: &'a str,
    /// `YYYY-MM` or `YYYY-Qn` (any other period is linked to no other).
    pub period: &'a str,
    /// A category of the breakdown, or [`TOTAL`].
    pub category: &'a str,
    pub units: i64,
}

/// What a reader of `entries` is shown: `hidden[i]` for `entries[i]`. `role` says which cells
/// are kept for last, fixed or never published; `already` the cells hidden before (a finer
/// pattern this one must hold). Each of `thresholds`, ascending, is applied in turn, each pattern
/// holding the one before, so that a reader of both never learns more than from the last.
///
/// Each threshold's pattern is checked against the linear program of the cells a reader may be
/// given (the never-published ones, such as the communes, left out: with no published cell among
/// them, they can always be filled in with any values of the levels above, so they teach an
/// attacker nothing): where it narrows a hidden cell, more cells are hidden
/// ([`Linked::widen`]), and the protection goes on from there until it narrows none: every group
/// of hidden cells linked by sums, however large (see docs/indicators.md for what it costs).
pub fn protect(
    entries: &[Entry<'_>],
    thresholds: &[i64],
    role: &dyn Fn(usize, &Entry<'_>) -> Role,
    already: &[bool],
) -> Vec<bool> {
    let mut hidden = already.to_vec();
    hidden.resize(entries.len(), false);
    for quarter in quarters(entries) {
        let (linked, cells) = link(entries, &quarter, role);
        let mut pattern: Vec<bool> = cells.iter().map(|&entry| hidden[entry]).collect();
        let published: Vec<usize> = (0..cells.len()).filter(|&cell| linked.role(cell) != Role::Unpublished).collect();
        let (shown, _) = link(entries, &published.iter().map(|&cell| cells[cell]).collect::<Vec<_>>(), role);
        for &threshold in thresholds {
            let mut proven = vec![false; shown.len()];
            loop {
                pattern = linked.protect(threshold, &pattern).hidden;
                // What interval propagation does not see, the linear program does: hide more
                // where it narrows a cell, then protect again around what was hidden.
                let mut shown_hidden: Vec<bool> = published.iter().map(|&cell| pattern[cell]).collect();
                shown_hidden.resize(shown.len(), true);
                let exposed: Vec<usize> = shown
                    .exactly_exposed(&shown_hidden, threshold, &mut proven)
                    .into_iter()
                    .map(|(cell, _)| cell)
                    .collect();
                let more = shown.widen(&exposed, &shown_hidden);
                if more.is_empty() {
                    break;
                }
                more.into_iter().for_each(|cell| pattern[published[cell]] = true);
            }
        }
        for (cell, &entry) in cells.iter().enumerate() {
            hidden[entry] = pattern[cell];
        }
    }
    hidden
}

/// The most categories a breakdown of the orientation decisions has: the kinds of organization,
/// deciding or referent. A row whose published total counts at least `threshold + ROOM` persons
/// can hide all its categories and still leave each uncertain by the threshold.
pub const ROOM: i64 = crate::organization::OrganizationKind::ALL.len() as i64;

/// [`protect`] for the breakdowns of one population that share their totals (the orientation
/// decisions by path, by referent, by criterion…): the totals first, as a table of their own in
/// which a total of fewer than `threshold + ROOM` persons is hidden, then the categories around
/// them with the published totals fixed. The totals are then published or hidden alike in every
/// breakdown, and no breakdown needs to hide a total another one publishes. `already` as for
/// [`protect`]: the pattern of lower thresholds, which this one holds.
pub fn protect_totals_first(
    entries: &[Entry<'_>],
    thresholds: &[i64],
    role: &dyn Fn(usize, &Entry<'_>) -> Role,
    already: &[bool],
) -> Vec<bool> {
    let totals: Vec<usize> = (0..entries.len()).filter(|&index| entries[index].category == TOTAL).collect();
    let of_totals: Vec<Entry<'_>> = totals.iter().map(|&index| entries[index]).collect();
    let mut hidden = already.to_vec();
    hidden.resize(entries.len(), false);
    for &threshold in thresholds {
        let roomless: Vec<bool> = totals
            .iter()
            .map(|&index| hidden[index] || (entries[index].units > 0 && entries[index].units < threshold + ROOM))
            .collect();
        let role_of_total = |at: usize, entry: &Entry<'_>| role(totals[at], entry);
        let totals_hidden = protect(&of_totals, &[threshold], &role_of_total, &roomless);
        for (&index, hide) in totals.iter().zip(totals_hidden) {
            hidden[index] = hide;
        }
        let fixed: Vec<bool> =
            entries.iter().zip(&hidden).map(|(entry, &hide)| entry.category == TOTAL && !hide).collect();
        let role = |index: usize, entry: &Entry<'_>| if fixed[index] { Role::Fixed } else { role(index, entry) };
        hidden = protect(entries, &[threshold], &role, &hidden);
    }
    hidden
}

/// What a reader who knows how the cells add up learns of each of `entries` from the published
/// ones (`hidden[i]` for the others, whose units are not read): the test of [`protect`], over any
/// cut of the tables a reader was given. `complete` when the cut lists every territory that has
/// records (a territory left out then counts nobody).
pub fn attack(entries: &[Entry<'_>], hidden: &[bool], complete: bool) -> Vec<Bounds> {
    attack_by(entries, hidden, complete, &Linked::bounds)
}

/// [`attack`] with a solver: each hidden cell's bounds are the optima of the linear programs of
/// its table (see [`Linked::exact_bounds`]), which no combination of the sums can narrow further.
pub fn attack_exactly(entries: &[Entry<'_>], hidden: &[bool], complete: bool) -> Vec<Bounds> {
    attack_by(entries, hidden, complete, &Linked::exact_bounds)
}

/// The hidden cells of `entries` that the linear programs of their tables narrow below
/// `threshold`, each with its bounds: [`attack_exactly`]'s verdict, from a few programs per
/// table rather than two per hidden cell (see [`Linked::exactly_exposed`]).
pub fn exposed_exactly(entries: &[Entry<'_>], hidden: &[bool], complete: bool, threshold: i64) -> Vec<(usize, Bounds)> {
    let mut exposed = Vec::new();
    for (linked, hidden_in, all) in attacked_quarters(entries, hidden, complete) {
        let found = linked.exactly_exposed(&all, threshold, &mut vec![false; linked.len()]);
        let of_entries = found.into_iter().filter(|&(cell, _)| cell < hidden_in.len());
        exposed.extend(of_entries.map(|(cell, bounds)| (hidden_in[cell], bounds)));
    }
    exposed
}

fn attack_by(
    entries: &[Entry<'_>],
    hidden: &[bool],
    complete: bool,
    solve: &dyn Fn(&Linked, &[bool]) -> Vec<Bounds>,
) -> Vec<Bounds> {
    let mut bounds = vec![Bounds { low: 0, high: 0 }; entries.len()];
    for (linked, hidden_in, all) in attacked_quarters(entries, hidden, complete) {
        for (cell, found) in solve(&linked, &all).into_iter().enumerate().take(hidden_in.len()) {
            bounds[hidden_in[cell]] = found;
        }
    }
    bounds
}

/// Each quarter's cells as an attacker reads them: the sums between them, the entry of each
/// cell (the rests come after them), and which cells are hidden (the rests always).
fn attacked_quarters(entries: &[Entry<'_>], hidden: &[bool], complete: bool) -> Vec<(Linked, Vec<usize>, Vec<bool>)> {
    quarters(entries)
        .into_iter()
        .map(|quarter| {
            let mut linked = Linked::attacker();
            let hidden_in = link_into(&mut linked, entries, &quarter, &|_, _| Role::Cell, complete);
            let mut all: Vec<bool> = hidden_in.iter().map(|&entry| hidden[entry]).collect();
            all.resize(linked.len(), true);
            (linked, hidden_in, all)
        })
        .collect()
}

/// The default roles: the national cells kept for last; the communes' counted but published to
/// nobody, not even listed (a listed commune is known to count someone, which pins small
/// départements). A commune's cells are too small to publish (at 100,000 dossiers, 99.8 % of
/// them were hidden) and, linked to everything above them, they made the protection both slow
/// and blunt (three quarters of the national cells hidden).
pub fn kept_totals(_: usize, entry: &Entry<'_>) -> Role {
    match entry.level {
        "national" => Role::Kept,
        "commune" => Role::Unpublished,
        _ => Role::Cell,
    }
}

/// What hiding a cell costs readers: a commune's cell least, then a département's, a région's,
/// the nation's; a total more than a category.
fn cost(entry: &Entry<'_>) -> u8 {
    let level = match entry.level {
        "commune" => 0,
        "departement" => 2,
        "region" => 4,
        "national" => 6,
        _ => 0,
    };
    level + u8::from(entry.category == TOTAL)
}

/// The entries of each quarter, in their order (a period that is no month or quarter is a group
/// of its own): the tables [`protect`] protects each on its own, as no sum crosses a quarter.
pub fn quarters(entries: &[Entry<'_>]) -> Vec<Vec<usize>> {
    // A table has a few dozen periods and up to millions of cells: each period's quarter is
    // worked out once, not once per cell.
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut group_of_quarter: HashMap<String, usize> = HashMap::new();
    let mut group_of_period: HashMap<&str, usize> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let group = *group_of_period.entry(entry.period).or_insert_with(|| {
            let quarter = quarter_of(entry.period);
            *group_of_quarter.entry(quarter.clone()).or_insert_with(|| {
                groups.push((quarter, Vec::new()));
                groups.len() - 1
            })
        });
        groups[group].1.push(index);
    }
    groups.sort();
    groups.into_iter().map(|(_, group)| group).collect()
}

/// `YYYY-Qn` for a month or a quarter; the period itself otherwise.
pub fn quarter_of(period: &str) -> String {
    match period.split_once('-') {
        Some((year, month)) if month.len() == 2 && month.bytes().all(|byte| byte.is_ascii_digit()) => {
            let month: u32 = month.parse().unwrap_or(0);
            format!("{year}-Q{}", month.div_ceil(3))
        }
        _ => period.to_owned(),
    }
}

/// The cells of one group and every sum between them; the entry of each cell (rests excepted).
fn link(entries: &[Entry<'_>], group: &[usize], role: &dyn Fn(usize, &Entry<'_>) -> Role) -> (Linked, Vec<usize>) {
    let mut linked = Linked::new();
    let cells = link_into(&mut linked, entries, group, role, true);
    (linked, cells)
}

/// Adds the cells of one group to `linked`, then every sum between them; answers the entry of
/// each cell (the rests come after them).
fn link_into(
    linked: &mut Linked,
    entries: &[Entry<'_>],
    group: &[usize],
    role: &dyn Fn(usize, &Entry<'_>) -> Role,
    complete: bool,
) -> Vec<usize> {
    let mut cells = Vec::with_capacity(group.len());
    let mut at: HashMap<(&str, &str, &str, &str), usize> = HashMap::with_capacity(group.len());
    for &index in group {
        let entry = &entries[index];
        let cell = linked.costed_cell(entry.units, role(index, entry), cost(entry));
        cells.push(index);
        at.insert((entry.level, entry.territory, entry.period, entry.category), cell);
    }
    let keyed: Vec<(&Entry<'_>, usize)> = group.iter().map(|&index| &entries[index]).zip(0..).collect();
    link_categories(linked, &keyed);
    link_months(linked, &keyed, &at);
    link_territories(linked, &keyed, &at, complete);
    cells
}

/// A row's total, when it has one, and its categories.
type Row = (Option<usize>, Vec<usize>);

/// Each row's total: the sum of its categories.
fn link_categories(linked: &mut Linked, keyed: &[(&Entry<'_>, usize)]) {
    // (level, territory, period) → the row's total and its categories.
    let mut rows: BTreeMap<(&str, &str, &str), Row> = BTreeMap::new();
    for &(entry, cell) in keyed {
        let row = rows.entry((entry.level, entry.territory, entry.period)).or_default();
        if entry.category == TOTAL { row.0 = Some(cell) } else { row.1.push(cell) }
    }
    for (total, parts) in rows.into_values() {
        if let Some(total) = total {
            linked.sum(total, parts);
        }
    }
}

/// Each quarter: the sum of its months (a month with no cell counts nobody).
fn link_months(linked: &mut Linked, keyed: &[(&Entry<'_>, usize)], at: &HashMap<(&str, &str, &str, &str), usize>) {
    for &(entry, cell) in keyed {
        let Some((year, quarter)) = entry.period.split_once("-Q") else { continue };
        let Ok(quarter) = quarter.parse::<u32>() else { continue };
        let months: Vec<String> = (1..=3).map(|month| format!("{year}-{:02}", (quarter - 1) * 3 + month)).collect();
        let parts: Vec<usize> = months
            .iter()
            .filter_map(|month| at.get(&(entry.level, entry.territory, month.as_str(), entry.category)).copied())
            .collect();
        linked.sum(cell, parts);
    }
}

/// Each territory: the sum of the territories of the level below within it, and of its records
/// counted at no territory below (a rest, never published) unless they add up to it and the
/// tables are `complete` (every territory with records listed). The rests of the départements and the
/// unknown département add up to the unknown commune.
fn link_territories(
    linked: &mut Linked,
    keyed: &[(&Entry<'_>, usize)],
    at: &HashMap<(&str, &str, &str, &str), usize>,
    complete: bool,
) {
    // (period, category, level of the parts, territory above) → the parts.
    let mut within: HashMap<(&str, &str, &str, String), Vec<usize>> = HashMap::new();
    for &(entry, cell) in keyed {
        let above = match entry.level {
            "region" => NATION.to_owned(),
            "departement" => region_of(entry.territory),
            "commune" if entry.territory != UNKNOWN => departement_of(entry.territory),
            _ => continue,
        };
        within.entry((entry.period, entry.category, entry.level, above)).or_default().push(cell);
    }
    let mut rests: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    let mut keys: Vec<_> = within.keys().cloned().collect();
    keys.sort();
    for key in keys {
        let (period, category, level, above) = &key;
        let above_level = match *level {
            "region" => "national",
            "departement" => "region",
            _ => "departement",
        };
        let Some(&total) = at.get(&(above_level, above.as_str(), *period, *category)) else { continue };
        let parts = within[&key].clone();
        // A territory listed with no cell counts nobody: the parts are the whole when they add
        // up to it, and a reader who is given every territory knows it.
        if complete && linked.sum(total, parts.clone()) {
            continue;
        }
        if let Some(rest) = linked.sum_with_rest(total, parts)
            && *level == "commune"
        {
            rests.entry((*period, *category)).or_default().push(rest);
        }
    }
    for ((period, category), mut parts) in rests {
        let (Some(&unknown_commune), Some(&unknown_departement)) =
            (at.get(&("commune", UNKNOWN, period, category)), at.get(&("departement", UNKNOWN, period, category)))
        else {
            continue;
        };
        parts.push(unknown_departement);
        linked.sum(unknown_commune, parts);
    }
}

/// The territory of records whose territory is not known.
pub const UNKNOWN: &str = "unknown";

/// The région of a département's INSEE code; `unknown` for no département.
pub fn region_of(departement: &str) -> String {
    DepartementCode::parse(departement)
        .map(|code| RegionCode::of_departement(&code).as_str().to_owned())
        .unwrap_or_else(|_| UNKNOWN.to_owned())
}

/// The département of a commune's INSEE code: its first two characters, three overseas (97x).
pub fn departement_of(commune: &str) -> String {
    let length = if commune.starts_with("97") { 3 } else { 2 };
    match commune.get(..length) {
        Some(code) if commune.len() == 5 => code.to_owned(),
        _ => UNKNOWN.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Key = (&'static str, String, String, String);

    /// A random table of every département of `regions`, 3 months and their quarter, 3 categories
    /// and their total, at every level up to the nation: counts of 0 to 9 per département, month
    /// and category, added up.
    fn random_table(seed: u64, regions: &[&str]) -> BTreeMap<Key, i64> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut table = BTreeMap::new();
        let departements = (1..=95).map(|number| format!("{number:02}")).filter(|code| code != "20");
        for departement in departements.filter(|code| regions.contains(&region_of(code).as_str())) {
            for month in ["2026-01", "2026-02", "2026-03"] {
                for category in ["emploi", "social", "socio_professionnel"] {
                    let count = [0, 1, 2, 3, 5, 9, 14, 30][(next() % 8) as usize];
                    let region = region_of(&departement);
                    let territories =
                        [("departement", departement.clone()), ("region", region), ("national", NATION.to_owned())];
                    for (level, territory) in territories {
                        for period in [month, "2026-Q1"] {
                            for category in [category, TOTAL] {
                                let key = (level, territory.clone(), period.to_owned(), category.to_owned());
                                *table.entry(key).or_default() += count;
                            }
                        }
                    }
                }
            }
        }
        table
    }

    /// Random tables of three régions' départements (the Bretagne's 4, the Centre's 6, the
    /// Normandie's 5), protected for the committees (5) then the public (11), with the totals
    /// first or not: every published cell is empty or at least the threshold, every hidden one
    /// is at least the threshold wide to the attack, the public's pattern holds the committees',
    /// and protecting the same table again gives the same pattern (else two reads would give each
    /// other away).
    #[test]
    fn random_tables_are_protected_at_every_level_period_and_category() {
        for seed in 1..=30 {
            let table = random_table(seed, &["53", "24", "28"]);
            let entries: Vec<Entry<'_>> = table
                .iter()
                .map(|((level, territory, period, category), &units)| Entry {
                    level,
                    territory,
                    period,
                    category,
                    units,
                })
                .collect();
            let plain = |thresholds: &[i64], already: &[bool]| protect(&entries, thresholds, &kept_totals, already);
            let totals_first = |thresholds: &[i64], already: &[bool]| {
                protect_totals_first(&entries, thresholds, &kept_totals, already)
            };
            for (name, way) in
                [("plain", &plain as &dyn Fn(&[i64], &[bool]) -> Vec<bool>), ("totals first", &totals_first)]
            {
                let committees = way(&[5], &[]);
                assert_eq!(committees, way(&[5], &[]), "seed {seed}, {name}: the same table, the same pattern");
                let public = way(&[5, 11], &[]);
                // The server works out the public's pattern on top of the committees' it keeps.
                assert_eq!(way(&[11], &committees), public, "seed {seed}, {name}: one threshold after the other");
                for (threshold, hidden) in [(5, &committees), (11, &public)] {
                    let bounds = attack(&entries, hidden, true);
                    // The linear program's attack too, on the first tables (two programs a
                    // hidden cell): interval propagation alone missed cells of seed 1.
                    assert_eq!(exposed_exactly(&entries, hidden, true, threshold), [], "seed {seed}, {name}");
                    let exact = if seed <= 4 {
                        attack_exactly(&entries, hidden, true)
                    } else {
                        vec![Bounds { low: 0, high: crate::secrecy::linked::UNBOUNDED }; entries.len()]
                    };
                    for (((entry, &hidden), bounds), exact) in entries.iter().zip(hidden).zip(bounds).zip(exact) {
                        if hidden {
                            assert!(bounds.width() >= threshold, "seed {seed}, {threshold}: {entry:?} in {bounds:?}");
                            assert!(
                                exact.width() >= threshold,
                                "seed {seed}, {threshold}, {name}: {entry:?} in {exact:?} exactly"
                            );
                        } else {
                            assert!(entry.units == 0 || entry.units >= threshold, "seed {seed}: {entry:?}");
                        }
                    }
                }
                let lost: Vec<_> = committees
                    .iter()
                    .zip(&public)
                    .zip(&entries)
                    .filter(|((finer, public), _)| **finer && !**public)
                    .map(|(_, entry)| entry)
                    .collect();
                assert!(lost.is_empty(), "seed {seed}, {name}: {lost:?}");
            }
        }
    }

    /// The feed's rule: a total under `threshold + ROOM` is hidden in every breakdown alike.
    #[test]
    fn totals_under_the_room_are_hidden() {
        let rows = [("departement", "35", "emploi", 12), ("departement", "35", TOTAL, 12)];
        let entries: Vec<Entry<'_>> = rows
            .iter()
            .map(|&(level, territory, category, units)| Entry { level, territory, period: "2026-01", category, units })
            .collect();
        assert_eq!(protect_totals_first(&entries, &[5], &kept_totals, &[]), [true, true], "12 < 5 + {ROOM}");
        assert_eq!(protect(&entries, &[5], &kept_totals, &[]), [false, false]);
    }

    #[test]
    fn territories_above() {
        assert_eq!(departement_of("69123"), "69");
        assert_eq!(departement_of("2A004"), "2A");
        assert_eq!(departement_of("97411"), "974");
        assert_eq!(departement_of("unknown"), UNKNOWN);
        assert_eq!(region_of("69"), "84");
        assert_eq!(region_of("unknown"), UNKNOWN);
        assert_eq!(quarter_of("2026-11"), "2026-Q4");
        assert_eq!(quarter_of("2026-Q4"), "2026-Q4");
    }
}
