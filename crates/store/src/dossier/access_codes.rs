//! One-time access codes of persons: issued by a counsellor, exchanged once for a token.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::now;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::schema::person_access_codes;
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, StoreError};

/// Codes are short enough to be typed; a plain hash suffices as each works once, for minutes.
fn hash(code: &str) -> String {
    Sha256::digest(code.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Records a code for a person, valid for `lifetime`.
pub fn issue(
    conn: &mut DbConnection,
    person_id: Uuid,
    code: &str,
    issued_by: &str,
    lifetime: Duration,
) -> Result<DateTime<Utc>, StoreError> {
    let created_at = now();
    let expires_at = created_at + lifetime;
    diesel::insert_into(person_access_codes::table)
        .values((
            person_access_codes::code_hash.eq(hash(code)),
            person_access_codes::person_id.eq(person_id.to_string()),
            person_access_codes::issued_by.eq(issued_by),
            person_access_codes::created_at.eq(to_db(created_at)),
            person_access_codes::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(expires_at)
}

/// Uses a code: the person it was issued for, or `None` when it is unknown, expired or used.
/// The update is conditional, so two exchanges of one code give one token.
pub fn redeem(conn: &mut DbConnection, code: &str) -> Result<Option<Uuid>, StoreError> {
    let code_hash = hash(code);
    let time = to_db(now());
    let used = diesel::update(person_access_codes::table.find(&code_hash))
        .filter(person_access_codes::used_at.is_null())
        .filter(person_access_codes::expires_at.gt(time))
        .set(person_access_codes::used_at.eq(Some(time)))
        .execute(conn)?;
    if used == 0 {
        return Ok(None);
    }
    let person_id: String =
        person_access_codes::table.find(&code_hash).select(person_access_codes::person_id).first(conn)?;
    person_id.parse().map(Some).map_err(StoreError::corrupt)
}

/// When a code expires, for tests and operators.
pub fn expiry(conn: &mut DbConnection, code: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    let expires: Option<NaiveDateTime> =
        person_access_codes::table.find(hash(code)).select(person_access_codes::expires_at).first(conn).optional()?;
    Ok(expires.map(from_db))
}
