//! Queries of `person_sources`: the reference a partner system keeps for a person it pushes
//! (`POST /v1/persons/batch`), per organization and system, naming one person of the platform —
//! the analogue of the offers' `offer_sources`. Beside it, the fingerprint of the last line
//! applied for the reference and the person's version it produced: the same line sent again
//! finds both unchanged and writes nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use plateforme_model::ids::now;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::schema::person_sources;
use crate::timestamps::to_db;
use crate::{DbConnection, StoreError};

/// Whose reference it is: the organization pushing, its system, the system's own reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceKey {
    pub organization_id: Uuid,
    pub system: String,
    pub reference: String,
}

/// What the platform knows of a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownSource {
    pub person_id: Uuid,
    /// The fingerprint of the last line applied for the reference (see [`fingerprint`]).
    pub content_hash: String,
    /// The person's version that line produced (or found, when it changed nothing).
    pub version: i64,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = person_sources)]
struct SourceRow {
    organization_id: String,
    system: String,
    reference: String,
    person_id: String,
    content_hash: String,
    version: i64,
    first_seen_at: NaiveDateTime,
    last_changed_at: NaiveDateTime,
}

/// The fingerprint of a line's content: SHA-256 of its JSON (object members in key order, as
/// `serde_json` keeps them), in hexadecimal. The caller leaves out what must not be kept even
/// hashed in clear (the NIR: its keyed hash stands for it).
pub fn fingerprint(content: &serde_json::Value) -> Result<String, StoreError> {
    let bytes = serde_json::to_vec(content).map_err(StoreError::corrupt)?;
    Ok(Sha256::digest(&bytes).iter().map(|byte| format!("{byte:02x}")).collect())
}

/// The person this reference names, if the platform knows it.
pub fn find(conn: &mut DbConnection, key: &SourceKey) -> Result<Option<KnownSource>, StoreError> {
    let row: Option<SourceRow> = person_sources::table
        .find((key.organization_id.to_string(), &key.system, &key.reference))
        .first(conn)
        .optional()?;
    row.map(|row| {
        Ok(KnownSource {
            person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
            content_hash: row.content_hash,
            version: row.version,
        })
    })
    .transpose()
}

/// Records that `key` names `source.person_id` and that its last line is `source`: a new
/// reference is inserted (a reference another transaction inserted meanwhile answers
/// `Conflict`, so the line that lost the race writes nothing), a known one updated.
pub fn record(conn: &mut DbConnection, key: &SourceKey, source: &KnownSource) -> Result<(), StoreError> {
    let time = to_db(now());
    let organization_id = key.organization_id.to_string();
    let updated = diesel::update(person_sources::table.find((&organization_id, &key.system, &key.reference)))
        .set((
            person_sources::person_id.eq(source.person_id.to_string()),
            person_sources::content_hash.eq(&source.content_hash),
            person_sources::version.eq(source.version),
            person_sources::last_changed_at.eq(time),
        ))
        .execute(conn)?;
    if updated == 1 {
        return Ok(());
    }
    let row = SourceRow {
        organization_id,
        system: key.system.clone(),
        reference: key.reference.clone(),
        person_id: source.person_id.to_string(),
        content_hash: source.content_hash.clone(),
        version: source.version,
        first_seen_at: time,
        last_changed_at: time,
    };
    // In a savepoint, so that PostgreSQL's transaction survives the unique violation.
    let inserted = conn.transaction(|conn| diesel::insert_into(person_sources::table).values(&row).execute(conn));
    match inserted.map_err(StoreError::from) {
        Ok(_) => Ok(()),
        Err(error) if error.is_unique_violation() => Err(StoreError::Conflict {
            detail: format!(
                "the reference {} of system {} was pushed by another request meanwhile",
                key.reference, key.system
            ),
            existing_id: None,
        }),
        Err(error) => Err(error),
    }
}

/// Forgets every reference naming the person: part of the erasure of their dossier.
pub fn forget(conn: &mut DbConnection, person_id: Uuid) -> Result<usize, StoreError> {
    Ok(diesel::delete(person_sources::table.filter(person_sources::person_id.eq(person_id.to_string())))
        .execute(conn)?)
}
