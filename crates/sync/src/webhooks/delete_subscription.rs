use actix_web::{HttpResponse, delete, web};
use plateforme_api::ApiError;
use plateforme_api::openapi::ReadProblems;
use plateforme_auth::Caller;
use plateforme_store::webhooks::subscriptions;
use plateforme_store::{Store, StoreError};
use uuid::Uuid;

use super::not_found;

/// Delete a subscription
///
/// Stops every delivery of the subscription at once and forgets it with its delivery log.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read", "webhooks:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the subscription")),
    responses((status = 204, description = "Deleted."), ReadProblems)
)]
#[delete("/subscriptions/{id}")]
pub async fn delete_subscription(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, client_id) = (id.into_inner(), caller.client_id().to_owned());
    store.run(move |conn| subscriptions::delete(conn, &client_id, id)).await.map_err(|error| match error {
        StoreError::NotFound => not_found(id),
        other => other.into(),
    })?;
    Ok(HttpResponse::NoContent().finish())
}
