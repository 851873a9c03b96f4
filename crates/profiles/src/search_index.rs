//! Profiles as the search engine holds them: their kind, the document of a visible profile, and
//! where the indexer reads them. Only visible profiles (kept under the consent, not paused) are
//! indexed; the document holds what a recruiter may search on, never the person's identity.

use std::path::Path;

use chrono::NaiveDate;
use plateforme_search::indexer::IndexerOptions;
use plateforme_search::{Document, Indexer, Kind, SearchError, Source, Value};
use plateforme_store::profiles::{self, RESOURCE_TYPE, StoredProfile};
use plateforme_store::{DbConnection, Store, StoreError};
use uuid::Uuid;

pub const SKILLS: &str = "skills";
pub const ROME_CODE: &str = "rome_code";
pub const CONTRACT_TYPE: &str = "contract_type";
pub const DEPARTEMENT: &str = "departement";
pub const LATITUDE: &str = "latitude";
pub const LONGITUDE: &str = "longitude";
/// Minus the days since 1970-01-01 from which the person is available (0: now): the engine
/// filters integers from below, and "available by a date" bounds the date from above.
pub const AVAILABILITY: &str = "availability";
/// Whether the person chose to show their disability recognition.
pub const DISABILITY_SHOWN: &str = "disability_shown";
/// Microseconds since the Unix epoch: the newest profiles first when nothing else ranks.
pub const UPDATED_AT: &str = "updated_at";

pub fn kind() -> Kind {
    Kind::new("profiles", RESOURCE_TYPE, 1)
        .text(SKILLS, 1.0)
        .keyword(ROME_CODE)
        .facet(CONTRACT_TYPE)
        .facet(DEPARTEMENT)
        .float(LATITUDE)
        .float(LONGITUDE)
        .integer(AVAILABILITY)
        .flag(DISABILITY_SHOWN)
        .integer(UPDATED_AT)
}

/// Days since 1970-01-01.
pub fn epoch_days(date: NaiveDate) -> i64 {
    i64::from(date.to_epoch_days())
}

/// The document of a visible profile. Its source is the person's id only: a search answers
/// from the database, which it reads again (a profile paused or withdrawn meanwhile is left
/// out at once, whatever the index holds).
pub fn document(profile: &StoredProfile) -> Document {
    let fields = &profile.record.fields;
    let commune = plateforme_reference_data::commune(fields.commune.as_str());
    let mut document = Document::new(profile.person_id, String::new())
        .with(SKILLS, Value::Text(fields.skills.join(" ")))
        .with_some(DEPARTEMENT, commune.map(|commune| Value::Keyword(commune.departement.clone())))
        .with_some(LATITUDE, commune.and_then(|commune| commune.latitude).map(Value::Float))
        .with_some(LONGITUDE, commune.and_then(|commune| commune.longitude).map(Value::Float))
        .with(AVAILABILITY, Value::Integer(-fields.available_from.map_or(0, epoch_days)))
        .with(DISABILITY_SHOWN, Value::Flag(fields.show_disability_recognition))
        .with(UPDATED_AT, Value::Integer(profile.updated_at.timestamp_micros()));
    for job in &fields.target_jobs {
        document = document.with(ROME_CODE, Value::Keyword(job.rome.as_str().to_owned()));
    }
    for contract in &fields.contract_types {
        document = document.with(CONTRACT_TYPE, Value::Keyword(contract.as_str().to_owned()));
    }
    document
}

struct ProfileSource;

impl Source for ProfileSource {
    fn kind(&self) -> Kind {
        kind()
    }

    fn load(&self, conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<(Uuid, Option<Document>)>, StoreError> {
        let mut visible = profiles::visible_among(conn, ids)?.into_iter().peekable();
        let mut sorted = ids.to_vec();
        sorted.sort_unstable_by_key(|id| id.to_string());
        Ok(sorted
            .into_iter()
            .map(|id| (id, visible.next_if(|profile| profile.person_id == id).map(|profile| document(&profile))))
            .collect())
    }

    fn page(&self, conn: &mut DbConnection, after: Option<Uuid>, limit: usize) -> Result<Vec<Document>, StoreError> {
        Ok(profiles::visible_page(conn, after, limit)?.iter().map(document).collect())
    }
}

/// The profiles' index of this replica, kept in step with the database.
#[derive(Clone)]
pub struct ProfilesIndex(pub Indexer);

impl ProfilesIndex {
    /// Opens (or rebuilds) the profiles' index under `folder` and follows the change feed.
    pub fn start(folder: &Path, store: Store) -> Result<ProfilesIndex, SearchError> {
        Indexer::start(folder, store, ProfileSource, IndexerOptions::default()).map(ProfilesIndex)
    }
}
