//! Publishing offers once for all: an upsert by source (publishing organization, system,
//! reference), and the de-duplication rule across sources (`plateforme_model::offer::dedup`).
//!
//! For each publication, in order:
//! - the source is known and sends the same document again: `unchanged`, nothing written;
//! - the source is known and its document changed: the offer is `updated` (refused when filled
//!   or cancelled; an expired offer published with a later expiry reopens);
//! - the source is new and a live offer has the same de-duplication key: the source is added to
//!   that offer, `merged`; the offer's document stays the one already held;
//! - otherwise a new offer is `created`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::{new_id, now};
use plateforme_model::merge_patch;
use plateforme_model::offer::dedup::DedupKeys;
use plateforme_model::offer::{OfferFields, OfferLocation, OfferStatus, SourceRef};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{OfferDocument, OfferRow, SourceRow, StoredOffer, index, offer_sources, offers, sources_of};
use crate::timestamps::to_db;
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, StoreError};

/// One offer as a source sends it, its workplace already placed by the caller.
#[derive(Debug, Clone)]
pub struct Submission {
    pub source: SourceRef,
    /// The fields as sent (defaults not applied: publishing the same document again must
    /// compare equal).
    pub fields: OfferFields,
    pub location: OfferLocation,
}

impl Submission {
    fn content_hash(&self) -> Result<String, StoreError> {
        let json = serde_json::to_vec(&self.fields).map_err(StoreError::corrupt)?;
        let digest = Sha256::digest(&json);
        Ok(digest.iter().map(|byte| format!("{byte:02x}")).collect())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Merged,
    Updated,
    Unchanged,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Merged => "merged",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
        }
    }
}

/// What became of one publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub outcome: Outcome,
    pub offer_id: Uuid,
    pub version: i64,
}

/// A publication the state of its offer refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The source's offer is filled or cancelled: it takes no more changes.
    Final { offer_id: Uuid, status: OfferStatus },
}

/// Publishes offers for `organization_id`, in one transaction, answering each in order.
pub fn publish(
    conn: &mut DbConnection,
    context: &WriteContext,
    organization_id: Uuid,
    submissions: Vec<Submission>,
) -> Result<Vec<Result<Published, Refusal>>, StoreError> {
    write::transaction(conn, |conn| {
        let time = now();
        submissions
            .into_iter()
            .map(|submission| publish_one(conn, context, organization_id, submission, time))
            .collect()
    })
}

fn publish_one(
    conn: &mut DbConnection,
    context: &WriteContext,
    organization_id: Uuid,
    submission: Submission,
    time: DateTime<Utc>,
) -> Result<Result<Published, Refusal>, StoreError> {
    let hash = submission.content_hash()?;
    let known: Option<SourceRow> = offer_sources::table
        .find((organization_id.to_string(), &submission.source.system, &submission.source.reference))
        .select(SourceRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(source) = known {
        let offer_id: Uuid = source.offer_id.parse().map_err(StoreError::corrupt)?;
        let current = super::find_stored(conn, offer_id)?;
        if source.content_hash == hash {
            return Ok(Ok(Published { outcome: Outcome::Unchanged, offer_id, version: current.version }));
        }
        return update(conn, context, current, source, submission, hash, time);
    }
    let keys = DedupKeys::of(&submission.fields);
    if let Some(twin) = live_twin(conn, &keys, time)? {
        return merge(conn, context, twin, organization_id, &submission.source, hash, time).map(Ok);
    }
    create(conn, context, organization_id, submission, hash, time).map(Ok)
}

/// A live offer (open or suspended, not past its expiry) sharing a de-duplication key.
fn live_twin(
    conn: &mut DbConnection,
    keys: &DedupKeys,
    time: DateTime<Utc>,
) -> Result<Option<StoredOffer>, StoreError> {
    for (column_is_siret, key) in [(true, &keys.by_siret), (false, &keys.by_name)] {
        let Some(key) = key else { continue };
        let query = offers::table
            .filter(offers::status.eq_any([OfferStatus::Open.as_str(), OfferStatus::Suspended.as_str()]))
            .filter(offers::expires_at.gt(to_db(time)))
            .order(offers::created_at.asc())
            .select(OfferRow::as_select());
        let row: Option<OfferRow> = if column_is_siret {
            query.filter(offers::dedup_siret.eq(key)).first(conn).optional()?
        } else {
            query.filter(offers::dedup_name.eq(key)).first(conn).optional()?
        };
        if let Some(row) = row {
            return row.into_stored().map(Some);
        }
    }
    Ok(None)
}

fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    organization_id: Uuid,
    submission: Submission,
    hash: String,
    time: DateTime<Utc>,
) -> Result<Published, StoreError> {
    let offer = StoredOffer {
        id: new_id(),
        status: OfferStatus::Open,
        document: OfferDocument {
            fields: submission.fields.with_dates(time),
            location: submission.location,
            status_reason: None,
        },
        version: 1,
        created_at: time,
        updated_at: time,
    };
    let row = OfferRow::of(&offer)?;
    diesel::insert_into(offers::table).values(&row).execute(conn)?;
    index::reindex(conn, &row)?;
    insert_source(conn, offer.id, organization_id, &submission.source, hash, time)?;
    let sources = sources_of(conn, &[offer.id])?.remove(&offer.id).unwrap_or_default();
    let created = serde_json::to_value(offer.clone().into_offer(sources)).map_err(StoreError::corrupt)?;
    write::record(conn, context, &mutation(offer.id, 1, Action::Created, created))?;
    Ok(Published { outcome: Outcome::Created, offer_id: offer.id, version: 1 })
}

