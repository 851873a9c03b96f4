//! The access journal: every read or write of a person's data. Entries are only ever added.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::{new_id, now};
use uuid::Uuid;

use crate::pagination::page_by_key;
use crate::schema::access_journal;
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, Page, PageRequest, StoreError};

/// One access to a person's data, as journaled: the access, with the id and time it was
/// given when it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub access: Access,
}

/// An access to record; id and time are given when it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub client_id: String,
    pub organization_id: Option<Uuid>,
    pub person_id: Uuid,
    /// The part of the dossier touched, e.g. `identity`, `social_diagnostic`.
    pub section: String,
    /// `read` or `write`.
    pub action: String,
    pub request_id: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = access_journal)]
struct JournalRow {
    id: String,
    occurred_at: NaiveDateTime,
    client_id: String,
    organization_id: Option<String>,
    person_id: String,
    section: String,
    action: String,
    request_id: Option<String>,
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct JournalFilter {
    pub person_id: Option<Uuid>,
    pub client_id: Option<String>,
    /// Only the accesses made by this organization's clients.
    pub organization_id: Option<Uuid>,
}

/// Records accesses. Call it inside the write transaction for writes, and before answering
/// for reads, so that no access is answered without its entry.
pub fn append(conn: &mut DbConnection, accesses: &[Access]) -> Result<(), StoreError> {
    let time = to_db(now());
    for access in accesses {
        let row = JournalRow {
            id: new_id().to_string(),
            occurred_at: time,
            client_id: access.client_id.clone(),
            organization_id: access.organization_id.map(|id| id.to_string()),
            person_id: access.person_id.to_string(),
            section: access.section.clone(),
            action: access.action.clone(),
            request_id: access.request_id.clone(),
        };
        diesel::insert_into(access_journal::table).values(&row).execute(conn)?;
    }
    Ok(())
}

/// Entries in time order (ids are UUIDv7).
pub fn list(
    conn: &mut DbConnection,
    filter: &JournalFilter,
    page: &PageRequest,
) -> Result<Page<JournalEntry>, StoreError> {
    let mut query = access_journal::table.into_boxed();
    if let Some(person_id) = filter.person_id {
        query = query.filter(access_journal::person_id.eq(person_id.to_string()));
    }
    if let Some(client_id) = &filter.client_id {
        query = query.filter(access_journal::client_id.eq(client_id));
    }
    if let Some(organization_id) = filter.organization_id {
        query = query.filter(access_journal::organization_id.eq(organization_id.to_string()));
    }
    page_by_key!(conn, query, page, access_journal::id, JournalRow, entry_of_row)
}

fn entry_of_row(row: JournalRow) -> Result<JournalEntry, StoreError> {
    Ok(JournalEntry {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        occurred_at: from_db(row.occurred_at),
        access: Access {
            client_id: row.client_id,
            organization_id: row.organization_id.map(|id| id.parse()).transpose().map_err(StoreError::corrupt)?,
            person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
            section: row.section,
            action: row.action,
            request_id: row.request_id,
        },
    })
}
