//! `POST /v1/persons/batch`: inbound sync, a partner system pushing persons by its own reference.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::{ClientError, Problem};

const NDJSON: &str = "application/x-ndjson";

/// What became of a pushed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonPushStatus {
    Created,
    Updated,
    Unchanged,
    /// A stale version (`problem.code` `stale_version`, with `current_version`) or a person
    /// registered already (`conflict`, with `existing_id`).
    Conflict,
    Invalid,
    Forbidden,
}

/// The result of one line of a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonPushResult {
    /// Line number in the body, from 1 (blank lines are counted, not answered).
    pub line: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub status: PersonPushStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// On a stale version: the person's version now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// Why nothing was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// How many lines ended in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonPushSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub conflict: u64,
    pub invalid: u64,
    pub forbidden: u64,
}

/// The answer to a push: the counts, and one result per non-blank line, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonBatchResult {
    pub summary: PersonPushSummary,
    pub results: Vec<PersonPushResult>,
}

impl Client {
    /// Pushes what a partner system learned of persons, one `PersonPush` per line
    /// (`{"reference", "system"?, "version", "person"}`), as NDJSON. A new reference registers
    /// the person (`version` null); a known one is updated at the version it saw, a stale one
    /// answered `conflict` with `current_version`. Safe to send again: a line already applied
    /// answers `unchanged`.
    pub async fn push_persons(&self, lines: &[Value]) -> Result<PersonBatchResult, ClientError> {
        let mut body = Vec::new();
        for line in lines {
            serde_json::to_writer(&mut body, line)
                .map_err(|error| ClientError::InvalidRequest(format!("batch line: {error}")))?;
            body.push(b'\n');
        }
        let request = self.post("/v1/persons/batch").body(body, NDJSON);
        request.send().await?.expect_status(&[200])?.json()
    }
}
