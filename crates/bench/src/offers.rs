//! The requests of the two offer scenarios, drawn like the offers of the generated dataset
//! (`crates/dataset/src/offers.rs`) so that searches find something and imports look
//! like what partners send:
//!
//! - **search**: `GET /v1/offers` with a deterministic mix of queries — words of the titles the
//!   generator writes (with and without accents, plural, upper case), ROME codes drawn with the
//!   generator's own weights, a radius of 10 to 50 km around a populous commune (drawn by
//!   population), and sometimes contract types, `sort=date` or `sort=distance`;
//! - **import**: NDJSON bodies for `POST /v1/offers/batch`, one publication per line (valid
//!   ROME codes, communes drawn by population, contract types, employers with SIRETs passing the
//!   Luhn check), about one line in ten being the same job as an earlier line of the same
//!   client sent by another source (it merges). References carry the run's nonce: every line is
//!   new, so the server creates or merges, never answers `unchanged`.

use std::collections::VecDeque;
use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};
use plateforme_dataset::DatasetError;
use plateforme_dataset::network::siret;
use plateforme_dataset::offers::{CONTRACTS, SKILLS, TRADES, description, job_title, rome_table};
use plateforme_dataset::rng::{Rng, WeightedTable, fnv1a};
use plateforme_model::codes::CommuneCode;
use plateforme_model::offer::{BatchSummary, ContractType};
use plateforme_model::person::names::normalize;
use plateforme_reference_data::{communes, naf_codes, rome_codes};

/// Communes a radius search is centred on: the most populous ones.
const CENTRES: usize = 200;

/// Second words of some text queries: skills and words of the descriptions the generator
/// writes (they narrow the search; every word must match).
const SECOND_WORDS: &[&str] =
    &["débutants", "formation", "mutuelle", "soudure", "comptabilité", "permis", "relation client", "autonomie"];

/// Employers of the import lines: the generator's trades with other names than its own (and
/// SIRENs of another series), so that imported lines merge with each other as planned, not
/// by chance with the dataset's offers.
const FAMILY_NAMES: &[&str] = &[
    "Dubois",
    "Lefebvre",
    "Garnier",
    "Roux",
    "Fontaine",
    "Chevalier",
    "Lambert",
    "Bonnet",
    "Girard",
    "Mercier",
    "Blanc",
    "Guérin",
    "Faure",
    "Rousseau",
    "Perrin",
    "Morel",
    "Fournier",
    "Masson",
    "Lemoine",
    "Barbier",
];
const LEGAL_FORMS: &[&str] = &["", " SARL", " SAS", " & Fils", " et Associés"];

/// The first digit of the import lines' SIRENs (the dataset's are 8…, the demo's 9…).
const BENCH_SIRENS: u8 = 7;

/// A ROME code and the title the generator gives its offers.
#[derive(Debug, Clone)]
struct Job {
    code: &'static str,
    /// The label up to its first ` / ` (`Conducteur / Conductrice d'engins agricoles` gives
    /// `Conducteur`), as the generator takes it.
    title: &'static str,
    /// The title's words worth searching (4 letters or more).
    words: Vec<&'static str>,
}

/// What the requests are drawn from: the referentials, weighted like the generator's offers.
#[derive(Debug, Clone)]
pub struct OfferData {
    jobs: Vec<Job>,
    /// The generator's weights (`plateforme_dataset::offers::rome_weight`).
    job_weights: WeightedTable,
    /// Indexes into `communes()` of the most populous communes with a position.
    centres: Vec<usize>,
    centre_weights: WeightedTable,
    /// Every commune with a population, by population: where import lines' jobs are.
    workplaces: Vec<usize>,
    workplace_weights: WeightedTable,
    naf: Vec<&'static str>,
    today: DateTime<Utc>,
}

