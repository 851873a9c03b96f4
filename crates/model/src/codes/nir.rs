//! The NIR is personal data that the network may receive but must never store, return or log
//! in clear: `Nir` can be deserialized but not serialized, its `Debug` is masked, its error
//! messages never quote it, and what gets stored is its keyed hash.

use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::{is_digits, is_space, string_schema};
use crate::validation::CodeError;

/// A NIR (numéro de sécurité sociale): 13 characters then a 2-digit key, spaces removed.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Nir(String);

code_type!(
    @sensitive Nir,
    string_schema(
        r"^[1-478]\d{2}(?:0[1-9]|1[0-2]|[23]\d|4[0-2]|[5-9]\d)(?:\d{2}|2[AB])\d{8}$",
        "NIR (numéro d'inscription au répertoire, the French social security number): \
         15 characters, sex, year, month, département (2A, 2B for Corsica), commune, order, \
         then the key 97 − (first 13 as a number mod 97). Spaces are accepted on input. \
         Accepted in requests only: never stored nor returned in clear (rules `nir.length`, \
         `nir.format`, `nir.key`).",
        "185057800604830",
    )
    .min_length(Some(15))
    .max_length(Some(15))
    .write_only(Some(true))
);

impl fmt::Debug for Nir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nir(***)")
    }
}

impl Nir {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        let nir: String = value.chars().filter(|c| !is_space(*c)).collect();
        let length = nir.chars().count();
        if length != 15 {
            return Err(CodeError::new(
                "nir.length",
                format!("the NIR has {length} characters instead of 15 (13 and a 2-digit key)"),
            ));
        }
        check_format(&nir)?;
        if nir[13..] != key_of(&nir[..13]) {
            return Err(CodeError::new(
                "nir.key",
                "the NIR's key (its last 2 digits) does not match its first 13 characters",
            ));
        }
        Ok(Self(nir))
    }

    /// The HMAC-SHA256 of the NIR under `key`: what gets stored and compared instead of the NIR.
    pub fn keyed_hash(&self, key: &[u8]) -> NirHash {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(self.0.as_bytes());
        let hex = mac
            .finalize()
            .into_bytes()
            .iter()
            .flat_map(|byte| [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]])
            .map(char::from)
            .collect();
        NirHash(hex)
    }
}

/// Checks every part but the key, on a value already known to be 15 characters.
fn check_format(nir: &str) -> Result<(), CodeError> {
    let broken = |rule: &str| Err(CodeError::new("nir.format", format!("the NIR's {rule}")));
    if !nir.is_ascii() {
        return broken("characters must be digits, or 2A/2B for Corsica");
    }
    if !matches!(&nir[..1], "1" | "2" | "3" | "4" | "7" | "8") {
        return broken("first digit (sex) must be 1, 2, 3, 4, 7 or 8");
    }
    if !is_digits(&nir[1..5], 4) {
        return broken("birth year and month must be digits");
    }
    let month = (nir.as_bytes()[3] - b'0') * 10 + (nir.as_bytes()[4] - b'0');
    if !matches!(month, 1..=12 | 20..=42 | 50..=99) {
        return broken("birth month must be 01–12, 20–42 or 50–99");
    }
    match &nir[5..7] {
        "2A" | "2B" => {}
        "2a" | "2b" => return broken("département 2A or 2B must be written in uppercase"),
        departement if is_digits(departement, 2) => {}
        _ => return broken("département must be 2 digits, or 2A/2B for Corsica"),
    }
    if !is_digits(&nir[7..], 8) {
        return broken("commune, order number and key must be digits");
    }
    Ok(())
}

/// The key of a 13-character body known to pass `check_format`.
fn key_of(body: &str) -> String {
    // Corsica's 2A and 2B stand for 19 and 18 in the computation, as INSEE defines it.
    let numeric = body.replacen("2A", "19", 1).replacen("2B", "18", 1);
    let number: u64 = numeric.bytes().fold(0, |n, b| n * 10 + u64::from(b - b'0'));
    format!("{:02}", 97 - number % 97)
}

/// The keyed hash of a NIR (hex HMAC-SHA256, 64 lowercase characters): what the network stores.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NirHash(String);

code_type!(
    NirHash,
    string_schema(
        r"^[0-9a-f]{64}$",
        "Keyed hash of a NIR (numéro d'inscription au répertoire): HMAC-SHA256 under the \
         network's secret, 64 lowercase hexadecimal characters (rule `nir_hash.format`).",
        "7b7666cf9f6a8f0343a0e46030b9fb219d8b284ae504320882d308e4e43531ce",
    )
    .min_length(Some(64))
    .max_length(Some(64))
);

