use actix_web::{HttpResponse, patch, web};
use plateforme_api::openapi::WebhookWriteProblems;
use plateforme_api::{ApiError, MergePatch};
use plateforme_auth::Caller;
use plateforme_store::webhooks::subscriptions::{self, SubscriptionChange};
use plateforme_store::{Store, StoreError};
use uuid::Uuid;

use super::subscription::{SubscriptionSettings, WebhookSubscription};
use super::{WebhookSettings, not_found, target};

/// Change a subscription
///
/// A JSON Merge Patch (RFC 7396) of `url`, `event_types`, `filter` (`null` removes it) and
/// `active`: `false` pauses the deliveries (those queued wait, pending, and are sent on
/// resuming; events written meanwhile are not queued: read them from `GET /v1/changes`),
/// `true` resumes them, also after the platform disabled the subscription on a `410 Gone`. The
/// same rules as at creation apply (a new URL is checked again).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read", "webhooks:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the subscription")),
    request_body(content = SubscriptionSettings, content_type = "application/merge-patch+json",
        description = "The members to change."),
    responses(
        (status = 200, description = "The subscription as changed.", body = WebhookSubscription),
        WebhookWriteProblems
    )
)]
#[patch("/subscriptions/{id}")]
pub async fn update_subscription(
    store: web::Data<Store>,
    settings: web::Data<WebhookSettings>,
    caller: Caller,
    id: web::Path<Uuid>,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    let (id, client_id) = (id.into_inner(), caller.client_id().to_owned());
    let owner = client_id.clone();
    let current = store.run(move |conn| subscriptions::find(conn, &owner, id)).await?.ok_or_else(|| not_found(id))?;
    let current = WebhookSubscription::of(current);
    let wanted: SubscriptionSettings = patch.apply_to(&current.settings())?;
    if wanted.url != current.url {
        target::check(&wanted.url, &settings.allowed_hosts)
            .await
            .map_err(|refusal| ApiError::validation(vec![refusal]))?;
    }
    let filter = wanted.filter.map(|filter| serde_json::to_value(filter).map_err(ApiError::internal)).transpose()?;
    let change = SubscriptionChange {
        url: Some(wanted.url),
        event_types: Some(wanted.event_types),
        filter: Some(filter),
        active: Some(wanted.active),
    };
    let changed = store.run(move |conn| subscriptions::update(conn, &client_id, id, change)).await.map_err(
        |error| match error {
            StoreError::NotFound => not_found(id),
            other => other.into(),
        },
    )?;
    Ok(HttpResponse::Ok().json(WebhookSubscription::of(changed)))
}