impl OfferData {
    pub fn new() -> Result<OfferData, DatasetError> {
        let jobs: Vec<Job> = rome_codes()
            .iter()
            .map(|rome| {
                let title = job_title(rome);
                let words =
                    title.split(|c: char| !c.is_alphanumeric()).filter(|word| word.chars().count() >= 4).collect();
                Job { code: &rome.code, title, words }
            })
            .collect();
        let job_weights = rome_table()?;
        let population = |index: &usize| communes()[*index].population.unwrap_or(0);
        // The referential also lists the communes of the overseas collectivities (975, 977,
        // 978, 98…), which the API refuses.
        let workplaces: Vec<usize> = (0..communes().len())
            .filter(|index| population(index) > 0 && CommuneCode::parse(&communes()[*index].code).is_ok())
            .collect();
        let no_commune = || DatasetError::Invalid("no commune with a population".into());
        let workplace_weights = WeightedTable::new(workplaces.iter().map(population)).ok_or_else(no_commune)?;
        // A few communes of the referential have no position: no radius around them.
        let mut placed: Vec<usize> =
            workplaces.iter().copied().filter(|index| communes()[*index].position().is_some()).collect();
        placed.sort_by_key(|index| std::cmp::Reverse(population(index)));
        placed.truncate(CENTRES);
        let centre_weights = WeightedTable::new(placed.iter().map(population)).ok_or_else(no_commune)?;
        let today = Utc::now().date_naive().and_hms_opt(0, 0, 0).map(|time| time.and_utc()).unwrap_or_default();
        Ok(OfferData {
            jobs,
            job_weights,
            centres: placed,
            centre_weights,
            workplaces,
            workplace_weights,
            naf: naf_codes().iter().map(|naf| naf.code.as_str()).collect(),
            today,
        })
    }

    fn job(&self, random: &mut Rng) -> &Job {
        &self.jobs[self.job_weights.draw(random)]
    }

    /// A ROME code drawn as the generator's offers draw theirs (the profile bank's jobs too).
    pub fn job_code(&self, random: &mut Rng) -> &'static str {
        self.job(random).code
    }

    /// A job with a searchable word in its title.
    fn job_with_words(&self, random: &mut Rng) -> &Job {
        for _ in 0..20 {
            let job = self.job(random);
            if !job.words.is_empty() {
                return job;
            }
        }
        self.jobs.iter().find(|job| !job.words.is_empty()).unwrap_or(&self.jobs[0])
    }

    /// One of the title's words as a user types it: as written, without accents, plural, or
    /// in capitals.
    fn typed(job: &Job, random: &mut Rng) -> String {
        let word = *random.pick(&job.words);
        match random.below(100) {
            0..40 => word.to_owned(),
            40..60 => normalize(word).to_lowercase(),
            60..85 => plural(&word.to_lowercase()),
            _ => normalize(word),
        }
    }

    /// One search: its shape (an index into [`SHAPES`]) and its path with the query.
    pub fn search_path(&self, random: &mut Rng) -> (usize, String) {
        let point = random.below(100);
        let shape = SHAPES.iter().position(|shape| point < shape.until).unwrap_or(SHAPES.len() - 1);
        let Shape { words, rome, contracts, near, sort, .. } = SHAPES[shape];
        let mut query = String::with_capacity(128);
        let job = if words { self.job_with_words(random) } else { self.job(random) };
        if words {
            let mut typed = OfferData::typed(job, random);
            if random.chance(0.15) {
                let second = *random.pick(SECOND_WORDS);
                typed.push(' ');
                typed.push_str(second);
            }
            query.push_str("&q=");
            percent_encode(&typed, &mut query);
        }
        if rome {
            let _ = write!(query, "&rome={}", job.code);
        }
        if contracts {
            query.push_str("&contract_type=");
            // One of the three common types, sometimes with one of the rarer ones.
            query.push_str(CONTRACTS[random.below(3) as usize].0.as_str());
            if random.chance(0.5) {
                query.push(',');
                query.push_str(CONTRACTS[3 + random.below(CONTRACTS.len() as u64 - 3) as usize].0.as_str());
            }
        }
        if let Some(radii) = near {
            let commune = self.centre(random);
            let _ = write!(query, "&near_commune={}&radius_km={}", commune.code, random.pick(radii));
        }
        if let Some(sort) = sort {
            let _ = write!(query, "&sort={sort}");
        }
        (shape, format!("/v1/offers?{}", &query[1..]))
    }

    /// One completion request: the first 2 to 6 letters of a title's word, as a user types
    /// them in a search box (as written, or without accents).
    pub fn suggest_path(&self, random: &mut Rng) -> String {
        let job = self.job_with_words(random);
        let word = *random.pick(&job.words);
        let letters = 2 + random.below(5) as usize;
        let mut typed: String = word.chars().take(letters).collect();
        if random.chance(0.4) {
            typed = normalize(&typed).to_lowercase();
        }
        let mut path = "/v1/offers/suggest?q=".to_owned();
        percent_encode(&typed, &mut path);
        path
    }
}

