//! Erasure of a person's dossier (RGPD article 17), one path for both ways it happens: a dossier
//! past its retention (`erase_expired`, run daily) and an erasure requested by the person's
//! organization (`erase`, behind `DELETE /v1/persons/{id}`).
//!
//! What the dossier held is deleted: the person, their diagnostic, contracts, reviews, consents,
//! co-accompaniments, breaches, access codes and the references partner systems keep for them. What must stay to account for the network's work stays, in a form that no
//! longer says anything of the person: each history row keeps who changed which record, when and
//! by which request, but its content is replaced by `null`; each journal entry keeps who
//! accessed, when and under which declared purpose, but the caller's own words
//! (`stated_purpose`, which may hold a case reference) are cleared. Each erased record ends with
//! a `deleted` version in its history and a `deleted` event on the change feed, so partners that
//! mirror the dossier erase it too. On a request, saved idempotent responses naming the person
//! are forgotten too.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use uuid::Uuid;

use crate::changes::RemitChange;
use crate::schema::{
    access_journal, breaches, changes, co_accompaniments, consents, contracts, diagnostics, history, idempotency_keys,
    person_access_codes, persons, reviews,
};
use crate::timestamps::to_db;
use crate::write::{self, Action, Actor, Mutation, WriteContext};
use crate::{DbConnection, StoreError};

/// Dossiers the daily job reads at once; it erases each in its own transaction, so that no
/// erasure holds the change feed's lock for long.
const BATCH: i64 = 100;

/// The actor the history and the change feed name for erasures of the daily job.
pub const RETENTION_ACTOR: &str = "retention";

/// What the content of an erased version becomes in the history.
const ERASED: &str = "null";

/// Erases the person's dossier if it is still at `expected_version` (any version when `None`).
/// Call it in a [`write::transaction`]. Answers how many records were erased; `NotFound` when
/// there is no such person (erased already, maybe by another replica), `VersionMismatch` when
/// the person changed since `expected_version`.
pub fn erase(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    expected_version: Option<i64>,
) -> Result<usize, StoreError> {
    lock_person(conn, person_id, expected_version)?;
    // A response saved for a retry (a created contract…) names the person by their id. Only a
    // request needs this: a saved response is kept 24 hours and comes from a write, so a dossier
    // past its retention (30 days at least) has none.
    let id = person_id.to_string();
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::body.like(format!("%{id}%")))).execute(conn)?;
    erase_locked(conn, context, person_id)
}

/// Takes the person's row for this transaction, checking its version: no write to the person
/// can commit between the checks and the erasure.
fn lock_person(conn: &mut DbConnection, person_id: Uuid, expected_version: Option<i64>) -> Result<(), StoreError> {
    let id = person_id.to_string();
    let mut lock = diesel::update(persons::table.find(&id)).into_boxed();
    if let Some(version) = expected_version {
        lock = lock.filter(persons::version.eq(version));
    }
    if lock.set(persons::version.eq(persons::version)).execute(conn)? == 1 {
        return Ok(());
    }
    let current: Option<i64> = persons::table.find(&id).select(persons::version).first(conn).optional()?;
    Err(current.map_or(StoreError::NotFound, |current| StoreError::VersionMismatch { current }))
}

fn erase_locked(conn: &mut DbConnection, context: &WriteContext, person_id: Uuid) -> Result<usize, StoreError> {
    let id = person_id.to_string();
    let records = records_of(conn, &id)?;
    // Who could read the dossier: the followers of the change feed that learn of its erasure.
    let remit = super::persons::remit(conn, person_id)?.map(|before| RemitChange { before, after: None });
    // Children before their parents: reviews and breaches name contracts, every part names the
    // person.
    diesel::delete(reviews::table.filter(reviews::person_id.eq(&id))).execute(conn)?;
    diesel::delete(breaches::table.filter(breaches::person_id.eq(&id))).execute(conn)?;
    // The positionings on training sessions are the person's path.
    crate::training::positionings::forget(conn, person_id)?;
    diesel::delete(contracts::table.filter(contracts::person_id.eq(&id))).execute(conn)?;
    diesel::delete(diagnostics::table.filter(diagnostics::person_id.eq(&id))).execute(conn)?;
    diesel::delete(consents::table.filter(consents::person_id.eq(&id))).execute(conn)?;
    diesel::delete(co_accompaniments::table.filter(co_accompaniments::person_id.eq(&id))).execute(conn)?;
    diesel::delete(person_access_codes::table.filter(person_access_codes::person_id.eq(&id))).execute(conn)?;
    // The profile in the profile bank is the person's too.
    crate::profiles::forget(conn, person_id)?;
    // The references partner systems keep for the person (inbound sync) name them too.
    super::person_sources::forget(conn, person_id)?;
    diesel::delete(persons::table.find(&id)).execute(conn)?;
    for (resource_type, resource_id) in records.keys() {
        diesel::update(history::table)
            .filter(history::resource_type.eq(resource_type))
            .filter(history::resource_id.eq(resource_id))
            .set(history::changes.eq(ERASED))
            .execute(conn)?;
    }
    diesel::update(access_journal::table.filter(access_journal::person_id.eq(&id)))
        .set(access_journal::stated_purpose.eq(None::<String>))
        .execute(conn)?;
    let mutations = deletions(person_id, &records, remit.as_ref())?;
    write::record_all(conn, context, &mutations)?;
    Ok(mutations.len())
}

