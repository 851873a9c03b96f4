//! Queries of `diagnostics`: one diagnostic per person, keyed by the person's id. Each part is
//! stored as a JSON column of its own, the sensitive social part apart from the professional
//! and sealed under the key-encryption key (`crate::sensitive`), as it is in the history.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::now;
use plateforme_model::person::diagnostic::{DiagnosticRecord, SocialDiagnostic};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::schema::diagnostics;
use crate::sensitive;
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, StoreError};

pub const RESOURCE_TYPE: &str = "diagnostic";

/// A diagnostic as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDiagnostic {
    pub person_id: Uuid,
    pub record: DiagnosticRecord,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredDiagnostic {
    pub fn times(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.created_at, self.updated_at)
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = diagnostics, treat_none_as_default_value = false)]
pub(crate) struct DiagnosticRow {
    person_id: String,
    professional: String,
    social: Option<String>,
    provenance: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The person's diagnostic, if one was recorded.
pub fn find(conn: &mut DbConnection, person_id: Uuid) -> Result<Option<StoredDiagnostic>, StoreError> {
    let row: Option<DiagnosticRow> = diagnostics::table.find(person_id.to_string()).first(conn).optional()?;
    row.map(diagnostic_of_row).transpose()
}

/// Records the person's first diagnostic. When another request recorded one meanwhile, the
/// answer is `VersionMismatch` with its version: this write was not based on it.
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    record: DiagnosticRecord,
) -> Result<StoredDiagnostic, StoreError> {
    let time = now();
    let diagnostic = StoredDiagnostic { person_id, record, version: 1, created_at: time, updated_at: time };
    let row = row_of(&diagnostic)?;
    // A savepoint, so the transaction stays usable to read the diagnostic that won.
    let inserted = conn.transaction(|conn| diesel::insert_into(diagnostics::table).values(&row).execute(conn));
    if let Err(error) = inserted {
        let error = StoreError::from(error);
        if !error.is_unique_violation() {
            return Err(error);
        }
        let current = find(conn, person_id)?.map_or(1, |winner| winner.version);
        return Err(StoreError::VersionMismatch { current });
    }
    let changes = document(&diagnostic.record)?;
    write::record(conn, context, &mutation(person_id, 1, Action::Created, changes))?;
    Ok(diagnostic)
}

/// Replaces the diagnostic if it is still at `expected_version`; the history records what
/// changed as a merge patch.
pub fn replace(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredDiagnostic,
    expected_version: i64,
    record: DiagnosticRecord,
) -> Result<StoredDiagnostic, StoreError> {
    if current.version != expected_version {
        return Err(StoreError::VersionMismatch { current: current.version });
    }
    let changes = plateforme_model::merge_patch::diff(&document(&current.record)?, &document(&record)?);
    let updated = StoredDiagnostic { record, version: current.version + 1, updated_at: now(), ..current.clone() };
    let row = row_of(&updated)?;
    let written = diesel::update(diagnostics::table.find(&row.person_id))
        .filter(diagnostics::version.eq(expected_version))
        .set((
            diagnostics::professional.eq(&row.professional),
            diagnostics::social.eq(&row.social),
            diagnostics::provenance.eq(&row.provenance),
            diagnostics::version.eq(row.version),
            diagnostics::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, current.person_id)?.map(|found| found.version)));
    }
    write::record(conn, context, &mutation(updated.person_id, updated.version, Action::Updated, changes))?;
    Ok(updated)
}

/// The diagnostic is a part of the person's dossier: its events are on the person's timeline.
fn mutation(person_id: Uuid, version: i64, action: Action, changes: Value) -> Mutation {
    Mutation::new(RESOURCE_TYPE, person_id, version, action, changes).of_person(person_id)
}

/// The parts as one document, which the history diffs.
fn document(record: &DiagnosticRecord) -> Result<Value, StoreError> {
    let professional = serde_json::to_value(&record.professional).map_err(StoreError::corrupt)?;
    let social = serde_json::to_value(&record.social).map_err(StoreError::corrupt)?;
    Ok(json!({"professional": professional, "social": social}))
}

pub(crate) fn row_of(diagnostic: &StoredDiagnostic) -> Result<DiagnosticRow, StoreError> {
    let record = &diagnostic.record;
    let person_id = diagnostic.person_id.to_string();
    Ok(DiagnosticRow {
        person_id: person_id.clone(),
        professional: serde_json::to_string(&record.professional).map_err(StoreError::corrupt)?,
        social: record.social.as_ref().map(|social| sealed_social(social, &person_id)).transpose()?,
        provenance: serde_json::to_string(&record.provenance).map_err(StoreError::corrupt)?,
        version: diagnostic.version,
        created_at: to_db(diagnostic.created_at),
        updated_at: to_db(diagnostic.updated_at),
    })
}

/// The social part as its column holds it: sealed.
fn sealed_social(social: &SocialDiagnostic, person_id: &str) -> Result<String, StoreError> {
    let clear = serde_json::to_value(social).map_err(StoreError::corrupt)?;
    Ok(sensitive::seal_social(&clear, person_id)?.to_string())
}

/// The social part from its column: opened (or as it is, in a row written before sealing).
fn opened_social(stored: &str, person_id: &str) -> Result<SocialDiagnostic, StoreError> {
    let stored: Value = serde_json::from_str(stored).map_err(StoreError::corrupt)?;
    serde_json::from_value(sensitive::open_social(stored, person_id)?).map_err(StoreError::corrupt)
}

fn diagnostic_of_row(row: DiagnosticRow) -> Result<StoredDiagnostic, StoreError> {
    Ok(StoredDiagnostic {
        person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
        record: DiagnosticRecord {
            professional: serde_json::from_str(&row.professional).map_err(StoreError::corrupt)?,
            social: row.social.map(|social| opened_social(&social, &row.person_id)).transpose()?,
            provenance: serde_json::from_str(&row.provenance).map_err(StoreError::corrupt)?,
        },
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}
