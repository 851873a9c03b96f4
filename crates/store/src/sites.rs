//! Queries of `organization_sites`: where people meet the organizations. The record is JSON; the
//! position beside it is what the search for the nearest organizations reads, through a bounding
//! box the caller computes (the exact distance is the caller's too, from the referentials).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use plateforme_model::ids::{new_id, now};
use plateforme_model::organization::{Organization, OrganizationKind};
use plateforme_model::site::{Position, Site, SiteFields};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::organizations::{OrganizationRow, organization_of_row};
use crate::pagination::{find_child, page_by_key};
use crate::schema::{organization_sites, organizations};
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "organization_site";

/// The rectangle of positions a search reads: latitudes then longitudes, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub latitudes: (f64, f64),
    pub longitudes: (f64, f64),
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = organization_sites, treat_none_as_default_value = false)]
pub(crate) struct SiteRow {
    id: String,
    organization_id: String,
    latitude: f64,
    longitude: f64,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// What the JSON column holds: the site but its keys, position and times.
#[derive(Serialize, Deserialize)]
struct SiteRecord {
    fields: SiteFields,
}

/// Records a site of an organization at `position` (the given one, or the commune's).
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    organization_id: Uuid,
    fields: SiteFields,
    position: Position,
) -> Result<Site, StoreError> {
    let time = now();
    let site = Site {
        id: new_id(),
        organization_id,
        name: fields.name.trim().to_owned(),
        address: fields.address,
        position,
        position_given: fields.position.is_some(),
        opening_hours: fields.opening_hours,
        accessibility: fields.accessibility,
        version: 1,
        created_at: time,
        updated_at: time,
    };
    diesel::insert_into(organization_sites::table).values(&row_of(&site)?).execute(conn)?;
    let changes = serde_json::to_value(site.fields()).map_err(StoreError::corrupt)?;
    write::record(conn, context, &mutation(&site, Action::Created, changes))?;
    Ok(site)
}

/// Writes a new version of the site if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &Site,
    expected_version: i64,
    fields: SiteFields,
    position: Position,
    changes: serde_json::Value,
) -> Result<Site, StoreError> {
    let updated = Site {
        name: fields.name.trim().to_owned(),
        address: fields.address,
        position,
        position_given: fields.position.is_some(),
        opening_hours: fields.opening_hours,
        accessibility: fields.accessibility,
        version: expected_version + 1,
        updated_at: now(),
        ..current.clone()
    };
    let row = row_of(&updated)?;
    let written = diesel::update(organization_sites::table.find(&row.id))
        .filter(organization_sites::version.eq(expected_version))
        .set((
            organization_sites::latitude.eq(row.latitude),
            organization_sites::longitude.eq(row.longitude),
            organization_sites::record.eq(&row.record),
            organization_sites::version.eq(row.version),
            organization_sites::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, current.organization_id, current.id)?.map(|found| found.version)));
    }
    write::record(conn, context, &mutation(&updated, Action::Updated, changes))?;
    Ok(updated)
}

fn mutation(site: &Site, action: Action, changes: serde_json::Value) -> Mutation {
    Mutation::new(RESOURCE_TYPE, site.id, site.version, action, changes)
}

/// The site `id` of the organization; `None` when it does not exist or is another's.
pub fn find(conn: &mut DbConnection, organization_id: Uuid, id: Uuid) -> Result<Option<Site>, StoreError> {
    find_child!(conn, organization_sites::organization_id == organization_id, id, SiteRow, site_of_row)
}

/// The organization's sites, oldest first.
pub fn list(conn: &mut DbConnection, organization_id: Uuid, page: &PageRequest) -> Result<Page<Site>, StoreError> {
    let query = organization_sites::table
        .filter(organization_sites::organization_id.eq(organization_id.to_string()))
        .into_boxed();
    page_by_key!(conn, query, page, organization_sites::id, SiteRow, site_of_row)
}

/// Every site within `area` (of an organization of `kind`, when given), with its organization.
pub fn within(
    conn: &mut DbConnection,
    area: Area,
    kind: Option<OrganizationKind>,
) -> Result<Vec<(Organization, Site)>, StoreError> {
    let mut query = organization_sites::table
        .inner_join(organizations::table)
        .filter(organization_sites::latitude.between(area.latitudes.0, area.latitudes.1))
        .filter(organization_sites::longitude.between(area.longitudes.0, area.longitudes.1))
        .select((organizations::all_columns, organization_sites::all_columns))
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(organizations::kind.eq(kind.as_str()));
    }
    let rows: Vec<(OrganizationRow, SiteRow)> = query.load(conn)?;
    rows.into_iter().map(|(organization, site)| Ok((organization_of_row(organization)?, site_of_row(site)?))).collect()
}

pub(crate) fn row_of(site: &Site) -> Result<SiteRow, StoreError> {
    let record = SiteRecord { fields: site.fields() };
    Ok(SiteRow {
        id: site.id.to_string(),
        organization_id: site.organization_id.to_string(),
        latitude: site.position.latitude,
        longitude: site.position.longitude,
        record: serde_json::to_string(&record).map_err(StoreError::corrupt)?,
        version: site.version,
        created_at: to_db(site.created_at),
        updated_at: to_db(site.updated_at),
    })
}

fn site_of_row(row: SiteRow) -> Result<Site, StoreError> {
    let record: SiteRecord = serde_json::from_str(&row.record).map_err(StoreError::corrupt)?;
    let fields = record.fields;
    Ok(Site {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        organization_id: row.organization_id.parse().map_err(StoreError::corrupt)?,
        name: fields.name,
        address: fields.address,
        position: Position { latitude: row.latitude, longitude: row.longitude },
        position_given: fields.position.is_some(),
        opening_hours: fields.opening_hours,
        accessibility: fields.accessibility,
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}