/// Every record of the dossier with its last version, from the change feed: every write of a
/// dossier's part names the person as its subject.
fn records_of(conn: &mut DbConnection, person_id: &str) -> Result<BTreeMap<(String, String), i64>, StoreError> {
    let events: Vec<(String, String, i64)> = changes::table
        .filter(changes::subject_id.eq(person_id))
        .select((changes::resource_type, changes::resource_id, changes::version))
        .load(conn)?;
    let mut records = BTreeMap::new();
    for (resource_type, resource_id, version) in events {
        let last = records.entry((resource_type, resource_id)).or_insert(version);
        *last = (*last).max(version);
    }
    Ok(records)
}

/// The `deleted` version of each erased record, the person's last so that a partner's mirror
/// sees the dossier's parts go before the dossier.
fn deletions(
    person_id: Uuid,
    records: &BTreeMap<(String, String), i64>,
    remit: Option<&RemitChange>,
) -> Result<Vec<Mutation>, StoreError> {
    let mut mutations = Vec::with_capacity(records.len());
    for ((resource_type, resource_id), version) in records {
        let resource_id = resource_id.parse().map_err(StoreError::corrupt)?;
        let deleted = Mutation::new(
            dossier_resource_type(resource_type)?,
            resource_id,
            version + 1,
            Action::Deleted,
            serde_json::Value::Null,
        );
        mutations.push(deleted.of_person(person_id).changing_remit(remit.cloned()));
    }
    mutations.sort_by_key(|mutation| mutation.resource_type == super::persons::RESOURCE_TYPE);
    Ok(mutations)
}

/// The resource types of a dossier, as the mutations name them.
fn dossier_resource_type(name: &str) -> Result<&'static str, StoreError> {
    [
        super::persons::RESOURCE_TYPE,
        super::diagnostics::RESOURCE_TYPE,
        super::contracts::RESOURCE_TYPE,
        super::reviews::RESOURCE_TYPE,
        super::consents::RESOURCE_TYPE,
        super::co_accompaniments::RESOURCE_TYPE,
        super::breaches::RESOURCE_TYPE,
        crate::profiles::RESOURCE_TYPE,
        crate::training::positionings::RESOURCE_TYPE,
    ]
    .into_iter()
    .find(|known| *known == name)
    .ok_or_else(|| StoreError::corrupt(format!("a change of a person's dossier names the resource type {name:?}")))
}

/// Erases every dossier none of whose parts changed since `unchanged_since` (now less the
/// retention: the platform records no end of accompaniment, so the last change stands for it),
/// each in its own transaction, in batches; answers how many dossiers. Replicas may run it at
/// once: a dossier another one erased meanwhile is skipped, as is one changed meanwhile.
pub fn erase_expired(conn: &mut DbConnection, unchanged_since: DateTime<Utc>) -> Result<usize, StoreError> {
    let cutoff = to_db(unchanged_since);
    let context = WriteContext::of(Actor { client_id: RETENTION_ACTOR.into(), organization_id: None });
    let mut erased = 0;
    loop {
        let batch = expired(conn, cutoff, None)?;
        let mut erased_in_batch = 0;
        for person_id in &batch {
            if erase_if_still_expired(conn, &context, *person_id, cutoff)? {
                erased_in_batch += 1;
            }
        }
        erased += erased_in_batch;
        if erased_in_batch == 0 {
            return Ok(erased);
        }
    }
}

/// Up to a batch of persons whose dossier had no change since `cutoff` (only `person_id` when
/// given), but for those whose processing is limited. The person's own `updated_at` narrows
/// the search; the change feed says whether any part of the dossier changed since.
fn expired(conn: &mut DbConnection, cutoff: NaiveDateTime, person_id: Option<Uuid>) -> Result<Vec<Uuid>, StoreError> {
    let mut query = persons::table
        .filter(persons::updated_at.lt(cutoff))
        // A limited dossier is kept while the request is examined (RGPD article 18).
        .filter(persons::limited_at.is_null())
        .filter(not(exists(
            changes::table
                .filter(changes::subject_id.eq(persons::id.nullable()))
                .filter(changes::occurred_at.ge(cutoff)),
        )))
        .select(persons::id)
        .order(persons::id.asc())
        .limit(BATCH)
        .into_boxed();
    if let Some(person_id) = person_id {
        query = query.filter(persons::id.eq(person_id.to_string()));
    }
    let ids: Vec<String> = query.load(conn)?;
    ids.iter().map(|id| id.parse().map_err(StoreError::corrupt)).collect()
}

fn erase_if_still_expired(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    cutoff: NaiveDateTime,
) -> Result<bool, StoreError> {
    write::transaction(conn, |conn| {
        match lock_person(conn, person_id, None) {
            Err(StoreError::NotFound) => return Ok(false),
            other => other?,
        }
        // Checked again under the lock: the dossier may have changed since the batch was read.
        if expired(conn, cutoff, Some(person_id))?.is_empty() {
            return Ok(false);
        }
        erase_locked(conn, context, person_id)?;
        Ok(true)
    })
}

/// Forgets access codes past their expiry at `now`: used or not, they open nothing any more.
pub fn purge_expired_access_codes(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(diesel::delete(person_access_codes::table.filter(person_access_codes::expires_at.lt(to_db(now))))
        .execute(conn)?)
}
