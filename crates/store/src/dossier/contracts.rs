//! Queries of `contracts` (contrats d'engagement réciproque). The record is stored as JSON;
//! the person, the drafting organization, the status and the signature day beside it are
//! derived from it on every write, for the lists, the rule of one contract in force per person
//! and the indicators.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::{new_id, now};
use plateforme_model::person::contract::{Contract, ContractRecord, ContractStatus};
use uuid::Uuid;

use crate::pagination::{find_child, page_by_key};
use crate::schema::{contracts, organizations};
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "contract";

/// A contract as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredContract {
    pub id: Uuid,
    pub person_id: Uuid,
    pub record: ContractRecord,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredContract {
    /// The contract as the API answers it.
    pub fn view(&self) -> Contract {
        let contract = self;
        let record = &contract.record;
        Contract {
            id: contract.id,
            person_id: contract.person_id,
            kind: record.kind,
            obligations: record.obligations.clone(),
            status: record.status,
            objectives: record.objectives.clone(),
            actions: record.actions.clone(),
            weekly_hours: record.weekly_hours,
            drafted_on: record.drafted_on,
            next_review_on: record.next_review_on,
            person_signed_on: record.person_signed_on,
            organization_signed_on: record.organization_signed_on,
            signing_organization_id: record.signing_organization_id,
            organization_id: record.organization_id,
            version: contract.version,
            created_at: contract.created_at,
            updated_at: contract.updated_at,
        }
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = contracts, treat_none_as_default_value = false)]
pub(crate) struct ContractRow {
    id: String,
    person_id: String,
    organization_id: String,
    status: String,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    /// `YYYY-MM-DD`, derived from the record ([`ContractRecord::signed_on`]): what the
    /// indicators count contracts by, without reading every record.
    signed_on: Option<String>,
}

/// Drafts a contract for a person. A person has one contract in force at a time: while
/// another is not closed, this answers `Conflict` naming it.
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    record: ContractRecord,
) -> Result<StoredContract, StoreError> {
    let time = now();
    let contract = StoredContract { id: new_id(), person_id, record, version: 1, created_at: time, updated_at: time };
    let row = row_of(&contract)?;
    // A savepoint, so the transaction stays usable to find the contract in force.
    let inserted = conn.transaction(|conn| diesel::insert_into(contracts::table).values(&row).execute(conn));
    if let Err(error) = inserted {
        let error = StoreError::from(error);
        if !error.is_unique_violation() {
            return Err(error);
        }
        return Err(StoreError::Conflict {
            detail: format!("person {person_id} has a contract in force already; change it, or close it first"),
            existing_id: in_force(conn, person_id)?,
        });
    }
    let changes = serde_json::to_value(&contract.record).map_err(StoreError::corrupt)?;
    write::record(conn, context, &mutation(&contract, Action::Created, changes))?;
    Ok(contract)
}

fn mutation(contract: &StoredContract, action: Action, changes: serde_json::Value) -> Mutation {
    Mutation::new(RESOURCE_TYPE, contract.id, contract.version, action, changes).of_person(contract.person_id)
}

/// The person's contract that is not closed, if any.
fn in_force(conn: &mut DbConnection, person_id: Uuid) -> Result<Option<Uuid>, StoreError> {
    let id: Option<String> = contracts::table
        .select(contracts::id)
        .filter(contracts::person_id.eq(person_id.to_string()))
        .filter(contracts::status.ne(ContractStatus::Closed.as_str()))
        .first(conn)
        .optional()?;
    id.map(|id| id.parse().map_err(StoreError::corrupt)).transpose()
}

/// The contract `id` of the person; `None` when it does not exist or is another person's.
pub fn find(conn: &mut DbConnection, person_id: Uuid, id: Uuid) -> Result<Option<StoredContract>, StoreError> {
    find_child!(conn, contracts::person_id == person_id, id, ContractRow, contract_of_row)
}

/// The person's contracts, oldest first (ids are UUIDv7).
pub fn list(conn: &mut DbConnection, person_id: Uuid, page: &PageRequest) -> Result<Page<StoredContract>, StoreError> {
    let query = contracts::table.filter(contracts::person_id.eq(person_id.to_string())).into_boxed();
    page_by_key!(conn, query, page, contracts::id, ContractRow, contract_of_row)
}

/// Writes a new version of the record if the contract is still at `expected_version`. The
/// version is checked by the update itself, so of two writers that read the same version
/// exactly one succeeds and the other gets `VersionMismatch`.
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredContract,
    expected_version: i64,
    record: ContractRecord,
    changes: serde_json::Value,
) -> Result<StoredContract, StoreError> {
    let updated = StoredContract { record, version: expected_version + 1, updated_at: now(), ..current.clone() };
    let row = row_of(&updated)?;
    let written = diesel::update(contracts::table.find(&row.id))
        .filter(contracts::version.eq(expected_version))
        .set((
            contracts::status.eq(&row.status),
            contracts::record.eq(&row.record),
            contracts::version.eq(row.version),
            contracts::updated_at.eq(row.updated_at),
            contracts::signed_on.eq(&row.signed_on),
        ))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, current.person_id, current.id)?.map(|found| found.version)));
    }
    write::record(conn, context, &mutation(&updated, Action::Updated, changes))?;
    Ok(updated)
}

/// Of the given organization ids (each with the field that named it), those that name no
/// organization.
pub fn unknown_organizations(
    conn: &mut DbConnection,
    named: &[(String, Uuid)],
) -> Result<Vec<(String, Uuid)>, StoreError> {
    if named.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = named.iter().map(|(_, id)| id.to_string()).collect();
    let known: Vec<String> =
        organizations::table.select(organizations::id).filter(organizations::id.eq_any(ids)).load(conn)?;
    Ok(named.iter().filter(|(_, id)| !known.contains(&id.to_string())).cloned().collect())
}

pub(crate) fn row_of(contract: &StoredContract) -> Result<ContractRow, StoreError> {
    let record = &contract.record;
    Ok(ContractRow {
        id: contract.id.to_string(),
        person_id: contract.person_id.to_string(),
        organization_id: record.organization_id.to_string(),
        status: record.status.as_str().to_owned(),
        record: serde_json::to_string(record).map_err(StoreError::corrupt)?,
        version: contract.version,
        created_at: to_db(contract.created_at),
        updated_at: to_db(contract.updated_at),
        signed_on: record.signed_on().map(|day| day.to_string()),
    })
}

fn contract_of_row(row: ContractRow) -> Result<StoredContract, StoreError> {
    Ok(StoredContract {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
        record: serde_json::from_str(&row.record).map_err(StoreError::corrupt)?,
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}
