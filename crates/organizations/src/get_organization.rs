use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::responses::resource_response;
use plateforme_api::{ApiError, IfNoneMatch, NoQuery, ValidQuery};
use plateforme_auth::Caller;
use plateforme_model::organization::Organization;
use plateforme_store::{Store, StoreError, organizations};
use uuid::Uuid;

/// Read an organization
///
/// Answers the organization with its `ETag`; with `If-None-Match` naming the current version,
/// answers 304 without a body.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the organization"), IfNoneMatch),
    responses(
        (status = 200, description = "The organization.", body = Organization, headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 304, description = "Not modified: the client's copy is current."),
        ReadProblems,
    )
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    _caller: Caller,
    store: web::Data<Store>,
    id: web::Path<Uuid>,
    _: ValidQuery<NoQuery>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let organization = store.run(move |conn| organizations::find(conn, id)).await?.ok_or(StoreError::NotFound)?;
    Ok(resource_response(&if_none_match, organization.version, &organization))
}
