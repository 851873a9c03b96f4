use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::person::consent::Consent;
use plateforme_store::{DbConnection, dossier::consents};

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
    responses(ReadOne<Consent>, ReadProblems)
)]
#[get("/persons/{id}/consents/{consent_id}")]
pub async fn get_consent(read: Read<Caller, ConsentPath>) -> Result<HttpResponse, ApiError> {
    let ConsentPath { id, consent_id } = read.path;
    let find = move |conn: &mut DbConnection| consents::find(conn, id, consent_id);
    let missing = || not_found(id, consent_id);
    let consent = access::read_part(&read.store, &read.caller, id, JournalSection::Consents, find, missing).await?;
    Ok(read.answer(consent.version, &consent))
}
