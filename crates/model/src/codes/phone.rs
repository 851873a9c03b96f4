use serde::{Deserialize, Serialize};

use super::{is_space, string_schema};
use crate::validation::CodeError;

/// National prefixes of the overseas départements, which have their own country codes: in E.164,
/// 0262 12 34 56 is +262 262 12 34 56, not +33 262 12 34 56 (ARCEP numbering plan).
const OVERSEAS: [(&str, &str); 14] = [
    ("0262", "262"), // La Réunion
    ("0263", "262"),
    ("0692", "262"),
    ("0693", "262"),
    ("0269", "262"), // Mayotte
    ("0639", "262"),
    ("0590", "590"), // Guadeloupe, Saint-Martin, Saint-Barthélemy
    ("0690", "590"),
    ("0691", "590"),
    ("0594", "594"), // Guyane
    ("0694", "594"),
    ("0596", "596"), // Martinique
    ("0696", "596"),
    ("0697", "596"),
];

/// A telephone number in E.164 form (`+` and 8 to 15 digits), e.g. `+33123456789`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

code_type!(
    Phone,
    string_schema(
        r"^\+(?:33[1-9]\d{8}|3[0-24-9]\d{6,13}|[124-9]\d{7,14})$",
        "Telephone number (numéro de téléphone) in E.164 form. On input, French numbers are also \
         accepted as written in France (01 23 45 67 89, with spaces, dots or dashes; +33, 0033, \
         +33 (0)); overseas départements get their own country code (+262, +590, +594, +596) \
         (rules `phone.format`, `phone.length`).",
        "+33123456789",
    )
    .min_length(Some(9))
    .max_length(Some(16))
);

impl Phone {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        let mut compact: String = value.chars().filter(|c| !is_space(*c) && !matches!(c, '.' | '-')).collect();
        let international = compact.starts_with('+') || compact.starts_with("00");
        // "+33 (0)1 …": the trunk 0 in brackets, as numbers are written for foreign readers.
        if international {
            compact = compact.replacen("(0)", "", 1);
        }
        let digits = compact.strip_prefix('+').or_else(|| compact.strip_prefix("00"));
        let digits = digits.unwrap_or(&compact);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format_error(value));
        }
        if !international {
            return from_national(digits, value);
        }
        if let Some(french) = digits.strip_prefix("33") {
            // "+33 06…" keeps a trunk 0 it should have dropped; the number is still clear.
            let national = if french.starts_with('0') { french.to_owned() } else { format!("0{french}") };
            return from_national(&national, value);
        }
        if digits.starts_with('0') {
            return Err(format_error(value));
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(CodeError::new(
                "phone.length",
                format!(
                    "phone number {value:?} has {} digits after the +, \
                     where E.164 allows 8 to 15",
                    digits.len()
                ),
            ));
        }
        Ok(Self(format!("+{digits}")))
    }
}

/// E.164 form of a French number written with its trunk 0, e.g. `0123456789`.
fn from_national(national: &str, value: &str) -> Result<Phone, CodeError> {
    if national.len() != 10 {
        return Err(CodeError::new(
            "phone.length",
            format!("French phone number {value:?} does not have 10 digits (0 then 9 digits)"),
        ));
    }
    if !national.starts_with('0') || national[1..].starts_with('0') {
        return Err(format_error(value));
    }
    let country = OVERSEAS.iter().find(|(prefix, _)| national.starts_with(prefix)).map_or("33", |(_, country)| country);
    Ok(Phone(format!("+{country}{}", &national[1..])))
}

fn format_error(value: &str) -> CodeError {
    CodeError::new(
        "phone.format",
        format!(
            "phone number {value:?} is neither a French number (0 then 9 digits, the first not 0) \
             nor an international one (+ or 00, then the country code and number)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{
        assert_json_refused, assert_json_round_trip, assert_refused, assert_schema_agrees, joined,
    };

    #[test]
    fn the_schema_states_what_parse_accepts() {
        let starts = ["+33", "+330", "+3", "+1", "+0", "+262", "+44", "0033", "33", "+"].map(String::from);
        let ends =
            ["", "6", "612345", "6123456", "61234567", "612345678", "6123456789", "061234567", "612345678901234"];
        assert_schema_agrees(Phone::parse, &[], joined(&starts, &ends));
    }

    fn e164(value: &str) -> String {
        Phone::parse(value).unwrap().to_string()
    }

    /// Each number as typed, and its E.164 form.
    fn assert_written_as(numbers: &[(&str, &str)]) {
        for (typed, written) in numbers {
            assert_eq!(e164(typed), *written, "{typed:?}");
        }
    }

    #[test]
    fn normalizes_french_numbers() {
        for value in [
            "0123456789",
            "01 23 45 67 89",
            "01.23.45.67.89",
            "01-23-45-67-89",
            "01\u{a0}23\u{a0}45\u{a0}67\u{a0}89",
            "+33123456789",
            "+33 1 23 45 67 89",
            "+33 (0)1 23 45 67 89",
            "+33 01 23 45 67 89",
            "0033 1 23 45 67 89",
        ] {
            assert_eq!(e164(value), "+33123456789", "{value:?}");
        }
        assert_eq!(e164("06 12 34 56 78"), "+33612345678");
        assert_eq!(e164("09 70 12 34 56"), "+33970123456");
    }

    #[test]
    fn gives_overseas_departements_their_country_code() {
        assert_written_as(&[
            ("02 62 12 34 56", "+262262123456"),
            ("06 92 12 34 56", "+262692123456"),
            ("02 69 61 23 45", "+262269612345"),
            ("05 90 12 34 56", "+590590123456"),
            ("05 94 12 34 56", "+594594123456"),
            ("06 96 12 34 56", "+596696123456"),
            // The same number reached by any route has one form.
            ("+33 262 12 34 56", "+262262123456"),
            ("+262 262 12 34 56", "+262262123456"),
            ("00262262123456", "+262262123456"),
        ]);
    }

    #[test]
    fn accepts_other_e164_numbers() {
        assert_written_as(&[
            ("+269 773 12 34", "+2697731234"),
            ("+44 (0)20 7946 0958", "+442079460958"),
            ("+1 202-555-0143", "+12025550143"),
            ("0049 30 1234567", "+49301234567"),
        ]);
    }

    #[test]
    fn rejects_each_broken_rule() {
        let bad_characters = ["", "+", "01 23 45 67 8a", "+33 1 23 45 67 8x", "(01) 23 45 67 89"];
        assert_refused(Phone::parse, "phone.format", &bad_characters);
        let bad_prefixes = ["1234567890", "+0123456789", "+33 00 12 34 56 78", "000123456789"];
        assert_refused(Phone::parse, "phone.format", &bad_prefixes);
        let bad_lengths = ["0", "01 23 45 67", "01 23 45 67 89 0", "+33 1 23 45 67", "+1234567", "+1234567890123456"];
        assert_refused(Phone::parse, "phone.length", &bad_lengths);
    }

    #[test]
    fn serde_round_trip() {
        assert_json_round_trip::<Phone>("06 12 34 56 78", "+33612345678");
        assert_json_refused::<Phone>("06 12 34", "does not have 10 digits");
    }
}
