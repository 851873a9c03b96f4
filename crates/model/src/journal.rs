//! The access journal: every read or write of a person's data. The store writes and reads it,
//! the API answers it as it is (to auditors and to the person), so the types have one home.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// An access to record; id and time are given when it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Access {
    /// The client that accessed the data.
    pub client_id: String,
    /// The organization that client acts for.
    pub organization_id: Option<Uuid>,
    pub person_id: Uuid,
    /// The part of the dossier accessed, e.g. `identity`, `social_diagnostic`.
    pub section: String,
    /// `read` or `write`.
    pub action: String,
    pub request_id: Option<String>,
    /// Why: the purpose the operation declares (`accompaniment`, `orientation`,
    /// `identification`, `consent_management`, `person_access`, `erasure`, `limitation`, `rights_and_duties`); `null`
    /// for the accesses journaled before purposes were kept.
    pub purpose: Option<String>,
    /// Why, in the caller's words: its `Access-Purpose` header, when it sent one.
    pub stated_purpose: Option<String>,
    /// Who, within the organization: the counsellor its information system named in
    /// `Counsellor-Id` (an opaque identifier), when it sent one.
    pub counsellor: Option<String>,
    /// The organization the caller's organization acted for, when it acted as a delegated
    /// operator (a PLIE or a private placement operator under a mandate): its mandating one.
    pub acting_for: Option<Uuid>,
}

/// One access to a person's data, as journaled: the access, with the id and time it was given
/// when it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936b2f-0000-7000-8000-000000000001", "occurred_at": "2026-11-24T10:00:00Z",
    "client_id": "demo-mission-locale", "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "person_id": "01936b30-0000-7000-8000-000000000002", "section": "diagnostic", "action": "read",
    "request_id": "01936b2f-0000-7000-8000-0000000000aa", "purpose": "accompaniment", "stated_purpose": "entretien de suivi",
    "counsellor": "AGT-0042", "acting_for": null}))]
pub struct JournalRecord {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    #[serde(flatten)]
    pub access: Access,
}
