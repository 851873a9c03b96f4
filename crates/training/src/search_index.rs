//! Formations as the search engine holds them: their kind (fields and weights), the document of
//! a formation, and where the indexer reads them. Only active formations are searchable.
//!
//! One document per formation (its actions and sessions inside): the engine keeps one
//! document per record of the change feed, and a formation is the record its imports write.
//! The session- and action-level values (start days, communes, modes, recruitment,
//! accessibility) are kept as lists, so each filter holds when *some* session or action of
//! the formation meets it; the field `session` holds one structured value per session (its
//! start, recruitment, its action's communes, départements and funders), by which the search
//! checks that its session-level filters together hold for one and the same session
//! ([`SessionCode`]).

use std::path::Path;
use std::time::Duration;

use chrono::{Datelike, NaiveDate};

use plateforme_search::indexer::IndexerOptions;
use plateforme_search::{Document, Indexer, Kind, SearchError, Source, Value};
use plateforme_store::training::{self, RESOURCE_TYPE, StoredTraining};
use plateforme_store::{DbConnection, Store, StoreError};
use uuid::Uuid;

use crate::get_training::training_of;
use crate::model::{Action, Recruitment, Session, TeachingMode, Training};

pub const TITLE: &str = "title";
pub const DESCRIPTION: &str = "description";
pub const FORMACODE: &str = "formacode";
pub const ROME_CODE: &str = "rome_code";
pub const RNCP: &str = "rncp";
pub const COMMUNE: &str = "commune";
pub const DEPARTEMENT: &str = "departement";
/// The formation's one région (facet: one value per formation).
pub const REGION: &str = "region";
/// `true` or `false` (facet: one value per formation).
pub const CERTIFYING: &str = "certifying";
/// The first day of each session, `YYYY-MM-DD`.
pub const START_DAY: &str = "start_day";
pub const DISTANCE_LEARNING: &str = "distance_learning";
pub const OPEN_RECRUITMENT: &str = "open_recruitment";
pub const ACCESSIBLE: &str = "accessible";
/// The `code-financeur` of each action's funders.
pub const FUNDER: &str = "funder";
/// One [`SessionCode`] per session, training site and funder, read per document.
pub const SESSION: &str = "session";
/// Microseconds since the Unix epoch: ties of relevance go to the latest updated.
pub const UPDATED_AT: &str = "updated_at";

/// How long an import waits for this replica's index to hold it before answering.
pub const READ_YOUR_WRITES: Duration = Duration::from_secs(5);

/// The formations' kind: title matches weigh most, then the objective, results and content.
pub fn kind() -> Kind {
    // Version 2: the fields `funder` and `session`; 3: the session's départements; 4: the
    // session as numbers (one per training site and funder).
    Kind::new("trainings", RESOURCE_TYPE, 4)
        .text(TITLE, 10.0)
        .text(DESCRIPTION, 1.0)
        .keyword(FORMACODE)
        .keyword(ROME_CODE)
        .keyword(RNCP)
        .keyword(COMMUNE)
        .keyword(DEPARTEMENT)
        .facet(REGION)
        .facet(CERTIFYING)
        .keyword(START_DAY)
        .flag(DISTANCE_LEARNING)
        .flag(OPEN_RECRUITMENT)
        .flag(ACCESSIBLE)
        .keyword(FUNDER)
        .integer(SESSION)
        .integer(UPDATED_AT)
}

/// The document of an active formation: its fields, and the formation as a search answers it.
pub fn document(training: &Training) -> Result<Document, StoreError> {
    let formation = &training.formation;
    let source = serde_json::to_string(training).map_err(crate::corrupt)?;
    let description = [&formation.objective, &formation.expected_results, &formation.content]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let actions = &formation.actions;
    let sessions = || actions.iter().flat_map(|action| &action.sessions);
    let addresses = actions.iter().flat_map(|action| action.sites.iter().map(|site| &site.address));
    let mut document = Document::new(training.id, source)
        .with(TITLE, Value::Text(formation.title.clone()))
        .with(DESCRIPTION, Value::Text(description))
        .with(REGION, Value::Keyword(training.region.clone()))
        .with(CERTIFYING, Value::Keyword(formation.certifying.to_string()))
        .with(
            DISTANCE_LEARNING,
            Value::Flag(actions.iter().any(|action| action.teaching_mode == Some(TeachingMode::Distance))),
        )
        .with(OPEN_RECRUITMENT, Value::Flag(sessions().any(|session| session.recruitment == Some(Recruitment::Open))))
        .with(
            ACCESSIBLE,
            Value::Flag(
                actions
                    .iter()
                    .any(|action| action.disability_access.as_deref().is_some_and(|access| !access.trim().is_empty())),
            ),
        )
        .with(UPDATED_AT, Value::Integer(training.updated_at.timestamp_micros()));
    let keywords = formation
        .domain
        .formacode
        .iter()
        .map(|coded| (FORMACODE, coded.code.clone()))
        .chain(formation.domain.rome.iter().map(|coded| (ROME_CODE, coded.code.clone())))
        .chain(
            formation
                .certifications
                .iter()
                .filter_map(|certification| certification.rncp.clone())
                .map(|rncp| (RNCP, rncp)),
        )
        .chain(addresses.clone().filter_map(|address| address.commune.clone()).map(|commune| (COMMUNE, commune)))
        .chain(
            addresses.filter_map(|address| address.departement.clone()).map(|departement| (DEPARTEMENT, departement)),
        )
        .chain(sessions().filter_map(|session| session.earliest_start()).map(|day| (START_DAY, day.to_string())))
        .chain(actions.iter().flat_map(|action| &action.funders).map(|funder| (FUNDER, funder.code.clone())))
        .collect::<std::collections::BTreeSet<_>>();
    for (field, value) in keywords {
        document = document.with(field, Value::Keyword(value));
    }
    let sessions =
        actions.iter().flat_map(|action| action.sessions.iter().flat_map(|session| SessionCode::all(action, session)));
    for code in sessions.collect::<std::collections::BTreeSet<_>>() {
        document = document.with(SESSION, Value::Integer(code.pack()));
    }
    Ok(document)
}

