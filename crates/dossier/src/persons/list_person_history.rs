use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::history::{HistoryQuery, HistoryVersion, history_response};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, PageBody, ValidQuery};
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::{Store, dossier::persons};
use uuid::Uuid;

use crate::access;

/// History of a dossier
///
/// The versions of the person's record, oldest first: who changed what (as a JSON Merge
/// Patch), from which organization, when — the provenance of every field. Journaled.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), HistoryQuery),
    responses((status = 200, description = "One page of versions.", body = PageBody<HistoryVersion>), ReadProblems)
)]
#[get("/persons/{id}/history")]
pub async fn list_person_history(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    ValidQuery(query): ValidQuery<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    access::read_person(&store, &caller, id, JournalSection::History).await?;
    history_response(&req, &store, persons::RESOURCE_TYPE, id, &query).await
}
