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
//! ([`SessionValue`]).

use std::path::Path;
use std::time::Duration;

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
/// One [`SessionValue`] per session, read per document (declared as a facet).
pub const SESSION: &str = "session";
/// Microseconds since the Unix epoch: ties of relevance go to the latest updated.
pub const UPDATED_AT: &str = "updated_at";

/// How long an import waits for this replica's index to hold it before answering.
pub const READ_YOUR_WRITES: Duration = Duration::from_secs(5);

/// The formations' kind: title matches weigh most, then the objective, results and content.
pub fn kind() -> Kind {
    // Version 2: the fields `funder` and `session`; 3: the session's départements; 4: the
    // session's recruitment before its start.
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
        .facet(SESSION)
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
        .chain(actions.iter().flat_map(|action| {
            action.sessions.iter().map(move |session| (SESSION, SessionValue::encode(action, session)))
        }))
        .collect::<std::collections::BTreeSet<_>>();
    for (field, value) in keywords {
        document = document.with(field, Value::Keyword(value));
    }
    Ok(document)
}

/// What a session's filters read of it, as one keyword value: whether its recruitment is open,
/// its first day, and its action's communes, funders and départements, in that order —
/// `open|start|communes|funders|départements`, lists comma-separated. None of the parts holds
/// `|` or `,` (days, INSEE codes, département codes and funder codes are checked by the import).
///
/// The flag and the day come first so that the values of the sessions open (or not) starting
/// in a window are one range of the column's sorted values ([`SessionValue::ranges`]): the
/// search passes or fails most values by their place, without reading them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionValue<'a> {
    pub open: bool,
    pub start_day: Option<&'a str>,
    communes: &'a str,
    funders: &'a str,
    departements: &'a str,
}

impl<'a> SessionValue<'a> {
    pub fn encode(action: &Action, session: &Session) -> String {
        let open = if session.recruitment == Some(Recruitment::Open) { "1" } else { "0" };
        let start = session.earliest_start().map(|day| day.to_string()).unwrap_or_default();
        let communes = join(action.sites.iter().filter_map(|site| site.address.commune.as_deref()));
        let departements = join(action.sites.iter().filter_map(|site| site.address.departement.as_deref()));
        // A funder code is a number in LHEO's dictionary; another text cannot be searched for
        // (rule `funding.format`) and could break the value's separators.
        let funders = join(
            action
                .funders
                .iter()
                .map(|funder| funder.code.as_str())
                .filter(|code| code.chars().all(|c| c.is_ascii_alphanumeric())),
        );
        format!("{open}|{start}|{communes}|{funders}|{departements}")
    }

    /// The value read in place; none when it is not of this shape.
    pub fn read(value: &'a str) -> Option<SessionValue<'a>> {
        let mut parts = value.split('|');
        let (open, start, communes, funders) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let departements = parts.next()?;
        Some(SessionValue {
            open: open == "1",
            start_day: Some(start).filter(|start| !start.is_empty()),
            communes,
            funders,
            departements,
        })
    }

    pub fn communes(&self) -> impl Iterator<Item = &'a str> {
        items(self.communes)
    }

    pub fn funders(&self) -> impl Iterator<Item = &'a str> {
        items(self.funders)
    }

    pub fn departements(&self) -> impl Iterator<Item = &'a str> {
        items(self.departements)
    }

    /// The ranges `[from, to)` holding the values of the sessions whose recruitment is open
    /// (every session unless `open_only`) and that start between the two days (`YYYY-MM-DD`,
    /// both included; any start, even unknown, without them). None when every value is in range.
    pub fn ranges(open_only: bool, days: Option<(&str, &str)>) -> Vec<(String, String)> {
        let flags: &[&str] = if open_only { &["1"] } else { &["0", "1"] };
        match days {
            // `}` follows `|`: `1|2027-03-15}` is above every value of a session starting that day.
            Some((first, last)) => {
                flags.iter().map(|flag| (format!("{flag}|{first}"), format!("{flag}|{last}}}"))).collect()
            }
            None if open_only => vec![("1|".to_owned(), "1}".to_owned())],
            None => Vec::new(),
        }
    }
}

fn join<'s>(parts: impl Iterator<Item = &'s str>) -> String {
    parts.collect::<Vec<_>>().join(",")
}

fn items(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').filter(|part| !part.is_empty())
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
