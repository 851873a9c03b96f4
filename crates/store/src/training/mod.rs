//! Queries of `trainings`: the training catalogue, one row per LHEO formation (its actions and
//! sessions inside its JSON record), keyed by the publishing organization and the formation's
//! LHEO `@numero`. The record's shape belongs to `plateforme-training`: the store keeps it as
//! JSON and the columns the queries need beside it.
//!
//! - `positionings`: a person's positionings on sessions, their answers, entries and exits.
//! - `import`: the upsert of an LHEO import, formation by formation, and the snapshot closure of
//!   what the publisher's previous import had and this one lacks.

pub mod import;
pub mod positionings;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::schema::trainings;
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, StoreError};

pub const RESOURCE_TYPE: &str = "training";

/// Whether a formation is in the catalogue: `active`, or `closed` when the last import of its
/// publisher no longer had it (LHEO snapshots signal deletion by absence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainingStatus {
    Active,
    Closed,
}

impl TrainingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Active, Self::Closed].into_iter().find(|status| status.as_str() == text)
    }
}

/// A formation as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTraining {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub numero: String,
    pub status: TrainingStatus,
    pub title: String,
    /// INSEE code of the région the formation is placed in (its first training site's).
    pub region: String,
    /// SHA-256 of the formation as imported (identifiers left out): an import of the same
    /// document compares equal and writes nothing.
    pub content_hash: String,
    /// The formation with its actions and sessions, as `plateforme-training` shapes it.
    pub record: Value,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = trainings, treat_none_as_default_value = false)]
pub(crate) struct TrainingRow {
    id: String,
    organization_id: String,
    numero: String,
    status: String,
    title: String,
    region: String,
    content_hash: String,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TrainingRow {
    pub(crate) fn of(training: &StoredTraining) -> Result<TrainingRow, StoreError> {
        Ok(TrainingRow {
            id: training.id.to_string(),
            organization_id: training.organization_id.to_string(),
            numero: training.numero.clone(),
            status: training.status.as_str().to_owned(),
            title: training.title.clone(),
            region: training.region.clone(),
            content_hash: training.content_hash.clone(),
            record: serde_json::to_string(&training.record).map_err(StoreError::corrupt)?,
            version: training.version,
            created_at: to_db(training.created_at),
            updated_at: to_db(training.updated_at),
        })
    }

    pub(crate) fn into_stored(self) -> Result<StoredTraining, StoreError> {
        Ok(StoredTraining {
            id: self.id.parse().map_err(StoreError::corrupt)?,
            organization_id: self.organization_id.parse().map_err(StoreError::corrupt)?,
            numero: self.numero,
            status: TrainingStatus::parse(&self.status)
                .ok_or_else(|| StoreError::corrupt(format!("training status {:?}", self.status)))?,
            title: self.title,
            region: self.region,
            content_hash: self.content_hash,
            record: serde_json::from_str(&self.record).map_err(StoreError::corrupt)?,
            version: self.version,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

/// The formation with this id, if any.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<StoredTraining>, StoreError> {
    let row: Option<TrainingRow> =
        trainings::table.find(id.to_string()).select(TrainingRow::as_select()).first(conn).optional()?;
    row.map(TrainingRow::into_stored).transpose()
}

/// Up to `limit` active formations after `after`, in id order, of one région or (`None`) all:
/// what an LHEO export reads, page after page.
pub fn active_page(
    conn: &mut DbConnection,
    region: Option<&str>,
    after: Option<Uuid>,
    limit: usize,
) -> Result<Vec<StoredTraining>, StoreError> {
    let mut query = trainings::table
        .filter(trainings::status.eq(TrainingStatus::Active.as_str()))
        .order(trainings::id.asc())
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select(TrainingRow::as_select())
        .into_boxed();
    if let Some(region) = region {
        query = query.filter(trainings::region.eq(region.to_owned()));
    }
    if let Some(after) = after {
        query = query.filter(trainings::id.gt(after.to_string()));
    }
    let rows: Vec<TrainingRow> = query.load(conn)?;
    rows.into_iter().map(TrainingRow::into_stored).collect()
}

/// The active formations among `ids`, in id order: what the search index loads after their
/// change events (a closed or unknown one is not searchable).
pub fn active_among(conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<StoredTraining>, StoreError> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<TrainingRow> = trainings::table
        .filter(trainings::id.eq_any(ids))
        .filter(trainings::status.eq(TrainingStatus::Active.as_str()))
        .order(trainings::id.asc())
        .select(TrainingRow::as_select())
        .load(conn)?;
    rows.into_iter().map(TrainingRow::into_stored).collect()
}
