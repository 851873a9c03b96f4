use actix_web::{HttpResponse, put};
use plateforme_api::openapi::{LimitedProblems, UpdateProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, ErrorCode, IfMatch, ValidJson};
use plateforme_auth::policy::powers::{self, NoPower, RsaOrientationCase};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::delegation::DelegationKind;
use plateforme_model::organization::OrganizationKind;
use plateforme_model::person::{Orientation, OrientationBasis, OrientationInput, Person};
use plateforme_store::indicators::orientation_decisions::{self, DecisionFacts};
use plateforme_store::{delegations, dossier::persons, organizations};
use serde_json::json;
use uuid::Uuid;

use crate::access;
use crate::provenance::stamp;

/// Orient a person
///
/// Records the orientation decision: the path (emploi, socio-professionnel, social), intensive
/// accompaniment, the referent organization and counsellor. It replaces the current orientation
/// (the history keeps every decision). The referent organization then sees the dossier. For an
/// RSA beneficiary the département of residence decides (`basis` `departement`); France Travail
/// decides under a delegation of that département in force on `decided_on` and covering the
/// residence (`basis` `delegation`, with `delegation_id` and `on_behalf_of`), or by default once
/// 30 days have passed since the RSA status holds without a decision (`basis`
/// `default_after_delay`); anyone else gets 403. For anyone else the organizations that may write
/// the dossier decide (`basis` `remit`). `If-Match` carries the dossier's ETag. The criteria
/// assessed (arrêté du 21 novembre 2024) and the request date feed the employment committees'
/// counts (`GET /v1/orientation-decisions`), with no person named.
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
    let (referent_id, me, decided_on) =
        (input.referent_organization_id, caller.principal().organization_id, input.decided_on);
    let (current, referent, held) = access::load_for_write(&store, &caller, id, move |conn, person| {
        let held = match person.record.statuses.rsa_beneficiary {
            true => delegations::held(conn, DelegationKind::RsaOrientation, me, decided_on)?,
            false => Vec::new(),
        };
        Ok((person, organizations::find(conn, referent_id)?, held))
    })
    .await?;
    let expected = if_match.check(current.version)?;
    let referent_kind = check_referent(referent.map(|referent| referent.kind))?;
    let registered_on = current.record.registration.registered_on;
    if input.decided_on < registered_on {
        return Err(ApiError::validation(vec![FieldError::new(
            "decided_on",
            "decided_on.before_registration",
            "the orientation is decided after the registration",
        )]));
    }
    if input.requested_on.is_some_and(|requested_on| requested_on < registered_on) {
        return Err(ApiError::validation(vec![FieldError::new(
            "requested_on",
            "requested_on.before_registration",
            "the orientation is asked for after the registration",
        )]));
    }
    let (basis, delegation) = match current.record.statuses.rsa_beneficiary {
        false => (OrientationBasis::Remit, None),
        true => {
            let residence = current.record.contact.address.as_ref().map(|address| &address.commune);
            let case = RsaOrientationCase {
                residence,
                pending_since: current.record.rsa_pending_since(),
                decided_on: input.decided_on,
            };
            powers::rsa_orientation(caller.principal(), &case, &held)
                .map_err(|NoPower(why)| ApiError::new(ErrorCode::Forbidden, why))?
        }
    };
    let orientation = Orientation {
        path_type: input.path_type,
        intensive: input.intensive,
        referent_organization_id: input.referent_organization_id,
        referent_counsellor: input.referent_counsellor.map(|name| name.trim().to_owned()),
        decided_on: input.decided_on,
        decided_by: caller.principal().organization_id,
        basis: Some(basis),
        delegation_id: delegation.map(|delegation| delegation.id),
        on_behalf_of: delegation.map(|delegation| delegation.from_organization_id),
        requested_on: input.requested_on,
    };
    let facts = DecisionFacts {
        decided_on: input.decided_on,
        requested_on: input.requested_on.unwrap_or(registered_on),
        registered_on,
        first_orientation: current.record.orientation.is_none(),
        path_type: input.path_type,
        intensive: input.intensive,
        deciding_kind: caller.principal().kind,
        referent_kind,
        basis,
        rsa_beneficiary: current.record.statuses.rsa_beneficiary,
        commune: current.record.contact.address.as_ref().map(|address| address.commune.clone()),
        criteria: input.criteria,
    };
    let changes = json!({"orientation": orientation});
    let mut record = current.record.clone();
    record.orientation = Some(orientation);
    stamp(&mut record.provenance, &json!({}), &caller, "orientation");
    let context = caller.write_context();
    let updated = access::commit_record(&store, &caller, id, JournalSection::Orientation, move |conn| {
        let updated = persons::update(conn, &context, &current, expected, record, changes)?;
        // The committees' statistical record, in the same transaction as the decision.
        orientation_decisions::record(conn, &facts)?;
        Ok(updated)
    })
    .await?;
    Ok(current_response(updated.version, &access::view_for(&caller, &updated)))
}

/// Only an organization that accompanies people can be a referent.
fn check_referent(kind: Option<OrganizationKind>) -> Result<OrganizationKind, ApiError> {
    let field = "referent_organization_id";
    match kind {
        None => Err(ApiError::validation(vec![FieldError::new(
            field,
            "organization.unknown",
            "no organization has this id",
        )])),
        Some(
            kind @ (OrganizationKind::FranceTravail
            | OrganizationKind::MissionLocale
            | OrganizationKind::CapEmploi
            | OrganizationKind::Departement),
        ) => Ok(kind),
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
