//! LHEO's dates: `AAAAMMJJ`, with three conventions — `00000000` for an unknown start,
//! `99999999` for an unknown end, and `AAAAMM00` for a month whose day is not known.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A date as LHEO writes it, with what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"lheo": "20270300", "precision": "month", "date": "2027-03-01"}))]
pub struct LheoDate {
    /// The eight characters as LHEO writes them (what the export gives back).
    #[schema(example = "20270115")]
    pub lheo: String,
    /// `day`, `month` (`AAAAMM00`) or `unknown` (`00000000`, `99999999`).
    pub precision: Precision,
    /// The day (the month's first for `month`), absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Unknown,
}

/// Which end of a period a date is: each has its own "unknown" convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Start,
    End,
}

/// A date LHEO does not allow, with its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub rule: &'static str,
    pub message: String,
}

impl LheoDate {
    /// Reads `text` as the `bound` of a period (rules `date.format`, `date.unknown_misplaced`).
    pub fn parse(text: &str, bound: Bound) -> Result<LheoDate, DateError> {
        let text = text.trim();
        if text.len() != 8 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(DateError {
                rule: "date.format",
                message: format!("{text:?} is not an LHEO date (AAAAMMJJ, AAAAMM00, 00000000 or 99999999)"),
            });
        }
        let unknown = LheoDate { lheo: text.to_owned(), precision: Precision::Unknown, date: None };
        match (text, bound) {
            ("00000000", Bound::Start) | ("99999999", Bound::End) => return Ok(unknown),
            ("00000000", Bound::End) | ("99999999", Bound::Start) => {
                return Err(DateError {
                    rule: "date.unknown_misplaced",
                    message: format!(
                        "{text} marks an unknown {} in LHEO, not an unknown {}",
                        if text == "00000000" { "start" } else { "end" },
                        if bound == Bound::Start { "start" } else { "end" }
                    ),
                });
            }
            _ => {}
        }
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
        let (year, month, day) = (number(0..4), number(4..6), number(6..8));
        let invalid =
            || DateError { rule: "date.format", message: format!("{text} is not a day of the calendar (AAAAMMJJ)") };
        let year = i32::try_from(year).map_err(|_| invalid())?;
        if day == 0 {
            let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(invalid)?;
            return Ok(LheoDate { lheo: text.to_owned(), precision: Precision::Month, date: Some(first) });
        }
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(invalid)?;
        Ok(LheoDate { lheo: text.to_owned(), precision: Precision::Day, date: Some(date) })
    }

    /// The earliest day it may be.
    pub fn earliest(&self) -> Option<NaiveDate> {
        self.date
    }

    /// The latest day it may be (a month's last day for `AAAAMM00`).
    pub fn latest(&self) -> Option<NaiveDate> {
        let date = self.date?;
        if self.precision != Precision::Month {
            return Some(date);
        }
        let next = if date.month() == 12 {
            NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
        };
        next.and_then(|next| next.pred_opt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn every_convention_reads_as_lheo_means_it() {
        let exact = LheoDate::parse("20270115", Bound::Start).expect("a day");
        assert_eq!((exact.precision, exact.date), (Precision::Day, day(2027, 1, 15)));
        let month = LheoDate::parse("20270200", Bound::End).expect("a month");
        assert_eq!(
            (month.precision, month.earliest(), month.latest()),
            (Precision::Month, day(2027, 2, 1), day(2027, 2, 28))
        );
        let december = LheoDate::parse("20271200", Bound::End).expect("a month");
        assert_eq!(december.latest(), day(2027, 12, 31));
        assert_eq!(LheoDate::parse("00000000", Bound::Start).map(|date| date.precision), Ok(Precision::Unknown));
        assert_eq!(LheoDate::parse("99999999", Bound::End).map(|date| date.precision), Ok(Precision::Unknown));
    }

    #[test]
    fn a_misplaced_convention_or_a_bad_day_is_refused_with_its_rule() {
        let rule = |text: &str, bound| LheoDate::parse(text, bound).map_err(|error| error.rule);
        assert_eq!(rule("99999999", Bound::Start), Err("date.unknown_misplaced"));
        assert_eq!(rule("00000000", Bound::End), Err("date.unknown_misplaced"));
        assert_eq!(rule("20270230", Bound::Start), Err("date.format"));
        assert_eq!(rule("20271300", Bound::Start), Err("date.format"));
        assert_eq!(rule("2027-01-15", Bound::Start), Err("date.format"));
        assert_eq!(rule("", Bound::End), Err("date.format"));
    }
}
