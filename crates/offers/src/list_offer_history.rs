use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::history::{HistoryQuery, HistoryVersion, history_response};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, PageBody, ValidQuery};
use plateforme_auth::Caller;
use plateforme_store::{Store, offers};
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
pub async fn list_offer_history(
    req: HttpRequest,
    _caller: Caller,
    store: web::Data<Store>,
    id: web::Path<Uuid>,
    ValidQuery(query): ValidQuery<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    history_response(&req, &store, offers::RESOURCE_TYPE, id.into_inner(), &query).await
}
