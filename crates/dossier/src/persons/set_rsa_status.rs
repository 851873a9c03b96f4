use actix_web::{HttpResponse, put};
use plateforme_api::openapi::{LimitedProblems, UpdateProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, ErrorCode, IfMatch, ValidJson};
use plateforme_auth::policy::roles::{self, RSA_STATUS_RECORDERS};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::organization::OrganizationKind;
use plateforme_model::person::{Person, RsaSource, RsaStatus, RsaStatusInput};
use serde_json::json;
use uuid::Uuid;

use crate::access::{self, NewRecord};
use crate::provenance::stamp;

/// Record the RSA status
///
/// Records whether the person is an RSA beneficiary, from which source (the CAF's or the MSA's
/// feed, the département, the person's declaration) and since when. Only a département or France
/// Travail changes it (403 for any other organization): the status decides who orients the person
/// and what a département sees, so the dossier's other writers do not set it (`PATCH` refuses a
/// change of `statuses.rsa_beneficiary`, rule `rsa_beneficiary.by_rsa_status`). The source
/// `departement` comes from a département only (rule `rsa_source.departement`). A département
/// reaches the RSA beneficiaries resident in its territory (404 for others). `If-Match` carries
/// the dossier's ETag.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IfMatch),
    request_body = RsaStatusInput,
    responses(
        (status = 200, description = "Recorded (or unchanged).", body = Person,
            headers(("ETag" = String, description = "The dossier's new version"))),
        UpdateProblems,
        LimitedProblems,
    )
)]
#[put("/persons/{id}/rsa-status")]
pub async fn set_rsa_status(
    Change { store, caller, path: id, header: if_match }: Change<Caller, Uuid>,
    ValidJson(input): ValidJson<RsaStatusInput>,
) -> Result<HttpResponse, ApiError> {
    let kind = caller.principal().kind;
    if !RSA_STATUS_RECORDERS.contains(&kind) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("the RSA status is recorded by a {} only", roles::kinds_in_words(RSA_STATUS_RECORDERS)),
        ));
    }
    let updated = access::update_record(&store, &caller, id, JournalSection::Dossier, move |caller, current| {
        let expected = if_match.check(current.version)?;
        if input.source == RsaSource::Departement && kind != OrganizationKind::Departement {
            return Err(ApiError::validation(vec![FieldError::new(
                "source",
                "rsa_source.departement",
                "only a département records the RSA status with the source `departement`",
            )]));
        }
        let status =
            RsaStatus { source: input.source, since: input.since, recorded_by: caller.principal().organization_id };
        let unchanged = current.record.statuses.rsa_beneficiary == input.rsa_beneficiary
            && current
                .record
                .rsa_status
                .as_ref()
                .is_some_and(|held| (held.source, held.since) == (status.source, status.since));
        if unchanged {
            return Ok(None);
        }
        let changes = json!({"statuses": {"rsa_beneficiary": input.rsa_beneficiary}, "rsa_status": status});
        let mut record = current.record.clone();
        record.statuses.rsa_beneficiary = input.rsa_beneficiary;
        record.rsa_status = Some(status);
        stamp(&mut record.provenance, &changes, caller, "");
        Ok(Some(NewRecord { expected, record, changes }))
    })
    .await?;
    Ok(current_response(updated.version, &access::view_for(&caller, &updated)))
}
