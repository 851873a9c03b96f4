use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, IfNoneMatch, Read, ReadOne};
use plateforme_auth::Caller;
use plateforme_model::site::Site;
use plateforme_store::sites;

use super::{SitePath, not_found};

/// Read a reception site
///
/// One reception site of the organization, with its `ETag`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(SitePath, IfNoneMatch),
    responses(ReadOne<Site>, ReadProblems)
)]
#[get("/organizations/{id}/sites/{site_id}")]
pub async fn get_site(read: Read<Caller, SitePath>) -> Result<HttpResponse, ApiError> {
    let SitePath { id, site_id } = read.path;
    let site =
        read.store.run(move |conn| sites::find(conn, id, site_id)).await?.ok_or_else(|| not_found(id, site_id))?;
    Ok(read.answer(site.version, &site))
}