impl NirHash {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        let hex = value.len() == 64 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !hex {
            return Err(CodeError::new(
                "nir_hash.format",
                format!("NIR hash {value:?} is not 64 lowercase hexadecimal characters"),
            ));
        }
        Ok(Self(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{
        assert_json_refused, assert_refusal_says, assert_refused, assert_schema_agrees, joined,
    };

    #[test]
    fn the_schema_states_what_parse_accepts() {
        let starts = [
            "18505", "28512", "38520", "48542", "78550", "88599", "58505", "08505", "18500", "18513", "18519", "18543",
            "18549", "1850",
        ]
        .map(String::from);
        let ends = ["78006048", "2A006048", "2B006048", "2a006048", "7800604", "780060483", "7A006048"];
        let bodies = joined(&starts, &ends);
        let with_keys: Vec<String> =
            bodies.iter().flat_map(|body| [format!("{body}30"), format!("{body}{}", key_of_or_zero(body))]).collect();
        assert_schema_agrees(Nir::parse, &["nir.key"], with_keys);
    }

    #[test]
    fn the_hash_schema_states_what_parse_accepts() {
        let hashes = ["0", "a", "f", "A", "g", " "].map(|c| format!("{}{c}", "7b".repeat(31) + "0"));
        assert_schema_agrees(NirHash::parse, &[], hashes.into_iter().chain(["".into(), "7b".repeat(33)]));
    }

    /// The key of a well-formed body, so that every candidate has one right key; "00" otherwise.
    fn key_of_or_zero(body: &str) -> String {
        if body.len() == 13 && check_format(&format!("{body}00")).is_ok() { key_of(body) } else { "00".into() }
    }

    fn with_key(body: &str) -> String {
        format!("{body}{}", key_of(body))
    }

    fn rule(value: &str) -> &'static str {
        Nir::parse(value).unwrap_err().rule
    }

    #[test]
    fn computes_keys() {
        assert_eq!(key_of("1850578006048"), "30");
        assert_eq!(key_of("285052A004048"), "81");
        assert_eq!(key_of("185052B033012"), "03");
    }

    #[test]
    fn accepts_valid_nirs() {
        for body in ["1850578006048", "285052A004048", "185052B033012", "2850599350012"] {
            let nir = with_key(body);
            assert_eq!(Nir::parse(&nir).unwrap().as_str(), nir);
        }
        // Temporary numbers, and the months INSEE uses when the birth month is unknown.
        for body in ["3850578006048", "7852078006048", "8855078006048", "1854278006048"] {
            Nir::parse(&with_key(body)).unwrap();
        }
    }

    #[test]
    fn removes_spaces() {
        let nir = Nir::parse("1 85 05 78 006 048 30").unwrap();
        assert_eq!(nir.as_str(), "185057800604830");
        let nir = Nir::parse("2\u{a0}85\u{a0}05\u{a0}2A\u{a0}004\u{a0}048\u{202f}81").unwrap();
        assert_eq!(nir.as_str(), "285052A00404881");
    }

    #[test]
    fn rejects_wrong_lengths() {
        let wrong_lengths = ["", "18505780060483", "1850578006048301", "1 85 05 78 006 048 3"];
        assert_refused(Nir::parse, "nir.length", &wrong_lengths);
    }

    #[test]
    fn rejects_malformed_parts() {
        for body in [
            "5850578006048", // sex
            "0850578006048",
            "1A50578006048", // year
            "1850078006048", // month
            "1851378006048",
            "1854378006048",
            "1854978006048",
            "185052C004048", // département
            "185052a004048",
            "18505780060A8", // order
        ] {
            let value = format!("{body}00");
            assert_eq!(rule(&value), "nir.format", "{body}");
        }
        assert_eq!(rule("1850578006048A0"), "nir.format");
        assert_eq!(rule("1850578006048é0"), "nir.format");
        assert_refusal_says(Nir::parse, "185052a00404881", "uppercase");
    }

    #[test]
    fn rejects_a_wrong_key() {
        assert_eq!(rule("185057800604831"), "nir.key");
        // Corsica without the 19/18 substitution would give another key.
        assert_eq!(rule("285052A00404882"), "nir.key");
        assert_eq!(rule("285052B00404881"), "nir.key");
    }

    #[test]
    fn never_shows_the_value() {
        let nir = Nir::parse("185057800604830").unwrap();
        assert_eq!(format!("{nir:?}"), "Nir(***)");
        for bad in ["185057800604831", "585057800604830", "18505780060483"] {
            let message = Nir::parse(bad).unwrap_err().message;
            assert!(!message.contains("1850578"), "{message}");
        }
    }

    #[test]
    fn deserializes_but_reports_errors_without_the_value() {
        let nir: Nir = serde_json::from_str("\"1 85 05 78 006 048 30\"").unwrap();
        assert_eq!(nir.as_str(), "185057800604830");
        let error = serde_json::from_str::<Nir>("\"185057800604831\"").unwrap_err().to_string();
        assert!(error.contains("key"), "{error}");
        assert!(!error.contains("1850578"), "{error}");
    }

    #[test]
    fn hashes_with_hmac_sha256() {
        let nir = Nir::parse("185057800604830").unwrap();
        let hash = nir.keyed_hash(b"test key");
        assert_eq!(hash.as_str(), "7b7666cf9f6a8f0343a0e46030b9fb219d8b284ae504320882d308e4e43531ce");
        // The hash is of the normalized NIR, and depends on the key.
        assert_eq!(Nir::parse("1 85 05 78 006 048 30").unwrap().keyed_hash(b"test key"), hash);
        assert_ne!(nir.keyed_hash(b"other key"), hash);
        let corsican = Nir::parse("285052A00404881").unwrap().keyed_hash(b"test key");
        assert_eq!(corsican.as_str(), "ece19de6993d7e3b260b0e9b683295de192f03f5f2f99fe28a70b5eb276893fb");
    }

    #[test]
    fn nir_hash_parses_and_round_trips() {
        let hash = Nir::parse("185057800604830").unwrap().keyed_hash(b"test key");
        assert_eq!(NirHash::parse(hash.as_str()).unwrap(), hash);
        let json = serde_json::to_string(&hash).unwrap();
        assert_eq!(serde_json::from_str::<NirHash>(&json).unwrap(), hash);
        let upper = hash.as_str().to_uppercase();
        let longer = format!("{hash}0");
        assert_refused(NirHash::parse, "nir_hash.format", &["", "7b76", upper.as_str(), longer.as_str()]);
        assert_json_refused::<NirHash>("xyz", "64 lowercase hexadecimal");
    }
}
