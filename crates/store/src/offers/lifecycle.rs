//! The life of an offer after its publication: status changes asked by a source, withdrawal of
//! a source (the offer is deleted with its last source), and the expiry sweep. Every one is a
//! new version with its change event, so partners that mirror offers see removals too.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::now;
use plateforme_model::offer::{OfferStatus, StatusChange};
use serde_json::json;
use uuid::Uuid;

use super::publish::mutation;
use super::{OfferRow, StoredOffer, offer_sources, offers};
use crate::timestamps::to_db;
use crate::write::{self, Action, Actor, WriteContext};
use crate::{DbConnection, StoreError};

/// Sets the status of an offer (the change is checked by the caller against `current`).
pub fn change_status(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredOffer,
    change: &StatusChange,
) -> Result<StoredOffer, StoreError> {
    let time = now();
    let mut updated =
        StoredOffer { status: change.status, version: current.version + 1, updated_at: time, ..current.clone() };
    updated.document.status_reason = change.reason.clone();
    write_version(conn, current, &updated)?;
    let changes = json!({ "status": change.status, "status_reason": change.reason });
    write::record(conn, context, &mutation(updated.id, updated.version, Action::Updated, changes))?;
    Ok(updated)
}

/// Writes `updated` over `current`, if nobody wrote in between.
fn write_version(conn: &mut DbConnection, current: &StoredOffer, updated: &StoredOffer) -> Result<(), StoreError> {
    let row = OfferRow::of(updated)?;
    let written = diesel::update(offers::table.find(&row.id))
        .filter(offers::version.eq(current.version))
        .set(&row)
        .execute(conn)
        .map_err(|error| twin_conflict(error.into()))?;
    if written == 0 {
        return Err(StoreError::VersionMismatch { current: current.version });
    }
    Ok(())
}

/// The refusal of a write that would make a second live offer of one job (the unique index on
/// the fingerprint): a duplicate from before the index, put live again while its twin lives.
pub(crate) fn twin_conflict(error: StoreError) -> StoreError {
    if error.is_unique_violation() {
        return StoreError::Conflict {
            detail: "another live offer is this job (the same employer, title, ROME code, commune and contract type); \
                withdraw this one and publish into that one"
                .into(),
            existing_id: None,
        };
    }
    error
}

/// What withdrawing its sources did to an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Withdrawal {
    /// Other sources remain: the offer lives on at this version.
    SourcesRemoved { version: i64 },
    /// The last source left: the offer is deleted.
    Deleted,
}

/// Removes the sources `organization_id` has on an offer; deletes the offer when none remains.
pub fn withdraw(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredOffer,
    organization_id: Uuid,
) -> Result<Withdrawal, StoreError> {
    let id = current.id.to_string();
    let removed = diesel::delete(
        offer_sources::table
            .filter(offer_sources::offer_id.eq(&id))
            .filter(offer_sources::organization_id.eq(organization_id.to_string())),
    )
    .execute(conn)?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    let remaining: i64 = offer_sources::table.filter(offer_sources::offer_id.eq(&id)).count().get_result(conn)?;
    let version = current.version + 1;
    if remaining > 0 {
        let version = super::publish::bump_version(conn, current, now())?;
        let sources = super::sources_of(conn, &[current.id])?.remove(&current.id).unwrap_or_default();
        let mut changes = json!({ "sources": sources });
        // The owner left: the oldest remaining source owns the offer (docs/offers.md, Ownership).
        if current.owner == organization_id
            && let Some(heir) = sources.first().map(|source| source.organization_id)
        {
            diesel::update(offers::table.find(&id))
                .set(offers::owner_organization_id.eq(heir.to_string()))
                .execute(conn)?;
            changes["owner_organization_id"] = json!(heir);
        }
        write::record(conn, context, &mutation(current.id, version, Action::Updated, changes))?;
        return Ok(Withdrawal::SourcesRemoved { version });
    }
    diesel::delete(offers::table.find(&id)).execute(conn)?;
    write::record(conn, context, &mutation(current.id, version, Action::Deleted, serde_json::Value::Null))?;
    Ok(Withdrawal::Deleted)
}

/// Who expires offers in the history and the change feed.
pub fn platform_context() -> WriteContext {
    WriteContext::of(Actor { client_id: "plateforme".into(), organization_id: None })
}

/// Marks expired up to `limit` live offers whose expiry passed by `time`, each with its change
/// event; answers how many. Searches leave them out from their expiry time anyway: the sweep
/// records the change for the history and the partners that mirror offers.
pub fn expire_due(conn: &mut DbConnection, time: DateTime<Utc>, limit: i64) -> Result<usize, StoreError> {
    write::transaction(conn, |conn| {
        let due: Vec<OfferRow> = offers::table
            .filter(offers::status.eq_any([OfferStatus::Open.as_str(), OfferStatus::Suspended.as_str()]))
            .filter(offers::expires_at.le(to_db(time)))
            .order(offers::expires_at.asc())
            .limit(limit)
            .select(OfferRow::as_select())
            .load(conn)?;
        let count = due.len();
        for row in due {
            expire(conn, &row.into_stored()?, time)?;
        }
        Ok(count)
    })
}

/// Marks a live offer past its expiry `expired`, as the platform, with its change event.
pub(crate) fn expire(
    conn: &mut DbConnection,
    current: &StoredOffer,
    time: DateTime<Utc>,
) -> Result<StoredOffer, StoreError> {
    let updated =
        StoredOffer { status: OfferStatus::Expired, version: current.version + 1, updated_at: time, ..current.clone() };
    write_version(conn, current, &updated)?;
    let changes = json!({ "status": OfferStatus::Expired });
    write::record(conn, &platform_context(), &mutation(updated.id, updated.version, Action::Updated, changes))?;
    Ok(updated)
}
