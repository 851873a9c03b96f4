//! Queries of `oauth_clients`. Secrets never leave this table but as their hash, and never
//! enter the history.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::now;
use serde_json::json;
use uuid::Uuid;

use crate::pagination::page_by_key;
use crate::schema::{oauth_clients, organizations};
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "oauth_client";

/// A client as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRecord {
    pub client_id: String,
    pub organization_id: Uuid,
    pub name: String,
    pub secret_hash: String,
    pub scopes: Vec<String>,
    pub enabled: bool,
    pub demo: bool,
    pub rate_limit_per_minute: u32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Tokens issued before this instant are refused: set when the client is disabled or its
    /// secret rotated.
    pub tokens_valid_after: Option<DateTime<Utc>>,
}

/// A client to register.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub client_id: String,
    pub organization_id: Uuid,
    pub name: String,
    pub secret_hash: String,
    pub scopes: Vec<String>,
    pub demo: bool,
    pub rate_limit_per_minute: u32,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = oauth_clients)]
struct ClientRow {
    client_id: String,
    organization_id: String,
    name: String,
    secret_hash: String,
    scopes: String,
    enabled: bool,
    demo: bool,
    rate_limit_per_minute: i32,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    tokens_valid_after: Option<NaiveDateTime>,
}

/// What the history records of a client: everything but the secret.
fn public_fields(client: &ClientRecord) -> serde_json::Value {
    json!({
        "organization_id": client.organization_id,
        "name": client.name,
        "scopes": client.scopes,
        "enabled": client.enabled,
        "demo": client.demo,
        "rate_limit_per_minute": client.rate_limit_per_minute,
    })
}

pub fn create(conn: &mut DbConnection, context: &WriteContext, client: NewClient) -> Result<ClientRecord, StoreError> {
    let organization_exists: i64 = organizations::table
        .filter(organizations::id.eq(client.organization_id.to_string()))
        .count()
        .get_result(conn)?;
    if organization_exists == 0 {
        return Err(StoreError::NotFound);
    }
    let time = now();
    let record = ClientRecord {
        client_id: client.client_id,
        organization_id: client.organization_id,
        name: client.name,
        secret_hash: client.secret_hash,
        scopes: client.scopes,
        enabled: true,
        demo: client.demo,
        rate_limit_per_minute: client.rate_limit_per_minute,
        version: 1,
        created_at: time,
        updated_at: time,
        tokens_valid_after: None,
    };
    let row = row_of(&record)?;
    let inserted = conn.transaction(|conn| diesel::insert_into(oauth_clients::table).values(&row).execute(conn));
    if let Err(error) = inserted {
        let error = StoreError::from(error);
        return Err(if error.is_unique_violation() {
            StoreError::Conflict { detail: format!("client {} exists already", record.client_id), existing_id: None }
        } else {
            error
        });
    }
    record_change(conn, context, &record, Action::Created, public_fields(&record))?;
    Ok(record)
}

pub fn find(conn: &mut DbConnection, client_id: &str) -> Result<Option<ClientRecord>, StoreError> {
    let row: Option<ClientRow> = oauth_clients::table.find(client_id).first(conn).optional()?;
    row.map(record_of_row).transpose()
}

/// Clients in id order, optionally of one organization.
pub fn list(
    conn: &mut DbConnection,
    organization_id: Option<Uuid>,
    page: &PageRequest,
) -> Result<Page<ClientRecord>, StoreError> {
    let mut query = oauth_clients::table.into_boxed();
    if let Some(organization_id) = organization_id {
        query = query.filter(oauth_clients::organization_id.eq(organization_id.to_string()));
    }
    page_by_key!(conn, query, page, oauth_clients::client_id, ClientRow, record_of_row)
}

/// Replaces the secret hash and revokes the tokens issued so far; the history says the secret
/// was rotated, never what it is.
pub fn set_secret(
    conn: &mut DbConnection,
    context: &WriteContext,
    client_id: &str,
    secret_hash: &str,
) -> Result<ClientRecord, StoreError> {
    let change = |row: &mut ClientRecord| {
        row.secret_hash = secret_hash.to_owned();
        row.tokens_valid_after = Some(revocation_instant(now()));
    };
    update(conn, context, client_id, change, json!({"secret": "rotated"}))
}

