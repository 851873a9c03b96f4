//! The territory a dashboard shows: France, a région or a département, named in the query as
//! `FR`, `region-84` or `departement-69`.

use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_reference_data::territories::{DEPARTEMENTS, REGIONS, departement_name, region_name};

use super::Refusal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Territory {
    National,
    Region(RegionCode),
    Departement(DepartementCode),
}

impl Territory {
    /// `FR`, `region-{code}` or `departement-{code}`: a malformed value is a bad query (400), a
    /// code that names no région or département an unknown territory (404).
    pub fn parse(value: &str) -> Result<Territory, Refusal> {
        let unknown = |rule: &str, message: String| {
            if rule.ends_with(".unknown") {
                Refusal::UnknownTerritory(format!("Ce territoire n'existe pas ({message})."))
            } else {
                Refusal::BadQuery(format!("Ce code de territoire est mal formé ({message})."))
            }
        };
        if value == "FR" {
            return Ok(Territory::National);
        }
        if let Some(code) = value.strip_prefix("region-") {
            return RegionCode::parse(code).map(Territory::Region).map_err(|error| unknown(error.rule, error.message));
        }
        if let Some(code) = value.strip_prefix("departement-") {
            return DepartementCode::parse(code)
                .map(Territory::Departement)
                .map_err(|error| unknown(error.rule, error.message));
        }
        Err(Refusal::BadQuery(format!(
            "Le territoire s'écrit FR, region-{{code}} ou departement-{{code}} (codes INSEE) ; reçu {value:?}."
        )))
    }

    /// Its value in the query.
    pub fn value(&self) -> String {
        match self {
            Territory::National => "FR".to_owned(),
            Territory::Region(code) => format!("region-{code}"),
            Territory::Departement(code) => format!("departement-{code}"),
        }
    }

    /// The level of its cells.
    pub fn level(&self) -> &'static str {
        match self {
            Territory::National => "national",
            Territory::Region(_) => "region",
            Territory::Departement(_) => "departement",
        }
    }

    /// The territory of its cells: `FR` or the INSEE code.
    pub fn code(&self) -> &str {
        match self {
            Territory::National => "FR",
            Territory::Region(code) => code.as_str(),
            Territory::Departement(code) => code.as_str(),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Territory::National => "France entière".to_owned(),
            Territory::Region(code) => region_name(code.as_str()).unwrap_or(code.as_str()).to_owned(),
            Territory::Departement(code) => departement_label(code.as_str()),
        }
    }

    /// Whether the département `code` lies in it (the map outlines them).
    pub fn holds(&self, departement: &str) -> bool {
        match self {
            Territory::National => false,
            Territory::Region(region) => {
                DepartementCode::parse(departement).is_ok_and(|code| RegionCode::of_departement(&code) == *region)
            }
            Territory::Departement(code) => code.as_str() == departement,
        }
    }

    /// Every territory, for the form: France, then the régions, then the départements.
    pub fn choices() -> Vec<(&'static str, Vec<(String, String)>)> {
        let regions = REGIONS.iter().map(|(code, name)| (format!("region-{code}"), (*name).to_owned())).collect();
        let departements =
            DEPARTEMENTS.iter().map(|(code, _)| (format!("departement-{code}"), departement_label(code))).collect();
        vec![
            ("France", vec![("FR".to_owned(), "France entière".to_owned())]),
            ("Régions", regions),
            ("Départements", departements),
        ]
    }
}

/// "69 — Rhône": the code first, so that typing it in the list selects the département.
pub fn departement_label(code: &str) -> String {
    format!("{code} — {}", departement_name(code).unwrap_or(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_territory_reads_back_its_own_value() {
        for (_, choices) in Territory::choices() {
            for (value, _) in choices {
                assert_eq!(Territory::parse(&value).map(|territory| territory.value()).ok(), Some(value));
            }
        }
    }

    #[test]
    fn a_bad_territory_is_told_apart_from_an_unknown_one() {
        assert!(matches!(Territory::parse("departement-96"), Err(Refusal::UnknownTerritory(_))));
        assert!(matches!(Territory::parse("region-99"), Err(Refusal::UnknownTerritory(_))));
        assert!(matches!(Territory::parse("departement-x"), Err(Refusal::BadQuery(_))));
        assert!(matches!(Territory::parse("commune-69123"), Err(Refusal::BadQuery(_))));
        assert_eq!(
            Territory::parse("departement-69").map(|territory| territory.name()).ok(),
            Some("69 — Rhône".into())
        );
    }
}
