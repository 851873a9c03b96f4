use actix_web::{HttpResponse, get};
use chrono::NaiveDate;
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::Caller;
use plateforme_model::delegation::{Delegation, DelegationKind};
use plateforme_store::delegations::{self, DelegationFilter};
use uuid::Uuid;

plateforme_api::paging_query! {
    pub struct ListDelegationsQuery {
        /// Only delegations of this kind.
        kind: Option<DelegationKind>,
        /// Only those this organization granted.
        from_organization_id: Option<Uuid>,
        /// Only those this organization holds.
        to_organization_id: Option<Uuid>,
        /// Only those that apply on this day (`YYYY-MM-DD`, rule `date.format`).
        #[serde(default, deserialize_with = "plateforme_model::date::strict_option")]
        #[param(value_type = Option<String>, format = Date, example = "2026-12-01")]
        active_on: Option<NaiveDate>,
    }
    limit: "Delegations per page, 1 to 100 (20 by default)."
}

/// List delegations
///
/// Lists delegations in creation order, filtered by kind, delegating organization, delegate, and
/// the day they apply on: e.g. `?to_organization_id=…&active_on=2026-12-01` answers what an
/// organization may do for others that day.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(ListDelegationsQuery),
    responses(
        (status = 200, description = "One page of delegations.", body = PageBody<Delegation>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ListProblems,
    )
)]
#[get("/delegations")]
pub async fn list_delegations(list: List<Caller, ListDelegationsQuery>) -> Result<HttpResponse, ApiError> {
    let query = &list.query;
    let page = query.page_request()?;
    let filter = DelegationFilter {
        kind: query.kind,
        from_organization_id: query.from_organization_id,
        to_organization_id: query.to_organization_id,
        active_on: query.active_on,
    };
    Ok(list.page(list.store.run(move |conn| delegations::list(conn, &filter, &page)).await?))
}
