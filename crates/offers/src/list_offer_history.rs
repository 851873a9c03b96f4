use actix_web::{HttpResponse, get};
use plateforme_api::history::{HistoryQuery, HistoryVersion};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::Caller;
use plateforme_store::offers;
use uuid::Uuid;

/// History of an offer
///
/// Lists the versions of the offer, oldest first: publications, merges of new sources, updates,
/// status changes (expiry included) and withdrawals — who changed what, when, and in which
/// request. `changes` is the JSON Merge Patch from the previous version. A deleted offer keeps
/// its history.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["offers:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the offer"), HistoryQuery),
    responses(
        (status = 200, description = "One page of versions.", body = PageBody<HistoryVersion>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ReadProblems,
    )
)]
#[get("/offers/{id}/history")]
pub async fn list_offer_history(list: List<Caller, HistoryQuery, Uuid>) -> Result<HttpResponse, ApiError> {
    list.history(offers::RESOURCE_TYPE, list.path).await
}
