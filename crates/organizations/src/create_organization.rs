use actix_web::{HttpResponse, post};
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, Create, Created, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::Caller;
use plateforme_model::organization::{Organization, OrganizationFields};
use plateforme_store::organizations;

/// Register an organization
///
/// Registers a member of the network (administrators only). The SIRET is the business key: registering a SIRET that
/// is already known answers 409 with the `existing_id` of the organization holding it, so two
/// concurrent "create if absent" calls give one record. Send an `Idempotency-Key` to make
/// retries safe: a retry gets the first response again (with `Idempotent-Replayed: true`).
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["admin"])),
    params(IdempotencyKey),
    request_body(content = OrganizationFields, description = "The organization to register."),
    responses(Created<Organization>, CreateProblems)
)]
#[post("/organizations")]
pub async fn create_organization(
    Create { store, caller, header: key, .. }: Create<Caller>,
    ValidJson(fields): ValidJson<OrganizationFields>,
) -> Result<HttpResponse, ApiError> {
    let claim = key.claim(caller.client_id(), &fields)?;
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let organization = organizations::create(conn, &context, fields)?;
        Ok(Located {
            location: crate::location(organization.id),
            version: organization.version,
            resource: organization,
        })
    })
    .await
}
