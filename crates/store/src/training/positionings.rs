//! Queries of `training_positionings`: a person's positionings on training sessions (Ouiform,
//! proposition #63). The record's shape (the positioning, the provider's answer, the entry and
//! the exit) belongs to `plateforme-training`: the store keeps it as JSON, with the columns the
//! policy and the lists need beside it — the person, the session, the organization that
//! published the session and the région funding it — and the status, which counts the places a
//! session has given.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::pagination::{find_child, page_by_key};
use crate::schema::{persons, training_positionings};
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "training_positioning";

/// The statuses of a positioning that hold one of its session's places.
pub const HOLDING_A_PLACE: [&str; 2] = ["accepted", "in_training"];

/// The statuses a positioning no longer moves from.
pub const FINAL: [&str; 2] = ["refused", "exited"];

/// A positioning as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPositioning {
    pub id: Uuid,
    pub person_id: Uuid,
    pub training_id: Uuid,
    pub session_id: Uuid,
    /// The organization that published the session (its training provider, or the partner).
    pub provider_id: Uuid,
    /// The région that funds the session's action (LHEO `code-financeur` 2), when one does.
    pub funding_region: Option<String>,
    pub status: String,
    /// The positioning and its steps, as `plateforme-training` shapes them.
    pub record: Value,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredPositioning {
    /// The positioning as the API answers it (`plateforme-training`'s `Positioning`): its
    /// columns around its record's fields. One shape for its reads and for the change feed's
    /// `embed=resource`, which reads it here.
    pub fn view(&self) -> Value {
        let mut view = serde_json::Map::new();
        view.insert("id".into(), Value::String(self.id.to_string()));
        view.insert("person_id".into(), Value::String(self.person_id.to_string()));
        view.insert("status".into(), Value::String(self.status.clone()));
        view.insert("provider_organization_id".into(), Value::String(self.provider_id.to_string()));
        if let Some(region) = &self.funding_region {
            view.insert("funding_region".into(), Value::String(region.clone()));
        }
        if let Value::Object(record) = &self.record {
            view.extend(record.iter().map(|(field, value)| (field.clone(), value.clone())));
        }
        view.insert("version".into(), Value::from(self.version));
        view.insert("created_at".into(), serde_json::json!(self.created_at));
        view.insert("updated_at".into(), serde_json::json!(self.updated_at));
        Value::Object(view)
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = training_positionings, treat_none_as_default_value = false)]
struct PositioningRow {
    id: String,
    person_id: String,
    training_id: String,
    session_id: String,
    provider_id: String,
    funding_region: Option<String>,
    status: String,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Which positionings a list outside a person's dossier holds: those the policy lets the
/// caller read there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    Every,
    /// On the sessions the organization published.
    ProvidedBy(Uuid),
    /// On the sessions funded by one of these régions.
    FundedIn(Vec<String>),
}

/// Stores a new positioning, with its history row and its change event (on the person's
/// timeline).
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    positioning: &StoredPositioning,
) -> Result<(), StoreError> {
    diesel::insert_into(training_positionings::table).values(&row_of(positioning)?).execute(conn)?;
    write::record(conn, context, &mutation(positioning, Action::Created, positioning.record.clone()))?;
    Ok(())
}

/// Writes a new version of the record if the positioning is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredPositioning,
    expected_version: i64,
    status: &str,
    record: Value,
    changes: Value,
) -> Result<StoredPositioning, StoreError> {
    let updated = StoredPositioning {
        status: status.to_owned(),
        record,
        version: expected_version + 1,
        updated_at: plateforme_model::ids::now(),
        ..current.clone()
    };
    let row = row_of(&updated)?;
    let written = diesel::update(training_positionings::table.find(&row.id))
        .filter(training_positionings::version.eq(expected_version))
        .set((
            training_positionings::status.eq(&row.status),
            training_positionings::record.eq(&row.record),
            training_positionings::version.eq(row.version),
            training_positionings::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, current.person_id, current.id)?.map(|found| found.version)));
    }
    write::record(conn, context, &mutation(&updated, Action::Updated, changes))?;
    Ok(updated)
}

fn mutation(positioning: &StoredPositioning, action: Action, changes: Value) -> Mutation {
    Mutation::new(RESOURCE_TYPE, positioning.id, positioning.version, action, changes).of_person(positioning.person_id)
}

/// The positioning `id` of the person; `None` when it does not exist or is another's.
pub fn find(conn: &mut DbConnection, person_id: Uuid, id: Uuid) -> Result<Option<StoredPositioning>, StoreError> {
    find_child!(conn, training_positionings::person_id == person_id, id, PositioningRow, positioning_of_row)
}

