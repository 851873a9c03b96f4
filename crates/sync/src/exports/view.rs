//! An export as the API answers it: its status, then its manifest.

use chrono::{DateTime, Utc};
use plateforme_store::exports::{ExportStatus, StoredExport};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::DELETED_FILE;

/// An export: queued or running, then done with its manifest (cursor, files), or failed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936b40-0000-7000-8000-000000000001", "status": "done",
    "types": ["person", "offer"], "created_at": "2026-12-05T10:00:00Z", "expires_at": "2026-12-12T10:00:00Z",
    "transaction_time": "2026-12-05T10:00:01Z", "cursor": "ZmVlZDE6OTEzLjQxODIuMTc2NDkyOTYwMLx…",
    "files": [{"type": "person", "count": 1200, "url": "/v1/exports/01936b40-0000-7000-8000-000000000001/files/person"},
              {"type": "offer", "count": 310, "url": "/v1/exports/01936b40-0000-7000-8000-000000000001/files/offer"}]}))]
pub struct ExportView {
    pub id: Uuid,
    /// `queued`, `running`, `done` or `failed`. Poll this URL until `done` (or `failed`).
    #[schema(example = "done")]
    pub status: String,
    /// The resource types exported, one file each.
    pub types: Vec<String>,
    /// The `since` asked for, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When the export and its files are forgotten (7 days after it was asked for): 404 then.
    pub expires_at: DateTime<Utc>,
    /// Once done: the instant of the snapshot the records were read in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_time: Option<DateTime<Utc>>,
    /// Once done: the change feed's cursor at the export's snapshot. Read `GET
    /// /v1/changes?after={cursor}` from it: you receive exactly the changes the files do not
    /// hold, none twice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Once done: one NDJSON file per type, and `deleted` when `since` was given.
    pub files: Vec<ExportFile>,
    /// When failed: why; ask for a new export.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One file of an export.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExportFile {
    /// The resource type of its records, or `deleted`.
    #[serde(rename = "type")]
    pub file_type: String,
    /// Its lines.
    pub count: i64,
    /// Where to read it (`application/x-ndjson`).
    pub url: String,
}

/// Where an export is read.
pub fn location(id: Uuid) -> String {
    format!("/v1/exports/{id}")
}

/// The names of an export's files: its types, then `deleted` when it has a `since`.
pub fn file_names(export: &StoredExport) -> Vec<String> {
    let mut names = export.types.clone();
    if export.since.is_some() {
        names.push(DELETED_FILE.to_owned());
    }
    names
}

impl ExportView {
    pub fn of(export: &StoredExport) -> ExportView {
        let done = export.status == ExportStatus::Done;
        let files = if done {
            file_names(export)
                .into_iter()
                .map(|name| ExportFile {
                    count: export.counts.get(&name).copied().unwrap_or(0),
                    url: format!("{}/files/{name}", location(export.id)),
                    file_type: name,
                })
                .collect()
        } else {
            Vec::new()
        };
        ExportView {
            id: export.id,
            status: export.status.as_str().to_owned(),
            types: export.types.clone(),
            since: export.since,
            created_at: export.created_at,
            expires_at: export.expires_at,
            transaction_time: export.transaction_time,
            cursor: export.feed_cursor.clone(),
            files,
            error: export.error.clone(),
        }
    }
}
