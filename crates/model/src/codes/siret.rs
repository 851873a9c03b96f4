use serde::{Deserialize, Serialize};

use super::{is_space, string_schema};
use crate::validation::CodeError;

/// The SIREN of La Poste, whose establishments outnumber what a Luhn key leaves room for, so
/// INSEE numbers them under a digit-sum rule instead.
const LA_POSTE_SIREN: &str = "356000000";

/// A SIRET: the SIREN of the legal unit (9 digits) followed by the NIC of the establishment
/// (5 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

code_type!(
    Siret,
    string_schema(
        r"^\d{14}$",
        "SIRET (Système d'identification du répertoire des établissements): 14 digits, \
         Luhn-checked (La Poste's establishments: digit sum a multiple of 5), not all zeros. Spaces \
         are accepted on input and removed (rules `siret.format`, `siret.length`, `siret.luhn`).",
        "73282932000074",
    )
    .min_length(Some(14))
    .max_length(Some(14))
);

impl Siret {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        let digits: String = value.chars().filter(|c| !is_space(*c)).collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::new("siret.format", format!("SIRET {value:?} may only contain digits and spaces")));
        }
        if digits.len() != 14 {
            return Err(CodeError::new(
                "siret.length",
                format!("SIRET {value:?} has {} digits instead of 14", digits.len()),
            ));
        }
        // All zeros passes the Luhn check but is the placeholder forms get filled with.
        if digits.bytes().all(|b| b == b'0') {
            return Err(CodeError::new(
                "siret.format",
                format!("SIRET {value:?} is a placeholder, not an establishment"),
            ));
        }
        let la_poste = digits.starts_with(LA_POSTE_SIREN) && digit_sum(&digits).is_multiple_of(5);
        if !la_poste && !luhn_holds(&digits) {
            return Err(CodeError::new("siret.luhn", format!("SIRET {digits} fails the Luhn checksum")));
        }
        Ok(Self(digits))
    }

    /// The SIREN: the legal unit the establishment belongs to.
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }

    /// The NIC: the establishment's number within its legal unit.
    pub fn nic(&self) -> &str {
        &self.0[9..]
    }
}

impl Siret {
    /// A SIRET built from the first 8 digits of its SIREN and the first 4 of its NIC, each
    /// completed with its Luhn key, so that the SIREN passes the check as the SIRET does:
    /// how generated datasets and benchmarks make valid numbers.
    pub fn with_keys(siren_body: &str, nic_body: &str) -> Result<Siret, CodeError> {
        let siren = format!("{siren_body}{}", Siret::luhn_key(siren_body));
        let body = format!("{siren}{nic_body}");
        Siret::parse(&format!("{body}{}", Siret::luhn_key(&body)))
    }

    /// The digit that, appended to the ASCII digits `body`, makes the whole pass the Luhn check.
    pub fn luhn_key(body: &str) -> u32 {
        (0..10).find(|key| luhn_holds(&format!("{body}{key}"))).unwrap_or(0)
    }
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|b| u32::from(b - b'0')).sum()
}

/// Luhn over ASCII digits: from the right, every second digit is doubled (minus 9 past 9).
fn luhn_holds(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2, d * 2) {
                (0, _) => d,
                (_, doubled) if doubled > 9 => doubled - 9,
                (_, doubled) => doubled,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{
        assert_json_refused, assert_json_round_trip, assert_refused, assert_schema_agrees, joined,
    };

    #[test]
    fn the_schema_states_what_parse_accepts() {
        let starts =
            ["7328293200007", "732829320000", "73282932000074", "0000000000000", "356000000"].map(String::from);
        let ends = ["", "4", "0", "00", "A", " 4", "00000"];
        assert_schema_agrees(Siret::parse, &["siret.luhn", "siret.format"], joined(&starts, &ends));
        assert_schema_agrees(Siret::parse, &[], [Siret::with_keys("12345678", "0001").unwrap().to_string()]);
    }

    fn rule(value: &str) -> &'static str {
        Siret::parse(value).unwrap_err().rule
    }

    #[test]
    fn numbers_built_with_keys_pass_both_checks() {
        assert_eq!(Siret::luhn_key("7328293200007"), 4, "the example 73282932000074");
        let siret = Siret::with_keys("81234567", "0042").unwrap();
        assert!(luhn_holds(siret.siren()), "{siret}");
        assert!(siret.as_str().starts_with("81234567") && &siret.as_str()[9..13] == "0042");
        assert_eq!(Siret::with_keys("81234567", "00x2").unwrap_err().rule, "siret.format");
    }

    #[test]
    fn luhn_matches_known_numbers() {
        assert!(luhn_holds("73282932000074"));
        assert!(luhn_holds("732829320"));
        assert!(luhn_holds("356000000"));
        assert!(!luhn_holds("73282932000075"));
        assert!(!luhn_holds("73282932000047"));
    }

    #[test]
    fn accepts_valid_sirets() {
        let siret = Siret::parse("73282932000074").unwrap();
        assert_eq!(siret.as_str(), "73282932000074");
        assert_eq!(siret.siren(), "732829320");
        assert_eq!(siret.nic(), "00074");
    }

    #[test]
    fn removes_spaces() {
        let siret = Siret::parse("732 829 320 00074").unwrap();
        assert_eq!(siret.as_str(), "73282932000074");
        // No-break spaces, as word processors write French numbers.
        let siret = Siret::parse("732\u{a0}829\u{a0}320\u{202f}00074").unwrap();
        assert_eq!(siret.as_str(), "73282932000074");
    }

    #[test]
    fn la_poste_passes_by_luhn_or_by_digit_sum() {
        // The head office passes the Luhn check, though its digit sum (26) is no multiple of 5.
        assert!(luhn_holds("35600000000048"));
        assert_eq!(digit_sum("35600000000048"), 26);
        assert_eq!(Siret::parse("35600000000048").unwrap().siren(), LA_POSTE_SIREN);
        // Digit sum 25, no Luhn: only the La Poste rule accepts it.
        assert!(!luhn_holds("35600000000047"));
        assert_eq!(digit_sum("35600000000047"), 25);
        assert_eq!(Siret::parse("356 000 000 00047").unwrap().as_str(), "35600000000047");
        // Neither rule holds.
        assert_eq!(rule("35600000000049"), "siret.luhn");
        // Another SIREN gets no digit-sum pass.
        assert!(!luhn_holds("73282932000077"));
        assert_eq!(digit_sum("73282932000077") % 5, 0);
        assert_eq!(rule("73282932000077"), "siret.luhn");
    }

    #[test]
    fn rejects_each_broken_rule() {
        let not_digits = ["7328293200007A", "73282932-000074", "73282932\t000074", "７3282932000074"];
        assert_refused(Siret::parse, "siret.format", &not_digits);
        assert_eq!(rule("00000000000000"), "siret.format");
        let bad_lengths = ["", "7328293200007", "732829320000740", "   "];
        assert_refused(Siret::parse, "siret.length", &bad_lengths);
        let error = Siret::parse("73282932000075").unwrap_err();
        assert_eq!(error.rule, "siret.luhn");
        assert_eq!(error.message, "SIRET 73282932000075 fails the Luhn checksum");
    }

    #[test]
    fn serde_round_trip() {
        assert_json_round_trip::<Siret>("732 829 320 00074", "73282932000074");
        assert_json_refused::<Siret>("73282932000075", "fails the Luhn checksum");
    }
}
