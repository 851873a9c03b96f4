use chrono::{DateTime, Utc};
use plateforme_auth::Caller;
use plateforme_store::changes::{self, ChangeEvent};
use plateforme_store::{Page, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::read_part::list_part;

/// One event of a person's path.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"seq": 42, "occurred_at": "2026-11-24T10:00:00Z", "resource_type": "contract",
    "resource_id": "01936b31-0000-7000-8000-000000000003", "version": 2, "action": "updated", "actor": "demo-mission-locale",
    "actor_organization": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d"}))]
pub struct TimelineEvent {
    /// Position in the network's change feed.
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    /// `person`, `contract`, `review`, `diagnostic`, `consent`…
    pub resource_type: String,
    pub resource_id: String,
    pub version: i64,
    /// `created`, `updated` or `deleted`.
    pub action: String,
    pub actor: String,
    pub actor_organization: Option<String>,
}

impl From<ChangeEvent> for TimelineEvent {
    fn from(event: ChangeEvent) -> Self {
        TimelineEvent {
            seq: event.seq(),
            occurred_at: event.occurred_at,
            resource_type: event.resource_type,
            resource_id: event.resource_id.to_string(),
            version: event.version,
            action: event.action.as_str().to_owned(),
            actor: event.actor,
            actor_organization: event.actor_organization.map(|id| id.to_string()),
        }
    }
}

plateforme_api::paging_query! {
    pub struct TimelineQuery {}
    limit: "Events per page, 1 to 100 (20 by default)."
}

list_part! {
    /// Timeline of a person's path
    ///
    /// The ordered events of the person's path across the network — registration, orientations,
    /// diagnostic, contracts, reviews, consents, co-accompaniments — built from the change feed.
    /// The events of breaches of duties show only to a client holding `dossier.sanctions:read`:
    /// a page may then hold fewer events than `limit` and still have a next one. Journaled.
    get_timeline: "/persons/{id}/timeline", security(("oauth2" = ["dossier:read"])),
    TimelineQuery {} -> TimelineEvent, "One page of events, oldest first.", journaled as Timeline,
    list |conn, id, page, caller| visible_events(changes::of_subject(conn, id, &page)?, &caller),
    view |event| TimelineEvent::from(event)
}

/// The page without the events of records the caller does not read (a breach without its scope).
fn visible_events(mut page: Page<ChangeEvent>, caller: &Caller) -> Result<Page<ChangeEvent>, StoreError> {
    page.items.retain(|event| caller.reads_record_type(&event.resource_type));
    Ok(page)
}
