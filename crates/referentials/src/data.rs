//! The embedded referentials, parsed once on first use.

use std::collections::HashMap;
use std::sync::LazyLock;

use plateforme_model::person::names::normalize;
use serde::Serialize;
use utoipa::ToSchema;

const COMMUNES_TSV: &str = include_str!("../../../referentials/communes.tsv");
const ROME_TSV: &str = include_str!("../../../referentials/rome.tsv");
const NAF_TSV: &str = include_str!("../../../referentials/naf.tsv");

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

/// A ROME 4.0 job code (fiche métier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"code": "M1805", "label": "Développeur / Développeuse informatique"}))]
pub struct Rome {
    /// ROME code (code ROME 4.0): a letter A–N then 4 digits.
    #[schema(example = "M1805")]
    pub code: String,
    /// Label (intitulé de la fiche métier).
    #[schema(example = "Développeur / Développeuse informatique")]
    pub label: String,
}

/// A NAF rév. 2 sub-class (sous-classe of the nomenclature d'activités française), the level of
/// the code APE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"code": "62.01Z", "label": "Programmation informatique", "section": "J", "division": "62"}))]
pub struct Naf {
    /// NAF code (code APE) in its INSEE form: 2 digits, a dot, 2 digits and a letter.
    #[schema(example = "62.01Z")]
    pub code: String,
    /// Label (intitulé de la sous-classe).
    #[schema(example = "Programmation informatique")]
    pub label: String,
    /// Section (section de la NAF): a letter A–U.
    #[schema(example = "J")]
    pub section: String,
    /// Division (division de la NAF): the code's first 2 digits.
    #[schema(example = "62")]
    pub division: String,
}

/// Records, an index by code, and each record's normalized name for searches.
struct Table<T> {
    records: Vec<T>,
    by_code: HashMap<String, usize>,
    normalized: Vec<String>,
}

impl<T> Table<T> {
    fn new(records: Vec<T>, code: impl Fn(&T) -> &str, name: impl Fn(&T) -> &str) -> Table<T> {
        let by_code = records.iter().enumerate().map(|(index, record)| (code(record).to_owned(), index)).collect();
        let normalized = records.iter().map(|record| normalize(name(record))).collect();
        Table { records, by_code, normalized }
    }

    fn get(&self, code: &str) -> Option<&T> {
        self.by_code.get(code).and_then(|&index| self.records.get(index))
    }

    /// The records whose normalized name has a word starting with `query` once normalized:
    /// names starting with it first, then in the table's (code) order. At most `limit`.
    fn search_words(&self, query: &str, limit: usize) -> Vec<&T> {
        let prefix = normalize(query);
        if prefix.is_empty() {
            return Vec::new();
        }
        let word_prefix = format!(" {prefix}");
        let mut found: Vec<(bool, &T)> = self
            .records
            .iter()
            .zip(&self.normalized)
            .filter_map(|(record, name)| {
                let at_start = name.starts_with(&prefix);
                (at_start || name.contains(&word_prefix)).then_some((!at_start, record))
            })
            .collect();
        // A stable sort keeps the code order within each group.
        found.sort_by_key(|(later, _)| *later);
        found.into_iter().take(limit).map(|(_, record)| record).collect()
    }
}

static COMMUNES: LazyLock<Table<Commune>> = LazyLock::new(|| {
    let records = rows(COMMUNES_TSV).filter_map(parse_commune).collect();
    Table::new(records, |commune: &Commune| &commune.code, |commune| &commune.name)
});

static ROME_CODES: LazyLock<Table<Rome>> = LazyLock::new(|| {
    let records = rows(ROME_TSV).filter_map(parse_rome).collect();
    Table::new(records, |rome: &Rome| &rome.code, |rome| &rome.label)
});

static NAF_CODES: LazyLock<Table<Naf>> = LazyLock::new(|| {
    let records = rows(NAF_TSV).filter_map(parse_naf).collect();
    Table::new(records, |naf: &Naf| &naf.code, |naf| &naf.label)
});

/// The data lines of a TSV file (its one header line skipped).
fn rows(tsv: &str) -> impl Iterator<Item = &str> {
    tsv.lines().skip(1).filter(|line| !line.is_empty())
}

/// One line of `communes.tsv`; `None` when malformed (a unit test checks that none is).
fn parse_commune(line: &str) -> Option<Commune> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [code, name, departement, region, population, postal_codes, latitude, longitude] = fields.as_slice() else {
        return None;
    };
    if code.is_empty() || name.is_empty() {
        return None;
    }
    Some(Commune {
        code: (*code).to_owned(),
        name: (*name).to_owned(),
        departement: (*departement).to_owned(),
        region: (*region).to_owned(),
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

/// An empty cell is `Some(None)`; a cell that does not parse is `None`.
fn optional<T: std::str::FromStr>(cell: &str) -> Option<Option<T>> {
    if cell.is_empty() { Some(None) } else { cell.parse().ok().map(Some) }
}

/// One line of `rome.tsv`; `None` when malformed.
fn parse_rome(line: &str) -> Option<Rome> {
    let (code, label) = line.split_once('\t')?;
    if code.is_empty() || label.is_empty() || label.contains('\t') {
        return None;
    }
    Some(Rome { code: code.to_owned(), label: label.to_owned() })
}

/// One line of `naf.tsv`; `None` when malformed.
fn parse_naf(line: &str) -> Option<Naf> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [code, label, section, division] = fields.as_slice() else {
        return None;
    };
    if code.is_empty() || label.is_empty() {
        return None;
    }
    Some(Naf {
        code: (*code).to_owned(),
        label: (*label).to_owned(),
        section: (*section).to_owned(),
        division: (*division).to_owned(),
    })
}

/// Every current commune, ordered by code.
pub fn communes() -> &'static [Commune] {
    &COMMUNES.records
}

