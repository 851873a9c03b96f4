//! The full recomputation: every computed indicator as of a date, from the groups the database
//! counts (`plateforme_store::indicators::compute`, one `GROUP BY` per measure), added up into
//! every level (commune → département → région → national) and period (month, quarter), hashed,
//! and published as a vintage.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

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
/// Logs the time of each phase (the queries, adding up, hashing, publishing) at `info`.
pub fn compute_vintage(conn: &mut DbConnection, as_of: NaiveDate) -> Result<(Vintage, Published), StoreError> {
    let started = Instant::now();
    let mut querying = Duration::ZERO;
    let cells = cells_from(|measure| {
        let query_started = Instant::now();
        let groups = compute::aggregate(conn, measure, as_of);
        querying += query_started.elapsed();
        tracing::debug!(measure = measure.code(), ms = query_started.elapsed().as_millis() as u64, "measure counted");
        groups
    })?;
    let adding_up = started.elapsed().saturating_sub(querying);
    let hash_started = Instant::now();
    let hash = content_hash(&cells);
    let hashing = hash_started.elapsed();
    let publish_started = Instant::now();
    let published = vintages::publish(conn, as_of, &hash, &cells)?;
    tracing::info!(
        cells = cells.len(),
        queries_ms = querying.as_millis() as u64,
        adding_up_ms = adding_up.as_millis() as u64,
        hashing_ms = hashing.as_millis() as u64,
        publishing_ms = publish_started.elapsed().as_millis() as u64,
        "indicators computed"
    );
    Ok(published)
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

/// A cell's key: level, territory, period, category (borrowed from the groups, or from the
/// names worked out once per département and per month).
type Key<'a> = (&'static str, &'a str, &'a str, &'a str);

/// The territories above the commune of each département code the groups name, worked out once.
struct Territories<'a> {
    /// Per département code of a group: its département and région codes (`unknown` when it
    /// is not a département's code).
    of_departement: HashMap<&'a str, (String, String)>,
    /// Per month of a group: its quarter.
    quarter_of: HashMap<&'a str, String>,
}

impl<'a> Territories<'a> {
    fn of(groups: &'a [Aggregate]) -> Territories<'a> {
        let mut of_departement = HashMap::new();
        let mut quarter_of = HashMap::new();
        for group in groups {
            if let Some(raw) = group.departement.as_deref() {
                of_departement.entry(raw).or_insert_with(|| match DepartementCode::parse(raw) {
                    Ok(code) => (code.as_str().to_owned(), RegionCode::of_departement(&code).as_str().to_owned()),
                    Err(_) => (UNKNOWN.to_owned(), UNKNOWN.to_owned()),
                });
            }
            quarter_of.entry(group.month.as_str()).or_insert_with(|| period_of(&group.month, PeriodParam::Quarter));
        }
        Territories { of_departement, quarter_of }
    }
}

/// Adds one indicator's groups up into its levels and periods, in the order of the key. Each
/// cell adds its groups in their order, so that its sums are the same whichever way the cells
/// are kept meanwhile.
pub fn cells_of(definition: &Definition, groups: &[Aggregate]) -> Vec<Cell> {
    let Some(computation) = definition.computation else { return Vec::new() };
    let names = Territories::of(groups);
    let levels = definition.levels();
    let mut sums: HashMap<Key<'_>, (i64, f64)> = HashMap::new();
    for group in groups {
        let (departement, region) = group
            .departement
            .as_deref()
            .and_then(|raw| names.of_departement.get(raw))
            .map_or((UNKNOWN, UNKNOWN), |(departement, region)| (departement.as_str(), region.as_str()));
        let territories = [
            ("national", "FR"),
            ("region", region),
            ("departement", departement),
            ("commune", group.commune.as_deref().unwrap_or(UNKNOWN)),
        ];
        let quarter = names.quarter_of.get(group.month.as_str()).map_or(group.month.as_str(), String::as_str);
        let categories: &[&str] = if computation.categorical { &[&group.category, TOTAL] } else { &[&group.category] };
        for (level, territory) in territories.into_iter().filter(|(level, _)| levels.contains(level)) {
            for period in [group.month.as_str(), quarter] {
                for category in categories {
                    let entry = sums.entry((level, territory, period, *category)).or_insert((0, 0.0));
                    entry.0 += group.units;
                    entry.1 += group.sum;
                }
            }
        }
    }
    let mut sums: Vec<(Key<'_>, (i64, f64))> = sums.into_iter().collect();
    sums.sort_unstable_by_key(|(key, _)| *key);
    sums.into_iter()
        .map(|((level, territory, period, category), (units, sum))| Cell {
            indicator: definition.code.to_owned(),
            level: level.to_owned(),
            territory: territory.to_owned(),
            period: period.to_owned(),
            category: category.to_owned(),
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
/// The lines are hashed as they are written, one buffer reused.
pub fn content_hash(cells: &[Cell]) -> String {
    let mut hasher = Sha256::new();
    let mut line = String::new();
    for definition in DEFINITIONS {
        line.clear();
        let _ = writeln!(line, "{}@{}", definition.code, definition.version);
        hasher.update(line.as_bytes());
    }
    for cell in cells {
        line.clear();
        let _ = writeln!(
            line,
            "{}|{}|{}|{}|{}|{}|{:.1}",
            cell.indicator, cell.level, cell.territory, cell.period, cell.category, cell.units, cell.value
        );
        hasher.update(line.as_bytes());
    }
    hasher.finalize().iter().fold(String::with_capacity(64), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}
