use serde::{Deserialize, Serialize};

use super::{is_digits, string_schema};
use crate::validation::CodeError;

/// An INSEE département code: `01`–`95` (no `20` since Corsica was split), `2A`, `2B`, and the
/// overseas départements `971`–`974` and `976`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DepartementCode(String);

code_type!(
    DepartementCode,
    string_schema(
        r"^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-46])$",
        "Département code (code officiel géographique de l'INSEE): 01–95 except 20, 2A and 2B \
         for Corsica, 971–974 and 976 overseas. Uppercase only (rules `departement.format`, \
         `departement.unknown`).",
        "69",
    )
    .min_length(Some(2))
    .max_length(Some(3))
);

impl DepartementCode {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        match value {
            "2A" | "2B" => return Ok(Self(value.to_owned())),
            "2a" | "2b" => {
                return Err(CodeError::new(
                    "departement.format",
                    format!(
                        "département code {value:?} must be written in uppercase: {:?}",
                        value.to_ascii_uppercase()
                    ),
                ));
            }
            _ => {}
        }
        let known = match value.len() {
            2 if is_digits(value, 2) => !matches!(value, "00" | "20" | "96" | "97" | "98" | "99"),
            3 if is_digits(value, 3) => matches!(value, "971" | "972" | "973" | "974" | "976"),
            _ => {
                return Err(CodeError::new(
                    "departement.format",
                    format!(
                        "département code {value:?} is not 2 digits, 2A, 2B or 3 digits for \
                         overseas (uppercase only)"
                    ),
                ));
            }
        };
        if !known {
            return Err(CodeError::new(
                "departement.unknown",
                format!("département {value:?} does not exist (01–95 except 20, 2A, 2B, 971–974, 976)"),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// Every département, in INSEE order (2A and 2B after 19).
    pub fn all() -> impl Iterator<Item = DepartementCode> {
        let two_digits = |n: u32| format!("{n:02}");
        let mut codes: Vec<String> = (1..=19).map(two_digits).collect();
        codes.extend(["2A", "2B"].map(str::to_owned));
        codes.extend((21..=95).map(two_digits));
        codes.extend(["971", "972", "973", "974", "976"].map(str::to_owned));
        codes.into_iter().map(DepartementCode)
    }

    /// For a prefix that a caller has already checked to be a département code.
    pub(super) fn from_checked(value: &str) -> Self {
        debug_assert!(Self::parse(value).is_ok(), "{value} is not a département");
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{
        assert_json_refused, assert_json_round_trip, assert_refusal_says, assert_refused, assert_schema_agrees,
        every_string,
    };

    #[test]
    fn the_schema_states_what_parse_accepts() {
        for length in 0..=4 {
            assert_schema_agrees(DepartementCode::parse, &[], every_string("0123456789ABab", length));
        }
    }

    #[test]
    fn accepts_every_kind_of_departement() {
        for value in ["01", "19", "21", "69", "95", "2A", "2B", "971", "974", "976"] {
            assert_eq!(DepartementCode::parse(value).unwrap().as_str(), value);
        }
    }

    #[test]
    fn there_are_101_departements() {
        let all: Vec<_> = DepartementCode::all().collect();
        assert_eq!(all.len(), 101);
        assert_eq!(all[18].as_str(), "19");
        assert_eq!(all[19].as_str(), "2A");
        assert_eq!(all[21].as_str(), "21");
        for code in &all {
            assert_eq!(&DepartementCode::parse(code.as_str()).unwrap(), code);
        }
    }

    #[test]
    fn rejects_malformed_codes() {
        let malformed = ["", "1", "6", "2C", "A1", "9710", " 69", "69 "];
        assert_refused(DepartementCode::parse, "departement.format", &malformed);
    }

    #[test]
    fn lowercase_corsica_is_refused_with_a_hint() {
        let error = DepartementCode::parse("2a").unwrap_err();
        assert_eq!(error.rule, "departement.format");
        assert!(error.message.contains("uppercase"), "{}", error.message);
        assert!(error.message.contains("\"2A\""), "{}", error.message);
    }

    #[test]
    fn rejects_codes_that_are_no_departement() {
        let unknown = ["00", "20", "96", "99", "069", "970", "975", "977", "978", "988"];
        assert_refused(DepartementCode::parse, "departement.unknown", &unknown);
        assert_refusal_says(DepartementCode::parse, "975", "\"975\"");
    }

    #[test]
    fn serde_round_trip() {
        assert_json_round_trip::<DepartementCode>("2B", "2B");
        assert_json_refused::<DepartementCode>("20", "does not exist");
    }
}
