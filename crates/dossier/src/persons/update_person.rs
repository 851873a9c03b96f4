use actix_web::{HttpResponse, patch};
use plateforme_api::json::changes_between;
use plateforme_api::openapi::{LimitedProblems, UpdateProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, IfMatch, MergePatch};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::person::{Person, PersonRecord};
use plateforme_store::dossier::persons::StoredPerson;
use serde_json::Value;
use uuid::Uuid;

use crate::access::{self, NewRecord};
use crate::provenance::stamp_from;

/// Update a dossier
///
/// Applies a JSON Merge Patch (RFC 7396) to the person's `identity`, `contact` and `statuses`
/// (`application/merge-patch+json`); `If-Match` must carry the ETag read last (428 without it,
/// 412 when the dossier changed since). The patched person is validated as a whole. Each field
/// changed records the caller's organization as its provenance. The RSA status is not changed
/// here: a département or France Travail records it with its source (`PUT …/rsa-status`; a change
/// of `statuses.rsa_beneficiary` answers 422, rule `rsa_beneficiary.by_rsa_status`).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IfMatch),
    request_body(content = Object, content_type = "application/merge-patch+json", description = "Merge patch of identity, contact and statuses.",
        example = json!({"contact": {"phone": "07 11 22 33 44"}, "statuses": {"rqth": true}})),
    responses(
        (status = 200, description = "Updated.", body = Person, headers(("ETag" = String, description = "The new version"))),
        UpdateProblems,
        LimitedProblems,
    )
)]
#[patch("/persons/{id}")]
pub async fn update_person(
    Change { store, caller, path: id, header: if_match }: Change<Caller, Uuid>,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    let updated = access::update_record(&store, &caller, id, JournalSection::Dossier, move |caller, current| {
        let expected = if_match.check(current.version)?;
        let patched = patched_record(caller, current, &patch, None)?;
        Ok(patched.map(|(record, changes)| NewRecord { expected, record, changes }))
    })
    .await?;
    Ok(current_response(updated.version, &access::view_for(&caller, &updated)))
}

/// The record patched by `patch`, checked against every rule of an update (the whole person
/// valid, the sensitive parts, the RSA status left to its own operation) and stamped with its
/// provenance — from the partner's `system` when pushed by inbound sync — with the changes; `None`
/// when the patch changes nothing. The one path of `PATCH /v1/persons/{id}` and of a known
/// reference in `POST /v1/persons/batch`.
pub(crate) fn patched_record(
    caller: &Caller,
    current: &StoredPerson,
    patch: &MergePatch,
    system: Option<&str>,
) -> Result<Option<(PersonRecord, Value)>, ApiError> {
    let fields = patch.apply_to(&current.record.fields())?;
    let Some(changes) = changes_between(&current.record.fields(), &fields)? else {
        return Ok(None);
    };
    access::check_sensitive_write(caller, changes.pointer("/statuses/rqth").is_some())?;
    if changes.pointer("/statuses/rsa_beneficiary").is_some() {
        return Err(ApiError::validation(vec![FieldError::new(
            "statuses.rsa_beneficiary",
            "rsa_beneficiary.by_rsa_status",
            "the RSA status is recorded with its source by a département or France Travail: PUT /v1/persons/{id}/rsa-status",
        )]));
    }
    let mut record = current.record.clone();
    record.identity = fields.identity;
    record.contact = fields.contact;
    record.statuses = fields.statuses;
    stamp_from(&mut record.provenance, &changes, caller, "", system);
    Ok(Some((record, changes)))
}
