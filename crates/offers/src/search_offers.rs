use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::openapi::ListProblems;
use plateforme_api::pagination::answer_page;
use plateforme_api::{ApiError, ValidQuery};
use plateforme_auth::MaybeCaller;
use plateforme_model::ids::now;
use plateforme_model::offer::Offer;
use serde::Serialize;
use utoipa::ToSchema;

use crate::search::{Near, PAGES, SearchQuery};
use crate::search_index::OffersIndex;

/// An offer found by a search.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferHit {
    #[serde(flatten)]
    pub offer: Offer,
    /// Great-circle distance in km from the searched commune or point, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 4.2)]
    pub distance_km: Option<f64>,
}

/// How many offers match, per value.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"value": "cdi", "count": 42}))]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

/// Counts over every match (all pages): each list adds up to `total`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Facets {
    /// Per contract type, most frequent first.
    pub contract_types: Vec<FacetCount>,
    /// Per département of the workplace, most frequent first.
    pub departements: Vec<FacetCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The offers of this page, in the requested order.
    pub items: Vec<OfferHit>,
    /// Pass it as `cursor` to read the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// How many open offers match, all pages together.
    pub total: i64,
    pub facets: Facets,
}

/// Search offers
///
/// Searches the open offers: French full text over title, skills and description (stemmed,
/// accents, case and feminine forms ignored, one typo forgiven in a word of five letters or
/// more; every word must match), combined with filters — ROME codes, contract types, communes,
/// départements, régions, a radius around a commune or a point (great-circle distance),
/// publication date, inclusive-hiring flags, minimum monthly pay, minimum quality score — and
/// sorted by relevance, date or distance. `total` and the facet counts (per contract type and
/// per département) cover every match, so each facet list adds up to `total`. Offers leave the
/// search at their expiry time. Pages follow `next_cursor` up to 10,000 results deep. The
/// search is served by the replica's own index, which follows the publications: a client's
/// publication is found by its next search (the publication waits for the index, up to 2
/// seconds); another replica's index follows within about a second (docs/offers.md,
/// Consistency).
///
/// No token is needed: anonymous calls share the anonymous rate limit of their address
/// (120 a minute by default); a client's token (any scope) gets the client's own limit.
#[utoipa::path(
    tag = crate::TAG,
    security((), ("oauth2" = ["offers:read"])),
    params(SearchQuery),
    responses(
        (status = 200, description = "One page of offers, the total and the facets.", body = SearchResponse,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ListProblems,
    )
)]
#[get("/offers")]
pub async fn search_offers(
    req: HttpRequest,
    _caller: MaybeCaller,
    index: web::Data<OffersIndex>,
    ValidQuery(query): ValidQuery<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.checked(now())?;
    let near = request.filters.near;
    let next_offset = request.offset + request.limit;
    let index = index.into_inner();
    let results = web::block(move || index.0.engine().search(&request.query()))
        .await
        .map_err(|error| ApiError::internal(format!("the search did not run: {error}")))?
        .map_err(|error| ApiError::internal(format!("the search failed: {error}")))?;
    let offers = results
        .hits
        .iter()
        .map(|hit| serde_json::from_str::<Offer>(&hit.source))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| ApiError::internal(format!("an indexed offer does not read back: {error}")))?;
    // Past 10,000 results deep, no cursor is handed out: the search must be refined.
    let next_cursor = PAGES.next(results.more, next_offset);
    let body = SearchResponse {
        items: offers.into_iter().map(|offer| hit(offer, near)).collect(),
        next_cursor: next_cursor.clone(),
        total: i64::try_from(results.total).unwrap_or(i64::MAX),
        facets: Facets { contract_types: counts(&results.facets, 0), departements: counts(&results.facets, 1) },
    };
    Ok(answer_page(&req, next_cursor.as_deref(), body))
}

fn hit(offer: Offer, near: Option<Near>) -> OfferHit {
    let distance_km = near.and_then(|near| {
        let (latitude, longitude) = offer.location.latitude.zip(offer.location.longitude)?;
        let distance = plateforme_reference_data::haversine_km(near.latitude, near.longitude, latitude, longitude);
        Some((distance * 10.0).round() / 10.0)
    });
    OfferHit { offer, distance_km }
}

fn counts(facets: &[Vec<(String, u64)>], facet: usize) -> Vec<FacetCount> {
    let values = facets.get(facet).map(Vec::as_slice).unwrap_or_default();
    values
        .iter()
        .map(|(value, count)| FacetCount { value: value.clone(), count: i64::try_from(*count).unwrap_or(i64::MAX) })
        .collect()
}
