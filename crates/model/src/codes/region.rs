use serde::{Deserialize, Serialize};

use super::{DepartementCode, is_digits, string_schema};
use crate::validation::CodeError;

/// An INSEE region code, among the 18 regions in force since 2016.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

code_type!(
    RegionCode,
    string_schema(
        r"^(?:0[1-46]|11|2[478]|32|44|5[23]|7[56]|84|9[34])$",
        "Region code (code officiel géographique de l'INSEE): one of the 18 regions since 2016, \
         01–04 and 06 overseas, 11 to 94 in mainland France and Corsica (rules `region.format`, \
         `region.unknown`).",
        "84",
    )
    .min_length(Some(2))
    .max_length(Some(2))
);

/// Each region with its départements (INSEE, regions of 1 January 2016).
#[rustfmt::skip]
const REGIONS: [(&str, &[&str]); 18] = [
    ("01", &["971"]), // Guadeloupe
    ("02", &["972"]), // Martinique
    ("03", &["973"]), // Guyane
    ("04", &["974"]), // La Réunion
    ("06", &["976"]), // Mayotte
    ("11", &["75", "77", "78", "91", "92", "93", "94", "95"]), // Île-de-France
    ("24", &["18", "28", "36", "37", "41", "45"]), // Centre-Val de Loire
    ("27", &["21", "25", "39", "58", "70", "71", "89", "90"]), // Bourgogne-Franche-Comté
    ("28", &["14", "27", "50", "61", "76"]), // Normandie
    ("32", &["02", "59", "60", "62", "80"]), // Hauts-de-France
    ("44", &["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"]), // Grand Est
    ("52", &["44", "49", "53", "72", "85"]), // Pays de la Loire
    ("53", &["22", "29", "35", "56"]), // Bretagne
    ("75", &["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]), // Nouvelle-Aquitaine
    ("76", &["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]), // Occitanie
    ("84", &["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"]), // Auvergne-Rhône-Alpes
    ("93", &["04", "05", "06", "13", "83", "84"]), // Provence-Alpes-Côte d'Azur
    ("94", &["2A", "2B"]), // Corse
];

impl RegionCode {
    pub fn parse(value: &str) -> Result<Self, CodeError> {
        if !is_digits(value, 2) {
            return Err(CodeError::new("region.format", format!("region code {value:?} is not 2 digits")));
        }
        if !REGIONS.iter().any(|(region, _)| *region == value) {
            return Err(CodeError::new(
                "region.unknown",
                format!(
                    "region {value:?} does not exist: the regions since 2016 are 01, 02, 03, 04, \
                     06, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94"
                ),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The region a département belongs to.
    pub fn of_departement(departement: &DepartementCode) -> RegionCode {
        let code = departement.as_str();
        match REGIONS.iter().find(|(_, departements)| departements.contains(&code)) {
            Some((region, _)) => Self((*region).to_owned()),
            // A test walks every département through this table.
            None => unreachable!("département {code} is missing from the region table"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::checks::{
        assert_json_refused, assert_json_round_trip, assert_refused, assert_schema_agrees, every_string,
    };

    #[test]
    fn the_schema_states_what_parse_accepts() {
        for length in 0..=3 {
            assert_schema_agrees(RegionCode::parse, &[], every_string("0123456789A", length));
        }
    }

    fn region_of(departement: &str) -> String {
        RegionCode::of_departement(&DepartementCode::parse(departement).unwrap()).to_string()
    }

    #[test]
    fn accepts_the_18_regions() {
        for (code, _) in REGIONS {
            assert_eq!(RegionCode::parse(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn rejects_malformed_and_former_regions() {
        assert_refused(RegionCode::parse, "region.format", &["", "1", "011", "8A", " 84"]);
        // 05 was never used; 82 (Rhône-Alpes) and 42 (Alsace) are regions merged in 2016.
        assert_refused(RegionCode::parse, "region.unknown", &["00", "05", "42", "82", "99"]);
    }

    #[test]
    fn maps_departements_to_regions() {
        for (departement, region) in [
            ("69", "84"),
            ("75", "11"),
            ("13", "93"),
            ("2A", "94"),
            ("2B", "94"),
            ("971", "01"),
            ("972", "02"),
            ("973", "03"),
            ("974", "04"),
            ("976", "06"),
            ("67", "44"),
            ("33", "75"),
            ("31", "76"),
            ("35", "53"),
            ("44", "52"),
        ] {
            assert_eq!(region_of(departement), region, "département {departement}");
        }
    }

    #[test]
    fn every_departement_is_in_exactly_one_valid_region() {
        let mut count = 0;
        for departement in DepartementCode::all() {
            let regions = REGIONS.iter().filter(|(_, d)| d.contains(&departement.as_str()));
            assert_eq!(regions.count(), 1, "département {departement}");
            let region = RegionCode::of_departement(&departement);
            assert_eq!(RegionCode::parse(region.as_str()).unwrap(), region);
            count += 1;
        }
        assert_eq!(count, 101);
        let listed: usize = REGIONS.iter().map(|(_, d)| d.len()).sum();
        assert_eq!(listed, 101, "the table lists something that is not a département");
    }

    #[test]
    fn serde_round_trip() {
        assert_json_round_trip::<RegionCode>("11", "11");
        assert_json_refused::<RegionCode>("82", "\"82\" does not exist");
    }
}
