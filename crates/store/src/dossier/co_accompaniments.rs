//! Queries of `co_accompaniments`: the organizations accompanying a person beside the référent.
//! The record is JSON; the person, the organization and the days beside it are derived from it on
//! every write, for the policy's list filter and the overlap check.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::{new_id, now};
use plateforme_model::person::co_accompaniment::{CoAccompaniment, CoAccompanimentRecord, CoAccompanimentRole};
use uuid::Uuid;

use crate::changes::RemitChange;

use crate::pagination::{find_child, page_by_key};
use crate::schema::{co_accompaniments, persons};
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "co_accompaniment";

/// A co-accompaniment as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCoAccompaniment {
    pub id: Uuid,
    pub person_id: Uuid,
    pub record: CoAccompanimentRecord,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredCoAccompaniment {
    /// The co-accompaniment as the API answers it.
    pub fn view(&self) -> CoAccompaniment {
        CoAccompaniment {
            id: self.id,
            person_id: self.person_id,
            record: self.record.clone(),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = co_accompaniments, treat_none_as_default_value = false)]
pub(crate) struct CoAccompanimentRow {
    id: String,
    person_id: String,
    organization_id: String,
    since: String,
    until: Option<String>,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Records a co-accompaniment; the same organization co-accompanying the person on some of the
/// same days answers `Conflict` naming that record. The person's row is taken first, so that two
/// concurrent records for one person are checked one after the other.
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    record: CoAccompanimentRecord,
) -> Result<StoredCoAccompaniment, StoreError> {
    let time = now();
    let stored =
        StoredCoAccompaniment { id: new_id(), person_id, record, version: 1, created_at: time, updated_at: time };
    refuse_overlap(conn, &stored)?;
    diesel::insert_into(co_accompaniments::table).values(&row_of(&stored)?).execute(conn)?;
    let changes = serde_json::to_value(&stored.record).map_err(StoreError::corrupt)?;
    let remit = remit_change(conn, &stored, false)?;
    write::record(conn, context, &mutation(&stored, Action::Created, changes, remit))?;
    Ok(stored)
}

/// Changes the end of a co-accompaniment still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredCoAccompaniment,
    expected_version: i64,
    until: Option<NaiveDate>,
) -> Result<StoredCoAccompaniment, StoreError> {
    if current.version != expected_version {
        return Err(StoreError::VersionMismatch { current: current.version });
    }
    if current.record.until == until {
        return Ok(current.clone());
    }
    let record = CoAccompanimentRecord { until, ..current.record.clone() };
    let updated = StoredCoAccompaniment { record, version: current.version + 1, updated_at: now(), ..current.clone() };
    refuse_overlap(conn, &updated)?;
    let written = diesel::update(co_accompaniments::table.find(updated.id.to_string()))
        .filter(co_accompaniments::version.eq(expected_version))
        .set((
            co_accompaniments::until.eq(until.map(|day| day.to_string())),
            co_accompaniments::record.eq(serde_json::to_string(&updated.record).map_err(StoreError::corrupt)?),
            co_accompaniments::version.eq(updated.version),
            co_accompaniments::updated_at.eq(to_db(updated.updated_at)),
        ))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, current.person_id, current.id)?.map(|found| found.version)));
    }
    let remit = remit_change(conn, &updated, current.record.active_on(now().date_naive()))?;
    let changes = serde_json::json!({ "until": until });
    write::record(conn, context, &mutation(&updated, Action::Updated, changes, remit))?;
    Ok(updated)
}

fn refuse_overlap(conn: &mut DbConnection, candidate: &StoredCoAccompaniment) -> Result<(), StoreError> {
    let person = candidate.person_id.to_string();
    diesel::update(persons::table.find(&person)).set(persons::version.eq(persons::version)).execute(conn)?;
    let rows: Vec<CoAccompanimentRow> = co_accompaniments::table
        .filter(co_accompaniments::person_id.eq(&person))
        .filter(co_accompaniments::organization_id.eq(candidate.record.organization_id.to_string()))
        .load(conn)?;
    for row in rows {
        let other = of_row(row)?;
        if other.id != candidate.id && other.record.overlaps(&candidate.record) {
            return Err(StoreError::Conflict {
                detail: format!(
                    "organization {} co-accompanies person {} already on some of these days (co-accompaniment {}): \
                     change its end instead",
                    candidate.record.organization_id, candidate.person_id, other.id
                ),
                existing_id: Some(other.id),
            });
        }
    }
    Ok(())
}

