//! What the dashboard draws, read from an indicator's published cells (open data's, at the
//! public threshold): a territory's monthly series and the départements' figures of one month.
//! A hidden cell stays a secret, a missing one stays missing: neither ever becomes a 0.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use plateforme_indicators::published::PublishedCell;
use plateforme_store::indicators::compute::TOTAL;

use super::territory::Territory;

/// One figure as the public may read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// The value and the persons (or records) behind it.
    Published { value: serde_json::Number, units: i64 },
    /// Hidden by statistical secrecy (secret statistique).
    Secret,
    /// No record: the vintage holds no cell here.
    Missing,
}

impl Figure {
    fn of(cell: Option<&PublishedCell>) -> Figure {
        match cell {
            None => Figure::Missing,
            Some(cell) if cell.hidden => Figure::Secret,
            Some(cell) => match (&cell.value, cell.units) {
                (Some(value), Some(units)) => Figure::Published { value: value.clone(), units },
                _ => Figure::Secret,
            },
        }
    }

    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Published { value, .. } => value.as_f64(),
            Figure::Secret | Figure::Missing => None,
        }
    }
}

/// One month of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// `YYYY-MM`.
    pub month: String,
    pub figure: Figure,
}

/// The totals of an indicator's cells, by level, territory and period.
pub struct Figures<'a> {
    totals: HashMap<(&'a str, &'a str, &'a str), &'a PublishedCell>,
    /// Every month the vintage counts anything in, in order.
    months: Vec<&'a str>,
}

impl<'a> Figures<'a> {
    pub fn new(cells: &'a [PublishedCell]) -> Figures<'a> {
        let totals: HashMap<_, _> = cells
            .iter()
            .filter(|cell| cell.category == TOTAL)
            .map(|cell| ((cell.level.as_str(), cell.territory.as_str(), cell.period.as_str()), cell))
            .collect();
        let months: BTreeSet<&str> = cells
            .iter()
            .filter(|cell| cell.level == "national" && !cell.period.contains('Q'))
            .map(|cell| cell.period.as_str())
            .collect();
        Figures { totals, months: months.into_iter().collect() }
    }

    /// The territory's figure for every month the vintage counts.
    pub fn series(&self, territory: &Territory) -> Vec<Point> {
        self.months
            .iter()
            .map(|month| Point {
                month: (*month).to_owned(),
                figure: self.figure(territory.level(), territory.code(), month),
            })
            .collect()
    }

    /// The month the map shows: the last one over by `as_of` (the month of the date d'arrêté
    /// has only begun), else the last one counted.
    pub fn map_month(&self, as_of: NaiveDate) -> Option<&'a str> {
        let current = as_of.format("%Y-%m").to_string();
        let over = self.months.iter().rev().find(|month| **month < current.as_str());
        over.or(self.months.last()).copied()
    }

    pub fn figure(&self, level: &str, territory: &str, period: &str) -> Figure {
        Figure::of(self.totals.get(&(level, territory, period)).copied())
    }
}

/// A figure in French: `1 234`, `35,2`; the unit's sign after a share (`16,7 %`).
pub fn french_number(value: &serde_json::Number, percent: bool) -> String {
    let text = value.to_string();
    let (whole, decimals) = text.split_once('.').map_or((text.as_str(), None), |(whole, tenths)| (whole, Some(tenths)));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |digits| ("-", digits));
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    let decimals = decimals.map(|tenths| format!(",{tenths}")).unwrap_or_default();
    let percent = if percent { "\u{202f}%" } else { "" };
    format!("{sign}{grouped}{decimals}{percent}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(level: &str, territory: &str, period: &str, units: Option<i64>) -> PublishedCell {
        PublishedCell {
            level: level.into(),
            territory: territory.into(),
            period: period.into(),
            category: TOTAL.into(),
            value: units.map(serde_json::Number::from),
            units,
            hidden: units.is_none(),
        }
    }

    #[test]
    fn a_series_keeps_secrets_and_gaps_apart_from_zeros() {
        let cells = vec![
            cell("national", "FR", "2026-10", Some(30)),
            cell("national", "FR", "2026-11", Some(40)),
            cell("national", "FR", "2026-12", Some(0)),
            cell("national", "FR", "2026-Q4", Some(70)),
            cell("departement", "69", "2026-10", Some(25)),
            cell("departement", "69", "2026-11", None),
        ];
        let figures = Figures::new(&cells);
        let Ok(rhone) = Territory::parse("departement-69") else { panic!("the Rhône") };
        let series = figures.series(&rhone);
        let shown: Vec<(&str, &Figure)> = series.iter().map(|point| (point.month.as_str(), &point.figure)).collect();
        assert_eq!(
            shown,
            vec![
                ("2026-10", &Figure::Published { value: 25.into(), units: 25 }),
                ("2026-11", &Figure::Secret),
                ("2026-12", &Figure::Missing),
            ]
        );
        let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date");
        assert_eq!(figures.map_month(date("2026-12-06")), Some("2026-11"), "December has only begun");
        assert_eq!(figures.map_month(date("2027-01-02")), Some("2026-12"));
        assert_eq!(figures.map_month(date("2026-10-15")), Some("2026-12"), "none over: the last one");
        assert_eq!(figures.series(&Territory::National)[2].figure, Figure::Published { value: 0.into(), units: 0 });
    }

    #[test]
    fn numbers_are_written_the_french_way() {
        assert_eq!(french_number(&1234567.into(), false), "1\u{202f}234\u{202f}567");
        assert_eq!(french_number(&42.into(), false), "42");
        let share = serde_json::Number::from_f64(16.7).expect("finite");
        assert_eq!(french_number(&share, true), "16,7\u{202f}%");
    }
}
