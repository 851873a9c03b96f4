use actix_web::{HttpResponse, post, web};
use plateforme_api::openapi::{LimitedProblems, ReadProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Problem};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::person::consent::Consent;
use plateforme_store::{Store, StoreError, access::journal, dossier::consents, write};

use super::{ConsentPath, not_found};
use crate::access;

/// Withdraw a consent
///
/// Withdraws a consent (retrait du consentement), dated now and effective at once: a partner
/// the dossier was shared with no longer reads it from the next request on, and a person who
/// withdraws from the profile bank leaves it. A withdrawal is final; the person may give a new
/// consent later. Withdrawing a consent withdrawn already answers 409 `conflict` with the rule
/// `consent.already_withdrawn`, saying when it was withdrawn (so a retried withdrawal learns it
/// took effect). Journaled as `consents`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(ConsentPath),
    responses(
        (status = 200, description = "Withdrawn.", body = Consent, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Problem (RFC 9457). `conflict`: the consent was withdrawn already (rule `consent.already_withdrawn`).",
            content_type = "application/problem+json", body = Problem),
        ReadProblems,
        LimitedProblems,
    )
)]
#[post("/persons/{id}/consents/{consent_id}/withdraw")]
pub async fn withdraw_consent(
    store: web::Data<Store>,
    caller: Caller,
    path: web::Path<ConsentPath>,
) -> Result<HttpResponse, ApiError> {
    let ConsentPath { id, consent_id } = path.into_inner();
    let context = caller.write_context();
    let withdrawn = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                access::load(conn, &caller, id, Operation::Write)?;
                let withdrawn = match consents::withdraw(conn, &context, id, consent_id) {
                    Err(StoreError::NotFound) => return Ok(Err(not_found(id, consent_id))),
                    Err(conflict @ StoreError::Conflict { .. }) => return Ok(Err(withdrawn_already(conflict))),
                    withdrawn => withdrawn?,
                };
                journal::append(conn, &[caller.access(id, JournalSection::Consents, Operation::Write)])?;
                Ok(Ok(withdrawn))
            })
        })
        .await
        .map_err(|error| access::not_found_as_person(error, id))??;
    Ok(current_response(withdrawn.version, &withdrawn))
}

/// The second withdrawal of a consent, with the rule that names it.
fn withdrawn_already(conflict: StoreError) -> ApiError {
    let error = ApiError::from(conflict);
    let rule = FieldError::new("consent_id", "consent.already_withdrawn", error.detail.clone());
    error.with_errors(vec![rule])
}
