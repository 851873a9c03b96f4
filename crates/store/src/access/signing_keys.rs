//! Queries of `signing_keys`: the keys that sign access tokens, shared by all replicas. The
//! store keeps private keys as it is given them: sealed by `plateforme_auth` under a
//! key-encryption key (`kek_id` names it), or in clear in a row from before sealing.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::signing_keys;
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    pub kid: String,
    pub algorithm: String,
    /// The private key: sealed under the key-encryption key `kek_id`, or a PEM in clear when
    /// `kek_id` is `None` (a row written before keys were sealed).
    pub private_key: String,
    /// The fingerprint of the key-encryption key that sealed `private_key`.
    pub kek_id: Option<String>,
    /// The public key as a JWK (JSON text).
    pub public_jwk: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = signing_keys)]
struct SigningKeyRow {
    kid: String,
    algorithm: String,
    private_key: String,
    kek_id: Option<String>,
    public_jwk: String,
    created_at: NaiveDateTime,
    retired_at: Option<NaiveDateTime>,
}

/// Keys still published: active ones and those retired after `retired_since`, newest first.
pub fn published(conn: &mut DbConnection, retired_since: DateTime<Utc>) -> Result<Vec<SigningKeyRecord>, StoreError> {
    let rows: Vec<SigningKeyRow> = signing_keys::table
        .filter(signing_keys::retired_at.is_null().or(signing_keys::retired_at.gt(to_db(retired_since))))
        .order((signing_keys::created_at.desc(), signing_keys::kid.desc()))
        .select(SigningKeyRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(record_of_row).collect())
}

/// Every stored key, retired or not, oldest first (to seal or re-seal them all).
pub fn all(conn: &mut DbConnection) -> Result<Vec<SigningKeyRecord>, StoreError> {
    let rows: Vec<SigningKeyRow> = signing_keys::table
        .order((signing_keys::created_at.asc(), signing_keys::kid.asc()))
        .select(SigningKeyRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(record_of_row).collect())
}

/// Adds a key and retires every other active key: from now on the new key signs.
pub fn rotate_to(conn: &mut DbConnection, key: &SigningKeyRecord) -> Result<(), StoreError> {
    diesel::update(signing_keys::table.filter(signing_keys::retired_at.is_null()))
        .set(signing_keys::retired_at.eq(Some(to_db(key.created_at))))
        .execute(conn)?;
    insert(conn, key)
}

/// Adds a key without retiring others (the first key of a new database).
pub fn insert(conn: &mut DbConnection, key: &SigningKeyRecord) -> Result<(), StoreError> {
    let row = SigningKeyRow {
        kid: key.kid.clone(),
        algorithm: key.algorithm.clone(),
        private_key: key.private_key.clone(),
        kek_id: key.kek_id.clone(),
        public_jwk: key.public_jwk.clone(),
        created_at: to_db(key.created_at),
        retired_at: key.retired_at.map(to_db),
    };
    diesel::insert_into(signing_keys::table).values(&row).execute(conn)?;
    Ok(())
}

/// Replaces a key's private half (sealed anew, under the key-encryption key `kek_id`).
pub fn replace_private_key(
    conn: &mut DbConnection,
    kid: &str,
    private_key: &str,
    kek_id: Option<&str>,
) -> Result<(), StoreError> {
    let updated = diesel::update(signing_keys::table.find(kid))
        .set((signing_keys::private_key.eq(private_key), signing_keys::kek_id.eq(kek_id)))
        .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes the keys retired before `retired_before`; returns how many.
pub fn delete_retired_before(conn: &mut DbConnection, retired_before: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(diesel::delete(signing_keys::table.filter(signing_keys::retired_at.lt(to_db(retired_before)))).execute(conn)?)
}

pub fn count_active(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(signing_keys::table.filter(signing_keys::retired_at.is_null()).count().get_result(conn)?)
}

fn record_of_row(row: SigningKeyRow) -> SigningKeyRecord {
    SigningKeyRecord {
        kid: row.kid,
        algorithm: row.algorithm,
        private_key: row.private_key,
        kek_id: row.kek_id,
        public_jwk: row.public_jwk,
        created_at: from_db(row.created_at),
        retired_at: row.retired_at.map(from_db),
    }
}