/// What a session's filters read of it, packed into one number per training site and funder of
/// its action, so that the search checks its session-level filters together on one value: whether
/// its recruitment is open, its first day, the site's commune and département, the funder.
///
/// Numbers, not words: the search tests every value of every candidate formation, and a number
/// is read from its column directly where a word is decoded from the column's dictionary (a
/// block each time), which made the search slow at national scale.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct SessionCode {
    pub open: bool,
    /// [`day_number`], 0 when the start is not known.
    pub day: u32,
    /// [`commune_number`], 0 for none.
    pub commune: u32,
    /// [`departement_number`], 0 for none.
    pub departement: u32,
    /// [`funder_number`], 0 for none.
    pub funder: u32,
}

/// Bits of each part, from the lowest: funder, département, commune, day; then the flag.
const FUNDER_BITS: u32 = 7;
const DEPARTEMENT_BITS: u32 = 10;
const COMMUNE_BITS: u32 = 17;
const DAY_BITS: u32 = 20;

impl SessionCode {
    /// One code per training site (or none) and funder (or none) of the session's action.
    pub fn all(action: &Action, session: &Session) -> Vec<SessionCode> {
        let open = session.recruitment == Some(Recruitment::Open);
        let day = session.earliest_start().map_or(0, day_number);
        let mut places: Vec<(u32, u32)> = action
            .sites
            .iter()
            .map(|site| {
                let address = &site.address;
                let commune = address.commune.as_deref().and_then(commune_number).unwrap_or(0);
                (commune, address.departement.as_deref().and_then(departement_number).unwrap_or(0))
            })
            .collect();
        if places.is_empty() {
            places.push((0, 0));
        }
        let mut funders: Vec<u32> = action.funders.iter().filter_map(|funder| funder_number(&funder.code)).collect();
        if funders.is_empty() {
            funders.push(0);
        }
        places
            .iter()
            .flat_map(|&(commune, departement)| {
                funders.iter().map(move |&funder| SessionCode { open, day, commune, departement, funder })
            })
            .collect()
    }

    pub fn pack(self) -> i64 {
        let mut packed = u64::from(self.open);
        for (part, bits) in [
            (self.day, DAY_BITS),
            (self.commune, COMMUNE_BITS),
            (self.departement, DEPARTEMENT_BITS),
            (self.funder, FUNDER_BITS),
        ] {
            packed = (packed << bits) | u64::from(part & ((1 << bits) - 1));
        }
        // 55 bits: always a positive i64.
        packed as i64
    }

    pub fn unpack(packed: i64) -> SessionCode {
        let mut packed = packed as u64;
        let mut take = |bits: u32| {
            let part = (packed & ((1 << bits) - 1)) as u32;
            packed >>= bits;
            part
        };
        let funder = take(FUNDER_BITS);
        let departement = take(DEPARTEMENT_BITS);
        let commune = take(COMMUNE_BITS);
        let day = take(DAY_BITS);
        SessionCode { open: packed & 1 == 1, day, commune, departement, funder }
    }
}

/// A day as a number: days from 1 January of year 1 (1 for that day), within 20 bits up to the
/// year 2870; 0 is kept for an unknown start.
pub fn day_number(day: NaiveDate) -> u32 {
    u32::try_from(day.num_days_from_ce()).unwrap_or(0).min((1 << DAY_BITS) - 1)
}

