use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, List, PageBody, PageQuery};
use plateforme_auth::Caller;
use plateforme_model::organization::{Organization, OrganizationKind};
use plateforme_store::organizations::{self, OrganizationFilter};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListOrganizationsQuery {
    /// Only organizations of this kind.
    kind: Option<OrganizationKind>,
    /// Organizations per page, 1 to 100 (20 by default).
    #[param(minimum = 1, maximum = 100, example = 20)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// List organizations
///
/// Lists organizations in a stable order (creation order). Follow `next_cursor`, or the
/// `Link: <…>; rel="next"` header, to read the next page; records added meanwhile are
/// neither skipped nor repeated. The list may be served from a PostgreSQL standby and lag the
/// last writes by its replay delay (usually under a second); `GET /v1/organizations/{id}`
/// reads the primary and sees a write at once.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(ListOrganizationsQuery),
    responses(
        (status = 200, description = "One page of organizations.", body = PageBody<Organization>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ListProblems,
    )
)]
#[get("/organizations")]
pub async fn list_organizations(list: List<Caller, ListOrganizationsQuery>) -> Result<HttpResponse, ApiError> {
    let query = &list.query;
    let page = PageQuery::page_request(query.limit, query.cursor.as_deref())?;
    let filter = OrganizationFilter { kind: query.kind };
    Ok(list.page(list.store.run_stale(move |conn| organizations::list(conn, &filter, &page)).await?))
}