/// Every ROME code, ordered by code.
pub fn rome_codes() -> &'static [Rome] {
    &ROME_CODES.records
}

/// Every NAF rév. 2 sub-class, ordered by code.
pub fn naf_codes() -> &'static [Naf] {
    &NAF_CODES.records
}

/// The current commune with this INSEE code.
pub fn commune(code: &str) -> Option<&'static Commune> {
    COMMUNES.get(code)
}

/// The ROME code's record.
pub fn rome(code: &str) -> Option<&'static Rome> {
    ROME_CODES.get(code)
}

/// The NAF rév. 2 sub-class with this code, in its INSEE form `62.01Z` (`NafCode::parse`
/// normalizes `6201Z`).
pub fn naf(code: &str) -> Option<&'static Naf> {
    NAF_CODES.get(code)
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

/// ROME codes starting with `query` (a letter then digits; ordered by code), or whose label
/// has a word starting with `query`, accents and case folded (labels starting with it first,
/// then by code). At most `limit` results.
pub fn search_rome(query: &str, limit: usize) -> Vec<&'static Rome> {
    let query = query.trim();
    let table = &*ROME_CODES;
    let mut chars = query.chars();
    let code_like = chars.next().is_some_and(|first| first.is_ascii_alphabetic())
        && !chars.as_str().is_empty()
        && chars.as_str().bytes().all(|byte| byte.is_ascii_digit());
    if code_like {
        let prefix = query.to_ascii_uppercase();
        return table.records.iter().filter(|rome| rome.code.starts_with(&prefix)).take(limit).collect();
    }
    table.search_words(query, limit)
}

/// NAF sub-classes whose code starts with `query` (digits, with or without the dot, then maybe
/// the letter: `62`, `6201`, `62.01z`; ordered by code), or whose label has a word starting
/// with `query`, accents and case folded (labels starting with it first, then by code). At
/// most `limit` results.
pub fn search_naf(query: &str, limit: usize) -> Vec<&'static Naf> {
    let query = query.trim();
    let table = &*NAF_CODES;
    let code_like =
        query.starts_with(|c: char| c.is_ascii_digit()) && query.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    if code_like {
        let mut prefix: String = query.chars().filter(|c| *c != '.').map(|c| c.to_ascii_uppercase()).collect();
        if prefix.len() > 2 {
            prefix.insert(2, '.');
        }
        return table.records.iter().filter(|naf| naf.code.starts_with(&prefix)).take(limit).collect();
    }
    table.search_words(query, limit)
}

/// Great-circle distance in kilometres between two communes' positions (haversine, mean
/// Earth radius); `None` when either has no position.
pub fn distance_km(a: &Commune, b: &Commune) -> Option<f64> {
    let (lat_a, lon_a) = (a.latitude?, a.longitude?);
    let (lat_b, lon_b) = (b.latitude?, b.longitude?);
    Some(haversine_km(lat_a, lon_a, lat_b, lon_b))
}

