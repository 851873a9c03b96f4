use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, ErrorCode, List, PageBody, PageQuery};
use plateforme_auth::Caller;
use plateforme_model::FieldError;
use plateforme_model::organization::OrganizationKind;
use plateforme_model::site::ListedOrganization;
use plateforme_store::organizations::{self, OrganizationFilter};
use plateforme_store::pagination::PageRequest;
use plateforme_store::sites::{self, Area};
use plateforme_store::{DbConnection, Page, StoreError};
use serde::Deserialize;
use utoipa::IntoParams;

/// The radius around `near_commune` when none is given: a reception within 5 km of everyone.
const DEFAULT_RADIUS_KM: f64 = 5.0;
const MAX_RADIUS_KM: f64 = 50.0;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListOrganizationsQuery {
    /// Only organizations of this kind.
    kind: Option<OrganizationKind>,
    /// Only organizations with a reception site within `radius_km` of this commune's town hall
    /// (a current INSEE commune code, rule `commune.unknown`), nearest first, each with that site
    /// and its distance.
    #[param(example = "69123")]
    near_commune: Option<String>,
    /// The radius around `near_commune`, in km: above 0, at most 50 (rule `radius.range`); 5 by
    /// default. Only with `near_commune` (rule `radius.without_center`).
    #[param(minimum = 0, maximum = 50, example = 5)]
    radius_km: Option<f64>,
    /// Organizations per page, 1 to 100 (20 by default).
    #[param(minimum = 1, maximum = 100, example = 20)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A search around a point.
#[derive(Debug, Clone, Copy)]
struct Near {
    latitude: f64,
    longitude: f64,
    radius_km: f64,
}

/// List organizations
///
/// Lists organizations in a stable order (creation order). Follow `next_cursor`, or the
/// `Link: <…>; rel="next"` header, to read the next page; records added meanwhile are
/// neither skipped nor repeated. With `near_commune`, lists the organizations with a reception
/// site within `radius_km` (5 by default) of the commune's town hall, nearest first, each with
/// that site (`nearest_site`) and its distance (`distance_km`): "where is the nearest mission
/// locale" is `?near_commune=69123&kind=mission_locale`. The list may be served from a PostgreSQL
/// standby and lag the last writes by its replay delay (usually under a second);
/// `GET /v1/organizations/{id}` reads the primary and sees a write at once.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"])),
    params(ListOrganizationsQuery),
    responses(
        (status = 200, description = "One page of organizations.", body = PageBody<ListedOrganization>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ListProblems,
    )
)]
#[get("/organizations")]
pub async fn list_organizations(list: List<Caller, ListOrganizationsQuery>) -> Result<HttpResponse, ApiError> {
    let query = &list.query;
    let page = PageQuery::page_request(query.limit, query.cursor.as_deref())?;
    let kind = query.kind;
    let listed = match near(query)? {
        Some(near) => list.store.run_stale(move |conn| nearest(conn, near, kind, &page)).await?,
        None => {
            let filter = OrganizationFilter { kind };
            let page = list.store.run_stale(move |conn| organizations::list(conn, &filter, &page)).await?;
            page.map(|organization| ListedOrganization { organization, nearest_site: None, distance_km: None })
        }
    };
    Ok(list.page(listed))
}

/// The search's centre and radius, if it names a commune.
fn near(query: &ListOrganizationsQuery) -> Result<Option<Near>, ApiError> {
    let refuse = |field: &str, rule: &str, message: String| {
        ApiError::new(ErrorCode::InvalidQuery, format!("{field}: {message}"))
            .with_errors(vec![FieldError::new(field, rule, message)])
    };
    let Some(code) = &query.near_commune else {
        return match query.radius_km {
            Some(_) => Err(refuse("radius_km", "radius.without_center", "give near_commune".into())),
            None => Ok(None),
        };
    };
    let radius_km = query.radius_km.unwrap_or(DEFAULT_RADIUS_KM);
    if !(radius_km > 0.0 && radius_km <= MAX_RADIUS_KM) {
        let message = format!("the radius is above 0 and at most {MAX_RADIUS_KM} km, not {radius_km}");
        return Err(refuse("radius_km", "radius.range", message));
    }
    let position = plateforme_reference_data::commune(code).and_then(|commune| commune.position());
    let Some((latitude, longitude)) = position else {
        return Err(refuse(
            "near_commune",
            "commune.unknown",
            format!("{code}: not a current commune with a position"),
        ));
    };
    Ok(Some(Near { latitude, longitude, radius_km }))
}

/// One page of the organizations with a site within the radius, nearest first (then by id), each
/// with its nearest site. The radius is small, so every site in it is read and measured; the
/// cursor is the last organization's distance (in metres, zero-padded) and id.
fn nearest(
    conn: &mut DbConnection,
    near: Near,
    kind: Option<OrganizationKind>,
    page: &PageRequest,
) -> Result<Page<ListedOrganization>, StoreError> {
    let (latitudes, longitudes) =
        plateforme_reference_data::bounding_box(near.latitude, near.longitude, near.radius_km);
    let mut nearest: Vec<ListedOrganization> = Vec::new();
    for (organization, site) in sites::within(conn, Area { latitudes, longitudes }, kind)? {
        let distance = plateforme_reference_data::haversine_km(
            near.latitude,
            near.longitude,
            site.position.latitude,
            site.position.longitude,
        );
        if distance > near.radius_km {
            continue;
        }
        match nearest.iter_mut().find(|listed| listed.organization.id == organization.id) {
            Some(listed) if listed.distance_km.is_some_and(|known| known <= distance) => {}
            Some(listed) => (listed.nearest_site, listed.distance_km) = (Some(site), Some(distance)),
            None => {
                nearest.push(ListedOrganization { organization, nearest_site: Some(site), distance_km: Some(distance) })
            }
        }
    }
    let key = |listed: &ListedOrganization| {
        let metres = (listed.distance_km.unwrap_or_default() * 1000.0).round() as u64;
        format!("{metres:09}|{}", listed.organization.id)
    };
    nearest.sort_by_key(key);
    let after = page.after.clone().unwrap_or_default();
    let rows: Vec<ListedOrganization> = nearest
        .into_iter()
        .filter(|listed| key(listed) > after)
        .take(usize::try_from(page.fetch_limit()).unwrap_or(0))
        .collect();
    Ok(Page::from_rows(rows, page, key))
}
