//! The current communes of the code officiel géographique, with their postal codes,
//! population and position.

use std::sync::LazyLock;

use plateforme_model::person::names::normalize;
use serde::Serialize;
use utoipa::ToSchema;

use crate::table::{Table, cells, optional, rows};

const COMMUNES_TSV: &str = include_str!("../../../referentials/communes.tsv");

/// A current commune (commune actuelle) of the code officiel géographique.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"code": "69123", "name": "Lyon", "departement": "69", "region": "84",
    "population": 519127, "postal_codes": ["69001", "69002", "69003", "69004", "69005", "69006", "69007", "69008", "69009"],
    "latitude": 45.76769, "longitude": 4.83537}))]
pub struct Commune {
    /// Commune code (code officiel géographique de l'INSEE, not a postal code).
    #[schema(example = "69123")]
    pub code: String,
    /// Name (nom de la commune), with its accents.
    #[schema(example = "Lyon")]
    pub name: String,
    /// Département code (code du département).
    #[schema(example = "69")]
    pub departement: String,
    /// Région code (code de la région).
    #[schema(example = "84")]
    pub region: String,
    /// Municipal population (population municipale) at the last census; absent when not published.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 519127)]
    pub population: Option<u64>,
    /// Postal codes (codes postaux) serving the commune, in order.
    pub postal_codes: Vec<String>,
    /// Latitude (WGS 84, degrees) of the town hall (mairie), or of the commune's centroid.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 45.76769)]
    pub latitude: Option<f64>,
    /// Longitude (WGS 84, degrees) of the town hall (mairie), or of the commune's centroid.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 4.83537)]
    pub longitude: Option<f64>,
}

impl Commune {
    /// Its position (latitude, longitude), when the referential has one (always finite).
    pub fn position(&self) -> Option<(f64, f64)> {
        self.latitude.zip(self.longitude)
    }
}

static COMMUNES: LazyLock<Table<Commune>> = LazyLock::new(|| {
    let records = rows(COMMUNES_TSV).filter_map(parse_commune).collect();
    Table::new(records, |commune: &Commune| &commune.code, |commune| &commune.name)
});

/// One line of `communes.tsv`; `None` when malformed (a unit test checks that none is).
fn parse_commune(line: &str) -> Option<Commune> {
    let [code, name, departement, region, population, postal_codes, latitude, longitude] = cells(line)?;
    Some(Commune {
        code: code.to_owned(),
        name: name.to_owned(),
        departement: departement.to_owned(),
        region: region.to_owned(),
        population: optional(population)?,
        postal_codes: postal_codes.split(',').filter(|code| !code.is_empty()).map(str::to_owned).collect(),
        latitude: coordinate(latitude)?,
        longitude: coordinate(longitude)?,
    })
}

/// A coordinate cell: empty, or `nan` where the derivation found no position (two communes
/// whose area the source gives no usable centroid for, e.g. Lanester), is no position.
fn coordinate(cell: &str) -> Option<Option<f64>> {
    optional::<f64>(cell).map(|value| value.filter(|value| value.is_finite()))
}

/// Every current commune, ordered by code.
pub fn communes() -> &'static [Commune] {
    &COMMUNES.records
}

/// The current commune with this INSEE code.
pub fn commune(code: &str) -> Option<&'static Commune> {
    COMMUNES.get(code)
}

/// Whether `query` looks like the start of a commune or postal code rather than a name.
fn is_code_like(query: &str) -> bool {
    let upper = query.to_ascii_uppercase();
    let rest = upper.strip_prefix("2A").or_else(|| upper.strip_prefix("2B")).unwrap_or(&upper);
    !upper.is_empty() && rest.bytes().all(|byte| byte.is_ascii_digit())
}

/// Communes whose INSEE code or one of whose postal codes starts with `query` (ordered by code),
/// or whose name starts with `query` once accents, case and punctuation are folded (most
/// populous first). At most `limit` results.
pub fn search_communes(query: &str, limit: usize) -> Vec<&'static Commune> {
    let query = query.trim();
    let table = &*COMMUNES;
    if is_code_like(query) {
        let prefix = query.to_ascii_uppercase();
        return table
            .records
            .iter()
            .filter(|commune| {
                commune.code.starts_with(&prefix) || commune.postal_codes.iter().any(|code| code.starts_with(&prefix))
            })
            .take(limit)
            .collect();
    }
    let prefix = normalize(query);
    if prefix.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<&Commune> = table
        .records
        .iter()
        .zip(&table.normalized)
        .filter(|(_, name)| name.starts_with(&prefix))
        .map(|(commune, _)| commune)
        .collect();
    found.sort_by(|a, b| b.population.unwrap_or(0).cmp(&a.population.unwrap_or(0)).then_with(|| a.code.cmp(&b.code)));
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_embedded_file_parses() {
        COMMUNES.assert_holds_every_row(COMMUNES_TSV, parse_commune, "communes.tsv", "commune codes");
    }

    #[test]
    fn counts_match_the_sources() {
        assert_eq!(communes().len(), 34_969);
        let located = communes().iter().filter(|commune| commune.position().is_some()).count();
        assert!(located > 34_800, "{located} communes have a position");
        let finite = |value: Option<f64>| value.is_none_or(f64::is_finite);
        assert!(communes().iter().all(|commune| finite(commune.latitude) && finite(commune.longitude)));
    }

    fn assert_near(commune: &Commune, latitude: f64, longitude: f64) {
        let Some((lat, lon)) = commune.position() else { panic!("{} has no position", commune.code) };
        assert!((lat - latitude).abs() < 0.02 && (lon - longitude).abs() < 0.02, "{}: {lat}, {lon}", commune.code);
    }

    #[test]
    fn paris_and_lyon_are_where_they_are() {
        let paris = commune("75056").unwrap();
        assert_eq!(paris.name, "Paris");
        assert_eq!(paris.departement, "75");
        assert_eq!(paris.region, "11");
        assert!(paris.postal_codes.contains(&"75001".to_owned()));
        assert_near(paris, 48.856, 2.342);
        let lyon = commune("69123").unwrap();
        assert_eq!(lyon.name, "Lyon");
        assert!(lyon.population.unwrap() > 500_000);
        assert_near(lyon, 45.75, 4.83);
    }

    #[test]
    fn communes_are_found_by_name_prefix_or_code() {
        let found = search_communes("villeurb", 20);
        assert_eq!(found.first().map(|c| c.code.as_str()), Some("69266"));
        assert_eq!(search_communes("lyon", 20).first().map(|c| c.code.as_str()), Some("69123"));
        // Accents, case and hyphens are folded.
        let etienne = search_communes("saint-étienne", 5);
        assert_eq!(etienne.first().map(|c| c.code.as_str()), Some("42218"));
        assert_eq!(search_communes("SAINT ETIENNE", 5), etienne);
        // Most populous first.
        let paris = search_communes("par", 50);
        assert_eq!(paris.first().map(|c| c.code.as_str()), Some("75056"));
        assert!(paris.windows(2).all(|w| w[0].population.unwrap_or(0) >= w[1].population.unwrap_or(0)));
        assert_eq!(search_communes("69266", 5).iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["69266"]);
        assert!(search_communes("69100", 5).iter().any(|c| c.code == "69266"), "by postal code");
        assert!(search_communes("2a00", 5).iter().all(|c| c.code.starts_with("2A00")));
        assert_eq!(search_communes("690", 3).len(), 3);
        assert!(search_communes("zzzzqq", 5).is_empty());
        assert!(search_communes("!!", 5).is_empty());
    }
}