fn merge(
    conn: &mut DbConnection,
    context: &WriteContext,
    twin: StoredOffer,
    organization_id: Uuid,
    source: &SourceRef,
    hash: String,
    time: DateTime<Utc>,
) -> Result<Published, StoreError> {
    insert_source(conn, twin.id, organization_id, source, hash, time)?;
    let version = bump_version(conn, &twin, time)?;
    let sources = sources_of(conn, &[twin.id])?.remove(&twin.id).unwrap_or_default();
    let changes = serde_json::json!({ "sources": sources });
    write::record(conn, context, &mutation(twin.id, version, Action::Updated, changes))?;
    Ok(Published { outcome: Outcome::Merged, offer_id: twin.id, version })
}

fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: StoredOffer,
    source: SourceRow,
    submission: Submission,
    hash: String,
    time: DateTime<Utc>,
) -> Result<Result<Published, Refusal>, StoreError> {
    if current.status.is_final() {
        return Ok(Err(Refusal::Final { offer_id: current.id, status: current.status }));
    }
    let published_at = current.document.fields.published_at.unwrap_or(current.created_at);
    let fields = submission.fields.with_dates(published_at);
    let (_, expires_at) = fields.dates(published_at);
    // Published again with a later expiry, an expired offer reopens.
    let status =
        if current.status == OfferStatus::Expired && expires_at > time { OfferStatus::Open } else { current.status };
    let updated = StoredOffer {
        status,
        document: OfferDocument {
            fields,
            location: submission.location,
            status_reason: current.document.status_reason.clone(),
        },
        version: current.version + 1,
        updated_at: time,
        ..current.clone()
    };
    let row = OfferRow::of(&updated)?;
    let written = diesel::update(offers::table.find(&row.id))
        .filter(offers::version.eq(current.version))
        .set(&row)
        .execute(conn)?;
    if written == 0 {
        return Err(StoreError::VersionMismatch { current: current.version });
    }
    index::reindex(conn, &row)?;
    diesel::update(offer_sources::table.find((&source.organization_id, &source.system, &source.reference)))
        .set((offer_sources::content_hash.eq(hash), offer_sources::last_changed_at.eq(to_db(time))))
        .execute(conn)?;
    let before = serde_json::to_value(current.into_offer(Vec::new())).map_err(StoreError::corrupt)?;
    let after = serde_json::to_value(updated.clone().into_offer(Vec::new())).map_err(StoreError::corrupt)?;
    let changes = merge_patch::diff(&before, &after);
    write::record(conn, context, &mutation(updated.id, updated.version, Action::Updated, changes))?;
    Ok(Ok(Published { outcome: Outcome::Updated, offer_id: updated.id, version: updated.version }))
}

fn insert_source(
    conn: &mut DbConnection,
    offer_id: Uuid,
    organization_id: Uuid,
    source: &SourceRef,
    hash: String,
    time: DateTime<Utc>,
) -> Result<(), StoreError> {
    let row = SourceRow {
        organization_id: organization_id.to_string(),
        system: source.system.clone(),
        reference: source.reference.clone(),
        offer_id: offer_id.to_string(),
        content_hash: hash,
        first_published_at: to_db(time),
        last_changed_at: to_db(time),
    };
    diesel::insert_into(offer_sources::table).values(&row).execute(conn)?;
    Ok(())
}

/// Moves an offer to its next version without changing its document (a source came or went).
pub(crate) fn bump_version(
    conn: &mut DbConnection,
    offer: &StoredOffer,
    time: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let version = offer.version + 1;
    let written = diesel::update(offers::table.find(offer.id.to_string()))
        .filter(offers::version.eq(offer.version))
        .set((offers::version.eq(version), offers::updated_at.eq(to_db(time))))
        .execute(conn)?;
    if written == 0 {
        return Err(StoreError::VersionMismatch { current: offer.version });
    }
    Ok(version)
}

pub(crate) fn mutation(id: Uuid, version: i64, action: Action, changes: serde_json::Value) -> Mutation {
    Mutation { resource_type: super::RESOURCE_TYPE, resource_id: id, version, action, changes, subject_id: None }
}