impl OfferData {
    /// A populous commune with a position, drawn by population: where searches are centred.
    pub fn centre(&self, random: &mut Rng) -> &'static plateforme_reference_data::Commune {
        &communes()[self.centres[self.centre_weights.draw(random)]]
    }
}

/// A kind of search of the mix.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub name: &'static str,
    /// Drawn when a number in 0..100 is below this (and above the previous shape's).
    until: u64,
    /// `q=`: a word of a title the generator writes (sometimes with a second word).
    words: bool,
    /// `rome=`: the code of that title, or a code drawn by the generator's weights.
    rome: bool,
    /// `contract_type=`: one or two types.
    contracts: bool,
    /// `near_commune=` a populous commune, `radius_km=` one of these.
    near: Option<&'static [u64]>,
    sort: Option<&'static str>,
}

const TEXT_RADII: &[u64] = &[10, 15, 20, 25, 30, 40, 50];
const ROME_RADII: &[u64] = &[20, 30, 40, 50];

/// The mix of searches, in shares of 100.
pub const SHAPES: &[Shape] = &[
    Shape {
        name: "words + radius (relevance)",
        until: 25,
        words: true,
        rome: false,
        contracts: false,
        near: Some(TEXT_RADII),
        sort: None,
    },
    Shape {
        name: "ROME + radius (date)",
        until: 45,
        words: false,
        rome: true,
        contracts: false,
        near: Some(ROME_RADII),
        sort: None,
    },
    Shape {
        name: "words, nationwide (relevance)",
        until: 60,
        words: true,
        rome: false,
        contracts: false,
        near: None,
        sort: None,
    },
    Shape {
        name: "words + their ROME, nationwide (relevance)",
        until: 70,
        words: true,
        rome: true,
        contracts: false,
        near: None,
        sort: None,
    },
    Shape {
        name: "words + radius, sort=distance",
        until: 80,
        words: true,
        rome: false,
        contracts: false,
        near: Some(TEXT_RADII),
        sort: Some("distance"),
    },
    Shape {
        name: "ROME + contract types + radius, sort=date",
        until: 90,
        words: false,
        rome: true,
        contracts: true,
        near: Some(ROME_RADII),
        sort: Some("date"),
    },
    Shape {
        name: "words + contract types + radius, sort=date",
        until: 100,
        words: true,
        rome: false,
        contracts: true,
        near: Some(TEXT_RADII),
        sort: Some("date"),
    },
];

/// The plural of a French noun, for the common cases.
fn plural(word: &str) -> String {
    if word.ends_with(['s', 'x', 'z']) {
        word.to_owned()
    } else if word.ends_with("eau") || word.ends_with("eu") {
        format!("{word}x")
    } else if let Some(stem) = word.strip_suffix("al") {
        format!("{stem}aux")
    } else {
        format!("{word}s")
    }
}

/// Appends `text` percent-encoded for a query string (UTF-8, unreserved characters as is).
pub fn percent_encode(text: &str, out: &mut String) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

