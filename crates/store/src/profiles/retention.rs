//! The profile bank's retention: a profile untouched (no write by the person or their
//! counsellor) for two years is purged with its contact requests, and the person is warned a
//! month before by a change of the profile on the change feed (`purge_scheduled_on`), which the
//! counsellor's system can act on. Any write of the profile starts the two years again. A daily
//! job applies it with the time it is given, so tests inject the clock.

use chrono::{DateTime, Months, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{StoredProfile, contact_requests, find, mutation};
use crate::dossier::erasure::RETENTION_ACTOR;
use crate::schema::profiles;
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Actor, WriteContext};
use crate::{DbConnection, StoreError};

/// How long an untouched profile is kept, in months.
pub const RETENTION_MONTHS: u32 = 24;
/// How long before the purge the person is warned, in months.
pub const WARNING_AHEAD_MONTHS: u32 = 1;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub warned: usize,
    pub purged: usize,
}

/// Warns the persons whose profile reaches 23 months untouched at `now` (once per untouched
/// period), then purges the profiles untouched for 24 months, each in its own transaction.
/// Replicas may run it at once: a profile written, warned or purged meanwhile is skipped.
pub fn apply(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Applied, StoreError> {
    let context = WriteContext::of(Actor { client_id: RETENTION_ACTOR.into(), organization_id: None });
    let purge_before = now.checked_sub_months(Months::new(RETENTION_MONTHS)).unwrap_or(now);
    let warn_before = now.checked_sub_months(Months::new(RETENTION_MONTHS - WARNING_AHEAD_MONTHS)).unwrap_or(now);
    let mut applied = Applied::default();
    for person_id in untouched_since(conn, warn_before, true)? {
        if write::transaction(conn, |conn| warn(conn, &context, person_id, warn_before, now))? {
            applied.warned += 1;
        }
    }
    for person_id in untouched_since(conn, purge_before, false)? {
        if write::transaction(conn, |conn| purge(conn, &context, person_id, purge_before))? {
            applied.purged += 1;
        }
    }
    Ok(applied)
}

/// The profiles last written before `cutoff` (those not warned yet when `unwarned`).
fn untouched_since(conn: &mut DbConnection, cutoff: DateTime<Utc>, unwarned: bool) -> Result<Vec<Uuid>, StoreError> {
    let mut query =
        profiles::table.filter(profiles::updated_at.lt(to_db(cutoff))).select(profiles::person_id).into_boxed();
    if unwarned {
        query = query.filter(profiles::purge_warned_at.is_null());
    }
    let ids: Vec<String> = query.load(conn)?;
    ids.iter().map(|id| id.parse().map_err(StoreError::corrupt)).collect()
}

/// The person's profile when it was last written before `cutoff`: read again inside the job's
/// transaction, since a write may have touched it after the selection.
fn stale_profile(
    conn: &mut DbConnection,
    person_id: Uuid,
    cutoff: DateTime<Utc>,
) -> Result<Option<StoredProfile>, StoreError> {
    Ok(find(conn, person_id)?.filter(|profile| profile.updated_at < cutoff))
}

/// Records the warning, stamped with the job's `now`, as a change of the profile naming the day
/// of its purge: a new version, and an `updated` event on the feed for whoever follows the
/// person. Not a touch: the profile's `updated_at`, from which the two years run, stays.
fn warn(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(profile) = stale_profile(conn, person_id, cutoff)? else {
        return Ok(false);
    };
    let version = profile.version + 1;
    let written = diesel::update(profiles::table.find(person_id.to_string()))
        .filter(profiles::version.eq(profile.version))
        .filter(profiles::purge_warned_at.is_null())
        .set((profiles::version.eq(version), profiles::purge_warned_at.eq(Some(to_db(now)))))
        .execute(conn)?;
    if written == 0 {
        return Ok(false);
    }
    let changes = json!({"purge_scheduled_on": purge_day(&profile)});
    write::record(conn, context, &mutation(person_id, version, Action::Updated, changes))?;
    Ok(true)
}

/// When the person was warned of their profile's purge, if they were and have not touched it since.
pub fn warned_at(conn: &mut DbConnection, person_id: Uuid) -> Result<Option<DateTime<Utc>>, StoreError> {
    let warned: Option<Option<chrono::NaiveDateTime>> =
        profiles::table.find(person_id.to_string()).select(profiles::purge_warned_at).first(conn).optional()?;
    Ok(warned.flatten().map(from_db))
}

/// The day the profile will be purged if nobody touches it.
pub fn purge_day(profile: &StoredProfile) -> chrono::NaiveDate {
    profile.updated_at.checked_add_months(Months::new(RETENTION_MONTHS)).unwrap_or(profile.updated_at).date_naive()
}

/// Deletes the profile (a `deleted` event) and forgets its contact requests.
fn purge(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    cutoff: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(profile) = stale_profile(conn, person_id, cutoff)? else {
        return Ok(false);
    };
    super::delete(conn, context, person_id, profile.version)?;
    contact_requests::forget(conn, person_id)?;
    Ok(true)
}
