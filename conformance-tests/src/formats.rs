//! The `format`s the contract uses, checked loosely: the shape, not every calendar rule (a
//! 31 February passes), which is enough to catch a field of the wrong kind.

use serde_json::Value;

/// Whether `text` has the shape of `format`; unknown formats pass.
pub fn string_conforms(format: &str, text: &str) -> bool {
    match format {
        "uuid" => is_uuid(text),
        "date" => is_date(text),
        "date-time" => is_date_time(text),
        "email" => text.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.')),
        _ => true,
    }
}

/// Whether a number fits `format` (`int32`, `int64`); other formats pass.
pub fn number_conforms(format: &str, number: &Value) -> bool {
    match format {
        "int32" => number.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        "int64" => number.as_i64().is_some(),
        _ => true,
    }
}

/// `01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d`: hex digits grouped 8-4-4-4-12.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, length)| group.len() == length && group.bytes().all(|byte| byte.is_ascii_hexdigit()))
}

/// `2026-11-24` (RFC 3339 full-date).
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    (1..=12).contains(&number(5..7)) && (1..=31).contains(&number(8..10))
}

/// `2026-11-24T09:30:00.123456Z` or with an offset (RFC 3339 date-time).
fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else { return false };
    if !is_date(date) || time.len() < 9 || !time.is_char_boundary(8) {
        return false;
    }
    let (clock, rest) = time.split_at(8);
    let clock = clock.as_bytes();
    let two_digits = |at: usize| clock[at].is_ascii_digit() && clock[at + 1].is_ascii_digit();
    if !(two_digits(0) && clock[2] == b':' && two_digits(3) && clock[5] == b':' && two_digits(6)) {
        return false;
    }
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return false;
            }
            &fraction[digits..]
        }
        None => rest,
    };
    match rest {
        "Z" | "z" => true,
        offset => {
            let bytes = offset.as_bytes();
            bytes.len() == 6
                && matches!(bytes[0], b'+' | b'-')
                && bytes[1..3].iter().all(u8::is_ascii_digit)
                && bytes[3] == b':'
                && bytes[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognized() {
        assert!(string_conforms("uuid", "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d"));
        assert!(!string_conforms("uuid", "01936b2e8f3c7a4e9b1d2f6c8e4a5b7d"));
        assert!(string_conforms("date", "2026-11-24"));
        assert!(!string_conforms("date", "2026-13-24"));
        assert!(!string_conforms("date", "24/11/2026"));
        assert!(string_conforms("date-time", "2026-11-24T09:30:00Z"));
        assert!(string_conforms("date-time", "2026-11-24T09:30:00.123456Z"));
        assert!(string_conforms("date-time", "2026-11-24T09:30:00+01:00"));
        assert!(!string_conforms("date-time", "2026-11-24 09:30:00"));
        assert!(!string_conforms("date-time", "2026-11-24T09:30:00"));
        assert!(string_conforms("email", "lea@example.org"));
        assert!(!string_conforms("email", "lea"));
        assert!(number_conforms("int32", &serde_json::json!(5)));
        assert!(!number_conforms("int32", &serde_json::json!(5_000_000_000_i64)));
        assert!(!number_conforms("int64", &serde_json::json!(1.5)));
    }
}