/// Appends `text` as a JSON string.
fn json_string(text: &str, out: &mut String) {
    // serde_json escapes exactly as a JSON parser expects; a `str` always serializes.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

/// A job as the import sends it: what makes two lines the same job, and the rest.
#[derive(Debug, Clone)]
struct Posting {
    job: usize,
    contract: ContractType,
    employer: String,
    siret: Option<String>,
    /// Everything after the fields that decide the same job, already as JSON (`,"…":…`).
    rest: String,
    description: String,
}

/// The import lines of one client: unique references, and the jobs sent lately, which about
/// one line in ten sends again from another source. The jobs are drawn from the run's nonce
/// too: a run on a reused database sends other jobs than the runs before (the same ones would
/// merge into those runs' offers).
#[derive(Debug)]
pub struct ImportLines {
    prefix: String,
    random: Rng,
    count: u64,
    recent: VecDeque<Posting>,
}

/// Share of the lines that are an earlier job sent again by another source.
pub const DUPLICATE_SHARE: f64 = 0.10;
/// How far back a duplicate's job is taken from (lines of the same client).
const RECENT: usize = 2_000;

impl ImportLines {
    /// `nonce` makes the references of this run unique; `client` those of this client.
    pub fn new(nonce: &str, client: usize) -> ImportLines {
        let prefix = format!("{nonce}-{client}-");
        let random = Rng::new(0, &prefix);
        ImportLines { prefix, random, count: 0, recent: VecDeque::with_capacity(RECENT) }
    }

    /// An NDJSON body of `lines` publications.
    pub fn body(&mut self, data: &OfferData, lines: usize) -> Vec<u8> {
        let random = &mut self.random;
        let mut out = String::with_capacity(lines * 1_200);
        for _ in 0..lines {
            self.count += 1;
            let duplicate = !self.recent.is_empty() && random.chance(DUPLICATE_SHARE);
            let (system, posting) = if duplicate {
                let back = random.below(self.recent.len() as u64) as usize;
                ("bench-jobboard", self.recent[self.recent.len() - 1 - back].clone())
            } else {
                let posting = posting(data, random);
                if self.recent.len() == RECENT {
                    self.recent.pop_front();
                }
                self.recent.push_back(posting.clone());
                ("bench-import", posting)
            };
            let _ = write!(
                out,
                "{{\"source\":{{\"system\":\"{system}\",\"reference\":\"{}{}\"}},\"offer\":{{\"title\":",
                self.prefix, self.count
            );
            let job = &data.jobs[posting.job];
            json_string(job.title, &mut out);
            out.push_str(",\"description\":");
            if duplicate {
                json_string(&format!("{}\n\nOffre relayée par un site partenaire.", posting.description), &mut out);
            } else {
                json_string(&posting.description, &mut out);
            }
            let _ = write!(
                out,
                ",\"rome_code\":\"{}\",\"contract_type\":\"{}\",\"employer\":{{\"name\":",
                job.code,
                posting.contract.as_str()
            );
            json_string(&posting.employer, &mut out);
            if let Some(siret) = &posting.siret {
                let _ = write!(out, ",\"siret\":\"{siret}\"");
            }
            out.push_str(&posting.rest);
            out.push_str("}}\n");
        }
        out.into_bytes()
    }
}

/// A new job, drawn as the generator draws its offers.
fn posting(data: &OfferData, random: &mut Rng) -> Posting {
    let job = data.job_weights.draw(random);
    let commune_index = data.workplaces[data.workplace_weights.draw(random)];
    let commune = &communes()[commune_index];
    let contract = random.weighted(CONTRACTS);
    let employer = format!("{} {}{}", random.pick(TRADES), random.pick(FAMILY_NAMES), random.pick(LEGAL_FORMS));
    let unit = (fnv1a(employer.as_bytes()) % 10_000_000) as u32;
    let siret = random
        .chance(0.9)
        .then(|| siret(BENCH_SIRENS, unit, (commune_index % 9_000 + 1) as u32))
        .and_then(Result::ok)
        .map(String::from);
    let description = description(random, &employer, data.jobs[job].title, commune);
    let mut rest = String::with_capacity(600);
    if random.chance(0.5) {
        let _ = write!(rest, ",\"naf\":\"{}\"", random.pick(&data.naf));
    }
    let _ = write!(rest, ",\"size_band\":\"{}\"}}", random.pick(&["1-9", "10-49", "50-249", "250-4999"]));
    let _ = write!(rest, ",\"workplace\":{{\"commune\":\"{}\"", commune.code);
    if random.chance(0.3)
        && let Some((latitude, longitude)) = commune.position()
    {
        let shift = |random: &mut Rng| (random.below(101) as f64 - 50.0) / 10_000.0;
        let _ = write!(
            rest,
            ",\"latitude\":{:.5},\"longitude\":{:.5}",
            latitude + shift(random),
            longitude + shift(random)
        );
    }
    rest.push('}');
    match contract {
        ContractType::Cdi => {}
        ContractType::Apprenticeship | ContractType::Professionalisation => {
            let _ = write!(rest, ",\"contract_months\":{}", random.between(12, 36));
        }
        _ => {
            let _ = write!(rest, ",\"contract_months\":{}", random.between(1, 18));
        }
    }
    let hours = if random.chance(0.8) { 35 } else { random.between(10, 30) };
    let _ = write!(rest, ",\"weekly_hours\":{hours}.0");
    if random.chance(0.7) {
        let min = random.between(1_800, 3_200);
        let _ = write!(
            rest,
            ",\"salary\":{{\"min\":{min}.0,\"max\":{}.0,\"period\":\"month\"}}",
            min + random.between(0, 800)
        );
    }
    let positions = if random.chance(0.9) { 1 } else { random.between(2, 5) };
    let _ = write!(rest, ",\"positions\":{positions},\"skills\":[");
    for index in 0..random.between(0, 5) {
        if index > 0 {
            rest.push(',');
        }
        let skill = *random.pick(SKILLS);
        json_string(skill, &mut rest);
    }
    rest.push(']');
    if random.chance(0.6) {
        let _ = write!(rest, ",\"qualification_level\":{}", random.between(3, 7));
    }
    let _ = write!(
        rest,
        ",\"experience\":{{\"level\":\"{}\"}},\"remote_work\":\"{}\"",
        random.pick(&["beginner_accepted", "desired", "required"]),
        if random.chance(0.1) { "partial" } else { "none" }
    );
    let _ = write!(
        rest,
        ",\"inclusive_hiring\":{{\"disability_committed\":{},\"without_cv\":{},\"open_to_iae\":{}}}",
        random.chance(0.15),
        random.chance(0.05),
        random.chance(0.08)
    );
    let published_at = data.today - Duration::days(random.between(0, 50)) + Duration::minutes(random.between(0, 1439));
    let expires_at = published_at + Duration::days(random.between(60, 90));
    let _ = write!(
        rest,
        ",\"published_at\":\"{}\",\"expires_at\":\"{}\"",
        published_at.format("%Y-%m-%dT%H:%M:%SZ"),
        expires_at.format("%Y-%m-%dT%H:%M:%SZ")
    );
    Posting { job, contract, employer, siret, rest, description }
}

/// The `summary` of a batch's answer, read from the start of the body (the results that
/// follow, one per line, are not parsed).
pub fn read_summary(body: &[u8]) -> Option<BatchSummary> {
    #[derive(serde::Deserialize)]
    struct Head {
        summary: BatchSummary,
    }
    // `{"summary":{…numbers…},"results":[…]}`: the summary ends at the first `}`.
    let end = body.iter().position(|byte| *byte == b'}')?;
    let mut head = body[..=end].to_vec();
    head.push(b'}');
    let head: Head = serde_json::from_slice(&head).ok()?;
    Some(head.summary)
}

/// The first rejected line of a batch's answer, with its errors (read only when there is one).
pub fn first_rejection(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let rejected = value
        .get("results")?
        .as_array()?
        .iter()
        .find(|result| result.get("outcome").and_then(|outcome| outcome.as_str()) == Some("rejected"))?;
    Some(rejected.to_string())
}

/// The `total` of a search answer, read without parsing the offers: the last `"total":` of the
/// body is the answer's own (the facets that follow it hold `value` and `count` only, and a
/// quote inside a string is escaped).
pub fn search_total(body: &[u8]) -> Option<u64> {
    const KEY: &[u8] = b"\"total\":";
    let start = body.windows(KEY.len()).rposition(|window| window == KEY)? + KEY.len();
    let digits: Vec<u8> = body[start..].iter().copied().take_while(u8::is_ascii_digit).collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use plateforme_model::codes::Siret;

    use super::*;

    #[test]
    fn import_lines_are_json_with_unique_references_and_some_duplicates() {
        let data = OfferData::new().expect("offer data");
        for client in 0..40 {
            let body = ImportLines::new("x", client).body(&data, 1_000);
            for line in String::from_utf8(body).expect("UTF-8").lines() {
                serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|error| panic!("{error}: {line}"));
            }
        }
        let mut lines = ImportLines::new("n1", 3);
        let body = lines.body(&data, 2_000);
        let text = String::from_utf8(body).expect("UTF-8");
        let mut references = std::collections::HashSet::new();
        let mut duplicates = 0;
        for line in text.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}"));
            let reference = value["source"]["reference"].as_str().expect("reference").to_owned();
            assert!(reference.starts_with("n1-3-"), "{reference}");
            assert!(references.insert(reference), "unique references");
            if value["source"]["system"] == "bench-jobboard" {
                duplicates += 1;
            }
            let offer = &value["offer"];
            let rome = offer["rome_code"].as_str().expect("rome");
            assert!(plateforme_reference_data::rome(rome).is_some(), "{rome}");
            let commune = offer["workplace"]["commune"].as_str().expect("commune");
            assert!(plateforme_reference_data::commune(commune).is_some(), "{commune}");
            if let Some(siret) = offer["employer"]["siret"].as_str() {
                assert!(Siret::parse(siret).is_ok() && siret.starts_with('7'), "{siret}");
            }
            if let Some(naf) = offer["employer"]["naf"].as_str() {
                assert!(plateforme_reference_data::naf(naf).is_some(), "{naf}");
            }
            assert_eq!(offer["contract_type"] == "cdi", offer.get("contract_months").is_none(), "{line}");
        }
        assert_eq!(references.len(), 2_000);
        assert!((150..250).contains(&duplicates), "about 10 % duplicates: {duplicates}");
    }

    #[test]
    fn search_paths_are_deterministic_and_encoded() {
        let data = OfferData::new().expect("offer data");
        let draw = |seed| {
            let mut random = Rng::new(seed, "test");
            (0..400).map(|_| data.search_path(&mut random)).collect::<Vec<_>>()
        };
        let drawn = draw(1);
        assert_eq!(drawn, draw(1));
        for (index, shape) in SHAPES.iter().enumerate() {
            assert!(drawn.iter().any(|(drawn, _)| *drawn == index), "{}", shape.name);
        }
        let paths: Vec<String> = drawn.into_iter().map(|(_, path)| path).collect();
        for path in &paths {
            assert!(path.starts_with("/v1/offers?"), "{path}");
            assert!(path.is_ascii() && !path.contains(' '), "{path}");
        }
        assert!(paths.iter().any(|path| path.contains("q=") && path.contains("near_commune=")));
        assert!(paths.iter().any(|path| path.contains("rome=") && path.contains("radius_km=")));
        assert!(paths.iter().any(|path| path.contains("sort=distance")));
        assert!(paths.iter().any(|path| path.contains("contract_type=")));
        assert!(paths.iter().any(|path| path.contains("%C3%A9")), "some words keep their accents");
    }

    #[test]
    fn answers_are_read_without_parsing_the_offers() {
        let body = br#"{"items":[{"title":"say \"total\": 3","total":5}],"total":1234,"facets":{"contract_types":[{"value":"cdi","count":1234}]}}"#;
        assert_eq!(search_total(body), Some(1234));
        let batch = br#"{"summary":{"lines":3,"created":1,"merged":1,"updated":0,"unchanged":0,"rejected":1},"results":[{"line":3,"outcome":"rejected","errors":[]}]}"#;
        let summary = read_summary(batch).expect("summary");
        assert_eq!((summary.lines, summary.created, summary.merged, summary.rejected), (3, 1, 1, 1));
        assert_eq!(summary.published(), 2);
        let mut total = BatchSummary::default();
        total.add(summary);
        total.add(summary);
        assert_eq!(total, BatchSummary { lines: 6, created: 2, merged: 2, updated: 0, unchanged: 0, rejected: 2 });
        assert!(first_rejection(batch).is_some_and(|line| line.contains("\"line\":3")));
        assert_eq!(plural("technicien"), "techniciens");
        assert_eq!(plural("chapeau"), "chapeaux");
        let data = OfferData::new().expect("offer data");
        let workplace = |code: &str| data.workplaces.iter().any(|index| communes()[*index].code == code);
        for (code, taken) in [("69123", true), ("2A004", true), ("97411", true), ("97501", false), ("98818", false)] {
            assert_eq!(workplace(code), taken, "{code}");
        }
    }
}
