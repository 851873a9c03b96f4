//! Webhooks (`/v1/subscriptions`, issue 12, item 3): a client subscribes to event types of the
//! change feed, and each event it may read is POSTed to its URL, signed as Standard Webhooks
//! specifies, retried with backoff over about three days, logged 30 days, and replayable.
//!
//! - `subscription`: the API's shapes and rules; `target`: where a delivery may go (SSRF);
//!   `signature`: Standard Webhooks signing; one file per operation (the handler's name is
//!   the operationId).
//! - `fanout`: follows the feed and writes one delivery per (subscription, event), judged by
//!   the access policy for the subscription's owner as it stands then, as `GET /v1/changes`
//!   would serve it; `deliver`: claims due deliveries and tries them; `worker`: runs both.

mod create_subscription;
mod delete_subscription;
mod deliver;
mod fanout;
mod get_subscription;
mod list_subscription_deliveries;
mod list_subscriptions;
mod owner;
mod replay_subscription;
mod rotate_subscription_secret;
pub mod signature;
mod subscription;
pub mod target;
mod update_subscription;
mod worker;

use std::sync::Arc;
use std::time::Duration;

use plateforme_api::{ApiError, ErrorCode};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub use fanout::fan_out_once;
pub use subscription::{SubscriptionFields, SubscriptionFilter, WebhookSubscription};
pub use worker::run as run_worker;

/// The scope that creates, changes and replays subscriptions (with `changes:read`, which
/// reads them: a subscription delivers the feed).
pub const WEBHOOKS_WRITE: &str = "webhooks:write";

/// How the webhooks run, from the configuration.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Whether this replica fans out and delivers (every replica may: they share the work).
    pub worker: bool,
    /// Hosts that may be `http` and resolve to any address: for development only.
    pub allowed_hosts: target::AllowList,
    /// How long a receiver has to answer an attempt.
    pub timeout: Duration,
    /// The waits between attempts; after the last, a delivery is dead.
    pub retry_schedule: Vec<Duration>,
    /// How often the worker looks for due deliveries and events written by other replicas
    /// (this replica's writes wake it at once).
    pub poll_interval: Duration,
    /// How long the previous secret signs beside the new one after a rotation.
    pub secret_overlap: chrono::Duration,
    /// How long the delivery log is kept.
    pub log_retention: chrono::Duration,
}

/// Standard Webhooks' schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (about
/// three days and three hours after the first attempt, ten attempts in all).
pub const DEFAULT_RETRY_SCHEDULE_SECS: [u64; 9] = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400];

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            worker: true,
            allowed_hosts: target::AllowList::default(),
            timeout: Duration::from_secs(10),
            retry_schedule: DEFAULT_RETRY_SCHEDULE_SECS.iter().map(|secs| Duration::from_secs(*secs)).collect(),
            poll_interval: Duration::from_secs(1),
            secret_overlap: chrono::Duration::hours(24),
            log_retention: chrono::Duration::days(30),
        }
    }
}

impl WebhookSettings {
    pub fn with_allowed_hosts(self, hosts: Vec<String>) -> WebhookSettings {
        WebhookSettings { allowed_hosts: target::AllowList(Arc::new(hosts)), ..self }
    }
}

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_subscription::create_subscription)
        .service(list_subscriptions::list_subscriptions)
        .service(get_subscription::get_subscription)
        .service(update_subscription::update_subscription)
        .service(delete_subscription::delete_subscription)
        .service(rotate_subscription_secret::rotate_subscription_secret)
        .service(list_subscription_deliveries::list_subscription_deliveries)
        .service(replay_subscription::replay_subscription);
}

fn location(id: Uuid) -> String {
    format!("/v1/subscriptions/{id}")
}

/// The answer for a subscription that does not exist or is another client's: the same, so that
/// a client learns nothing of the others'.
fn not_found(id: Uuid) -> ApiError {
    ApiError::new(ErrorCode::NotFound, format!("you have no subscription {id}"))
}
