//! A vintage's cells as a reader may see them: statistical secrecy applied with the reader's
//! threshold (the public's for open data), per row of a territory and a period.

use std::collections::{BTreeMap, BTreeSet};

use plateforme_store::indicators::compute::TOTAL;
use plateforme_store::indicators::vintages::Cell;
use serde::Serialize;
use utoipa::ToSchema;

use crate::definitions::{Aggregation, Definition};
use crate::secrecy::protect_row;

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

/// Protects the cells of one indicator (in the order of their key) with `threshold`.
pub fn protect(definition: &Definition, cells: &[Cell], threshold: i64) -> Vec<PublishedCell> {
    let aggregation = definition.computation.map_or(Aggregation::Count, |computation| computation.aggregation);
    let categorical = definition.computation.is_some_and(|computation| computation.categorical);
    let categories: BTreeSet<&str> =
        cells.iter().map(|cell| cell.category.as_str()).filter(|category| *category != TOTAL).collect();
    let mut rows: BTreeMap<(&str, &str, &str), BTreeMap<&str, &Cell>> = BTreeMap::new();
    for cell in cells {
        let key = (cell.level.as_str(), cell.territory.as_str(), cell.period.as_str());
        rows.entry(key).or_default().insert(cell.category.as_str(), cell);
    }
    let mut published = Vec::new();
    for ((level, territory, period), row) in rows {
        let make = |category: &str, cell: Option<&Cell>, shown: bool| {
            let units = cell.map_or(0, |cell| cell.units);
            let value = cell.map_or(0.0, |cell| cell.value);
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
            let units: Vec<i64> =
                categories.iter().map(|category| row.get(category).map_or(0, |cell| cell.units)).collect();
            let protected = protect_row(&units, threshold);
            for (category, shown) in categories.iter().zip(&protected.cells) {
                published.push(make(category, row.get(category).copied(), shown.is_some()));
            }
            published.push(make(TOTAL, row.get(TOTAL).copied(), protected.total.is_some()));
        } else {
            for (category, cell) in row {
                let shown = cell.units == 0 || cell.units >= threshold;
                published.push(make(category, Some(cell), shown));
            }
        }
    }
    published
}

/// A count as an integer, a mean or a share to one decimal.
fn number(aggregation: Aggregation, value: f64) -> Option<serde_json::Number> {
    match aggregation {
        Aggregation::Count => Some(serde_json::Number::from(value as i64)),
        Aggregation::Mean | Aggregation::Share => serde_json::Number::from_f64(value),
    }
}
