//! Queries of `breaches`: the failures to meet the duties of a contract of engagement and the
//! measures decided. The record is JSON; the person, the contract and the status beside it are
//! derived from it on every write. The record's statements are sealed at rest, in the row and
//! in the history (`crate::sensitive`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::{new_id, now};
use plateforme_model::person::duties::{Breach, BreachRecord, Measure};
use uuid::Uuid;

use crate::pagination::{every_page, find_child, page_by_key};
use crate::schema::breaches;
use crate::sensitive::{self, Place};
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "breach";

/// A breach as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBreach {
    pub id: Uuid,
    pub person_id: Uuid,
    pub record: BreachRecord,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredBreach {
    /// The breach as the API answers it (its status derived from its steps).
    pub fn view(&self) -> Breach {
        Breach {
            id: self.id,
            person_id: self.person_id,
            status: self.record.status(),
            record: self.record.clone(),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = breaches, treat_none_as_default_value = false)]
pub(crate) struct BreachRow {
    id: String,
    person_id: String,
    contract_id: String,
    status: String,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    record: BreachRecord,
) -> Result<StoredBreach, StoreError> {
    let time = now();
    let breach = StoredBreach { id: new_id(), person_id, record, version: 1, created_at: time, updated_at: time };
    diesel::insert_into(breaches::table).values(&row_of(&breach)?).execute(conn)?;
    let changes = serde_json::to_value(&breach.record).map_err(StoreError::corrupt)?;
    write::record(conn, context, &mutation(&breach, Action::Created, changes))?;
    Ok(breach)
}

/// Writes a new version of the record if the breach is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredBreach,
    expected_version: i64,
    record: BreachRecord,
    changes: serde_json::Value,
) -> Result<StoredBreach, StoreError> {
    let updated = StoredBreach { record, version: expected_version + 1, updated_at: now(), ..current.clone() };
    let row = row_of(&updated)?;
    let written = diesel::update(breaches::table.find(&row.id))
        .filter(breaches::version.eq(expected_version))
        .set((
            breaches::status.eq(&row.status),
            breaches::record.eq(&row.record),
            breaches::version.eq(row.version),
            breaches::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, current.person_id, current.id)?.map(|found| found.version)));
    }
    write::record(conn, context, &mutation(&updated, Action::Updated, changes))?;
    Ok(updated)
}

fn mutation(breach: &StoredBreach, action: Action, changes: serde_json::Value) -> Mutation {
    Mutation::new(RESOURCE_TYPE, breach.id, breach.version, action, changes).of_person(breach.person_id)
}

/// The breach `id` of the person; `None` when it does not exist or is another's.
pub fn find(conn: &mut DbConnection, person_id: Uuid, id: Uuid) -> Result<Option<StoredBreach>, StoreError> {
    find_child!(conn, breaches::person_id == person_id, id, BreachRow, breach_of_row)
}

/// The person's breaches, oldest first.
pub fn list(conn: &mut DbConnection, person_id: Uuid, page: &PageRequest) -> Result<Page<StoredBreach>, StoreError> {
    let query = breaches::table.filter(breaches::person_id.eq(person_id.to_string())).into_boxed();
    page_by_key!(conn, query, page, breaches::id, BreachRow, breach_of_row)
}

/// The measures decided for the person, with their day, but for breach `except`: what the
/// progressivity of a new decision is judged against. A person has few breaches.
pub fn measures(
    conn: &mut DbConnection,
    person_id: Uuid,
    except: Uuid,
) -> Result<Vec<(NaiveDate, Measure)>, StoreError> {
    let breaches = every_page(|page| list(conn, person_id, page))?;
    Ok(breaches
        .into_iter()
        .filter(|breach| breach.id != except)
        .filter_map(|breach| breach.record.decision.map(|decision| (decision.decided_on, decision.measure)))
        .collect())
}

fn row_of(breach: &StoredBreach) -> Result<BreachRow, StoreError> {
    let status = serde_json::to_value(breach.record.status()).map_err(StoreError::corrupt)?;
    Ok(BreachRow {
        id: breach.id.to_string(),
        person_id: breach.person_id.to_string(),
        contract_id: breach.record.contract_id.to_string(),
        status: status.as_str().unwrap_or_default().to_owned(),
        record: sealed_record(breach)?,
        version: breach.version,
        created_at: to_db(breach.created_at),
        updated_at: to_db(breach.updated_at),
    })
}

/// The record as its column holds it: its statements sealed.
fn sealed_record(breach: &StoredBreach) -> Result<String, StoreError> {
    let mut document = serde_json::to_value(&breach.record).map_err(StoreError::corrupt)?;
    let id = breach.id.to_string();
    sensitive::seal_members(&mut document, Place::Row { resource_type: RESOURCE_TYPE, resource_id: &id })?;
    Ok(document.to_string())
}

fn breach_of_row(row: BreachRow) -> Result<StoredBreach, StoreError> {
    let mut record = serde_json::from_str(&row.record).map_err(StoreError::corrupt)?;
    sensitive::open_members(&mut record, Place::Row { resource_type: RESOURCE_TYPE, resource_id: &row.id }, true)?;
    Ok(StoredBreach {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
        record: serde_json::from_value(record).map_err(StoreError::corrupt)?,
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}
