use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::query::parse_query;
use plateforme_api::{ApiError, ErrorCode};
use plateforme_auth::person::PersonCaller;
use plateforme_model::FieldError;
use plateforme_model::offer::Offer;
use plateforme_model::profile::ProfileInput;
use plateforme_search::{Circle, Filter, Indexer, Query, Sort};
use plateforme_store::{Store, StoreError, dossier::persons, profiles};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{no_profile, not_found_as_person};
use crate::rank_candidates::{MatchReasons, comparable, score_of};

/// The offers' search index, as the server hands it to this crate: the profile bank ranks open
/// offers for a person on the engine the offers domain feeds, by the field names below.
#[derive(Clone)]
pub struct OffersSearch(pub Indexer);

// The offers' fields this ranking reads (crates/offers/src/search_index.rs names them).
const OFFER_ROME_CODE: &str = "rome_code";
const OFFER_CONTRACT_TYPE: &str = "contract_type";
const OFFER_LATITUDE: &str = "latitude";
const OFFER_LONGITUDE: &str = "longitude";
const OFFER_EXPIRES_AT: &str = "expires_at";
const OFFER_PUBLISHED_AT: &str = "published_at";
/// The nearest open offers the ranking scores.
const POOL: usize = 200;
/// Offers within the person's mobility radius, and never less than this around their commune.
const MIN_RADIUS_KM: f64 = 10.0;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MyOffersQuery {
    /// How many offers, best first: 1 to 50 (rule `limit.range`); 20 by default.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
}

/// An offer ranked for me, with its score and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedOffer {
    pub offer: Offer,
    /// 0 to 100: 50 for a job I seek, up to 30 for the offer's skills I list, up to 20 for
    /// nearness within my mobility radius.
    pub score: u32,
    pub reasons: MatchReasons,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyOffersResponse {
    /// Open offers, best score first.
    pub items: Vec<RankedOffer>,
}

/// Offers for me
///
/// Ranks the open offers for the person holding the token, from their profile: offers of the
/// jobs they seek, within their mobility radius of their commune (at least 10 km), of a contract
/// type they want (any when they named none), each with a score and its reasons (job matched,
/// the offer's skills they list and do not, distance). 404 without a profile. For person tokens
/// (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    params(MyOffersQuery),
    responses((status = 200, description = "Open offers ranked for me.", body = MyOffersResponse), ReadProblems)
)]
#[get("/me/offers")]
pub async fn rank_my_offers(
    req: HttpRequest,
    store: web::Data<Store>,
    me: PersonCaller,
    offers: web::Data<OffersSearch>,
) -> Result<HttpResponse, ApiError> {
    let limit = checked_limit(parse_query::<MyOffersQuery>(req.query_string())?.limit.unwrap_or(20))?;
    let id = me.person_id;
    let profile = store
        .run(move |conn| {
            persons::find(conn, id)?.ok_or(StoreError::NotFound)?;
            profiles::find(conn, id)
        })
        .await
        .map_err(|error| not_found_as_person(error, id))?
        .ok_or_else(|| no_profile(id))?;
    let fields = profile.record.fields;
    let home = plateforme_reference_data::commune(fields.commune.as_str()).and_then(|c| c.latitude.zip(c.longitude));
    let radius = f64::from(fields.mobility_radius_km).max(MIN_RADIUS_KM);
    let query = pool_query(&fields, home, radius);
    let offers = offers.into_inner();
    let hits = web::block(move || offers.0.engine().search(&query))
        .await
        .map_err(|error| ApiError::internal(format!("the search did not run: {error}")))?
        .map_err(|error| ApiError::internal(format!("the search failed: {error}")))?
        .hits;
    let mut items = Vec::with_capacity(hits.len());
    for hit in hits {
        let offer: Offer = serde_json::from_str(&hit.source)
            .map_err(|error| ApiError::internal(format!("an indexed offer does not read back: {error}")))?;
        items.push(ranked(offer, &fields, home, radius));
    }
    items.sort_by(|a, b| {
        let far = |item: &RankedOffer| item.reasons.distance_km.unwrap_or(f64::MAX);
        b.score.cmp(&a.score).then(far(a).total_cmp(&far(b)))
    });
    items.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(HttpResponse::Ok().json(MyOffersResponse { items }))
}

fn checked_limit(limit: i64) -> Result<i64, ApiError> {
    if (1..=50).contains(&limit) {
        return Ok(limit);
    }
    let error = FieldError::new("limit", "limit.range", format!("limit is 1 to 50; got {limit}"));
    Err(ApiError::new(ErrorCode::InvalidQuery, format!("limit: {}", error.message)).with_errors(vec![error]))
}

/// The open offers of the jobs sought, of a contract wanted, nearest the person's commune.
fn pool_query(fields: &ProfileInput, home: Option<(f64, f64)>, radius_km: f64) -> Query {
    let now = plateforme_model::ids::now().timestamp_micros();
    let romes = fields.target_jobs.iter().map(|job| job.rome.as_str().to_owned()).collect();
    let mut filters = vec![
        Filter::Above { field: OFFER_EXPIRES_AT, value: now },
        Filter::AnyOf { field: OFFER_ROME_CODE, values: romes },
    ];
    if !fields.contract_types.is_empty() {
        let contracts = fields.contract_types.iter().map(|contract| contract.as_str().to_owned()).collect();
        filters.push(Filter::AnyOf { field: OFFER_CONTRACT_TYPE, values: contracts });
    }
    let circle = home.map(|(latitude, longitude)| Circle {
        latitude_field: OFFER_LATITUDE,
        longitude_field: OFFER_LONGITUDE,
        latitude,
        longitude,
        radius_km,
    });
    filters.extend(circle.map(Filter::Within));
    let sort = circle.map_or(Sort::Greatest(OFFER_PUBLISHED_AT), Sort::Nearest);
    Query { text: None, filters, sort, offset: 0, limit: POOL, facets: Vec::new() }
}

fn ranked(offer: Offer, fields: &ProfileInput, home: Option<(f64, f64)>, radius_km: f64) -> RankedOffer {
    let rome = offer.fields.rome_code.as_str().to_owned();
    let jobs_matched: Vec<String> =
        fields.target_jobs.iter().filter(|job| job.rome.as_str() == rome).map(|_| rome.clone()).collect();
    let held: Vec<String> = fields.skills.iter().map(|skill| comparable(skill)).collect();
    let (skills_shared, skills_missing): (Vec<String>, Vec<String>) =
        offer.fields.skills.iter().cloned().partition(|skill| held.contains(&comparable(skill)));
    let workplace = offer.location.latitude.zip(offer.location.longitude);
    let distance_km = home.zip(workplace).map(|((lat_a, lon_a), (lat_b, lon_b))| {
        plateforme_reference_data::haversine_km(lat_a, lon_a, lat_b, lon_b).round()
    });
    let score =
        score_of(!jobs_matched.is_empty(), skills_shared.len(), offer.fields.skills.len(), distance_km, radius_km);
    let reasons = MatchReasons { jobs_matched, skills_shared, skills_missing, distance_km };
    RankedOffer { offer, score, reasons }
}
