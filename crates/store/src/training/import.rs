//! The writes of an LHEO import. The import itself (`plateforme-training`) decides, formation by
//! formation, what is new and what changed; this module reads what the publisher already has,
//! writes the decisions in multi-row statements with their history and change events, and
//! closes the formations a full import no longer has.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{RESOURCE_TYPE, StoredTraining, TrainingRow, TrainingStatus};
use crate::schema::trainings;
use crate::timestamps::to_db;
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, StoreError};

/// A formation changed by an import: as it is now, the version it was read at, and the JSON
/// Merge Patch from what was stored.
#[derive(Debug, Clone)]
pub struct Change {
    pub training: StoredTraining,
    pub committed_version: i64,
    pub changes: Value,
}

/// The formations of `organization_id` with these `@numero`s, by numero.
pub fn existing(
    conn: &mut DbConnection,
    organization_id: Uuid,
    numeros: &[String],
) -> Result<HashMap<String, StoredTraining>, StoreError> {
    let rows: Vec<TrainingRow> = trainings::table
        .filter(trainings::organization_id.eq(organization_id.to_string()))
        .filter(trainings::numero.eq_any(numeros))
        .select(TrainingRow::as_select())
        .load(conn)?;
    rows.into_iter().map(|row| row.into_stored().map(|training| (training.numero.clone(), training))).collect()
}

/// Writes new and changed formations, each with its history row and change event. A changed
/// formation whose version moved since it was read fails the whole import (`VersionMismatch`):
/// two imports of one publisher ran at once, and the caller tries again.
pub fn write(
    conn: &mut DbConnection,
    context: &WriteContext,
    created: &[StoredTraining],
    changed: &[Change],
) -> Result<(), StoreError> {
    let new_rows = created.iter().map(TrainingRow::of).collect::<Result<Vec<_>, _>>()?;
    crate::bulk::insert_all!(conn, trainings::table, new_rows.as_slice());
    let mut mutations: Vec<Mutation> = created
        .iter()
        .map(|training| {
            let mut document = training.record.clone();
            if let Value::Object(fields) = &mut document {
                fields.insert("status".into(), json!(training.status.as_str()));
            }
            Mutation::new(RESOURCE_TYPE, training.id, training.version, Action::Created, document)
        })
        .collect();
    for change in changed {
        let row = TrainingRow::of(&change.training)?;
        let written = diesel::update(trainings::table.find(&row.id))
            .filter(trainings::version.eq(change.committed_version))
            .set(&row)
            .execute(conn)?;
        if written == 0 {
            return Err(StoreError::VersionMismatch { current: change.committed_version });
        }
        mutations.push(Mutation::new(
            RESOURCE_TYPE,
            change.training.id,
            change.training.version,
            Action::Updated,
            change.changes.clone(),
        ));
    }
    if !mutations.is_empty() {
        write::record_all(conn, context, &mutations)?;
    }
    Ok(())
}

/// Closes the active formations of `organization_id` whose numero is not in `seen` (a full
/// catalogue import that no longer has them), answering them as closed.
pub fn close_absent(
    conn: &mut DbConnection,
    context: &WriteContext,
    organization_id: Uuid,
    seen: &HashSet<String>,
    time: DateTime<Utc>,
) -> Result<Vec<StoredTraining>, StoreError> {
    let active: Vec<(String, String, i64)> = trainings::table
        .filter(trainings::organization_id.eq(organization_id.to_string()))
        .filter(trainings::status.eq(TrainingStatus::Active.as_str()))
        .select((trainings::id, trainings::numero, trainings::version))
        .load(conn)?;
    let mut closed = Vec::new();
    let mut mutations = Vec::new();
    for (id, numero, version) in active.into_iter().filter(|(_, numero, _)| !seen.contains(numero)) {
        let written = diesel::update(trainings::table.find(&id))
            .filter(trainings::version.eq(version))
            .set((
                trainings::status.eq(TrainingStatus::Closed.as_str()),
                trainings::version.eq(version + 1),
                trainings::updated_at.eq(to_db(time)),
            ))
            .execute(conn)?;
        if written == 0 {
            return Err(StoreError::VersionMismatch { current: version });
        }
        let id: Uuid = id.parse().map_err(StoreError::corrupt)?;
        mutations.push(Mutation::new(
            RESOURCE_TYPE,
            id,
            version + 1,
            Action::Updated,
            json!({"status": TrainingStatus::Closed.as_str()}),
        ));
        closed.push((id, numero));
    }
    if !mutations.is_empty() {
        write::record_all(conn, context, &mutations)?;
    }
    closed.into_iter().map(|(id, _)| super::find(conn, id)?.ok_or(StoreError::NotFound)).collect()
}
