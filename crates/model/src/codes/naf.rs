use serde::{Deserialize, Serialize};

use super::{is_digits, string_schema};
use crate::validation::CodeError;

/// A NAF rév. 2 activity code (code APE) at the sub-class level, e.g. `62.01Z`. Whether the
/// code exists in the NAF referential is checked elsewhere. The INSEE form has a dot; the form
/// without it (`6201Z`), common in company registers, is accepted and normalized.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NafCode(String);

code_type!(
    NafCode,
    string_schema(
        r"^\d{2}\.?\d{2}[A-Z]$",
        "NAF rév. 2 activity code (nomenclature d'activités française, code APE), sub-class level: \
         2 digits, a dot, 2 digits and an uppercase letter. `6201Z` is accepted and normalized to `62.01Z`, \
         the form responses use (rule `naf.format`).",
        "62.01Z",
    )
    .min_length(Some(5))
    .max_length(Some(6))
);

impl NafCode {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        let compact: String = value.chars().filter(|c| *c != '.').collect();
        // Split before the last character, not the last byte: the value may hold any text.
        let split = compact.char_indices().last().map_or(0, |(index, _)| index);
        let (digits, letter) = compact.split_at(split);
        let dots = value.chars().filter(|c| *c == '.').count();
        let dot_in_place = dots == 0 || (dots == 1 && value.find('.') == Some(2));
        if !(is_digits(digits, 4)
            && letter.len() == 1
            && letter.chars().all(|c| c.is_ascii_uppercase())
            && dot_in_place)
        {
            let hint = if letter.chars().all(|c| c.is_ascii_lowercase()) { " (the letter is uppercase)" } else { "" };
            return Err(CodeError::new(
                "naf.format",
                format!("NAF code {value:?} is not 2 digits, a dot, 2 digits and a letter, like 62.01Z{hint}"),
            ));
        }
        Ok(Self(format!("{}.{}{letter}", &digits[..2], &digits[2..])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{assert_refusal_says, assert_refused, assert_schema_agrees, joined};

    #[test]
    fn the_schema_states_what_parse_accepts() {
        let starts = ["62", "6", "620", "A2", "6.", ".6"].map(String::from);
        let ends = ["01Z", ".01Z", "01z", ".0Z", "..01Z", "01ZZ", ".01", "0.1Z", ".011"];
        assert_schema_agrees(NafCode::parse, &[], joined(&starts, &ends));
    }

    #[test]
    fn accepts_and_normalizes_naf_codes() {
        assert_eq!(NafCode::parse("62.01Z").unwrap().as_str(), "62.01Z");
        assert_eq!(NafCode::parse("6201Z").unwrap().as_str(), "62.01Z");
        assert_eq!(NafCode::parse("01.11Z").unwrap().as_str(), "01.11Z");
    }

    #[test]
    fn rejects_malformed_codes() {
        let malformed = ["", "62.01", "62.0Z", "620.1Z", "62.01ZZ", "6.201Z", "62..01Z", "AB.CDZ", "62.01é"];
        assert_refused(NafCode::parse, "naf.format", &malformed);
        assert_refusal_says(NafCode::parse, "62.01z", "uppercase");
    }
}
