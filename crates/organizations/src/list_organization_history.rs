use actix_web::{HttpResponse, get};
use plateforme_api::history::{HistoryQuery, HistoryVersion};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::Caller;
use plateforme_store::organizations;
use uuid::Uuid;

/// History of an organization
///
/// Lists the versions of the organization, oldest first: who changed what, when, and in
/// which request. `changes` is the JSON Merge Patch from the previous version.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the organization"), HistoryQuery),
    responses(
        (status = 200, description = "One page of versions.", body = PageBody<HistoryVersion>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ReadProblems,
    )
)]
#[get("/organizations/{id}/history")]
pub async fn list_organization_history(list: List<Caller, HistoryQuery, Uuid>) -> Result<HttpResponse, ApiError> {
    list.history(organizations::RESOURCE_TYPE, list.path).await
}
