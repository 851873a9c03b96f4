use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::{ListProblems, ReadProblems};
use plateforme_api::{ApiError, NoQuery, ValidQuery};
use plateforme_auth::Caller;
use plateforme_model::codes::CommuneCode;

use crate::search::{SearchQuery, SearchResults, invalid_path};
use plateforme_reference_data::{self as data, Commune};

/// Search communes
///
/// Finds current communes by the start of their name — accents, case, hyphens and apostrophes
/// do not matter (`saint-etienne` finds Saint-Étienne) — most populous first; or, when `q`
/// is digits (or starts with `2A`/`2B`), by the start of their INSEE code or of one of their
/// postal codes, in code order.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"]), ("oauth2" = ["offers:read"]), ("oauth2" = ["dossier:read"])),
    params(SearchQuery),
    responses(
        (status = 200, description = "The matching communes, best first.", body = SearchResults<Commune>,
            example = json!({"items": [{"code": "69123", "name": "Lyon", "departement": "69", "region": "84",
                "population": 519127, "postal_codes": ["69001", "69002", "69003", "69004", "69005", "69006", "69007",
                "69008", "69009"], "latitude": 45.76769, "longitude": 4.83537}]})),
        ListProblems,
    )
)]
#[get("/referentials/communes")]
pub async fn search_communes(
    _caller: Caller,
    ValidQuery(query): ValidQuery<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    query.answer(data::search_communes)
}

/// Read a commune
///
/// Answers the current commune with this INSEE code (code officiel géographique, not a postal
/// code): its name, département, région, population, postal codes and position.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"]), ("oauth2" = ["offers:read"]), ("oauth2" = ["dossier:read"])),
    params(("code" = CommuneCode, Path, description = "INSEE code of the commune (rules `commune.format`, \
`commune.departement`)", example = "69266")),
    responses(
        (status = 200, description = "The commune.", body = Commune,
            example = json!({"code": "69266", "name": "Villeurbanne", "departement": "69", "region": "84",
                "population": 163684, "postal_codes": ["69100"], "latitude": 45.7663, "longitude": 4.87966})),
        ReadProblems,
    )
)]
#[get("/referentials/communes/{code}")]
pub async fn get_commune(
    _caller: Caller,
    code: web::Path<String>,
    _: ValidQuery<NoQuery>,
) -> Result<HttpResponse, ApiError> {
    // The form is the one the contract states for every commune code (`CommuneCode`).
    let code = match CommuneCode::parse(&code.into_inner()) {
        Ok(code) => code,
        Err(error) => return Err(invalid_path(error.rule, error.message)),
    };
    let commune = data::commune(code.as_str()).ok_or_else(|| ApiError::not_found(format!("commune {code}")))?;
    Ok(HttpResponse::Ok().json(commune))
}
