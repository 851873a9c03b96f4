use actix_web::{HttpResponse, get};
use plateforme_api::history::{HistoryQuery, HistoryVersion};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::Caller;
use plateforme_store::delegations;
use uuid::Uuid;

/// History of a delegation
///
/// Lists the versions of the delegation, oldest first: who granted it, who changed its end, when,
/// and in which request.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the delegation"), HistoryQuery),
    responses(
        (status = 200, description = "One page of versions.", body = PageBody<HistoryVersion>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ReadProblems,
    )
)]
#[get("/delegations/{id}/history")]
pub async fn list_delegation_history(list: List<Caller, HistoryQuery, Uuid>) -> Result<HttpResponse, ApiError> {
    list.history(delegations::RESOURCE_TYPE, list.path).await
}