/// Disabling revokes the tokens issued so far; enabling again does not bring them back.
pub fn set_enabled(
    conn: &mut DbConnection,
    context: &WriteContext,
    client_id: &str,
    enabled: bool,
) -> Result<ClientRecord, StoreError> {
    let change = |row: &mut ClientRecord| {
        row.enabled = enabled;
        if !enabled {
            row.tokens_valid_after = Some(revocation_instant(now()));
        }
    };
    update(conn, context, client_id, change, json!({"enabled": enabled}))
}

/// The instant from which tokens are valid again after a revocation at `time`: the next whole
/// second, since a token's `iat` counts whole seconds. A token issued in the second of the
/// revocation, before it, is then refused too; one issued after it is valid once that second
/// has passed.
pub fn revocation_instant(time: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(time.timestamp() + 1, 0).unwrap_or(time)
}

/// The clients whose tokens were revoked after `since`, with the instant before which their
/// tokens are refused. Older revocations only concern tokens that have expired anyway.
pub fn revoked_since(
    conn: &mut DbConnection,
    since: DateTime<Utc>,
) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
    let rows: Vec<(String, Option<NaiveDateTime>)> = oauth_clients::table
        .filter(oauth_clients::tokens_valid_after.gt(to_db(since)))
        .select((oauth_clients::client_id, oauth_clients::tokens_valid_after))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(client_id, after)| after.map(|after| (client_id, from_db(after)))).collect())
}

fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    client_id: &str,
    change: impl FnOnce(&mut ClientRecord),
    changes: serde_json::Value,
) -> Result<ClientRecord, StoreError> {
    let mut record = find(conn, client_id)?.ok_or(StoreError::NotFound)?;
    let expected = record.version;
    change(&mut record);
    record.version += 1;
    record.updated_at = now();
    let row = row_of(&record)?;
    let updated = diesel::update(oauth_clients::table.find(client_id))
        .filter(oauth_clients::version.eq(expected))
        .set((
            oauth_clients::secret_hash.eq(&row.secret_hash),
            oauth_clients::enabled.eq(row.enabled),
            oauth_clients::version.eq(row.version),
            oauth_clients::updated_at.eq(row.updated_at),
            oauth_clients::tokens_valid_after.eq(row.tokens_valid_after),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::VersionMismatch { current: expected });
    }
    record_change(conn, context, &record, Action::Updated, changes)?;
    Ok(record)
}

fn record_change(
    conn: &mut DbConnection,
    context: &WriteContext,
    record: &ClientRecord,
    action: Action,
    changes: serde_json::Value,
) -> Result<(), StoreError> {
    let resource_id = history_id(&record.client_id);
    write::record(conn, context, &Mutation::new(RESOURCE_TYPE, resource_id, record.version, action, changes))?;
    Ok(())
}

/// The history key of a client: client ids are not UUIDs, and the history and the change feed
/// key resources by UUID, so the key is a name-based UUID of the client id.
pub fn history_id(client_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, client_id.as_bytes())
}

fn row_of(record: &ClientRecord) -> Result<ClientRow, StoreError> {
    Ok(ClientRow {
        client_id: record.client_id.clone(),
        organization_id: record.organization_id.to_string(),
        name: record.name.clone(),
        secret_hash: record.secret_hash.clone(),
        scopes: record.scopes.join(" "),
        enabled: record.enabled,
        demo: record.demo,
        rate_limit_per_minute: i32::try_from(record.rate_limit_per_minute).map_err(StoreError::corrupt)?,
        version: record.version,
        created_at: to_db(record.created_at),
        updated_at: to_db(record.updated_at),
        tokens_valid_after: record.tokens_valid_after.map(to_db),
    })
}

fn record_of_row(row: ClientRow) -> Result<ClientRecord, StoreError> {
    Ok(ClientRecord {
        client_id: row.client_id,
        organization_id: row.organization_id.parse().map_err(StoreError::corrupt)?,
        name: row.name,
        secret_hash: row.secret_hash,
        scopes: row.scopes.split_whitespace().map(str::to_owned).collect(),
        enabled: row.enabled,
        demo: row.demo,
        rate_limit_per_minute: u32::try_from(row.rate_limit_per_minute).map_err(StoreError::corrupt)?,
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
        tokens_valid_after: row.tokens_valid_after.map(from_db),
    })
}
