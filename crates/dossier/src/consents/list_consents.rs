use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::consent::Consent;
use plateforme_store::{DbConnection, dossier::consents};
use uuid::Uuid;

use crate::access;

plateforme_api::paging_query! {
    pub struct ConsentsQuery {
        /// `true` for the active consents only, `false` for the withdrawn ones only; both when left out.
        active: Option<bool>,
    }
    limit: "Consents per page, 1 to 100 (20 by default)."
}

/// List a person's consents
///
/// The consents (consentements) the person gave, oldest first, active or withdrawn, each with
/// the time it was given and, once withdrawn, the time of the withdrawal. Journaled as
/// `consents`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), ConsentsQuery),
    responses((status = 200, description = "One page of consents.", body = PageBody<Consent>), ReadProblems)
)]
#[get("/persons/{id}/consents")]
pub async fn list_consents(list: List<Caller, ConsentsQuery, Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, active, page) = (list.path, list.query.active, list.query.page_request()?);
    let read = move |conn: &mut DbConnection| consents::list(conn, id, active, &page);
    Ok(list.page(access::read_list(&list.store, &list.caller, id, JournalSection::Consents, read).await?))
}
