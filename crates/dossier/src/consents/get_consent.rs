use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::responses::resource_response;
use plateforme_api::{ApiError, IfNoneMatch, NoQuery, ValidQuery};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::consent::Consent;
use plateforme_store::{DbConnection, Store, dossier::consents};

use super::{ConsentPath, not_found};
use crate::access;

/// Read a consent
///
/// One consent (consentement) of the person: its kind, the partner for a `dossier_sharing`
/// consent, whether it is active, when it was given and when withdrawn. Journaled as
/// `consents`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(ConsentPath, IfNoneMatch),
    responses(
        (status = 200, description = "The consent.", body = Consent, headers(("ETag" = String, description = "Version"))),
        (status = 304, description = "Not modified."),
        ReadProblems,
    )
)]
#[get("/persons/{id}/consents/{consent_id}")]
pub async fn get_consent(
    store: web::Data<Store>,
    caller: Caller,
    path: web::Path<ConsentPath>,
    _: ValidQuery<NoQuery>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let ConsentPath { id, consent_id } = path.into_inner();
    let find = move |conn: &mut DbConnection| consents::find(conn, id, consent_id);
    let consent =
        access::read_part(&store, &caller, id, JournalSection::Consents, find, || not_found(id, consent_id)).await?;
    Ok(resource_response(&if_none_match, consent.version, &consent))
}
