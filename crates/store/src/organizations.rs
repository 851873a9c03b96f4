//! Queries of the `organizations` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use plateforme_model::codes::Siret;
use plateforme_model::ids::{new_id, now};
use plateforme_model::organization::{Organization, OrganizationFields, OrganizationKind};
use uuid::Uuid;

use crate::pagination::page_by_key;
use crate::schema::organizations;
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "organization";

#[derive(Queryable, Insertable)]
#[diesel(table_name = organizations, treat_none_as_default_value = false)]
pub(crate) struct OrganizationRow {
    id: String,
    kind: String,
    name: String,
    siret: String,
    territory: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    created_by: String,
    updated_by: String,
}

/// Filters of the organization list.
#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    pub kind: Option<OrganizationKind>,
}

/// Creates an organization; a SIRET already registered answers `Conflict` with the existing id.
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    fields: OrganizationFields,
) -> Result<Organization, StoreError> {
    let time = now();
    let organization = Organization {
        id: new_id(),
        kind: fields.kind,
        name: fields.name,
        siret: fields.siret,
        territory: fields.territory,
        version: 1,
        created_at: time,
        updated_at: time,
    };
    let row = row_of(&organization, &context.actor.client_id, &context.actor.client_id)?;
    // A savepoint, so the transaction stays usable to find the record that won.
    let inserted = conn.transaction(|conn| diesel::insert_into(organizations::table).values(&row).execute(conn));
    if let Err(error) = inserted {
        return Err(conflict_or(conn, error.into(), organization.siret.as_str()));
    }
    let changes = serde_json::to_value(organization.fields()).map_err(StoreError::corrupt)?;
    write::record(conn, context, &Mutation::new(RESOURCE_TYPE, organization.id, 1, Action::Created, changes))?;
    Ok(organization)
}

/// The organization with this id, if any.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<Organization>, StoreError> {
    let row: Option<OrganizationRow> = organizations::table.find(id.to_string()).first(conn).optional()?;
    row.map(organization_of_row).transpose()
}

pub fn find_by_siret(conn: &mut DbConnection, siret: &str) -> Result<Option<Organization>, StoreError> {
    let row: Option<OrganizationRow> =
        organizations::table.filter(organizations::siret.eq(siret)).first(conn).optional()?;
    row.map(organization_of_row).transpose()
}

/// One page of organizations in id order (creation order, as ids are UUIDv7).
pub fn list(
    conn: &mut DbConnection,
    filter: &OrganizationFilter,
    page: &PageRequest,
) -> Result<Page<Organization>, StoreError> {
    let mut query = organizations::table.into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(organizations::kind.eq(kind.as_str()));
    }
    page_by_key!(conn, query, page, organizations::id, OrganizationRow, organization_of_row)
}

/// Replaces the writable fields of version `expected_version`. Unchanged fields make no new version.
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: Uuid,
    expected_version: i64,
    fields: OrganizationFields,
) -> Result<Organization, StoreError> {
    let current = find(conn, id)?.ok_or(StoreError::NotFound)?;
    if current.version != expected_version {
        return Err(StoreError::VersionMismatch { current: current.version });
    }
    let before = serde_json::to_value(current.fields()).map_err(StoreError::corrupt)?;
    let after = serde_json::to_value(&fields).map_err(StoreError::corrupt)?;
    let changes = plateforme_model::merge_patch::diff(&before, &after);
    if changes.as_object().is_some_and(|changes| changes.is_empty()) {
        return Ok(current);
    }
    let updated = Organization {
        kind: fields.kind,
        name: fields.name,
        siret: fields.siret,
        territory: fields.territory,
        version: current.version + 1,
        updated_at: now(),
        ..current
    };
    let row = row_of(&updated, &context.actor.client_id, &context.actor.client_id)?;
    let written = conn.transaction(|conn| {
        diesel::update(organizations::table.find(id.to_string()))
            .filter(organizations::version.eq(expected_version))
            .set((
                organizations::kind.eq(&row.kind),
                organizations::name.eq(&row.name),
                organizations::siret.eq(&row.siret),
                organizations::territory.eq(&row.territory),
                organizations::version.eq(row.version),
                organizations::updated_at.eq(row.updated_at),
                organizations::updated_by.eq(&row.updated_by),
            ))
            .execute(conn)
    });
    match written {
        Ok(0) => {
            return Err(StoreError::VersionMismatch { current: find(conn, id)?.ok_or(StoreError::NotFound)?.version });
        }
        Ok(_) => {}
        Err(error) => return Err(conflict_or(conn, error.into(), updated.siret.as_str())),
    }
    write::record(conn, context, &Mutation::new(RESOURCE_TYPE, id, updated.version, Action::Updated, changes))?;
    Ok(updated)
}

/// Turns a unique violation on the SIRET into a conflict naming the organization holding it.
fn conflict_or(conn: &mut DbConnection, error: StoreError, siret: &str) -> StoreError {
    if !error.is_unique_violation() {
        return error;
    }
    match find_by_siret(conn, siret) {
        Ok(existing) => StoreError::Conflict {
            detail: format!("an organization with SIRET {siret} exists already"),
            existing_id: existing.map(|organization| organization.id),
        },
        Err(error) => error,
    }
}

pub(crate) fn row_of(
    organization: &Organization,
    created_by: &str,
    updated_by: &str,
) -> Result<OrganizationRow, StoreError> {
    Ok(OrganizationRow {
        id: organization.id.to_string(),
        kind: organization.kind.as_str().to_owned(),
        name: organization.name.clone(),
        siret: organization.siret.to_string(),
        territory: serde_json::to_string(&organization.territory).map_err(StoreError::corrupt)?,
        version: organization.version,
        created_at: to_db(organization.created_at),
        updated_at: to_db(organization.updated_at),
        created_by: created_by.to_owned(),
        updated_by: updated_by.to_owned(),
    })
}

pub(crate) fn organization_of_row(row: OrganizationRow) -> Result<Organization, StoreError> {
    Ok(Organization {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        kind: OrganizationKind::parse(&row.kind)
            .ok_or_else(|| StoreError::corrupt(format!("organization kind {}", row.kind)))?,
        name: row.name,
        siret: Siret::parse(&row.siret).map_err(StoreError::corrupt)?,
        territory: serde_json::from_str(&row.territory).map_err(StoreError::corrupt)?,
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}
