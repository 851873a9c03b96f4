use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::openapi::ListProblems;
use plateforme_api::pagination::answer_page_json;
use plateforme_api::{ApiError, ValidQuery};
use plateforme_auth::MaybeCaller;
use plateforme_model::ids::now;
use plateforme_model::offer::Offer;
use plateforme_search::Hit;
use serde::{Deserialize, Serialize};
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
    // Past 10,000 results deep, no cursor is handed out: the search must be refined.
    let next_cursor = PAGES.next(results.more, next_offset);
    let body = SearchResponse {
        items: Vec::new(),
        next_cursor: next_cursor.clone(),
        total: i64::try_from(results.total).unwrap_or(i64::MAX),
        facets: Facets { contract_types: counts(&results.facets, 0), departements: counts(&results.facets, 1) },
    };
    let body = with_items(&body, &results.hits, near)?;
    Ok(answer_page_json(&req, next_cursor.as_deref(), body))
}

/// The answer's JSON: `body` (its `items` empty) with each hit written in, as [`OfferHit`]s.
/// A hit's source is the JSON of its [`Offer`] as the index stored it
/// (`search_index::document`), so it is served as it is — parsing twenty offers back and
/// writing them again was a large share of a search's CPU (docs/performance.md) — with
/// `distance_km` added when there is a centre.
fn with_items(body: &SearchResponse, hits: &[Hit], near: Option<Near>) -> Result<String, ApiError> {
    let written = serde_json::to_string(body)
        .map_err(|error| ApiError::internal(format!("the search's answer does not write: {error}")))?;
    let rest = written
        .strip_prefix(EMPTY_ITEMS)
        .ok_or_else(|| ApiError::internal("the search's answer does not start with its items"))?;
    let mut json = String::with_capacity(written.len() + hits.iter().map(|hit| hit.source.len() + 24).sum::<usize>());
    json.push_str(&EMPTY_ITEMS[..EMPTY_ITEMS.len() - 1]);
    for (position, hit) in hits.iter().enumerate() {
        if position > 0 {
            json.push(',');
        }
        let offer = hit
            .source
            .trim_end()
            .strip_suffix('}')
            .ok_or_else(|| ApiError::internal("an indexed offer is not a JSON object"))?;
        json.push_str(offer);
        if let Some(distance_km) = near.map(|near| distance_km(near, &hit.source)).transpose()?.flatten() {
            json.push_str(",\"distance_km\":");
            json.push_str(&serde_json::to_string(&distance_km).unwrap_or_else(|_| "null".to_owned()));
        }
        json.push('}');
    }
    json.push(']');
    json.push_str(rest);
    Ok(json)
}

/// How the serialized [`SearchResponse`] starts when it has no items.
const EMPTY_ITEMS: &str = r#"{"items":[]"#;

/// The offer's position, the only part of its JSON a hit reads (the rest is skipped unparsed).
#[derive(Deserialize)]
struct Located {
    location: Position,
}

#[derive(Deserialize)]
struct Position {
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// The great-circle distance from the centre to the offer, to 100 m, when its position is known.
fn distance_km(near: Near, source: &str) -> Result<Option<f64>, ApiError> {
    let Located { location } = serde_json::from_str(source)
        .map_err(|error| ApiError::internal(format!("an indexed offer does not read back: {error}")))?;
    Ok(location.latitude.zip(location.longitude).map(|(latitude, longitude)| {
        let distance = plateforme_reference_data::haversine_km(near.latitude, near.longitude, latitude, longitude);
        (distance * 10.0).round() / 10.0
    }))
}

fn counts(facets: &[Vec<(String, u64)>], facet: usize) -> Vec<FacetCount> {
    let values = facets.get(facet).map(Vec::as_slice).unwrap_or_default();
    values
        .iter()
        .map(|(value, count)| FacetCount { value: value.clone(), count: i64::try_from(*count).unwrap_or(i64::MAX) })
        .collect()
}
