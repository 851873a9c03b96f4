//! A subscription as the API reads and writes it, and the rules of its fields.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use plateforme_model::{FieldError, Validate, ValidationErrors};
use plateforme_store::webhooks::subscriptions::Subscription;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::event_type::EventType;

/// The most event types and subjects a subscription lists.
const MAX_TYPES: usize = 64;
const MAX_SUBJECTS: usize = 1000;

/// Which events of the chosen types a subscription receives; every one when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionFilter {
    /// Only the events of these records: an event is sent when its `subject` (the record, or
    /// the person for `left_remit`) or its `data.person_id` is one of them. At most 1000
    /// (rule `webhook.filter.subjects`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subjects: Option<Vec<Uuid>>,
    /// `true`: not the events of the writes the subscribing client made itself (a system that
    /// pushes its changes does not receive them back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_own_writes: Option<bool>,
}

/// What a client subscribes to, and where the deliveries go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://partner.example/hooks/plateforme",
    "event_types": ["fr.plateforme.person.updated", "fr.plateforme.person.left_remit"],
    "filter": {"exclude_own_writes": true}}))]
pub struct SubscriptionFields {
    /// Where each event is POSTed: an `https` URL whose host resolves to public addresses only
    /// (rules `webhook.url.invalid`, `webhook.url.https_required`, `webhook.url.credentials`,
    /// `webhook.url.unresolvable`, `webhook.url.private_address`: a loopback, private
    /// (RFC 1918, fc00::/7), link-local, CGNAT, unspecified or multicast address is refused,
    /// when written and at each delivery). At most 2000 characters.
    #[schema(example = "https://partner.example/hooks/plateforme")]
    pub url: String,
    /// The event types to receive, as the change feed names them (`fr.plateforme.person.updated`,
    /// `fr.plateforme.person.left_remit`…), 1 to 64, each once (rules `webhook.event_types.empty`,
    /// `webhook.event_types.unknown`, `webhook.event_types.too_many`,
    /// `webhook.event_types.duplicate`).
    pub event_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<SubscriptionFilter>,
}

/// What a change may set (JSON Merge Patch of these members).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://partner.example/hooks/plateforme",
    "event_types": ["fr.plateforme.person.updated"], "active": true}))]
pub struct SubscriptionSettings {
    pub url: String,
    pub event_types: Vec<String>,
    #[serde(default)]
    pub filter: Option<SubscriptionFilter>,
    /// `false` pauses the deliveries (those queued wait, pending; events written meanwhile are
    /// not queued: read them from the feed); `true` resumes them, also after the platform
    /// disabled the subscription on a `410 Gone`.
    pub active: bool,
}

fn check_fields(
    url: &str,
    event_types: &[String],
    filter: Option<&SubscriptionFilter>,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if url.len() > 2000 {
        errors.push(FieldError::new("url", "webhook.url.invalid", "a URL has at most 2000 characters"));
    }
    if event_types.is_empty() {
        errors.push(FieldError::new("event_types", "webhook.event_types.empty", "name at least one event type"));
    }
    if event_types.len() > MAX_TYPES {
        errors.push(FieldError::new(
            "event_types",
            "webhook.event_types.too_many",
            format!("at most {MAX_TYPES} event types"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (index, name) in event_types.iter().enumerate() {
        if EventType::parse(name).is_none() {
            errors.push(FieldError::new(
                format!("event_types[{index}]"),
                "webhook.event_types.unknown",
                format!("{name:?} is not an event type of the change feed (e.g. fr.plateforme.person.updated)"),
            ));
        } else if !seen.insert(name) {
            errors.push(FieldError::new(
                format!("event_types[{index}]"),
                "webhook.event_types.duplicate",
                format!("{name} is listed twice"),
            ));
        }
    }
    if let Some(subjects) = filter.and_then(|filter| filter.subjects.as_ref())
        && subjects.len() > MAX_SUBJECTS
    {
        errors.push(FieldError::new(
            "filter.subjects",
            "webhook.filter.subjects",
            format!("at most {MAX_SUBJECTS} subjects"),
        ));
    }
    errors.into_result()
}

impl Validate for SubscriptionFields {
    fn validate(&self) -> Result<(), ValidationErrors> {
        check_fields(&self.url, &self.event_types, self.filter.as_ref())
    }
}

impl Validate for SubscriptionSettings {
    fn validate(&self) -> Result<(), ValidationErrors> {
        check_fields(&self.url, &self.event_types, self.filter.as_ref())
    }
}

/// A subscription of the calling client. Its secret is shown only when it is made (creation,
/// rotation).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookSubscription {
    pub id: Uuid,
    pub url: String,
    pub event_types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<SubscriptionFilter>,
    /// Whether events are delivered. The platform sets it `false` when the receiver answers
    /// `410 Gone`; a PATCH with `{"active": true}` resumes.
    pub active: bool,
    /// Why the platform disabled it, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// After a rotation: until when the previous secret signs beside the new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookSubscription {
    pub fn of(stored: Subscription) -> WebhookSubscription {
        let now = Utc::now();
        WebhookSubscription {
            id: stored.id,
            url: stored.url,
            event_types: stored.event_types,
            filter: stored.filter.and_then(|filter| serde_json::from_value(filter).ok()),
            active: stored.active,
            disabled_reason: stored.disabled_reason,
            previous_secret_expires_at: stored.previous_secret_until.filter(|until| *until > now),
            version: stored.version,
            created_at: stored.created_at,
            updated_at: stored.updated_at,
        }
    }

    pub fn settings(&self) -> SubscriptionSettings {
        SubscriptionSettings {
            url: self.url.clone(),
            event_types: self.event_types.clone(),
            filter: self.filter.clone(),
            active: self.active,
        }
    }
}

/// A subscription just made, or whose secret was just rotated, with its secret: keep it, it is
/// never shown again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubscriptionWithSecret {
    #[serde(flatten)]
    pub subscription: WebhookSubscription,
    /// The signing secret, `whsec_` then base64: verify each delivery's `webhook-signature`
    /// with it (Standard Webhooks).
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}
