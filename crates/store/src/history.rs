//! The history of every resource: one row per version, with who changed what and when, read
//! back as the model's `HistoryVersion`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use plateforme_model::history::HistoryVersion;
use uuid::Uuid;

use crate::schema::history;
use crate::sensitive::{self, Place};
use crate::timestamps::{from_db, to_db};
use crate::write::{Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

#[derive(Queryable, Insertable)]
#[diesel(table_name = history, treat_none_as_default_value = false)]
pub(crate) struct HistoryRow {
    resource_type: String,
    resource_id: String,
    version: i64,
    action: String,
    actor: String,
    actor_organization: Option<String>,
    request_id: Option<String>,
    changed_at: NaiveDateTime,
    changes: String,
    counsellor: Option<String>,
}

pub(crate) fn append(conn: &mut DbConnection, context: &WriteContext, mutation: &Mutation) -> Result<(), StoreError> {
    append_all(conn, context, std::slice::from_ref(mutation))
}

/// Appends the history rows of several mutations, in multi-row statements.
pub(crate) fn append_all(
    conn: &mut DbConnection,
    context: &WriteContext,
    mutations: &[Mutation],
) -> Result<(), StoreError> {
    let changed_at = to_db(plateforme_model::ids::now());
    let rows = mutations.iter().map(|mutation| row_of(context, mutation, changed_at)).collect::<Result<Vec<_>, _>>()?;
    crate::bulk::insert_all!(conn, history::table, rows.as_slice());
    Ok(())
}

/// The history row of a mutation made at `changed_at`, its sensitive members sealed.
pub(crate) fn row_of(
    context: &WriteContext,
    mutation: &Mutation,
    changed_at: NaiveDateTime,
) -> Result<HistoryRow, StoreError> {
    let resource_id = mutation.resource_id.to_string();
    let mut changes = mutation.changes.clone();
    let place =
        Place::History { resource_type: mutation.resource_type, resource_id: &resource_id, version: mutation.version };
    sensitive::seal_members(&mut changes, place)?;
    Ok(HistoryRow {
        resource_type: mutation.resource_type.to_owned(),
        resource_id,
        version: mutation.version,
        action: mutation.action.as_str().to_owned(),
        actor: context.actor.client_id.clone(),
        actor_organization: context.actor.organization_id.map(|id| id.to_string()),
        request_id: context.request_id.clone(),
        changed_at,
        changes: changes.to_string(),
        counsellor: context.counsellor.clone(),
    })
}

/// The versions of one resource, oldest first. An empty first page means no such resource.
/// Sensitive members (`crate::sensitive`) are opened when `disclose`, withheld otherwise.
pub fn list(
    conn: &mut DbConnection,
    resource_type: &str,
    resource_id: Uuid,
    page: &PageRequest,
    disclose: bool,
) -> Result<Page<HistoryVersion>, StoreError> {
    let mut query = history::table
        .filter(history::resource_type.eq(resource_type))
        .filter(history::resource_id.eq(resource_id.to_string()))
        .order(history::version.asc())
        .limit(page.fetch_limit())
        .into_boxed();
    if let Some(after) = &page.after {
        let after: i64 = after.parse().map_err(|_| StoreError::InvalidCursor)?;
        query = query.filter(history::version.gt(after));
    }
    let rows: Vec<HistoryRow> = query.load(conn)?;
    if rows.is_empty() && page.after.is_none() {
        return Err(StoreError::NotFound);
    }
    Page::from_rows(rows, page, |row| row.version.to_string()).try_map(|row| entry_of_row(row, disclose))
}

fn entry_of_row(row: HistoryRow, disclose: bool) -> Result<HistoryVersion, StoreError> {
    let mut changes = serde_json::from_str(&row.changes).map_err(StoreError::corrupt)?;
    let place =
        Place::History { resource_type: &row.resource_type, resource_id: &row.resource_id, version: row.version };
    sensitive::open_members(&mut changes, place, disclose)?;
    Ok(HistoryVersion {
        version: row.version,
        action: row.action,
        actor: row.actor,
        actor_organization: row.actor_organization,
        request_id: row.request_id,
        changed_at: from_db(row.changed_at),
        changes,
        counsellor: row.counsellor,
    })
}
