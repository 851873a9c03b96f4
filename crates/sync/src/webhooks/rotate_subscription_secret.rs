use actix_web::{HttpResponse, post, web};
use plateforme_api::ApiError;
use plateforme_api::openapi::ReadProblems;
use plateforme_auth::Caller;
use plateforme_store::webhooks::subscriptions;
use plateforme_store::{Store, StoreError};
use uuid::Uuid;

use super::subscription::{SubscriptionWithSecret, WebhookSubscription};
use super::{WebhookSettings, not_found, signature};

/// Rotate a subscription's secret
///
/// Makes a new signing secret, shown only in this answer. For 24 hours the previous secret
/// keeps signing beside it: each delivery's `webhook-signature` then holds two `v1,`
/// signatures, space-separated, so the receiver may switch to the new secret at any time
/// within that window (`previous_secret_expires_at`).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read", "webhooks:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the subscription")),
    responses(
        (status = 200, description = "The subscription with its new secret, shown only now.", body = SubscriptionWithSecret),
        ReadProblems
    )
)]
#[post("/subscriptions/{id}/rotate-secret")]
pub async fn rotate_subscription_secret(
    store: web::Data<Store>,
    settings: web::Data<WebhookSettings>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, client_id) = (id.into_inner(), caller.client_id().to_owned());
    let secret = signature::new_secret();
    let (new, until) = (secret.clone(), plateforme_model::ids::now() + settings.secret_overlap);
    let rotated = store
        .run(move |conn| subscriptions::rotate_secret(conn, &client_id, id, &new, until))
        .await
        .map_err(|error| match error {
            StoreError::NotFound => not_found(id),
            other => other.into(),
        })?;
    Ok(HttpResponse::Ok().json(SubscriptionWithSecret { subscription: WebhookSubscription::of(rotated), secret }))
}