/// Great-circle distance in kilometres between two WGS 84 positions given in degrees.
pub fn haversine_km(lat_a: f64, lon_a: f64, lat_b: f64, lon_b: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (phi_a, phi_b) = (lat_a.to_radians(), lat_b.to_radians());
    let half_phi = (phi_b - phi_a) / 2.0;
    let half_lambda = (lon_b - lon_a).to_radians() / 2.0;
    let h = half_phi.sin().powi(2) + phi_a.cos() * phi_b.cos() * half_lambda.sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_embedded_files_parses() {
        for line in rows(COMMUNES_TSV) {
            assert!(parse_commune(line).is_some(), "communes.tsv: {line:?}");
        }
        for line in rows(ROME_TSV) {
            assert!(parse_rome(line).is_some(), "rome.tsv: {line:?}");
        }
        for line in rows(NAF_TSV) {
            assert!(parse_naf(line).is_some(), "naf.tsv: {line:?}");
        }
        assert_eq!(communes().len(), rows(COMMUNES_TSV).count());
        assert_eq!(rome_codes().len(), rows(ROME_TSV).count());
        assert_eq!(COMMUNES.by_code.len(), communes().len(), "commune codes are distinct");
        assert_eq!(ROME_CODES.by_code.len(), rome_codes().len(), "ROME codes are distinct");
        assert_eq!(naf_codes().len(), rows(NAF_TSV).count());
        assert_eq!(NAF_CODES.by_code.len(), naf_codes().len(), "NAF codes are distinct");
    }

    #[test]
    fn counts_match_the_sources() {
        assert_eq!(communes().len(), 34_969);
        assert_eq!(rome_codes().len(), 1_584);
        assert_eq!(naf_codes().len(), 732);
        let located = communes().iter().filter(|commune| commune.latitude.is_some()).count();
        assert!(located > 34_800, "{located} communes have a position");
        let finite = |value: Option<f64>| value.is_none_or(f64::is_finite);
        assert!(communes().iter().all(|commune| finite(commune.latitude) && finite(commune.longitude)));
    }

    fn assert_near(commune: &Commune, latitude: f64, longitude: f64) {
        let (Some(lat), Some(lon)) = (commune.latitude, commune.longitude) else {
            panic!("{} has no position", commune.code)
        };
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
    fn distances() {
        let lyon = commune("69123").unwrap();
        let villeurbanne = commune("69266").unwrap();
        let marseille = commune("13055").unwrap();
        assert!(distance_km(lyon, villeurbanne).unwrap() < 10.0);
        assert!(distance_km(lyon, marseille).unwrap() > 250.0);
        assert_eq!(distance_km(lyon, lyon), Some(0.0));
        let paris = commune("75056").unwrap();
        let paris_lyon = distance_km(paris, lyon).unwrap();
        assert!((385.0..400.0).contains(&paris_lyon), "{paris_lyon}");
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

    #[test]
    fn rome_codes_are_found() {
        assert!(rome("M1805").unwrap().label.starts_with("Développeur"));
        assert!(rome("Z9999").is_none());
        assert!(search_rome("m18", 50).iter().any(|r| r.code == "M1805"));
        assert!(search_rome("m18", 50).iter().all(|r| r.code.starts_with("M18")));
        let developers = search_rome("developpeu", 10);
        assert!(developers.iter().any(|r| r.code == "M1805"), "{developers:?}");
        assert!(search_rome("informatique", 50).iter().any(|r| r.code == "M1805"), "by a later word");
    }

    #[test]
    fn naf_codes_are_well_formed_and_complete() {
        for naf in naf_codes() {
            let parsed = plateforme_model::codes::NafCode::parse(&naf.code).ok();
            assert_eq!(parsed.as_ref().map(|code| code.as_str()), Some(naf.code.as_str()), "{naf:?}");
            assert!(naf.section.len() == 1 && ("A"..="U").contains(&naf.section.as_str()), "{naf:?}");
            assert_eq!(naf.division, naf.code[..2], "{naf:?}");
            assert_eq!(naf.label.trim(), naf.label, "{naf:?}");
            assert!(!naf.label.contains("  "), "{naf:?}");
        }
        let sections: std::collections::BTreeSet<&str> = naf_codes().iter().map(|naf| naf.section.as_str()).collect();
        assert_eq!(sections.len(), 21, "sections A to U");
        assert!(naf_codes().windows(2).all(|w| w[0].code < w[1].code), "ordered by code");
    }

    #[test]
    fn naf_codes_are_found() {
        let programming = naf("62.01Z").unwrap();
        assert_eq!(programming.label, "Programmation informatique");
        assert_eq!((programming.section.as_str(), programming.division.as_str()), ("J", "62"));
        assert!(naf("62.01Y").is_none());
        assert!(naf("99.99Z").is_none());
        assert!(naf("6201Z").is_none(), "the INSEE form only");
        // By label words, accents and case folded; labels starting with the word first.
        let bakeries = search_naf("boulangerie", 10);
        let codes: Vec<&str> = bakeries.iter().map(|naf| naf.code.as_str()).collect();
        assert_eq!(codes, ["10.71C", "10.71B"], "{bakeries:?}");
        assert_eq!(search_naf("BOULANGERIE", 10), bakeries);
        assert!(search_naf("pâtisserie", 10).iter().any(|naf| naf.code == "10.71D"));
        assert!(search_naf("patisserie", 10).iter().any(|naf| naf.code == "10.71D"));
        assert!(search_naf("informatique", 20).iter().any(|naf| naf.code == "62.01Z"), "by a later word");
        // By code prefix, with or without the dot.
        let division = search_naf("62", 50);
        assert!(!division.is_empty() && division.iter().all(|naf| naf.code.starts_with("62.")));
        assert_eq!(search_naf("6201", 5), search_naf("62.01", 5));
        assert_eq!(search_naf("6201z", 5).iter().map(|naf| naf.code.as_str()).collect::<Vec<_>>(), ["62.01Z"]);
        assert_eq!(search_naf("62.01Z", 5).len(), 1);
        assert_eq!(search_naf("01", 3).len(), 3);
        assert!(search_naf("00", 5).is_empty());
        assert!(search_naf("zzzzqq", 5).is_empty());
        assert!(search_naf("!!", 5).is_empty());
    }
}
