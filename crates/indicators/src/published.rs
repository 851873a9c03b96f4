//! A vintage's cells as a reader may see them: statistical secrecy applied with the reader's
//! threshold (the public's for open data) over all the cells of an indicator at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use plateforme_store::indicators::vintages::Cell;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::definitions::{Aggregation, Definition};
use plateforme_model::secrecy::cube::{self, Entry};

/// One published cell of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"level": "departement", "territory": "69", "period": "2026-11", "category": "total",
    "value": 42, "units": 42, "hidden": false}))]
#[schema(as = IndicatorCell)]
pub struct PublishedCell {
    /// `national`, `region`, `departement` or `commune`.
    pub level: String,
    /// `FR` at the national level; the INSEE code below it; `unknown` for the records whose
    /// territory is not known (so that every level adds up to the national figure).
    pub territory: String,
    /// `YYYY-MM` or `YYYY-Qn`.
    pub period: String,
    /// A category of the indicator's breakdown, or `total`.
    pub category: String,
    /// The figure (a count, a mean in days, a percentage); `null` when hidden.
    #[schema(value_type = Option<f64>)]
    pub value: Option<serde_json::Number>,
    /// The persons (or records) behind the figure; `null` when hidden.
    pub units: Option<i64>,
    /// Hidden by statistical secrecy.
    pub hidden: bool,
}

/// What secrecy hides of each indicator, per set of thresholds, worked out once (over a national
/// table it takes seconds) and kept, quarter by quarter: each quarter's pattern is keyed by the
/// digest of its cells, so that live figures that moved have only their quarters protected anew,
/// and a vintage's revision or the live figures reuse every quarter that did not change.
#[derive(Debug, Clone)]
pub struct Patterns(Arc<Mutex<Kept>>);

#[derive(Debug)]
struct Kept {
    patterns: HashMap<PatternKey, Arc<Vec<bool>>>,
    /// The cells of the patterns kept, and how many may be: beyond, every pattern is forgotten.
    cells: usize,
    budget: usize,
}

type PatternKey = (String, &'static str, Vec<i64>);

/// A table's pattern at one threshold, on top of the pattern of the ones before.
pub type OnTop<'a> = dyn Fn(&[Entry<'_>], i64, &[bool]) -> Vec<bool> + 'a;

/// The cells of the vintages' patterns kept: a vintage has about twenty computed indicators, each
/// read at one or two sets of thresholds, about 4,300,000 cells in all at national scale.
const VINTAGE_CELLS_KEPT: usize = 32_000_000;

impl Default for Patterns {
    fn default() -> Self {
        Patterns::within(VINTAGE_CELLS_KEPT)
    }
}

impl Patterns {
    /// Patterns kept up to `budget` cells in all (a byte each).
    pub fn within(budget: usize) -> Patterns {
        Patterns(Arc::new(Mutex::new(Kept { patterns: HashMap::new(), cells: 0, budget })))
    }

    /// Protects the cells of one indicator (see [`protect`]), reusing each quarter's pattern
    /// found before. Blocking: call it off the async workers.
    pub fn protect(&self, definition: &'static Definition, cells: &[Cell], thresholds: &[i64]) -> Vec<PublishedCell> {
        let hidden =
            self.each_quarter(definition.code, &[], &entries(cells), thresholds, &|cells, threshold, already| {
                pattern(definition, cells, &[threshold], already)
            });
        published(definition, cells, &hidden)
    }

