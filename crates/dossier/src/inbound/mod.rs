//! Inbound sync: a regional or partner system pushes what it learned of persons, in NDJSON, each
//! line naming the person by the system's own reference and the version it saw
//! (`POST /v1/persons/batch`). A line registers a new reference or updates the person a known one
//! names, through the same rules as `POST /v1/persons` and `PATCH /v1/persons/{id}`; a stale
//! version is answered `conflict`, never overwritten. Each line is its own transaction and gets
//! its own result.

mod apply;
mod line;
mod push_persons;

use plateforme_api::Problem;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the route; `/persons/batch` before `/persons/{id}` (see `persons::configure`).
pub fn configure(config: &mut ServiceConfig) {
    config.service(push_persons::push_persons);
}

/// What became of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonPushStatus {
    /// A new reference: the person is registered, at version 1.
    Created,
    /// A known reference at the version the line saw: the person is updated.
    Updated,
    /// Nothing to write: the same line was applied already, or it changes nothing.
    Unchanged,
    /// The line's version is not the person's (`problem.code` `stale_version`, with
    /// `current_version`), or the person is registered already under another dossier
    /// (`conflict`, with `existing_id`): nothing written.
    Conflict,
    /// The line breaks a rule (`problem.errors` names each): nothing written.
    Invalid,
    /// The policy refuses the write to this person (`forbidden`, `processing_limited`): nothing written.
    Forbidden,
}

/// The result of one line.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"line": 2, "reference": "RSA-69-000412", "status": "conflict",
    "id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "current_version": 4,
    "problem": {"type": "/problems/stale_version", "title": "The version the change was based on is no longer the record's: read the record again",
        "status": 409, "detail": "the person is at version 4, the line saw version 3: read the person again (GET /v1/persons/01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d) and send the line again with \"version\": 4",
        "code": "stale_version", "current_version": 4,
        "errors": [{"field": "version", "rule": "version.stale", "message": "the person is at version 4"}]}}))]
pub struct PersonPushResult {
    /// Line number in the body, from 1 (blank lines are skipped but counted).
    pub line: usize,
    /// The line's `reference`, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub status: PersonPushStatus,
    /// The person the reference names, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The person's version after the line (`created`, `updated`, `unchanged`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// On a stale version: the person's version now, to read and send again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// Why nothing was written (`conflict`, `invalid`, `forbidden`): the RFC 9457 problem the
    /// single-record operation would have answered, with one entry per broken rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// How many lines ended in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonPushSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflict: usize,
    pub invalid: usize,
    pub forbidden: usize,
}

impl PersonPushSummary {
    fn count(&mut self, status: PersonPushStatus) {
        let counter = match status {
            PersonPushStatus::Created => &mut self.created,
            PersonPushStatus::Updated => &mut self.updated,
            PersonPushStatus::Unchanged => &mut self.unchanged,
            PersonPushStatus::Conflict => &mut self.conflict,
            PersonPushStatus::Invalid => &mut self.invalid,
            PersonPushStatus::Forbidden => &mut self.forbidden,
        };
        *counter += 1;
    }
}

/// The answer to a batch: the count of each status and one result per non-blank line, in order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonBatchResult {
    pub summary: PersonPushSummary,
    pub results: Vec<PersonPushResult>,
}

impl PersonBatchResult {
    fn of(results: Vec<PersonPushResult>) -> PersonBatchResult {
        let mut summary = PersonPushSummary::default();
        for result in &results {
            summary.count(result.status);
        }
        PersonBatchResult { summary, results }
    }
}
