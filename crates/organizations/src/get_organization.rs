use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::Caller;
use plateforme_model::organization::Organization;
use plateforme_store::{StoreError, organizations};
use uuid::Uuid;

/// Read an organization
///
/// Answers the organization with its `ETag`; with `If-None-Match` naming the current version,
/// answers 304 without a body.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the organization"), IfNoneMatch),
    responses(ReadOne<Organization>, ReadProblems)
)]
#[get("/organizations/{id}")]
pub async fn get_organization(read: Read<Caller, Uuid>) -> Result<HttpResponse, ApiError> {
    let id = read.path;
    let organization = read.store.run(move |conn| organizations::find(conn, id)).await?.ok_or(StoreError::NotFound)?;
    Ok(read.answer(organization.version, &organization))
}