/// The person's remit before and after a co-accompaniment was recorded or its end changed
/// (written already: `after` is read as it stands now); `None` when whether the organization
/// co-accompanies the person today did not change. A co-accompaniment that starts or ends with
/// the passing of days, without a write, changes no remit on the feed.
fn remit_change(
    conn: &mut DbConnection,
    stored: &StoredCoAccompaniment,
    was_active: bool,
) -> Result<Option<RemitChange>, StoreError> {
    let Some(after) = super::persons::remit(conn, stored.person_id)? else { return Ok(None) };
    let organization = stored.record.organization_id;
    let mut before = after.clone();
    before.co_accompanied_by.retain(|(other, _)| *other != organization);
    if was_active {
        before.co_accompanied_by.push((organization, stored.record.role));
    }
    Ok(RemitChange::between(before, Some(after)))
}

fn mutation(
    stored: &StoredCoAccompaniment,
    action: Action,
    changes: serde_json::Value,
    remit: Option<RemitChange>,
) -> Mutation {
    Mutation::new(RESOURCE_TYPE, stored.id, stored.version, action, changes)
        .of_person(stored.person_id)
        .changing_remit(remit)
}

/// The co-accompaniment `id` of the person; `None` when it does not exist or is another's.
pub fn find(conn: &mut DbConnection, person_id: Uuid, id: Uuid) -> Result<Option<StoredCoAccompaniment>, StoreError> {
    find_child!(conn, co_accompaniments::person_id == person_id, id, CoAccompanimentRow, of_row)
}

/// The person's co-accompaniments, oldest first.
pub fn list(
    conn: &mut DbConnection,
    person_id: Uuid,
    page: &PageRequest,
) -> Result<Page<StoredCoAccompaniment>, StoreError> {
    let query = co_accompaniments::table.filter(co_accompaniments::person_id.eq(person_id.to_string())).into_boxed();
    page_by_key!(conn, query, page, co_accompaniments::id, CoAccompanimentRow, of_row)
}

/// The organizations co-accompanying the person on `day`, each with its role and, for a delegated
/// operator, the organization it acts for: what the policy reads.
pub fn active(
    conn: &mut DbConnection,
    person_id: Uuid,
    day: NaiveDate,
) -> Result<Vec<(Uuid, CoAccompanimentRole, Option<Uuid>)>, StoreError> {
    active_rows(conn, &[person_id.to_string()], day)?
        .into_iter()
        .map(|found| (found.record.organization_id, found.record.role, found.record.acting_for))
        .map(Ok)
        .collect()
}

/// The organizations co-accompanying each of the persons `keys` on `day`, with their role: what
/// their remits hold (`persons::remits`).
pub(crate) fn active_among(
    conn: &mut DbConnection,
    keys: &[String],
    day: NaiveDate,
) -> Result<Vec<(Uuid, Uuid, CoAccompanimentRole)>, StoreError> {
    Ok(active_rows(conn, keys, day)?
        .into_iter()
        .map(|found| (found.person_id, found.record.organization_id, found.record.role))
        .collect())
}

fn active_rows(
    conn: &mut DbConnection,
    keys: &[String],
    day: NaiveDate,
) -> Result<Vec<StoredCoAccompaniment>, StoreError> {
    let day = day.to_string();
    let rows: Vec<CoAccompanimentRow> = co_accompaniments::table
        .filter(co_accompaniments::person_id.eq_any(keys))
        .filter(co_accompaniments::since.le(day.clone()))
        .filter(co_accompaniments::until.is_null().or(co_accompaniments::until.ge(day)))
        .load(conn)?;
    rows.into_iter().map(of_row).collect()
}

/// The persons an organization co-accompanies on `day`: the list filter's criterion. They are
/// few per organization, so their ids are read first, as boxed subqueries do not compose over
/// both backends.
pub fn persons_of(conn: &mut DbConnection, organization_id: Uuid, day: NaiveDate) -> Result<Vec<String>, StoreError> {
    let day = day.to_string();
    Ok(co_accompaniments::table
        .select(co_accompaniments::person_id)
        .filter(co_accompaniments::organization_id.eq(organization_id.to_string()))
        .filter(co_accompaniments::since.le(day.clone()))
        .filter(co_accompaniments::until.is_null().or(co_accompaniments::until.ge(day)))
        .load(conn)?)
}

fn row_of(stored: &StoredCoAccompaniment) -> Result<CoAccompanimentRow, StoreError> {
    let record = &stored.record;
    Ok(CoAccompanimentRow {
        id: stored.id.to_string(),
        person_id: stored.person_id.to_string(),
        organization_id: record.organization_id.to_string(),
        since: record.since.to_string(),
        until: record.until.map(|day| day.to_string()),
        record: serde_json::to_string(record).map_err(StoreError::corrupt)?,
        version: stored.version,
        created_at: to_db(stored.created_at),
        updated_at: to_db(stored.updated_at),
    })
}

fn of_row(row: CoAccompanimentRow) -> Result<StoredCoAccompaniment, StoreError> {
    Ok(StoredCoAccompaniment {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
        record: serde_json::from_str(&row.record).map_err(StoreError::corrupt)?,
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}
