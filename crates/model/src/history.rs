//! The history of a resource: one version per change, with who changed what and when. The store
//! reads it and the API answers it as it is, so the type has one home.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// One version of a resource.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({
    "version": 2,
    "action": "updated",
    "actor": "ml-lyon-si",
    "actor_organization": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "request_id": "01936b2f-0000-7000-8000-000000000001",
    "changed_at": "2026-11-24T10:00:00Z",
    "changes": {"name": "Mission locale de Lyon Métropole"},
    "counsellor": "AGT-0042"
}))]
pub struct HistoryVersion {
    pub version: i64,
    /// `created`, `updated` or `deleted`.
    pub action: String,
    /// The client that made the change.
    pub actor: String,
    /// The organization of that client.
    pub actor_organization: Option<String>,
    /// The request that made the change (its `X-Request-Id`).
    pub request_id: Option<String>,
    pub changed_at: DateTime<Utc>,
    /// What changed, as a JSON Merge Patch (RFC 7396) from the previous version; the whole
    /// document for the first version. A sensitive member (a person's `statuses.rqth`, and
    /// who set it) that changed shows as `{"withheld": true}` to a caller without
    /// `dossier.social:read`: that it changed, not to what.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    /// The counsellor of that organization who made the change, as its information system named
    /// them in `Counsellor-Id`; `null` when none was given.
    pub counsellor: Option<String>,
}
