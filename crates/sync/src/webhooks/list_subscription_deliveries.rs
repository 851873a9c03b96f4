use actix_web::{HttpResponse, get};
use chrono::{DateTime, Utc};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::Caller;
use plateforme_store::webhooks::deliveries::{self, Attempt, DeliveryState, LoggedDelivery};
use plateforme_store::webhooks::subscriptions;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::not_found;

plateforme_api::paging_query! {
    pub struct ListDeliveriesQuery {}
    limit: "Deliveries per page, 1 to 100 (20 by default)."
}

/// One delivery of an event to a subscription (a replay is a delivery of its own).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDelivery {
    pub id: Uuid,
    /// The event's id: the `webhook-id` of every attempt.
    pub event_id: String,
    #[schema(example = "fr.plateforme.person.updated")]
    pub event_type: String,
    /// The event's position in the feed (its CloudEvent `sequence`).
    pub sequence: String,
    /// `pending` (an attempt is due at `next_attempt_at`, or the subscription is paused),
    /// `delivered`, or `dead` (every attempt failed: replay it).
    #[schema(example = "delivered")]
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Whether this delivery is a replay.
    pub replay: bool,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
}

/// One attempt of a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryAttempt {
    pub attempted_at: DateTime<Utc>,
    /// The receiver's HTTP status; absent when it did not answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i32>,
    pub duration_ms: i64,
    /// Why it failed (no answer, refused address, status…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl WebhookDelivery {
    fn of(logged: LoggedDelivery) -> WebhookDelivery {
        let LoggedDelivery { delivery, attempts } = logged;
        let event_type = serde_json::from_str::<serde_json::Value>(&delivery.payload)
            .ok()
            .and_then(|event| event["type"].as_str().map(str::to_owned))
            .unwrap_or_default();
        WebhookDelivery {
            id: delivery.id,
            event_id: delivery.event_id,
            event_type,
            sequence: delivery.position.sequence(),
            state: delivery.state.as_str().to_owned(),
            next_attempt_at: (delivery.state == DeliveryState::Pending).then_some(delivery.next_attempt_at),
            replay: delivery.replay,
            created_at: delivery.created_at,
            finished_at: delivery.finished_at,
            attempts: attempts.into_iter().map(DeliveryAttempt::of).collect(),
        }
    }
}

impl DeliveryAttempt {
    fn of(attempt: Attempt) -> DeliveryAttempt {
        DeliveryAttempt {
            attempted_at: attempt.attempted_at,
            status: attempt.status,
            duration_ms: attempt.duration_ms,
            error: attempt.error,
        }
    }
}

/// Read a subscription's delivery log
///
/// The deliveries of the last 30 days (pending ones whatever their age), oldest first, each with
/// its attempts: status, duration and error.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the subscription"), ListDeliveriesQuery),
    responses(
        (status = 200, description = "One page of deliveries.", body = PageBody<WebhookDelivery>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ReadProblems,
    )
)]
#[get("/subscriptions/{id}/deliveries")]
pub async fn list_subscription_deliveries(
    list: List<Caller, ListDeliveriesQuery, Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, page) = (list.path, list.query.page_request()?);
    let client_id = list.caller.client_id().to_owned();
    let found = list
        .store
        .run(move |conn| {
            if subscriptions::find(conn, &client_id, id)?.is_none() {
                return Ok(None);
            }
            deliveries::list(conn, id, &page).map(Some)
        })
        .await?
        .ok_or_else(|| not_found(id))?;
    Ok(list.page(found.map(WebhookDelivery::of)))
}
