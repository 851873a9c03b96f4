use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, Read, ReadOne};
use plateforme_auth::Caller;
use plateforme_store::webhooks::subscriptions;
use uuid::Uuid;

use super::not_found;
use super::subscription::WebhookSubscription;

/// Read a subscription
///
/// One of your subscriptions (404 for another client's), without its secret.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the subscription")),
    responses(ReadOne<WebhookSubscription>, ReadProblems)
)]
#[get("/subscriptions/{id}")]
pub async fn get_subscription(read: Read<Caller, Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, client_id) = (read.path, read.caller.client_id().to_owned());
    let found =
        read.store.run(move |conn| subscriptions::find(conn, &client_id, id)).await?.ok_or_else(|| not_found(id))?;
    let subscription = WebhookSubscription::of(found);
    Ok(read.answer(subscription.version, &subscription))
}
