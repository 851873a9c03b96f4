//! `/v1/changes`: the change feed, what a partner system follows to stay in step with the
//! network (docs/sync.md).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::request::query_of;

/// One event of the feed, a CloudEvent 1.0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEvent {
    pub specversion: String,
    /// Unique with `source`; the same whenever the event is served again.
    pub id: String,
    pub source: String,
    /// `fr.plateforme.<resource type>.<created|updated|deleted>`, or
    /// `fr.plateforme.person.left_remit`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The record's id (the person's, for `left_remit`).
    pub subject: String,
    /// When the change was made (RFC 3339).
    pub time: String,
    /// The event's position: two events' sequences compare as strings as their positions do.
    pub sequence: String,
    pub data: ChangeData,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeData {
    pub resource_type: String,
    pub resource_id: Uuid,
    /// Apply the event only above the version your mirror holds.
    pub version: i64,
    /// `created`, `updated`, `deleted` or `left_remit` (drop the dossier).
    pub action: String,
    #[serde(default)]
    pub person_id: Option<Uuid>,
    #[serde(default)]
    pub actor_organization: Option<Uuid>,
    /// With [`ChangesRequest::embed`]: the record as it stands now, where you may read it.
    #[serde(default)]
    pub resource: Option<Value>,
}

/// One answer of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangePage {
    pub events: Vec<ChangeEvent>,
    /// Keep it (after applying the events) and pass it as [`ChangesRequest::after`] to read on.
    pub cursor: String,
}

/// What to read of the feed.
#[derive(Debug, Clone, Default)]
pub struct ChangesRequest {
    /// The `cursor` of the previous answer; `None` from the beginning.
    pub after: Option<String>,
    /// Only these event types (all when empty).
    pub types: Vec<String>,
    /// Events per answer, 1 to 1000 (100 by default).
    pub limit: Option<u32>,
    /// Long-poll: wait up to this long (at most 30 s) when nothing is new.
    pub wait: Option<Duration>,
    /// Each event carries the record's current representation.
    pub embed: bool,
}

impl ChangesRequest {
    fn query(&self) -> Vec<(String, String)> {
        query_of([
            ("after", self.after.clone()),
            ("types", (!self.types.is_empty()).then(|| self.types.join(","))),
            ("limit", self.limit.map(|limit| limit.to_string())),
            ("wait", self.wait.map(|wait| wait.as_secs().to_string())),
            ("embed", self.embed.then(|| "resource".to_owned())),
        ])
    }
}

/// How much longer than the server's wait a long-poll may take: the answer's own time.
const LONG_POLL_MARGIN: Duration = Duration::from_secs(15);

impl Client {
    /// The next events after `request.after` that the caller may read (scope `changes:read`).
    /// With `wait`, the request lasts until an event comes or the wait runs out, whatever the
    /// client's timeout.
    pub async fn changes(&self, request: &ChangesRequest) -> Result<ChangePage, ClientError> {
        let mut call = self.get("/v1/changes").query_pairs(&request.query());
        if let Some(wait) = request.wait {
            call = call.timeout(wait + LONG_POLL_MARGIN);
        }
        call.send().await?.expect_status(&[200])?.json()
    }
}
