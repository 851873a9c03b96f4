use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::pagination::page_response;
use plateforme_api::{ApiError, PageBody, PageQuery, ValidQuery};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::consent::Consent;
use plateforme_store::{DbConnection, Store, dossier::consents};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::access;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConsentsQuery {
    /// `true` for the active consents only, `false` for the withdrawn ones only; both when left out.
    active: Option<bool>,
    /// Consents per page, 1 to 100 (20 by default).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
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
    let page = PageQuery::page_request(query.limit, query.cursor.as_deref())?;
    let list = move |conn: &mut DbConnection| consents::list(conn, id, query.active, &page);
    let consents = access::read_list(&store, &caller, id, JournalSection::Consents, list).await?;
    Ok(page_response(&req, consents))
}
