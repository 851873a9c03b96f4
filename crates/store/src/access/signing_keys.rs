//! Queries of `signing_keys`: the keys that sign access tokens, shared by all replicas.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::signing_keys;
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    pub kid: String,
    pub algorithm: String,
    pub private_key_pem: String,
    /// The public key as a JWK (JSON text).
    pub public_jwk: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = signing_keys)]
struct SigningKeyRow {
    kid: String,
    algorithm: String,
    private_key_pem: String,
    public_jwk: String,
    created_at: NaiveDateTime,
    retired_at: Option<NaiveDateTime>,
}

/// Keys still published: active ones and those retired after `retired_since`, newest first.
pub fn published(conn: &mut DbConnection, retired_since: DateTime<Utc>) -> Result<Vec<SigningKeyRecord>, StoreError> {
    let rows: Vec<SigningKeyRow> = signing_keys::table
        .filter(signing_keys::retired_at.is_null().or(signing_keys::retired_at.gt(to_db(retired_since))))
        .order((signing_keys::created_at.desc(), signing_keys::kid.desc()))
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
        private_key_pem: key.private_key_pem.clone(),
        public_jwk: key.public_jwk.clone(),
        created_at: to_db(key.created_at),
        retired_at: key.retired_at.map(to_db),
    };
    diesel::insert_into(signing_keys::table).values(&row).execute(conn)?;
    Ok(())
}

pub fn count_active(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(signing_keys::table.filter(signing_keys::retired_at.is_null()).count().get_result(conn)?)
}

fn record_of_row(row: SigningKeyRow) -> SigningKeyRecord {
    SigningKeyRecord {
        kid: row.kid,
        algorithm: row.algorithm,
        private_key_pem: row.private_key_pem,
        public_jwk: row.public_jwk,
        created_at: from_db(row.created_at),
        retired_at: row.retired_at.map(from_db),
    }
}
