//! Queries of `offers` and `offer_sources`. The document is stored as JSON; the columns beside
//! it are derived from it on every write (filters, sort keys, de-duplication keys, folded text).
//!
//! - `publish`: upsert by source, de-duplication across sources, in batches;
//! - `lifecycle`: status changes, withdrawal by a source, the expiry sweep;
//! - the open offers as the search index reads them (`open_among`, `open_page`): the search
//!   itself is the search engine's (`plateforme-search`), which follows the change feed.

pub mod lifecycle;
pub mod publish;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::offer::dedup::DedupKeys;
use plateforme_model::offer::{Offer, OfferFields, OfferLocation, OfferSource, OfferStatus, Quality};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::schema::{offer_sources, offers};
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, StoreError};

pub const RESOURCE_TYPE: &str = "offer";

/// What the store keeps of an offer's document: the fields as published (dates explicit) and
/// where the platform placed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferDocument {
    pub fields: OfferFields,
    pub location: OfferLocation,
    /// Why the status last changed, as the source said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
}

/// An offer as stored, without its sources.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOffer {
    pub id: Uuid,
    pub status: OfferStatus,
    pub document: OfferDocument,
    /// The organization that controls the document and the status (docs/offers.md, Ownership).
    pub owner: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredOffer {
    pub fn into_offer(self, sources: Vec<OfferSource>) -> Offer {
        Offer {
            id: self.id,
            status: self.status,
            status_reason: self.document.status_reason,
            quality: Quality::of(&self.document.fields),
            fields: self.document.fields,
            location: self.document.location,
            sources,
            owner_organization_id: self.owner,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = offers, treat_none_as_default_value = false)]
#[diesel(treat_none_as_null = true)]
pub(crate) struct OfferRow {
    id: String,
    status: String,
    title: String,
    rome_code: String,
    contract_type: String,
    commune: String,
    departement: String,
    region: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    monthly_salary: Option<f64>,
    disability_committed: bool,
    without_cv: bool,
    open_to_iae: bool,
    quality_score: i32,
    published_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    dedup_siret: Option<String>,
    dedup_name: Option<String>,
    fingerprint: Option<String>,
    owner_organization_id: String,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl OfferRow {
    pub(crate) fn of(offer: &StoredOffer) -> Result<OfferRow, StoreError> {
        OfferRow::with_keys(offer, DedupKeys::of(&offer.document.fields))
    }

    /// The row of `offer`, whose de-duplication keys the caller computed already.
    pub(crate) fn with_keys(offer: &StoredOffer, keys: DedupKeys) -> Result<OfferRow, StoreError> {
        let fields = &offer.document.fields;
        let location = &offer.document.location;
        let (published_at, expires_at) = fields.dates(offer.created_at);
        Ok(OfferRow {
            id: offer.id.to_string(),
            status: offer.status.as_str().to_owned(),
            title: fields.title.clone(),
            rome_code: fields.rome_code.to_string(),
            contract_type: fields.contract_type.as_str().to_owned(),
            commune: fields.workplace.commune.to_string(),
            departement: location.departement.clone(),
            region: location.region.clone(),
            latitude: location.latitude,
            longitude: location.longitude,
            monthly_salary: fields.salary.as_ref().and_then(|salary| salary.best_monthly()),
            disability_committed: fields.inclusive_hiring.disability_committed,
            without_cv: fields.inclusive_hiring.without_cv,
            open_to_iae: fields.inclusive_hiring.open_to_iae,
            quality_score: i32::from(Quality::of(fields).score),
            published_at: to_db(published_at),
            expires_at: to_db(expires_at),
            fingerprint: keys.fingerprint().cloned(),
            dedup_siret: keys.by_siret,
            dedup_name: keys.by_name,
            owner_organization_id: offer.owner.to_string(),
            record: serde_json::to_string(&offer.document).map_err(StoreError::corrupt)?,
            version: offer.version,
            created_at: to_db(offer.created_at),
            updated_at: to_db(offer.updated_at),
        })
    }

    pub(crate) fn into_stored(self) -> Result<StoredOffer, StoreError> {
        Ok(StoredOffer {
            id: self.id.parse().map_err(StoreError::corrupt)?,
            status: OfferStatus::parse(&self.status)
                .ok_or_else(|| StoreError::corrupt(format!("offer status {:?}", self.status)))?,
            document: serde_json::from_str(&self.record).map_err(StoreError::corrupt)?,
            owner: self.owner_organization_id.parse().map_err(StoreError::corrupt)?,
            version: self.version,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = offer_sources, treat_none_as_default_value = false)]
pub(crate) struct SourceRow {
    organization_id: String,
    system: String,
    reference: String,
    offer_id: String,
    content_hash: String,
    first_published_at: NaiveDateTime,
    last_changed_at: NaiveDateTime,
}

impl SourceRow {
    fn into_source(self) -> Result<OfferSource, StoreError> {
        Ok(OfferSource {
            organization_id: self.organization_id.parse().map_err(StoreError::corrupt)?,
            system: self.system,
            reference: self.reference,
            first_published_at: from_db(self.first_published_at),
            last_changed_at: from_db(self.last_changed_at),
        })
    }
}

/// The offer with this id, without its sources, if any.
pub fn find_stored(conn: &mut DbConnection, id: Uuid) -> Result<Option<StoredOffer>, StoreError> {
    let row: Option<OfferRow> =
        offers::table.find(id.to_string()).select(OfferRow::as_select()).first(conn).optional()?;
    row.map(OfferRow::into_stored).transpose()
}

/// The offer with this id and its sources, if any.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<Offer>, StoreError> {
    let Some(offer) = find_stored(conn, id)? else { return Ok(None) };
    let sources = sources_of(conn, &[id])?.remove(&id).unwrap_or_default();
    Ok(Some(offer.into_offer(sources)))
}

/// The sources of several offers, each offer's first publisher first.
pub fn sources_of(
    conn: &mut DbConnection,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<OfferSource>>, StoreError> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<SourceRow> = offer_sources::table
        .filter(offer_sources::offer_id.eq_any(ids))
        .order((offer_sources::first_published_at.asc(), offer_sources::organization_id.asc()))
        .select(SourceRow::as_select())
        .load(conn)?;
    let mut sources: std::collections::HashMap<Uuid, Vec<OfferSource>> = std::collections::HashMap::new();
    for row in rows {
        let offer_id: Uuid = row.offer_id.parse().map_err(StoreError::corrupt)?;
        sources.entry(offer_id).or_default().push(row.into_source()?);
    }
    Ok(sources)
}

/// Offers with their sources, in the order of `stored`.
pub fn with_sources(conn: &mut DbConnection, stored: Vec<StoredOffer>) -> Result<Vec<Offer>, StoreError> {
    let ids: Vec<Uuid> = stored.iter().map(|offer| offer.id).collect();
    let mut sources = sources_of(conn, &ids)?;
    Ok(stored
        .into_iter()
        .map(|offer| {
            let offer_sources = sources.remove(&offer.id).unwrap_or_default();
            offer.into_offer(offer_sources)
        })
        .collect())
}

/// The open offers among `ids`, with their sources, in id order: what the search index holds
/// of them (an id not answered is not searchable).
pub fn open_among(conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<Offer>, StoreError> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<OfferRow> = offers::table
        .filter(offers::id.eq_any(ids))
        .filter(offers::status.eq(OfferStatus::Open.as_str()))
        .order(offers::id.asc())
        .select(OfferRow::as_select())
        .load(conn)?;
    with_sources(conn, rows.into_iter().map(OfferRow::into_stored).collect::<Result<_, _>>()?)
}

/// Up to `limit` open offers after `after`, in id order, with their sources: a rebuild of the
/// search index reads them all so.
pub fn open_page(conn: &mut DbConnection, after: Option<Uuid>, limit: usize) -> Result<Vec<Offer>, StoreError> {
    let mut query = offers::table
        .filter(offers::status.eq(OfferStatus::Open.as_str()))
        .order(offers::id.asc())
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select(OfferRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(offers::id.gt(after.to_string()));
    }
    let rows: Vec<OfferRow> = query.load(conn)?;
    with_sources(conn, rows.into_iter().map(OfferRow::into_stored).collect::<Result<_, _>>()?)
}
