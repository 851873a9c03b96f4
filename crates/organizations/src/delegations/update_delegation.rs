use actix_web::{HttpResponse, patch};
use plateforme_api::openapi::UpdateProblems;
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, ErrorCode, IfMatch, MergePatch};
use plateforme_auth::Caller;
use plateforme_auth::policy::{Operation, OrganizationAccess, Resource};
use plateforme_model::delegation::{Delegation, DelegationFields, check_until};
use plateforme_store::{delegations, write};
use uuid::Uuid;

/// End or extend a delegation
///
/// Applies a JSON Merge Patch (RFC 7396) to the delegation's `until`
/// (`application/merge-patch+json`): a day on or after `since` (rule `delegation.period`), or
/// `null` for an open end. Only the delegating organization changes it (403 otherwise). A new end
/// that makes it overlap another delegation of the same grant answers 409 with its `existing_id`.
/// `If-Match` must carry the ETag read last (428 without, 412 when it changed since).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the delegation"), IfMatch),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Merge patch of `until`.", example = json!({"until": "2026-12-31"})),
    responses(
        (status = 200, description = "Changed (or unchanged when the patch changes nothing).", body = Delegation,
            headers(("ETag" = String, description = "The new version"))),
        UpdateProblems,
    )
)]
#[patch("/delegations/{id}")]
pub async fn update_delegation(
    Change { store, caller, path: id, header: if_match }: Change<Caller, Uuid>,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    let current = store.run(move |conn| delegations::find(conn, id)).await?.ok_or_else(|| super::not_found(id))?;
    let from = OrganizationAccess { id: current.from_organization_id };
    if !caller.may(Operation::Write, Resource::Organization(&from)) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("delegation {id} is granted by organization {}: only it changes the delegation", from.id),
        ));
    }
    let expected = if_match.check(current.version)?;
    let fields: DelegationFields = patch.apply_to(&DelegationFields { until: current.until })?;
    check_until(current.since, fields.until).map_err(|errors| ApiError::validation(errors.into_vec()))?;
    let context = caller.write_context();
    let updated: Delegation = store
        .run(move |conn| {
            write::transaction(conn, |conn| delegations::update(conn, &context, &current, expected, fields.until))
        })
        .await?;
    Ok(current_response(updated.version, &updated))
}
