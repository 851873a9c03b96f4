//! The full recomputation: every computed indicator as of a date, from the groups the database
//! counts (`plateforme_store::indicators::compute`, one `GROUP BY` per measure), added up into
//! every level (commune → département → région → national) and period (month, quarter), hashed,
//! and published as a vintage.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::NaiveDate;
use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_store::indicators::compute::{self, Aggregate, Measure, TOTAL};
use plateforme_store::indicators::vintages::{self, Cell, Published, Vintage};
use plateforme_store::{DbConnection, StoreError};
use sha2::{Digest, Sha256};

use crate::definitions::{Aggregation, DEFINITIONS, Definition};
use crate::query::{PeriodParam, period_of};

/// The territory of the records whose residence (or workplace) is not known, below the national
/// level: counted there so that every level adds up to the national figure.
pub const UNKNOWN: &str = "unknown";

/// Computes every indicator as of `as_of` and publishes the vintage (a new revision only when
/// the figures differ from the last one of that date).
pub fn compute_vintage(conn: &mut DbConnection, as_of: NaiveDate) -> Result<(Vintage, Published), StoreError> {
    let cells = compute_cells(conn, as_of)?;
    let hash = content_hash(&cells);
    vintages::publish(conn, as_of, &hash, &cells)
}

/// The cells of every computed indicator, in the order of the catalogue then of the key.
pub fn compute_cells(conn: &mut DbConnection, as_of: NaiveDate) -> Result<Vec<Cell>, StoreError> {
    cells_from(|measure| compute::aggregate(conn, measure, as_of))
}

/// The cells of every computed indicator from the groups of each measure (counted as of a date
/// by a full computation, or kept live), in the order of the catalogue then of the key.
pub fn cells_from(
    mut groups_of: impl FnMut(Measure) -> Result<Vec<Aggregate>, StoreError>,
) -> Result<Vec<Cell>, StoreError> {
    let mut counted: HashMap<Measure, Vec<Aggregate>> = HashMap::new();
    let mut cells = Vec::new();
    for definition in DEFINITIONS {
        let Some(computation) = definition.computation else { continue };
        // Two indicators of one measure (a count and a mean) share its one query.
        let groups = match counted.entry(computation.measure) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(groups_of(computation.measure)?),
        };
        cells.extend(cells_of(definition, groups));
    }
    Ok(cells)
}

/// A cell's key: level, territory, period, category.
type Key = (&'static str, String, String, String);

/// Adds one indicator's groups up into its levels and periods.
pub fn cells_of(definition: &Definition, groups: &[Aggregate]) -> Vec<Cell> {
    let Some(computation) = definition.computation else { return Vec::new() };
    let mut sums: BTreeMap<Key, (i64, f64)> = BTreeMap::new();
    for group in groups {
        let departement = group.departement.as_deref().and_then(|code| DepartementCode::parse(code).ok());
        let territories = [
            ("national", "FR".to_owned()),
            (
                "region",
                departement
                    .as_ref()
                    .map_or(UNKNOWN.to_owned(), |code| RegionCode::of_departement(code).as_str().to_owned()),
            ),
            ("departement", departement.as_ref().map_or(UNKNOWN.to_owned(), |code| code.as_str().to_owned())),
            ("commune", group.commune.clone().unwrap_or_else(|| UNKNOWN.to_owned())),
        ];
        let categories: &[&str] = if computation.categorical { &[&group.category, TOTAL] } else { &[&group.category] };
        for (level, territory) in territories.iter().filter(|(level, _)| definition.levels().contains(level)) {
            for period in [group.month.clone(), period_of(&group.month, PeriodParam::Quarter)] {
                for category in categories {
                    let key = (*level, territory.clone(), period.clone(), (*category).to_owned());
                    let entry = sums.entry(key).or_insert((0, 0.0));
                    entry.0 += group.units;
                    entry.1 += group.sum;
                }
            }
        }
    }
    sums.into_iter()
        .map(|((level, territory, period, category), (units, sum))| Cell {
            indicator: definition.code.to_owned(),
            level: level.to_owned(),
            territory,
            period,
            category,
            units,
            value: value_of(computation.aggregation, units, sum),
        })
        .collect()
}

/// The published figure of a group of `units` records whose quantities add up to `sum`.
fn value_of(aggregation: Aggregation, units: i64, sum: f64) -> f64 {
    let tenth = |value: f64| (value * 10.0).round() / 10.0;
    match aggregation {
        Aggregation::Count => units as f64,
        Aggregation::Mean if units > 0 => tenth(sum / units as f64),
        Aggregation::Share if units > 0 => tenth(100.0 * sum / units as f64),
        Aggregation::Mean | Aggregation::Share => 0.0,
    }
}

/// SHA-256 (hex) over the definitions' versions and every cell, one line each: the same records
/// as of the same date give the same hash, whenever and on whichever backend they are computed.
pub fn content_hash(cells: &[Cell]) -> String {
    let mut text = String::new();
    for definition in DEFINITIONS {
        let _ = writeln!(text, "{}@{}", definition.code, definition.version);
    }
    for cell in cells {
        let _ = writeln!(
            text,
            "{}|{}|{}|{}|{}|{}|{:.1}",
            cell.indicator, cell.level, cell.territory, cell.period, cell.category, cell.units, cell.value
        );
    }
    Sha256::digest(text.as_bytes()).iter().fold(String::with_capacity(64), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}
