//! Queries of `delegations`: what an organization delegates to another (the orientation of RSA
//! beneficiaries, an accompaniment mandate). Two delegations of one grant may not cover the same
//! persons on the same days: each write takes the delegating organization's row first, so that
//! concurrent grants of one organization are checked one after the other.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::delegation::{Delegation, DelegationKind};
use plateforme_model::ids::now;
use uuid::Uuid;

use crate::pagination::page_by_key;
use crate::schema::{delegations, organizations};
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "delegation";

#[derive(Queryable, Insertable)]
#[diesel(table_name = delegations, treat_none_as_default_value = false)]
pub(crate) struct DelegationRow {
    id: String,
    kind: String,
    from_organization_id: String,
    to_organization_id: String,
    since: String,
    until: Option<String>,
    scope: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Filters of the delegation list.
#[derive(Debug, Clone, Default)]
pub struct DelegationFilter {
    pub kind: Option<DelegationKind>,
    pub from_organization_id: Option<Uuid>,
    pub to_organization_id: Option<Uuid>,
    /// Only those that apply on this day.
    pub active_on: Option<NaiveDate>,
}

/// Records a delegation, refusing one that overlaps another of the same grant (`Conflict`
/// naming it).
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    delegation: Delegation,
) -> Result<Delegation, StoreError> {
    refuse_overlap(conn, &delegation)?;
    diesel::insert_into(delegations::table).values(&row_of(&delegation)?).execute(conn)?;
    let changes = serde_json::to_value(&delegation).map_err(StoreError::corrupt)?;
    write::record(conn, context, &mutation(&delegation, Action::Created, changes))?;
    Ok(delegation)
}

/// Changes the end of a delegation still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &Delegation,
    expected_version: i64,
    until: Option<NaiveDate>,
) -> Result<Delegation, StoreError> {
    if current.version != expected_version {
        return Err(StoreError::VersionMismatch { current: current.version });
    }
    if current.until == until {
        return Ok(current.clone());
    }
    let updated = Delegation { until, version: current.version + 1, updated_at: now(), ..current.clone() };
    refuse_overlap(conn, &updated)?;
    let written = diesel::update(delegations::table.find(updated.id.to_string()))
        .filter(delegations::version.eq(expected_version))
        .set((
            delegations::until.eq(until.map(|day| day.to_string())),
            delegations::version.eq(updated.version),
            delegations::updated_at.eq(to_db(updated.updated_at)),
        ))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, current.id)?.map(|found| found.version)));
    }
    write::record(conn, context, &mutation(&updated, Action::Updated, serde_json::json!({ "until": until })))?;
    Ok(updated)
}

/// Takes the delegating organization's row for the transaction, then looks for a delegation of
/// the same grant covering the same persons on the same days.
fn refuse_overlap(conn: &mut DbConnection, delegation: &Delegation) -> Result<(), StoreError> {
    let from = delegation.from_organization_id.to_string();
    diesel::update(organizations::table.find(&from))
        .set(organizations::version.eq(organizations::version))
        .execute(conn)?;
    let rows: Vec<DelegationRow> = delegations::table
        .filter(delegations::from_organization_id.eq(&from))
        .filter(delegations::kind.eq(delegation.kind.as_str()))
        .load(conn)?;
    for row in rows {
        let other = delegation_of_row(row)?;
        if delegation.overlaps(&other) {
            return Err(StoreError::Conflict {
                detail: format!(
                    "delegation {} covers some of the same persons on some of the same days ({} to {}); end it first, \
                     or narrow this one",
                    other.id,
                    other.since,
                    other.until.map_or_else(|| "open-ended".to_owned(), |until| until.to_string())
                ),
                existing_id: Some(other.id),
            });
        }
    }
    Ok(())
}

fn mutation(delegation: &Delegation, action: Action, changes: serde_json::Value) -> Mutation {
    Mutation::new(RESOURCE_TYPE, delegation.id, delegation.version, action, changes)
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<Delegation>, StoreError> {
    let row: Option<DelegationRow> = delegations::table.find(id.to_string()).first(conn).optional()?;
    row.map(delegation_of_row).transpose()
}

/// One page of delegations in id order (creation order).
pub fn list(
    conn: &mut DbConnection,
    filter: &DelegationFilter,
    page: &PageRequest,
) -> Result<Page<Delegation>, StoreError> {
    let mut query = delegations::table.into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(delegations::kind.eq(kind.as_str()));
    }
    if let Some(from) = filter.from_organization_id {
        query = query.filter(delegations::from_organization_id.eq(from.to_string()));
    }
    if let Some(to) = filter.to_organization_id {
        query = query.filter(delegations::to_organization_id.eq(to.to_string()));
    }
    if let Some(day) = filter.active_on {
        let day = day.to_string();
        query = query
            .filter(delegations::since.le(day.clone()))
            .filter(delegations::until.is_null().or(delegations::until.ge(day)));
    }
    page_by_key!(conn, query, page, delegations::id, DelegationRow, delegation_of_row)
}

/// The delegations of `kind` an organization holds on `day`: what it may do for others.
pub fn held(
    conn: &mut DbConnection,
    kind: DelegationKind,
    to: Uuid,
    day: NaiveDate,
) -> Result<Vec<Delegation>, StoreError> {
    let filter =
        DelegationFilter { kind: Some(kind), to_organization_id: Some(to), active_on: Some(day), ..Default::default() };
    crate::pagination::every_page(|page| list(conn, &filter, page))
}

fn row_of(delegation: &Delegation) -> Result<DelegationRow, StoreError> {
    Ok(DelegationRow {
        id: delegation.id.to_string(),
        kind: delegation.kind.as_str().to_owned(),
        from_organization_id: delegation.from_organization_id.to_string(),
        to_organization_id: delegation.to_organization_id.to_string(),
        since: delegation.since.to_string(),
        until: delegation.until.map(|day| day.to_string()),
        scope: serde_json::to_string(&delegation.scope).map_err(StoreError::corrupt)?,
        version: delegation.version,
        created_at: to_db(delegation.created_at),
        updated_at: to_db(delegation.updated_at),
    })
}

fn delegation_of_row(row: DelegationRow) -> Result<Delegation, StoreError> {
    let day = |text: &str| text.parse::<NaiveDate>().map_err(StoreError::corrupt);
    let time = |at: NaiveDateTime| -> DateTime<Utc> { from_db(at) };
    Ok(Delegation {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        kind: DelegationKind::parse(&row.kind)
            .ok_or_else(|| StoreError::corrupt(format!("delegation kind {}", row.kind)))?,
        from_organization_id: row.from_organization_id.parse().map_err(StoreError::corrupt)?,
        to_organization_id: row.to_organization_id.parse().map_err(StoreError::corrupt)?,
        since: day(&row.since)?,
        until: row.until.as_deref().map(day).transpose()?,
        scope: serde_json::from_str(&row.scope).map_err(StoreError::corrupt)?,
        version: row.version,
        created_at: time(row.created_at),
        updated_at: time(row.updated_at),
    })
}
