//! The feed's events in the CloudEvents 1.0 shape (JSON format), and the page that carries them.

use chrono::{DateTime, Utc};
use plateforme_store::changes::ChangeEvent;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::event_type::{DOSSIER_TYPES, EventType, Happened};

/// One event of the change feed, a CloudEvent 1.0 (JSON format).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"specversion": "1.0", "id": "4182", "source": "/v1/changes",
    "type": "fr.plateforme.person.updated", "subject": "01936b31-0000-7000-8000-000000000001",
    "time": "2026-12-05T10:00:00Z", "sequence": "0000000000000000913-0000000000000004182",
    "datacontenttype": "application/json",
    "data": {"resource_type": "person", "resource_id": "01936b31-0000-7000-8000-000000000001", "version": 3,
        "action": "updated", "person_id": "01936b31-0000-7000-8000-000000000001",
        "actor_organization": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d"}}))]
pub struct CloudEvent {
    /// The CloudEvents version: `1.0`.
    pub specversion: &'static str,
    /// Unique with `source`: the event's number in the feed, followed by `.left_remit` for the
    /// event telling a caller that a dossier left its remit. The same event keeps its id
    /// whenever it is served again (a replay, another reader).
    pub id: String,
    /// Always `/v1/changes`: every event comes from the network's one feed.
    pub source: &'static str,
    /// `fr.plateforme.<resource type>.<created|updated|deleted>`, or
    /// `fr.plateforme.person.left_remit`.
    #[serde(rename = "type")]
    #[schema(example = "fr.plateforme.person.updated")]
    pub event_type: String,
    /// The id of the record that changed (the person, for `left_remit`).
    pub subject: String,
    /// When the change was made.
    pub time: DateTime<Utc>,
    /// The event's position in the feed, two zero-padded numbers: comparing two sequences as
    /// strings compares the positions, so a follower may keep the last one it applied.
    pub sequence: String,
    /// `application/json`.
    pub datacontenttype: &'static str,
    pub data: ChangeData,
}

/// What changed: thin by default (which record, which version, what happened).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeData {
    /// `person`, `diagnostic`, `contract`, `review`, `consent`, `offer` or `organization`.
    pub resource_type: String,
    pub resource_id: Uuid,
    /// The record's version this change made (its `deleted` version for an erasure). A record's
    /// events carry increasing versions: a mirror applies one only above the version it holds.
    pub version: i64,
    /// `created`, `updated`, `deleted`, or `left_remit`: the dossier left the caller's remit by
    /// this change (re-oriented elsewhere, a consent to share withdrawn, a move out of its
    /// territory…); drop it, nothing more of it follows unless it comes back.
    pub action: String,
    /// The person whose dossier the record is a part of (dossier parts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<Uuid>,
    /// The organization whose client made the change, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_organization: Option<Uuid>,
    /// With `embed=resource`: the record as it stands now (which may be later than this
    /// event's version), as its own `GET` answers it, where the caller may read it; absent for
    /// deletions, departures from the remit, and what the caller may not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub resource: Option<Value>,
}

impl CloudEvent {
    /// The event as a caller receives it, of type `event_type` (decided by the policy).
    pub fn of(event: &ChangeEvent, event_type: EventType) -> CloudEvent {
        let left = event_type.happened == Happened::LeftRemit;
        let dossier_part = event.subject_id.filter(|_| DOSSIER_TYPES.contains(&event.resource_type.as_str()));
        let (resource_type, resource_id) = match (left, dossier_part) {
            (true, Some(person_id)) => (event_type.resource_type.to_owned(), person_id),
            _ => (event.resource_type.clone(), event.resource_id),
        };
        CloudEvent {
            specversion: "1.0",
            id: if left { format!("{}.left_remit", event.seq()) } else { event.seq().to_string() },
            source: "/v1/changes",
            event_type: event_type.to_string(),
            subject: resource_id.to_string(),
            time: event.occurred_at,
            sequence: event.position.sequence(),
            datacontenttype: "application/json",
            data: ChangeData {
                resource_type,
                resource_id,
                version: event.version,
                action: event_type.happened.as_str().to_owned(),
                person_id: dossier_part,
                actor_organization: event.actor_organization,
                resource: None,
            },
        }
    }
}

/// One answer of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    /// The events, in feed order; empty when nothing new came for the caller (within `wait`).
    pub events: Vec<CloudEvent>,
    /// Pass it as `after` to read on. Always present; the same as the one given when the feed
    /// did not move, so a follower may keep it as its position.
    pub cursor: String,
}