    /// The pattern of `entries` at `thresholds`, quarter by quarter — no sum crosses a quarter,
    /// and each is protected on its own anyway (`cube::quarters`), so the pattern is the whole
    /// table's — each quarter's worked out by `protect` (one threshold on top of the pattern
    /// before) or kept from before, under `rule` and the digest of `salt` (what else the pattern
    /// depends on) and the quarter's cells: a closed quarter's counts change little or not at
    /// all, and a read then protects only the quarters whose counts moved.
    pub fn each_quarter(
        &self,
        rule: &'static str,
        salt: &[u8],
        entries: &[Entry<'_>],
        thresholds: &[i64],
        protect: &OnTop<'_>,
    ) -> Vec<bool> {
        let mut hidden = vec![false; entries.len()];
        for quarter in cube::quarters(entries) {
            let cells: Vec<Entry<'_>> = quarter.iter().map(|&index| entries[index]).collect();
            let digest = digest(salt, &cells);
            let key = |thresholds: &[i64]| (digest.clone(), rule, thresholds.to_vec());
            let pattern = self
                .kept_in_turn(key, cells.len(), thresholds, |threshold, already| protect(&cells, threshold, already));
            for (&index, &hide) in quarter.iter().zip(pattern.iter()) {
                hidden[index] = hide;
            }
        }
        hidden
    }

    /// The pattern of `thresholds` applied in turn, each one's (holding the ones before) kept
    /// under `key` of the thresholds so far, or worked out by `protect` from the one before: the
    /// public's pattern (5 then 11) is the committees' (5) kept, then 11 on top of it, so a
    /// reader at 11 after one at 5 pays for 11 alone.
    pub fn kept_in_turn(
        &self,
        key: impl Fn(&[i64]) -> PatternKey,
        cells: usize,
        thresholds: &[i64],
        protect: impl Fn(i64, &[bool]) -> Vec<bool>,
    ) -> Arc<Vec<bool>> {
        let mut hidden = Arc::new(vec![false; cells]);
        for (at, &threshold) in thresholds.iter().enumerate() {
            let before = hidden;
            hidden = self.kept_or(key(&thresholds[..=at]), cells, || protect(threshold, &before));
        }
        hidden
    }

    /// The pattern kept under `key` for `cells` cells, or the one `protect` works out, then kept.
    pub fn kept_or(&self, key: PatternKey, cells: usize, protect: impl FnOnce() -> Vec<bool>) -> Arc<Vec<bool>> {
        let known = self.0.lock().ok().and_then(|kept| kept.patterns.get(&key).cloned());
        if let Some(hidden) = known.filter(|hidden| hidden.len() == cells) {
            return hidden;
        }
        let hidden = Arc::new(protect());
        if let Ok(mut kept) = self.0.lock() {
            if kept.cells + cells > kept.budget {
                kept.patterns.clear();
                kept.cells = 0;
            }
            if cells <= kept.budget {
                kept.cells += cells;
                if let Some(replaced) = kept.patterns.insert(key, hidden.clone()) {
                    kept.cells -= replaced.len();
                }
            }
        }
        hidden
    }

    /// How many patterns are kept.
    pub fn len(&self) -> usize {
        self.0.lock().map_or(0, |kept| kept.patterns.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a quarter's pattern depends on besides its rule and thresholds, digested: `salt`, then
/// its cells in their order.
fn digest(salt: &[u8], cells: &[Entry<'_>]) -> String {
    // Written out first and digested at once: an update of the digest per field (nine per cell,
    // a few hundred thousand cells a read) costs more than the hashing itself.
    let mut bytes = salt.to_vec();
    for cell in cells {
        for part in [cell.level, cell.territory, cell.period, cell.category] {
            bytes.extend_from_slice(part.as_bytes());
            bytes.push(0x1f);
        }
        bytes.extend_from_slice(&cell.units.to_le_bytes());
    }
    format!("{:x}", Sha256::digest(&bytes))
}

/// [`Patterns::protect`] on a blocking thread.
pub async fn protected(
    patterns: &Patterns,
    definition: &'static Definition,
    cells: Vec<Cell>,
    thresholds: Vec<i64>,
) -> Result<Vec<PublishedCell>, plateforme_api::ApiError> {
    let patterns = patterns.clone();
    actix_web::web::block(move || patterns.protect(definition, &cells, &thresholds))
        .await
        .map_err(plateforme_api::ApiError::internal)
}

/// Protects the cells of one indicator (in the order of their key), all levels, periods and
/// categories at once, with each of `thresholds` in turn (ascending: see [`Secrecy::up_to`]).
/// Cut the reader's cells from the result, never the input: what is hidden must not depend on
/// the cut.
///
/// [`Secrecy::up_to`]: crate::Secrecy::up_to
pub fn protect(definition: &Definition, cells: &[Cell], thresholds: &[i64]) -> Vec<PublishedCell> {
    published(definition, cells, &pattern(definition, &entries(cells), thresholds, &[]))
}

fn entries(cells: &[Cell]) -> Vec<Entry<'_>> {
    cells
        .iter()
        .map(|cell| Entry {
            level: &cell.level,
            territory: &cell.territory,
            period: &cell.period,
            category: &cell.category,
            units: cell.units,
        })
        .collect()
}

/// The categorical indicators share their totals (the orientations by path and by referent
/// count the same decisions): the totals first, alike in each. `already` the pattern of lower
/// thresholds, which this one holds.
fn pattern(definition: &Definition, entries: &[Entry<'_>], thresholds: &[i64], already: &[bool]) -> Vec<bool> {
    if definition.computation.is_some_and(|computation| computation.categorical) {
        cube::protect_totals_first(entries, thresholds, &cube::kept_totals, already)
    } else {
        cube::protect(entries, thresholds, &cube::kept_totals, already)
    }
}

fn published(definition: &Definition, cells: &[Cell], hidden: &[bool]) -> Vec<PublishedCell> {
    let aggregation = definition.computation.map_or(Aggregation::Count, |computation| computation.aggregation);
    cells
        .iter()
        .zip(hidden)
        .map(|(cell, &hidden)| PublishedCell {
            level: cell.level.clone(),
            territory: cell.territory.clone(),
            period: cell.period.clone(),
            category: cell.category.clone(),
            value: (!hidden).then(|| number(aggregation, cell.value)).flatten(),
            units: (!hidden).then_some(cell.units),
            hidden,
        })
        .collect()
}

/// A count as an integer, a mean or a share to one decimal.
fn number(aggregation: Aggregation, value: f64) -> Option<serde_json::Number> {
    match aggregation {
        Aggregation::Count => Some(serde_json::Number::from(value as i64)),
        Aggregation::Mean | Aggregation::Share => serde_json::Number::from_f64(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definitions::definition;

    /// Orientations by path in two départements of one région, July to November (two quarters),
    /// each département, month and path counting `base` or a few more, with every level, the
    /// quarters and the totals added up.
    fn cells(november_extra: i64) -> Vec<Cell> {
        let mut counts: std::collections::BTreeMap<(&str, String, String, &str), i64> = Default::default();
        for (month, base) in [("2026-07", 2), ("2026-08", 6), ("2026-09", 1), ("2026-10", 4), ("2026-11", 3)] {
            for (departement, more) in [("69", 3), ("38", 0)] {
                for (path, share) in [("emploi", 2), ("social", 1)] {
                    let extra = if month == "2026-11" && departement == "38" { november_extra } else { 0 };
                    let units = base * share + more + extra;
                    let quarter = cube::quarter_of(month);
                    for (level, territory) in
                        [("departement", departement), ("region", "84"), ("national", cube::NATION)]
                    {
                        for period in [month.to_owned(), quarter.clone()] {
                            for category in [path, cube::TOTAL] {
                                *counts.entry((level, territory.to_owned(), period.clone(), category)).or_default() +=
                                    units;
                            }
                        }
                    }
                }
            }
        }
        counts
            .into_iter()
            .map(|((level, territory, period, category), units)| Cell {
                indicator: "orientations_par_parcours".to_owned(),
                level: level.to_owned(),
                territory,
                period,
                category: category.to_owned(),
                units,
                value: units as f64,
            })
            .collect()
    }

    /// A vintage's (or the live figures') patterns are kept quarter by quarter: the same cells as
    /// protecting the whole table at once, the public's pattern built on the committees' kept,
    /// and new counts in November have its quarter alone protected again.
    #[test]
    fn each_quarter_is_kept_and_protected_as_in_the_whole_table() {
        let Some(definition) = definition("orientations_par_parcours") else {
            panic!("the orientations by path are defined");
        };
        let patterns = Patterns::within(1_000_000);
        let table = cells(0);
        let whole = protect(definition, &table, &[5, 11]);
        assert!(whole.iter().any(|cell| cell.hidden) && whole.iter().any(|cell| !cell.hidden));
        assert_eq!(patterns.protect(definition, &table, &[5]), protect(definition, &table, &[5]));
        assert_eq!(patterns.len(), 2, "the committees' pattern of each quarter");
        assert_eq!(patterns.protect(definition, &table, &[5, 11]), whole);
        assert_eq!(patterns.len(), 4, "the public's on top of it");
        assert_eq!(patterns.protect(definition, &table, &[5, 11]), whole);
        assert_eq!(patterns.len(), 4, "read again: kept");
        let moved = cells(7);
        assert_eq!(patterns.protect(definition, &moved, &[5, 11]), protect(definition, &moved, &[5, 11]));
        assert_eq!(patterns.len(), 6, "the fourth quarter protected anew, the third kept");
    }
}
