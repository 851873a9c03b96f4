//! Offers as the search engine holds them: their kind (fields and weights), the document of
//! an offer, and where the indexer reads them. Only open offers are searchable; a search
//! leaves out those past their expiry time until the sweep closes them.

use std::path::Path;
use std::time::Duration;

use plateforme_model::offer::{Offer, Quality};
use plateforme_search::indexer::IndexerOptions;
use plateforme_search::{Document, Indexer, Kind, SearchError, Source, Value};
use plateforme_store::offers::{self, RESOURCE_TYPE};
use plateforme_store::{DbConnection, Store, StoreError};
use uuid::Uuid;

pub const TITLE: &str = "title";
pub const SKILLS: &str = "skills";
pub const DESCRIPTION: &str = "description";
pub const ROME_CODE: &str = "rome_code";
pub const CONTRACT_TYPE: &str = "contract_type";
pub const COMMUNE: &str = "commune";
pub const DEPARTEMENT: &str = "departement";
pub const REGION: &str = "region";
pub const LATITUDE: &str = "latitude";
pub const LONGITUDE: &str = "longitude";
/// Times in microseconds since the Unix epoch.
pub const PUBLISHED_AT: &str = "published_at";
pub const EXPIRES_AT: &str = "expires_at";
pub const DISABILITY_COMMITTED: &str = "disability_committed";
pub const WITHOUT_CV: &str = "without_cv";
pub const OPEN_TO_IAE: &str = "open_to_iae";
pub const MONTHLY_SALARY: &str = "monthly_salary";
pub const QUALITY_SCORE: &str = "quality_score";
/// The title as typed completions offer it.
pub const TITLE_COMPLETION: &str = "title_completion";

/// How long a publication waits for this replica's index to hold it before answering, so that
/// the client's next search finds it (docs/offers.md, Consistency). A publication answered
/// after this bound is still published: it is searchable once the indexer reaches it.
pub const READ_YOUR_WRITES: Duration = Duration::from_secs(5);

/// The offers' kind: title matches weigh most, then skills, then the description. A search
/// answers each hit's stored JSON as it is: raise the version when [`Offer`]'s JSON changes, so
/// that every index is rebuilt with the new shape.
pub fn kind() -> Kind {
    Kind::new("offers", RESOURCE_TYPE, 1)
        .text(TITLE, 10.0)
        .text(SKILLS, 4.0)
        .text(DESCRIPTION, 1.0)
        .keyword(ROME_CODE)
        .facet(CONTRACT_TYPE)
        .keyword(COMMUNE)
        .facet(DEPARTEMENT)
        .keyword(REGION)
        .float(LATITUDE)
        .float(LONGITUDE)
        .integer(PUBLISHED_AT)
        .integer(EXPIRES_AT)
        .flag(DISABILITY_COMMITTED)
        .flag(WITHOUT_CV)
        .flag(OPEN_TO_IAE)
        .float(MONTHLY_SALARY)
        .integer(QUALITY_SCORE)
        .completion(TITLE_COMPLETION)
}

/// The document of an open offer: its fields, and the offer as a search answers it.
pub fn document(offer: &Offer) -> Result<Document, StoreError> {
    let fields = &offer.fields;
    let (published_at, expires_at) = fields.dates(offer.created_at);
    let source = serde_json::to_string(offer).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let hiring = &fields.inclusive_hiring;
    Ok(Document::new(offer.id, source)
        .at_version(offer.version)
        .with(TITLE, Value::Text(fields.title.clone()))
        .with(SKILLS, Value::Text(fields.skills.join(" ")))
        .with(DESCRIPTION, Value::Text(fields.description.clone()))
        .with(ROME_CODE, Value::Keyword(fields.rome_code.to_string()))
        .with(CONTRACT_TYPE, Value::Keyword(fields.contract_type.as_str().to_owned()))
        .with(COMMUNE, Value::Keyword(fields.workplace.commune.to_string()))
        .with(DEPARTEMENT, Value::Keyword(offer.location.departement.clone()))
        .with(REGION, Value::Keyword(offer.location.region.clone()))
        .with_some(LATITUDE, offer.location.latitude.map(Value::Float))
        .with_some(LONGITUDE, offer.location.longitude.map(Value::Float))
        .with(PUBLISHED_AT, Value::Integer(published_at.timestamp_micros()))
        .with(EXPIRES_AT, Value::Integer(expires_at.timestamp_micros()))
        .with(DISABILITY_COMMITTED, Value::Flag(hiring.disability_committed))
        .with(WITHOUT_CV, Value::Flag(hiring.without_cv))
        .with(OPEN_TO_IAE, Value::Flag(hiring.open_to_iae))
        .with_some(MONTHLY_SALARY, fields.salary.as_ref().and_then(|salary| salary.best_monthly()).map(Value::Float))
        .with(QUALITY_SCORE, Value::Integer(i64::from(Quality::of(fields).score)))
        .with(TITLE_COMPLETION, Value::Completion(fields.title.trim().to_owned())))
}

/// Where the indexer reads offers: the open ones.
struct OfferSource;

impl Source for OfferSource {
    fn kind(&self) -> Kind {
        kind()
    }

    fn load(&self, conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<(Uuid, Option<Document>)>, StoreError> {
        let mut open = offers::open_among(conn, ids)?.into_iter().peekable();
        let mut documents = Vec::with_capacity(ids.len());
        // Both in id order: an id the database did not answer is not searchable.
        let mut sorted = ids.to_vec();
        sorted.sort_unstable_by_key(|id| id.to_string());
        for id in sorted {
            let document = match open.next_if(|offer| offer.id == id) {
                Some(offer) => Some(document(&offer)?),
                None => None,
            };
            documents.push((id, document));
        }
        Ok(documents)
    }

    fn page(&self, conn: &mut DbConnection, after: Option<Uuid>, limit: usize) -> Result<Vec<Document>, StoreError> {
        offers::open_page(conn, after, limit)?.iter().map(document).collect()
    }
}

/// The offers' index of this replica, kept in step with the database.
#[derive(Clone)]
pub struct OffersIndex(pub Indexer);

impl OffersIndex {
    /// Opens (or rebuilds) the offers' index under `folder` and follows the change feed.
    pub fn start(folder: &Path, store: Store) -> Result<OffersIndex, SearchError> {
        Indexer::start(folder, store, OfferSource, IndexerOptions::default()).map(OffersIndex)
    }

    /// After a write of the offers `written`: waits, at most [`READ_YOUR_WRITES`], for the index
    /// to hold them (and everything the feed serves by then).
    pub async fn holds_the_writes_before(&self, written: &[Uuid]) {
        if !self.0.caught_up(written, READ_YOUR_WRITES).await {
            tracing::warn!("the search index did not reach a write within the bound; answering anyway");
        }
    }
}
