use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::Caller;
use plateforme_model::site::Site;
use plateforme_store::sites;
use uuid::Uuid;

plateforme_api::paging_query! {
    pub struct ListSitesQuery {}
    limit: "Sites per page, 1 to 100 (20 by default)."
}

/// List an organization's reception sites
///
/// The places where people meet the organization, oldest first.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(("id" = Uuid, Path, description = "Identifier of the organization"), ListSitesQuery),
    responses(
        (status = 200, description = "One page of sites.", body = PageBody<Site>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ReadProblems,
    )
)]
#[get("/organizations/{id}/sites")]
pub async fn list_sites(list: List<Caller, ListSitesQuery, Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, page) = (list.path, list.query.page_request()?);
    Ok(list.page(list.store.run(move |conn| sites::list(conn, id, &page)).await?))
}