/// An INSEE commune code as a number: its first two characters as the département's
/// (`2A` 100, `2B` 101), times 1,000, plus its last three digits; none for another shape.
pub fn commune_number(code: &str) -> Option<u32> {
    let (head, tail) = (code.get(..2)?, code.get(2..)?);
    if tail.len() != 3 || !tail.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let head = match head {
        "2A" => 100,
        "2B" => 101,
        digits if digits.bytes().all(|byte| byte.is_ascii_digit()) => digits.parse().ok()?,
        _ => return None,
    };
    Some(head * 1000 + tail.parse::<u32>().ok()?)
}

/// A département code as a number: its digits (`01` 1, `971` 971), `2A` 100, `2B` 101; none for
/// another shape (and never 0).
pub fn departement_number(code: &str) -> Option<u32> {
    match code {
        "2A" => Some(100),
        "2B" => Some(101),
        digits if (2..=3).contains(&digits.len()) && digits.bytes().all(|byte| byte.is_ascii_digit()) => {
            digits.parse().ok().filter(|number| *number > 0)
        }
        _ => None,
    }
}

/// A funder code (LHEO `code-financeur`, 1 or 2 digits) as a number: the code plus one; none
/// for another text, which cannot be searched for (rule `funding.format`).
pub fn funder_number(code: &str) -> Option<u32> {
    if !(1..=2).contains(&code.len()) || !code.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    code.parse::<u32>().ok().map(|number| number + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_code_unpacks_to_what_was_packed() {
        let day = day_number(NaiveDate::from_ymd_opt(2027, 3, 15).expect("a day"));
        for code in [
            SessionCode::default(),
            SessionCode { open: true, day, commune: 101_999, departement: 976, funder: 100 },
            SessionCode { open: false, day: (1 << DAY_BITS) - 1, commune: 69_123, departement: 69, funder: 1 },
        ] {
            assert!(code.pack() >= 0);
            assert_eq!(SessionCode::unpack(code.pack()), code);
        }
    }

    #[test]
    fn codes_become_distinct_numbers_and_other_shapes_none() {
        assert_eq!(commune_number("69123"), Some(69_123));
        assert_eq!(commune_number("2A004"), Some(100_004));
        assert_eq!(commune_number("2B033"), Some(101_033));
        assert_eq!(commune_number("97411"), Some(97_411));
        assert_eq!(commune_number("6912"), None);
        assert_eq!(commune_number("2C004"), None);
        assert_eq!(departement_number("01"), Some(1));
        assert_eq!(departement_number("2A"), Some(100));
        assert_eq!(departement_number("974"), Some(974));
        assert_eq!(departement_number("00"), None);
        assert_eq!(funder_number("0"), Some(1));
        assert_eq!(funder_number("99"), Some(100));
        assert_eq!(funder_number("A1"), None);
        let (early, late) = (NaiveDate::from_ymd_opt(2027, 1, 31), NaiveDate::from_ymd_opt(2027, 2, 1));
        assert_eq!(day_number(late.expect("a day")), day_number(early.expect("a day")) + 1);
    }
}

fn document_of(stored: StoredTraining) -> Result<Document, StoreError> {
    let training = training_of(stored).map_err(|error| crate::corrupt(error.detail))?;
    document(&training)
}

/// Where the indexer reads formations: the active ones.
struct TrainingSource;

impl Source for TrainingSource {
    fn kind(&self) -> Kind {
        kind()
    }

    fn load(&self, conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<(Uuid, Option<Document>)>, StoreError> {
        let mut active = training::active_among(conn, ids)?.into_iter().peekable();
        let mut documents = Vec::with_capacity(ids.len());
        // Both in id order: an id the database did not answer is not searchable.
        let mut sorted = ids.to_vec();
        sorted.sort_unstable_by_key(|id| id.to_string());
        for id in sorted {
            let document = match active.next_if(|stored| stored.id == id) {
                Some(stored) => Some(document_of(stored)?),
                None => None,
            };
            documents.push((id, document));
        }
        Ok(documents)
    }

    fn page(&self, conn: &mut DbConnection, after: Option<Uuid>, limit: usize) -> Result<Vec<Document>, StoreError> {
        training::active_page(conn, None, after, limit)?.into_iter().map(document_of).collect()
    }
}

/// The formations' index of this replica, kept in step with the database.
#[derive(Clone)]
pub struct TrainingsIndex(pub Indexer);

impl TrainingsIndex {
    /// Opens (or rebuilds) the formations' index under `folder` and follows the change feed.
    pub fn start(folder: &Path, store: Store) -> Result<TrainingsIndex, SearchError> {
        Indexer::start(folder, store, TrainingSource, IndexerOptions::default()).map(TrainingsIndex)
    }

    /// After an import that wrote the formations `written`: waits, at most
    /// [`READ_YOUR_WRITES`], for the index to hold them (and everything the feed serves by then).
    pub async fn holds_the_writes_before(&self, written: &[Uuid]) {
        if !self.0.caught_up(written, READ_YOUR_WRITES).await {
            tracing::warn!("the training search index did not reach an import within the bound; answering anyway");
        }
    }
}
