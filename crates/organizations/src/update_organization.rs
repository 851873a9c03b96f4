use actix_web::{HttpResponse, patch};
use plateforme_api::openapi::UpdateProblems;
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, IfMatch, MergePatch};
use plateforme_auth::Caller;
use plateforme_auth::policy::{Operation, OrganizationAccess, Resource};
use plateforme_model::organization::Organization;
use plateforme_store::{StoreError, organizations, write};
use uuid::Uuid;

/// Update an organization
///
/// An organization updates its own name (`organizations:write`); administrators update any
/// organization and any field (`admin`), as kind, SIRET and territory decide what the policy
/// lets an organization see. Applies a JSON Merge Patch (RFC 7396) to the organization's writable fields (`kind`,
/// `name`, `siret`, `territory`); `null` removes an optional member. `If-Match` must carry the
/// ETag read last: without it the answer is 428, and 412 when the organization changed since.
/// The patched organization is validated as a whole; nothing is written when it breaks a rule.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:write"]), ("oauth2" = ["admin"])),
    params(("id" = Uuid, Path, description = "Identifier of the organization"), IfMatch),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "JSON Merge Patch of the writable fields.",
        example = json!({"name": "Mission locale de Lyon Métropole", "territory": {"communes": ["69123", "69266"]}})),
    responses(
        (status = 200, description = "Updated (or unchanged when the patch changes nothing).", body = Organization,
            headers(("ETag" = String, description = "The new version"))),
        UpdateProblems,
    )
)]
#[patch("/organizations/{id}")]
pub async fn update_organization(
    Change { store, caller, path: id, header: if_match }: Change<Caller, Uuid>,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    // Administrators update any organization; others only their own (the policy's SelfOnly).
    let allowed = caller.has_scope(plateforme_auth::scopes::ADMIN)
        || caller.may(Operation::Write, Resource::Organization(&OrganizationAccess { id }));
    if !allowed {
        return Err(ApiError::new(
            plateforme_api::ErrorCode::Forbidden,
            "an organization may update only its own record; other updates need the admin scope",
        ));
    }
    let current = store.run(move |conn| organizations::find(conn, id)).await?.ok_or(StoreError::NotFound)?;
    let expected_version = if_match.check(current.version)?;
    let fields = patch.apply_to(&current.fields())?;
    // What an organization is (kind, SIRET, territory) decides what the policy lets it see:
    // only an administrator may change it, or a mission locale could make itself France Travail.
    let identity_changed =
        fields.kind != current.kind || fields.siret != current.siret || fields.territory != current.territory;
    if identity_changed && !caller.has_scope(plateforme_auth::scopes::ADMIN) {
        return Err(ApiError::new(
            plateforme_api::ErrorCode::Forbidden,
            "only an administrator changes an organization's kind, SIRET or territory; you may change its name",
        ));
    }
    let context = caller.write_context();
    let updated: Organization = store
        .run(move |conn| {
            write::transaction(conn, |conn| organizations::update(conn, &context, id, expected_version, fields))
        })
        .await?;
    Ok(current_response(updated.version, &updated))
}
