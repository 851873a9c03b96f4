use actix_web::{HttpResponse, post};
use plateforme_api::openapi::{CreateUnderProblems, LimitedProblems};
use plateforme_api::{ApiError, Create, Created, ErrorCode, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::person::consent::{Consent, NewConsent};
use plateforme_store::{Store, dossier::consents, organizations};
use uuid::Uuid;

use super::location;
use crate::access;

/// Give a consent
///
/// Records a consent (consentement) the person gives, dated now: `profile_bank` to appear in
/// the profile bank (banque de profils), or `dossier_sharing` to share the dossier with the
/// partner organization named by `partner_organization_id`, which reads the dossier from then
/// on. The partner must exist (422, rule `organization.unknown`). While the same consent is
/// active, giving it again answers 409 with the `existing_id` of the active one (rule
/// `consent.already_active`). Send an `Idempotency-Key` to make retries safe. Journaled as
/// `consents`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IdempotencyKey),
    request_body = NewConsent,
    responses(Created<Consent>, CreateUnderProblems, LimitedProblems)
)]
#[post("/persons/{id}/consents")]
pub async fn give_consent(
    Create { store, caller, path: id, header: key }: Create<Caller, Uuid>,
    ValidJson(new): ValidJson<NewConsent>,
) -> Result<HttpResponse, ApiError> {
    if let Some(partner) = new.partner_organization_id {
        check_partner(&store, partner).await?;
    }
    let claim = key.claim(caller.client_id(), &new)?;
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let consent = access::write_part(conn, &caller, id, JournalSection::Consents, |conn| {
            consents::give(conn, &context, id, &new)
        })?;
        Ok(Located { location: location(id, consent.id), version: consent.version, resource: consent })
    })
    .await
    .map_err(|error| match error.code {
        ErrorCode::NotFound => ApiError::not_found(format!("person {id}")),
        // The conflicts that name a record are the active consent; the others are retries racing.
        ErrorCode::Conflict if error.existing_id.is_some() => {
            let rule = FieldError::new("kind", "consent.already_active", error.detail.clone());
            error.with_errors(vec![rule])
        }
        _ => error,
    })
}

/// The partner a dossier is shared with is an organization of the network.
async fn check_partner(store: &Store, partner: Uuid) -> Result<(), ApiError> {
    match store.run(move |conn| organizations::find(conn, partner)).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::validation(vec![FieldError::new(
            "partner_organization_id",
            "organization.unknown",
            format!("no organization has the id {partner}"),
        )])),
    }
}
