use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::pagination::page_response;
use plateforme_api::{ApiError, PageBody, ValidQuery};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::consent::Consent;
use plateforme_store::{DbConnection, Store, dossier::consents};
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
pub async fn list_consents(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    ValidQuery(query): ValidQuery<ConsentsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let page = query.page_request()?;
    let list = move |conn: &mut DbConnection| consents::list(conn, id, query.active, &page);
    let consents = access::read_list(&store, &caller, id, JournalSection::Consents, list).await?;
    Ok(page_response(&req, consents))
}
