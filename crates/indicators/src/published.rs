//! A vintage's cells as a reader may see them: statistical secrecy applied with the reader's
//! threshold (the public's for open data) over every cell of the indicator at once — the
//! categories of a row and their total, every level of territory, months and quarters — since
//! a reader may combine them all (open data publishes them together).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use plateforme_model::codes::{CommuneCode, DepartementCode, RegionCode};
use plateforme_store::indicators::compute::TOTAL;
use plateforme_store::indicators::vintages::Cell;
use serde::Serialize;
use utoipa::ToSchema;

use crate::compute::UNKNOWN;
use crate::definitions::{Aggregation, Definition};
use crate::query::{PeriodParam, period_of};
use crate::secrecy::{Margin, suppress};

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

/// Protects the cells of one indicator (in the order of their key) with `threshold`. Give it
/// every cell of the indicator in the vintage, then keep what the reader may read: protecting
/// a part alone would let the other parts, read elsewhere, give its hidden cells away.
pub fn protect(definition: &Definition, cells: &[Cell], threshold: i64) -> Vec<PublishedCell> {
    let aggregation = definition.computation.map_or(Aggregation::Count, |computation| computation.aggregation);
    let categorical = definition.computation.is_some_and(|computation| computation.categorical);
    // Means and shares are protected through their units (the records behind them), which add
    // up as counts do; a hidden cell hides its value with its units.
    let hidden = hidden_cells(cells, threshold);
    let categories: BTreeSet<&str> =
        cells.iter().map(|cell| cell.category.as_str()).filter(|category| *category != TOTAL).collect();
    let mut rows: BTreeMap<(&str, &str, &str), BTreeMap<&str, usize>> = BTreeMap::new();
    for (index, cell) in cells.iter().enumerate() {
        let key = (cell.level.as_str(), cell.territory.as_str(), cell.period.as_str());
        rows.entry(key).or_default().insert(cell.category.as_str(), index);
    }
    let mut published = Vec::new();
    for ((level, territory, period), row) in rows {
        let make = |category: &str, index: Option<usize>| {
            let shown = index.is_none_or(|index| !hidden[index]);
            let (units, value) = index.map_or((0, 0.0), |index| (cells[index].units, cells[index].value));
            PublishedCell {
                level: level.to_owned(),
                territory: territory.to_owned(),
                period: period.to_owned(),
                category: category.to_owned(),
                value: shown.then(|| number(aggregation, value)).flatten(),
                units: shown.then_some(units),
                hidden: !shown,
            }
        };
        if categorical {
            // Every category in every row: an empty one is published as 0.
            for category in categories.iter().chain([&TOTAL]) {
                published.push(make(category, row.get(category).copied()));
            }
        } else {
            published.extend(row.iter().map(|(category, &index)| make(category, Some(index))));
        }
    }
    published
}

/// Which of `cells` (every cell of one table: an indicator's vintage, the committees' feed) are
/// hidden at `threshold`, their margins taken together.
pub fn hidden_cells(cells: &[Cell], threshold: i64) -> Vec<bool> {
    let units: Vec<i64> = cells.iter().map(|cell| cell.units).collect();
    suppress(&units, &margins(cells), threshold)
}

/// The additive relations between the cells of one indicator: categories → their total,
/// commune → département → région → national, months → their quarter. A missing cell counts 0.
fn margins(cells: &[Cell]) -> Vec<Margin> {
    let index: HashMap<(&str, &str, &str, &str), usize> = cells
        .iter()
        .enumerate()
        .map(|(index, cell)| {
            let key = (cell.level.as_str(), cell.territory.as_str(), cell.period.as_str(), cell.category.as_str());
            (key, index)
        })
        .collect();
    // By parent and by what adds up into it: a row's total is the sum of its categories, of its
    // territories below and of its months — three margins.
    let mut children: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (child, cell) in cells.iter().enumerate() {
        let (level, territory, period, category) =
            (cell.level.as_str(), cell.territory.as_str(), cell.period.as_str(), cell.category.as_str());
        let total = (category != TOTAL).then(|| index.get(&(level, territory, period, TOTAL)).copied());
        let above = parent_territory(level, territory)
            .map(|(parent_level, parent)| index.get(&(parent_level, parent.as_str(), period, category)).copied());
        let quarter = period_of(period, PeriodParam::Quarter);
        let quarter = (quarter != period).then(|| index.get(&(level, territory, quarter.as_str(), category)).copied());
        for (margin, parent) in [total, above, quarter].into_iter().enumerate() {
            if let Some(Some(parent)) = parent {
                children.entry((parent, margin)).or_default().push(child);
            }
        }
    }
    children.into_iter().map(|((parent, _), children)| Margin { parent, children }).collect()
}

/// The territory one level up, as the computation adds it up (`compute::cells_of`): a commune's
/// département by its code, a département's région, the nation; `unknown` into `unknown`.
fn parent_territory(level: &str, territory: &str) -> Option<(&'static str, String)> {
    let known_or_unknown = |code: Option<String>| code.unwrap_or_else(|| UNKNOWN.to_owned());
    match level {
        "region" => Some(("national", "FR".to_owned())),
        "departement" => Some((
            "region",
            known_or_unknown(
                DepartementCode::parse(territory)
                    .ok()
                    .map(|code| RegionCode::of_departement(&code).as_str().to_owned()),
            ),
        )),
        "commune" => Some((
            "departement",
            known_or_unknown(CommuneCode::parse(territory).ok().map(|code| code.departement().as_str().to_owned())),
        )),
        _ => None,
    }
}

/// A count as an integer, a mean or a share to one decimal.
fn number(aggregation: Aggregation, value: f64) -> Option<serde_json::Number> {
    match aggregation {
        Aggregation::Count => Some(serde_json::Number::from(value as i64)),
        Aggregation::Mean | Aggregation::Share => serde_json::Number::from_f64(value),
    }
}