/// The positioning `id`, whoever's it is (the change feed judges its events by it).
pub fn find_any(conn: &mut DbConnection, id: Uuid) -> Result<Option<StoredPositioning>, StoreError> {
    let row: Option<PositioningRow> =
        training_positionings::table.find(id.to_string()).select(PositioningRow::as_select()).first(conn).optional()?;
    row.map(positioning_of_row).transpose()
}

/// The person's positionings, oldest first.
pub fn list_of_person(
    conn: &mut DbConnection,
    person_id: Uuid,
    page: &PageRequest,
) -> Result<Page<StoredPositioning>, StoreError> {
    let query = training_positionings::table
        .filter(training_positionings::person_id.eq(person_id.to_string()))
        .select(PositioningRow::as_select())
        .into_boxed();
    page_by_key!(conn, query, page, training_positionings::id, PositioningRow, positioning_of_row)
}

/// The positionings `visible` names, oldest first, optionally of one status. A person whose
/// processing is limited (RGPD article 18) is left out, as the dossier's lists leave them out:
/// organizations neither read nor act on their dossier until the limitation is lifted.
pub fn list_visible(
    conn: &mut DbConnection,
    visible: &Visible,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<StoredPositioning>, StoreError> {
    let unlimited = persons::table.filter(persons::limited_at.is_null()).select(persons::id);
    let mut query = training_positionings::table
        .filter(training_positionings::person_id.eq_any(unlimited))
        .select(PositioningRow::as_select())
        .into_boxed();
    query = match visible {
        Visible::Every => query,
        Visible::ProvidedBy(provider) => query.filter(training_positionings::provider_id.eq(provider.to_string())),
        Visible::FundedIn(regions) => query.filter(training_positionings::funding_region.eq_any(regions.clone())),
    };
    if let Some(status) = status {
        query = query.filter(training_positionings::status.eq(status.to_owned()));
    }
    page_by_key!(conn, query, page, training_positionings::id, PositioningRow, positioning_of_row)
}

/// How many positionings hold a place of the session (accepted, or in training).
pub fn places_taken(conn: &mut DbConnection, session_id: Uuid) -> Result<i64, StoreError> {
    Ok(training_positionings::table
        .filter(training_positionings::session_id.eq(session_id.to_string()))
        .filter(training_positionings::status.eq_any(HOLDING_A_PLACE))
        .count()
        .get_result(conn)?)
}

/// The person's positioning on the session that is still under way (not refused, not exited).
pub fn under_way(
    conn: &mut DbConnection,
    person_id: Uuid,
    session_id: Uuid,
) -> Result<Option<StoredPositioning>, StoreError> {
    let row: Option<PositioningRow> = training_positionings::table
        .filter(training_positionings::person_id.eq(person_id.to_string()))
        .filter(training_positionings::session_id.eq(session_id.to_string()))
        .filter(training_positionings::status.ne_all(FINAL))
        .select(PositioningRow::as_select())
        .first(conn)
        .optional()?;
    row.map(positioning_of_row).transpose()
}

fn row_of(positioning: &StoredPositioning) -> Result<PositioningRow, StoreError> {
    Ok(PositioningRow {
        id: positioning.id.to_string(),
        person_id: positioning.person_id.to_string(),
        training_id: positioning.training_id.to_string(),
        session_id: positioning.session_id.to_string(),
        provider_id: positioning.provider_id.to_string(),
        funding_region: positioning.funding_region.clone(),
        status: positioning.status.clone(),
        record: positioning.record.to_string(),
        version: positioning.version,
        created_at: to_db(positioning.created_at),
        updated_at: to_db(positioning.updated_at),
    })
}

fn positioning_of_row(row: PositioningRow) -> Result<StoredPositioning, StoreError> {
    Ok(StoredPositioning {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
        training_id: row.training_id.parse().map_err(StoreError::corrupt)?,
        session_id: row.session_id.parse().map_err(StoreError::corrupt)?,
        provider_id: row.provider_id.parse().map_err(StoreError::corrupt)?,
        funding_region: row.funding_region,
        status: row.status,
        record: serde_json::from_str(&row.record).map_err(StoreError::corrupt)?,
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}

/// Deletes the person's positionings: their erasure (`dossier::erasure`).
pub(crate) fn forget(conn: &mut DbConnection, person_id: Uuid) -> Result<(), StoreError> {
    diesel::delete(training_positionings::table.filter(training_positionings::person_id.eq(person_id.to_string())))
        .execute(conn)?;
    Ok(())
}
