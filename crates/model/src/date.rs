//! Strict dates and times, the one parser every input uses. chrono's own parsing (and so its
//! serde) is lenient: it reads `1990-1-1` and `+002026-01-01` as dates. The API accepts a date
//! only as `YYYY-MM-DD` (four-digit year, two-digit month and day, no sign) and a time only as
//! RFC 3339 with a four-digit year (`2026-11-20T09:00:00Z`, `…+01:00`). A refusal's message
//! starts with its rule, `date.format` or `timestamp.format`, which the API reports as such.
//!
//! Input fields use them through serde: `#[serde(deserialize_with = "date::strict")]`, or
//! `date::strict_option` (with `#[serde(default)]`) when optional; times likewise with
//! `date::strict_time` and `date::strict_time_option`. Serialization is unchanged.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, de};

/// The rule of a date that is not `YYYY-MM-DD`.
pub const DATE_FORMAT: &str = "date.format";
/// The rule of a time that is not RFC 3339.
pub const TIMESTAMP_FORMAT: &str = "timestamp.format";

/// Reads a `YYYY-MM-DD` date, refusing every other spelling of it.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let refusal = || format!("{DATE_FORMAT}: {text:?} is not a date written YYYY-MM-DD (e.g. 2006-03-14)");
    if !has_date_shape(text.as_bytes()) || text.len() != 10 {
        return Err(refusal());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| refusal())
}

/// Reads an RFC 3339 time (`2026-11-20T09:00:00Z`), refusing signed or short years.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    let refusal = || format!("{TIMESTAMP_FORMAT}: {text:?} is not an RFC 3339 time (e.g. 2026-11-20T09:00:00Z)");
    let separator = text.as_bytes().get(10).copied();
    if !has_date_shape(text.as_bytes()) || !matches!(separator, Some(b'T' | b't')) {
        return Err(refusal());
    }
    DateTime::parse_from_rfc3339(text).map(|time| time.with_timezone(&Utc)).map_err(|_| refusal())
}

/// `DDDD-DD-DD` at the start, where `D` is an ASCII digit.
fn has_date_shape(bytes: &[u8]) -> bool {
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// Serde: a strict date.
pub fn strict<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_date(&text).map_err(de::Error::custom)
}

/// Serde: an optional strict date (`null` or absent is `None`; pair it with `#[serde(default)]`).
pub fn strict_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    text.as_deref().map(parse_date).transpose().map_err(de::Error::custom)
}

/// Serde: a strict RFC 3339 time.
pub fn strict_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_timestamp(&text).map_err(de::Error::custom)
}

/// Serde: an optional strict RFC 3339 time (pair it with `#[serde(default)]`).
pub fn strict_time_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    text.as_deref().map(parse_timestamp).transpose().map_err(de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_read_only_as_yyyy_mm_dd() {
        assert_eq!(parse_date("1990-01-01"), Ok(NaiveDate::from_ymd_opt(1990, 1, 1).expect("date")));
        for lenient in [
            "1990-1-1",
            "1990-01-1",
            "+002026-01-01",
            "-1990-01-01",
            "90-01-01",
            "1990-01-01 ",
            " 1990-01-01",
            "1990/01/01",
            "1990-02-30",
            "1990-13-01",
            "",
            "1990-01-01T00:00:00Z",
            "１９９０-01-01",
        ] {
            let refusal = parse_date(lenient).expect_err(lenient);
            assert!(refusal.starts_with("date.format: "), "{lenient}: {refusal}");
        }
    }

    #[test]
    fn chrono_alone_is_lenient() {
        // Why this module exists: if chrono becomes strict, the serde helpers can go.
        assert!("1990-1-1".parse::<NaiveDate>().is_ok());
        assert!("+002026-01-01".parse::<NaiveDate>().is_ok());
    }

    #[test]
    fn a_time_is_read_only_as_rfc_3339() {
        let expected =
            NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(8, 0, 0)).expect("time").and_utc();
        assert_eq!(parse_timestamp("2026-11-20T08:00:00Z"), Ok(expected));
        assert_eq!(parse_timestamp("2026-11-20T09:00:00+01:00"), Ok(expected));
        for lenient in [
            "+002026-11-20T08:00:00Z",
            "2026-11-20",
            "2026-11-20 08:00:00Z",
            "2026-1-20T08:00:00Z",
            "2026-11-20T08:00:00",
            "2026-11-20T08:00Z",
            "10000-01-01T00:00:00Z",
            "",
        ] {
            let refusal = parse_timestamp(lenient).expect_err(lenient);
            assert!(refusal.starts_with("timestamp.format: "), "{lenient}: {refusal}");
        }
    }

    #[test]
    fn serde_uses_the_strict_parsers() {
        #[derive(Debug, Deserialize)]
        struct Input {
            #[serde(deserialize_with = "strict")]
            on: NaiveDate,
            #[serde(default, deserialize_with = "strict_time_option")]
            at: Option<DateTime<Utc>>,
        }
        let read: Input = serde_json::from_str(r#"{"on": "2006-03-14"}"#).expect("strict date");
        assert_eq!((read.on.to_string(), read.at), ("2006-03-14".to_owned(), None));
        let refused = serde_json::from_str::<Input>(r#"{"on": "2006-3-14"}"#).expect_err("lenient date");
        assert!(refused.to_string().starts_with("date.format: "), "{refused}");
        let refused = serde_json::from_str::<Input>(r#"{"on": "2006-03-14", "at": "+002026-01-01T00:00:00Z"}"#);
        assert!(refused.expect_err("signed year").to_string().starts_with("timestamp.format: "));
    }
}
