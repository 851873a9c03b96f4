//! `/v1/subscriptions`: webhooks, the change feed's events pushed to a partner's URL, signed as
//! Standard Webhooks specifies (docs/sync.md, Webhooks).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::versioned::{ETag, Versioned};

/// What to subscribe to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionRequest {
    /// An `https` URL resolving to public addresses.
    pub url: String,
    /// The feed's event type names, e.g. `fr.plateforme.person.updated`.
    pub event_types: Vec<String>,
    /// `{"subjects": [...], "exclude_own_writes": true}`, both optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<Value>,
}

/// A subscription of the calling client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: Uuid,
    pub url: String,
    pub event_types: Vec<String>,
    #[serde(default)]
    pub filter: Option<Value>,
    pub active: bool,
    #[serde(default)]
    pub disabled_reason: Option<String>,
    #[serde(default)]
    pub previous_secret_expires_at: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Only in the answers that make one (creation, rotation): keep it.
    #[serde(default)]
    pub secret: Option<String>,
}

/// What a replay sends again.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Replay {
    /// These events (their `event_id` in the log).
    Events { event_ids: Vec<String> },
    /// The events after a feed cursor, up to another (the end when `None`).
    Range {
        after: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        until: Option<String>,
    },
}

#[derive(Debug, Clone, Deserialize)]
struct Replayed {
    replayed: usize,
}

impl Client {
    /// Subscribes (scopes `changes:read` and `webhooks:write`); the answer holds the secret.
    pub async fn create_subscription(&self, request: &SubscriptionRequest) -> Result<Subscription, ClientError> {
        self.post("/v1/subscriptions").json(request).send().await?.expect_status(&[201])?.json()
    }

    pub async fn get_subscription(&self, id: Uuid) -> Result<Subscription, ClientError> {
        self.get(format!("/v1/subscriptions/{id}")).send().await?.expect_status(&[200])?.json()
    }

    /// The calling client's subscriptions, page by page.
    pub fn subscriptions(&self) -> Pager<Subscription> {
        Pager::new(self.clone(), "/v1/subscriptions".to_owned(), Vec::new())
    }

    /// A merge patch of `url`, `event_types`, `filter`, `active`, applied to the version
    /// `if_match` names (`ETag::for_version(subscription.version)`).
    pub async fn update_subscription(
        &self,
        id: Uuid,
        patch: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Subscription>, ClientError> {
        self.merge_patch(format!("/v1/subscriptions/{id}"), patch, if_match).await
    }

    pub async fn delete_subscription(&self, id: Uuid) -> Result<(), ClientError> {
        self.request(Method::DELETE, format!("/v1/subscriptions/{id}")).send().await?.expect_status(&[204])?;
        Ok(())
    }

    /// A new secret (in the answer); the previous one signs beside it for 24 h.
    pub async fn rotate_subscription_secret(&self, id: Uuid) -> Result<Subscription, ClientError> {
        self.post(format!("/v1/subscriptions/{id}/rotate-secret")).send().await?.expect_status(&[200])?.json()
    }

    /// The delivery log (each delivery with its attempts), page by page.
    pub fn subscription_deliveries(&self, id: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/subscriptions/{id}/deliveries"), Vec::new())
    }

    /// Sends events again with their original `webhook-id`; answers how many were queued.
    pub async fn replay_subscription(&self, id: Uuid, replay: &Replay) -> Result<usize, ClientError> {
        let replayed: Replayed = self
            .post(format!("/v1/subscriptions/{id}/replay"))
            .json(replay)
            .send()
            .await?
            .expect_status(&[202])?
            .json()?;
        Ok(replayed.replayed)
    }
}
