use actix_web::{HttpResponse, get};
use plateforme_api::history::{HistoryQuery, HistoryVersion};
use plateforme_api::openapi::{LimitedProblems, ReadProblems};
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::dossier::persons;
use uuid::Uuid;

use crate::access;

/// History of a dossier
///
/// The versions of the person's record, oldest first: who changed what (as a JSON Merge
/// Patch), from which organization, when — the provenance of every field. Journaled. The
/// disability recognition (`statuses.rqth`, and who set it) is shown with
/// `dossier.social:read`; without it, a version that changed it shows `{"withheld": true}` in
/// its place.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), HistoryQuery),
    responses((status = 200, description = "One page of versions.", body = PageBody<HistoryVersion>), ReadProblems, LimitedProblems)
)]
#[get("/persons/{id}/history")]
pub async fn list_person_history(list: List<Caller, HistoryQuery, Uuid>) -> Result<HttpResponse, ApiError> {
    access::read_person(&list.store, &list.caller, list.path, JournalSection::History).await?;
    list.history_disclosing(persons::RESOURCE_TYPE, list.path, list.caller.has_scope(access::SENSITIVE_READ)).await
}
