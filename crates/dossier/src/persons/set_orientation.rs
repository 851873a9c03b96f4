use actix_web::{HttpResponse, put};
use plateforme_api::openapi::{LimitedProblems, UpdateProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, ErrorCode, IfMatch, ValidJson};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::organization::OrganizationKind;
use plateforme_model::person::{Orientation, OrientationInput, Person};
use plateforme_store::{dossier::persons, organizations};
use serde_json::json;
use uuid::Uuid;

use crate::access::{self, orients_rsa_beneficiaries};
use crate::provenance::stamp;

/// Orient a person
///
/// Records the orientation decision: the path (emploi, socio-professionnel, social), intensive
/// accompaniment, the referent organization and counsellor. It replaces the current orientation
/// (the history keeps every decision). The referent organization then sees the dossier. For an
/// RSA beneficiary the département decides (or France Travail by delegation). `If-Match` carries
/// the dossier's ETag.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IfMatch),
    request_body = OrientationInput,
    responses(
        (status = 200, description = "Oriented.", body = Person, headers(("ETag" = String, description = "The dossier's new version"))),
        UpdateProblems,
        LimitedProblems,
    )
)]
#[put("/persons/{id}/orientation")]
pub async fn set_orientation(
    Change { store, caller, path: id, header: if_match }: Change<Caller, Uuid>,
    ValidJson(input): ValidJson<OrientationInput>,
) -> Result<HttpResponse, ApiError> {
    let referent_id = input.referent_organization_id;
    let (current, referent) = access::load_for_write(&store, &caller, id, move |conn, person| {
        Ok((person, organizations::find(conn, referent_id)?))
    })
    .await?;
    let expected = if_match.check(current.version)?;
    check_referent(referent.map(|referent| referent.kind))?;
    if input.decided_on < current.record.registration.registered_on {
        return Err(ApiError::validation(vec![FieldError::new(
            "decided_on",
            "decided_on.before_registration",
            "the orientation is decided after the registration",
        )]));
    }
    if current.record.statuses.rsa_beneficiary && !orients_rsa_beneficiaries(caller.principal().kind) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "the orientation of an RSA beneficiary is decided by the département (or France Travail by delegation)",
        ));
    }
    let orientation = Orientation {
        path_type: input.path_type,
        intensive: input.intensive,
        referent_organization_id: input.referent_organization_id,
        referent_counsellor: input.referent_counsellor.map(|name| name.trim().to_owned()),
        decided_on: input.decided_on,
        decided_by: caller.principal().organization_id,
    };
    let changes = json!({"orientation": orientation});
    let mut record = current.record.clone();
    record.orientation = Some(orientation);
    stamp(&mut record.provenance, &json!({}), &caller, "orientation");
    let context = caller.write_context();
    let updated = access::commit(&store, &caller, id, JournalSection::Orientation, move |conn| {
        persons::update(conn, &context, &current, expected, record, changes)
    })
    .await?;
    Ok(current_response(updated.version, &access::view_for(&caller, &updated)))
}

/// Only an organization that accompanies people can be a referent.
fn check_referent(kind: Option<OrganizationKind>) -> Result<(), ApiError> {
    let field = "referent_organization_id";
    match kind {
        None => Err(ApiError::validation(vec![FieldError::new(
            field,
            "organization.unknown",
            "no organization has this id",
        )])),
        Some(
            OrganizationKind::FranceTravail
            | OrganizationKind::MissionLocale
            | OrganizationKind::CapEmploi
            | OrganizationKind::Departement,
        ) => Ok(()),
        Some(other) => Err(ApiError::validation(vec![FieldError::new(
            field,
            "referent.kind",
            format!(
                "a {} does not accompany people; the referent is France Travail, a mission locale, Cap emploi or a département",
                other.as_str()
            ),
        )])),
    }
}
