//! Idempotency records: the first response to a POST with an `Idempotency-Key`, saved in the
//! same transaction as the record it created, and replayed to every retry.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::schema::idempotency_keys;
use crate::timestamps::to_db;
use crate::{DbConnection, StoreError};

/// How long a key is remembered.
pub const RETENTION_HOURS: i64 = 24;

/// A request that carries an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// Keys are scoped per caller: two clients may use the same key.
    pub caller: String,
    pub key: String,
    /// Fingerprint of the request (method, path, body), to refuse a key reused for another request.
    pub request_hash: String,
}

/// A response as it was first sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What was saved under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedRequest {
    pub request_hash: String,
    pub response: StoredResponse,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = idempotency_keys)]
struct IdempotencyRow {
    caller: String,
    idempotency_key: String,
    request_hash: String,
    status: i32,
    headers: String,
    body: String,
    created_at: NaiveDateTime,
}

/// The request saved under this caller's key, if it is still remembered.
pub fn find(conn: &mut DbConnection, caller: &str, key: &str) -> Result<Option<SavedRequest>, StoreError> {
    let oldest = to_db(plateforme_model::ids::now() - Duration::hours(RETENTION_HOURS));
    let row: Option<IdempotencyRow> = idempotency_keys::table
        .find((caller, key))
        .filter(idempotency_keys::created_at.ge(oldest))
        .first(conn)
        .optional()?;
    row.map(saved_of_row).transpose()
}

/// Saves the response under the claim's key. Another request that saved the same key first
/// makes this fail with [`StoreError::IdempotencyRace`], rolling back the whole transaction.
pub fn save(conn: &mut DbConnection, claim: &IdempotencyClaim, response: &StoredResponse) -> Result<(), StoreError> {
    // A key past its retention is free again.
    let oldest = to_db(plateforme_model::ids::now() - Duration::hours(RETENTION_HOURS));
    diesel::delete(idempotency_keys::table.find((&claim.caller, &claim.key)))
        .filter(idempotency_keys::created_at.lt(oldest))
        .execute(conn)?;
    let headers = serde_json::to_string(&response.headers).map_err(StoreError::corrupt)?;
    let row = IdempotencyRow {
        caller: claim.caller.clone(),
        idempotency_key: claim.key.clone(),
        request_hash: claim.request_hash.clone(),
        status: i32::from(response.status),
        headers,
        body: response.body.clone(),
        created_at: to_db(plateforme_model::ids::now()),
    };
    match diesel::insert_into(idempotency_keys::table).values(&row).execute(conn) {
        Ok(_) => Ok(()),
        Err(error) => {
            let error = StoreError::from(error);
            Err(if error.is_unique_violation() { StoreError::IdempotencyRace } else { error })
        }
    }
}

/// Forgets every key past its retention at `now`; answers how many. The responses the keys hold
/// may carry personal data (a created dossier): they are kept no longer than retries need.
pub fn purge_expired(conn: &mut DbConnection, now: chrono::DateTime<chrono::Utc>) -> Result<usize, StoreError> {
    let oldest = to_db(now - Duration::hours(RETENTION_HOURS));
    Ok(diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(oldest))).execute(conn)?)
}

fn saved_of_row(row: IdempotencyRow) -> Result<SavedRequest, StoreError> {
    Ok(SavedRequest {
        request_hash: row.request_hash,
        response: StoredResponse {
            status: u16::try_from(row.status).map_err(StoreError::corrupt)?,
            headers: serde_json::from_str(&row.headers).map_err(StoreError::corrupt)?,
            body: row.body,
        },
    })
}
