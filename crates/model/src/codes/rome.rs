use serde::{Deserialize, Serialize};

use super::{is_digits, string_schema};
use crate::validation::CodeError;

/// A ROME 4.0 job code (fiche métier), e.g. `M1805`. Whether the code exists in the ROME
/// referential is checked elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RomeCode(String);

code_type!(
    RomeCode,
    string_schema(
        r"^[A-N]\d{4}$",
        "ROME code (Répertoire opérationnel des métiers et des emplois, version 4.0): \
         the domain letter A–N in uppercase, then 4 digits (rule `rome.format`).",
        "M1805",
    )
    .min_length(Some(5))
    .max_length(Some(5))
);

impl RomeCode {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        let mut chars = value.chars();
        let letter = chars.next().unwrap_or_default();
        if !(('A'..='N').contains(&letter) && is_digits(chars.as_str(), 4)) {
            let hint = if ('a'..='n').contains(&letter) { " (the letter is uppercase)" } else { "" };
            return Err(CodeError::new(
                "rome.format",
                format!("ROME code {value:?} is not a letter A–N then 4 digits{hint}"),
            ));
        }
        Ok(Self(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{
        assert_json_refused, assert_json_round_trip, assert_refusal_says, assert_refused, assert_schema_agrees,
        every_string, joined,
    };

    #[test]
    fn the_schema_states_what_parse_accepts() {
        let letters = every_string("ABMNOZamn1 ", 1);
        assert_schema_agrees(RomeCode::parse, &[], joined(&letters, &["", "180", "1805", "18050", "18O5", "1 805"]));
    }

    #[test]
    fn accepts_rome_codes() {
        for value in ["A1101", "K2111", "M1805", "N4105"] {
            assert_eq!(RomeCode::parse(value).unwrap().as_str(), value);
        }
    }

    #[test]
    fn rejects_malformed_codes() {
        let malformed = ["", "M", "M180", "M18050", "O1805", "Z1805", "11805", "M18O5", " M1805"];
        assert_refused(RomeCode::parse, "rome.format", &malformed);
        assert_refusal_says(RomeCode::parse, "m1805", "uppercase");
    }

    #[test]
    fn serde_round_trip() {
        assert_json_round_trip::<RomeCode>("M1805", "M1805");
        assert_json_refused::<RomeCode>("M185", "ROME code \"M185\"");
    }
}
