//! Sync for partner and regional systems: the change feed (`GET /v1/changes`), every event of
//! the network in feed order as CloudEvents, filtered by the access policy, with long-poll.
//! The bulk export (`exports`) is its first load, the webhooks (`webhooks`) push the same events;
//! the sync client (`crates/sync-client`) follows both (docs/sync.md).
//! One file per operation; the handler's name is the operationId.

mod cursor;
mod embed;
mod event;
mod event_type;
// Bulk export (issue 12, item 4).
pub mod exports;
mod get_changes;
mod judge;
mod query;
// Webhooks (issue 12, item 3).
pub mod webhooks;

use std::time::Duration;

use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

pub use cursor::FeedCursor;
pub use event::{ChangeData, ChangePage, CloudEvent};
pub use event_type::EventType;
pub use webhooks::WebhookSettings;

pub const TAG: &str = "Sync";

/// How the feed serves its followers, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct FeedSettings {
    /// How far back a cursor may resume: an older one answers 410 `cursor_expired`.
    pub retention: chrono::Duration,
    /// How often a long-poll reads again for the events other replicas write (this replica's
    /// own writes wake it at once).
    pub poll_interval: Duration,
}

impl Default for FeedSettings {
    fn default() -> Self {
        FeedSettings { retention: chrono::Duration::days(30), poll_interval: Duration::from_millis(500) }
    }
}

/// Registers the routes under the caller's scope (`/v1`).
pub fn configure(config: &mut ServiceConfig) {
    config.service(get_changes::get_changes);
    // Webhooks (issue 12, item 3).
    webhooks::configure(config);
    // Bulk export.
    exports::configure(config);
}

/// The part of the contract this crate owns besides its paths: its tag.
#[derive(OpenApi)]
#[openapi(tags((name = "Sync", description = "Keeping a partner system in step with the network (docs/sync.md). \
The change feed serves every change of the records the caller may read, in one order that never skips an event \
committed later, as CloudEvents 1.0; a follower keeps the cursor of the last answer and resumes from it. Webhooks (`/v1/subscriptions`) \
push the same events, signed as Standard Webhooks specifies, at least once. A bulk export loads every record the caller may \
see, with the feed's cursor at its snapshot: the feed from it holds exactly the changes the export does not. Inbound \
batches (`POST /v1/persons/batch`) push what a partner system learned, line by line.")))]
pub struct SyncApi;
