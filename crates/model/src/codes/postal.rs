use serde::{Deserialize, Serialize};

use super::{is_digits, string_schema};
use crate::validation::CodeError;

/// A French postal code (code postal of La Poste), which is not the INSEE commune code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostalCode(String);

code_type!(
    PostalCode,
    string_schema(
        r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$",
        "Postal code (code postal, not the INSEE commune code): 5 digits, the first two 01–98 \
         (20 for Corsica, 97 and 98 overseas and Monaco; rules `postal.format`, `postal.unknown`).",
        "69003",
    )
    .min_length(Some(5))
    .max_length(Some(5))
);

impl PostalCode {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        if !is_digits(value, 5) {
            return Err(CodeError::new("postal.format", format!("postal code {value:?} is not 5 digits")));
        }
        // Unlike département codes, Corsican postal codes still start with 20.
        if matches!(&value[..2], "00" | "99") {
            return Err(CodeError::new(
                "postal.unknown",
                format!("postal code {value:?} does not exist: it must start with 01 to 98"),
            ));
        }
        Ok(Self(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{
        assert_json_refused, assert_json_round_trip, assert_refused, assert_schema_agrees, every_string, joined,
    };

    #[test]
    fn the_schema_states_what_parse_accepts() {
        let starts = every_string("0123456789A", 2);
        assert_schema_agrees(PostalCode::parse, &[], joined(&starts, &["", "1", "12", "123", "1234", "12A"]));
        assert_schema_agrees(PostalCode::parse, &[], ["69 003", "٠١٢٣٤"].map(String::from));
    }

    #[test]
    fn accepts_postal_codes() {
        for value in ["01000", "20000", "20200", "69003", "75001", "97400", "98000"] {
            assert_eq!(PostalCode::parse(value).unwrap().as_str(), value);
        }
    }

    #[test]
    fn rejects_malformed_codes() {
        let malformed = ["", "6900", "690030", "69 003", "2A000", "6900a", "٠١٢٣٤"];
        assert_refused(PostalCode::parse, "postal.format", &malformed);
    }

    #[test]
    fn rejects_codes_of_no_area() {
        assert_refused(PostalCode::parse, "postal.unknown", &["00000", "00123", "99000"]);
    }

    #[test]
    fn serde_round_trip() {
        assert_json_round_trip::<PostalCode>("20000", "20000");
        assert_json_refused::<PostalCode>("00100", "postal code \"00100\"");
    }
}
