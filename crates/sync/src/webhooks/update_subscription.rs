use actix_web::{HttpResponse, patch, web};
use plateforme_api::openapi::WebhookUpdateProblems;
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, IfMatch, MergePatch};
use plateforme_auth::Caller;
use plateforme_store::StoreError;
use plateforme_store::webhooks::subscriptions::{self, SubscriptionChange};
use uuid::Uuid;

use super::subscription::{SubscriptionSettings, WebhookSubscription};
use super::{WebhookSettings, not_found, target};

/// Change a subscription
///
/// A JSON Merge Patch (RFC 7396) of `url`, `event_types`, `filter` (`null` removes it) and
/// `active`: `false` pauses the deliveries (those queued wait, pending, and are sent on
/// resuming; events written meanwhile are not queued: read them from `GET /v1/changes`),
/// `true` resumes them, also after the platform disabled the subscription on a `410 Gone`. The
/// same rules as at creation apply (a new URL is checked again). `If-Match` must carry the ETag
/// read last (428 without, 412 when the subscription changed since, e.g. paused by another
/// process of yours or disabled by a `410`).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read", "webhooks:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the subscription"), IfMatch),
    request_body(content = SubscriptionSettings, content_type = "application/merge-patch+json",
        description = "The members to change."),
    responses(
        (status = 200, description = "The subscription as changed.", body = WebhookSubscription,
            headers(("ETag" = String, description = "The new version"))),
        WebhookUpdateProblems
    )
)]
#[patch("/subscriptions/{id}")]
pub async fn update_subscription(
    Change { store, caller, path: id, header: if_match }: Change<Caller, Uuid>,
    settings: web::Data<WebhookSettings>,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    let client_id = caller.client_id().to_owned();
    let owner = client_id.clone();
    let current = store.run(move |conn| subscriptions::find(conn, &owner, id)).await?.ok_or_else(|| not_found(id))?;
    let expected = if_match.check(current.version)?;
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
    let changed = store.run(move |conn| subscriptions::update(conn, &client_id, id, expected, change)).await.map_err(
        |error| match error {
            StoreError::NotFound => not_found(id),
            other => other.into(),
        },
    )?;
    let changed = WebhookSubscription::of(changed);
    Ok(current_response(changed.version, &changed))
}
