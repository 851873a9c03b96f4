//! Queries of `person_sources` and `person_source_lines`: the reference a partner system keeps
//! for a person it pushes (`POST /v1/persons/batch`), per organization and system, naming one
//! person of the platform — the analogue of the offers' `offer_sources` — and the lines applied
//! for it, by their fingerprint, so that a line sent again is never applied twice.

use diesel::prelude::*;
use plateforme_model::ids::now;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::schema::{person_source_lines, person_sources};
use crate::timestamps::to_db;
use crate::{DbConnection, StoreError};

/// Whose reference it is: the organization pushing, its system, the system's own reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceKey {
    pub organization_id: Uuid,
    pub system: String,
    pub reference: String,
}

/// The fingerprint of a line's content: SHA-256 of its JSON (object members in key order, as
/// `serde_json` keeps them), in hexadecimal. The caller leaves out what must not be kept even
/// hashed in clear (the NIR: its keyed hash stands for it).
pub fn fingerprint(content: &serde_json::Value) -> Result<String, StoreError> {
    let bytes = serde_json::to_vec(content).map_err(StoreError::corrupt)?;
    Ok(Sha256::digest(&bytes).iter().map(|byte| format!("{byte:02x}")).collect())
}

/// The person this reference names, if the platform knows it.
pub fn find(conn: &mut DbConnection, key: &SourceKey) -> Result<Option<Uuid>, StoreError> {
    let person_id: Option<String> = person_sources::table
        .find((key.organization_id.to_string(), &key.system, &key.reference))
        .select(person_sources::person_id)
        .first(conn)
        .optional()?;
    person_id.map(|id| id.parse().map_err(StoreError::corrupt)).transpose()
}

/// Records that the new reference `key` names `person_id`. A reference another transaction
/// recorded meanwhile answers `Conflict`, so that the line losing the race writes nothing.
pub fn record(conn: &mut DbConnection, key: &SourceKey, person_id: Uuid) -> Result<(), StoreError> {
    let row = (
        person_sources::organization_id.eq(key.organization_id.to_string()),
        person_sources::system.eq(&key.system),
        person_sources::reference.eq(&key.reference),
        person_sources::person_id.eq(person_id.to_string()),
        person_sources::first_seen_at.eq(to_db(now())),
    );
    // In a savepoint, so that PostgreSQL's transaction survives the unique violation.
    let inserted = conn.transaction(|conn| diesel::insert_into(person_sources::table).values(row).execute(conn));
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

/// Whether a line of this fingerprint was applied for the reference already.
pub fn applied(conn: &mut DbConnection, key: &SourceKey, content_hash: &str) -> Result<bool, StoreError> {
    let found: Option<i64> = person_source_lines::table
        .find((key.organization_id.to_string(), &key.system, &key.reference, content_hash))
        .select(person_source_lines::version)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Remembers a line applied for the reference, in the transaction of its write: the version it
/// produced. The same line applied meanwhile by another request answers `Conflict`, so that it
/// is written once.
pub fn remember(
    conn: &mut DbConnection,
    key: &SourceKey,
    content_hash: &str,
    person_id: Uuid,
    version: i64,
) -> Result<(), StoreError> {
    let row = (
        person_source_lines::organization_id.eq(key.organization_id.to_string()),
        person_source_lines::system.eq(&key.system),
        person_source_lines::reference.eq(&key.reference),
        person_source_lines::content_hash.eq(content_hash),
        person_source_lines::person_id.eq(person_id.to_string()),
        person_source_lines::version.eq(version),
        person_source_lines::applied_at.eq(to_db(now())),
    );
    let inserted = conn.transaction(|conn| diesel::insert_into(person_source_lines::table).values(row).execute(conn));
    match inserted.map_err(StoreError::from) {
        Ok(_) => Ok(()),
        Err(error) if error.is_unique_violation() => Err(StoreError::Conflict {
            detail: format!("this line of reference {} was applied by another request meanwhile", key.reference),
            existing_id: None,
        }),
        Err(error) => Err(error),
    }
}

/// Forgets every reference naming the person and the lines applied for them: part of the
/// erasure of their dossier.
pub fn forget(conn: &mut DbConnection, person_id: Uuid) -> Result<usize, StoreError> {
    let id = person_id.to_string();
    let lines =
        diesel::delete(person_source_lines::table.filter(person_source_lines::person_id.eq(&id))).execute(conn)?;
    Ok(lines + diesel::delete(person_sources::table.filter(person_sources::person_id.eq(&id))).execute(conn)?)
}
