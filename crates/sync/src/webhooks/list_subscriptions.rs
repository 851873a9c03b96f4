use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::Caller;
use plateforme_store::webhooks::subscriptions;

use super::subscription::WebhookSubscription;

plateforme_api::paging_query! {
    pub struct ListSubscriptionsQuery {}
    limit: "Subscriptions per page, 1 to 100 (20 by default)."
}

/// List your subscriptions
///
/// The webhook subscriptions of the calling client, oldest first (never another client's).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read"])),
    params(ListSubscriptionsQuery),
    responses(
        (status = 200, description = "One page of subscriptions.", body = PageBody<WebhookSubscription>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ListProblems,
    )
)]
#[get("/subscriptions")]
pub async fn list_subscriptions(list: List<Caller, ListSubscriptionsQuery>) -> Result<HttpResponse, ApiError> {
    let page = list.query.page_request()?;
    let client_id = list.caller.client_id().to_owned();
    let found = list.store.run(move |conn| subscriptions::list(conn, &client_id, &page)).await?;
    Ok(list.page(found.map(WebhookSubscription::of)))
}
