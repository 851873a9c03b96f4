use actix_web::{HttpResponse, get};
use plateforme_api::history::{HistoryQuery, HistoryVersion};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::Caller;
use plateforme_store::training;
use uuid::Uuid;

/// History of a training
///
/// Lists the versions of the formation, oldest first: its creation by an import, the imports
/// that changed it (`changes` is the JSON Merge Patch from the previous version: actions and
/// sessions are inside it), its closure when a full import of its publisher no longer had it
/// — who changed what, when, and in which request. An import that changes nothing adds no
/// version.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["training:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the training (formation)"), HistoryQuery),
    responses(
        (status = 200, description = "One page of versions.", body = PageBody<HistoryVersion>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ReadProblems,
    )
)]
#[get("/trainings/{id}/history")]
pub async fn list_training_history(list: List<Caller, HistoryQuery, Uuid>) -> Result<HttpResponse, ApiError> {
    list.history(training::RESOURCE_TYPE, list.path).await
}
