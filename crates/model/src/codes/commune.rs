use serde::{Deserialize, Serialize};

use super::{DepartementCode, is_digits, string_schema};
use crate::validation::CodeError;

/// An INSEE commune code (not a postal code): the département followed by the commune's number
/// in it, 5 characters in all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommuneCode(String);

code_type!(
    CommuneCode,
    string_schema(
        r"^(?:(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5])\d{3}|97[1-46]\d{2})$",
        "Commune code (code officiel géographique de l'INSEE, not the postal code): 5 characters, \
         the département (01–95 except 20, 2A, 2B) then 3 digits, or an overseas département \
         (971–974, 976) then 2 digits (rules `commune.format`, `commune.departement`).",
        "69123",
    )
    .min_length(Some(5))
    .max_length(Some(5))
);

impl CommuneCode {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        let well_formed = value.len() == 5
            && value.is_char_boundary(2)
            && (is_digits(&value[..2], 2) || matches!(&value[..2], "2A" | "2B"))
            && is_digits(&value[2..], 3);
        if !well_formed {
            return Err(CodeError::new(
                "commune.format",
                format!("commune code {value:?} is not 5 characters: 2 digits (or 2A, 2B) then 3 digits"),
            ));
        }
        let departement = departement_part(value);
        if DepartementCode::parse(departement).is_err() {
            return Err(CodeError::new(
                "commune.departement",
                format!(
                    "commune code {value:?} does not start with a département \
                     (01–95 except 20, 2A, 2B, 971–974, 976)"
                ),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The département the commune belongs to.
    pub fn departement(&self) -> DepartementCode {
        DepartementCode::from_checked(departement_part(&self.0))
    }
}

/// Overseas départements take 3 characters of the code; all others take 2.
fn departement_part(code: &str) -> &str {
    if code.starts_with("97") { &code[..3] } else { &code[..2] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{
        assert_json_refused, assert_json_round_trip, assert_refusal_says, assert_refused, assert_schema_agrees,
        every_string, joined,
    };

    #[test]
    fn accepts_communes_and_finds_their_departement() {
        for (code, departement) in [
            ("01001", "01"),
            ("69123", "69"),
            ("75056", "75"),
            ("2A004", "2A"),
            ("2B033", "2B"),
            ("95500", "95"),
            ("97105", "971"),
            ("97411", "974"),
            ("97611", "976"),
        ] {
            let commune = CommuneCode::parse(code).unwrap();
            assert_eq!(commune.as_str(), code);
            assert_eq!(commune.departement().as_str(), departement);
        }
    }

    #[test]
    fn rejects_malformed_codes() {
        let malformed = ["", "6912", "691230", "2a004", "2C004", "6912A", "69 12", "é123", "1é23"];
        assert_refused(CommuneCode::parse, "commune.format", &malformed);
    }

    #[test]
    fn rejects_codes_outside_any_departement() {
        let outside = ["00123", "20004", "96001", "97501", "97701", "98735"];
        assert_refused(CommuneCode::parse, "commune.departement", &outside);
        assert_refusal_says(CommuneCode::parse, "20004", "\"20004\"");
    }

    #[test]
    fn the_schema_states_what_parse_accepts() {
        let departements = every_string("0123456789ABa", 3);
        assert_schema_agrees(CommuneCode::parse, &[], joined(&departements, &["", "1", "12", "1A", "123"]));
        assert_schema_agrees(CommuneCode::parse, &[], ["6912A", "69 12", "é123", "069123"].map(String::from));
    }

    #[test]
    fn serde_round_trip() {
        assert_json_round_trip::<CommuneCode>("2A004", "2A004");
        assert_json_refused::<CommuneCode>("2A04", "not 5 characters");
    }
}
