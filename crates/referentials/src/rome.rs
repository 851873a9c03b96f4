use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::{ListProblems, ReadProblems};
use plateforme_api::{ApiError, NoQuery, ValidQuery};
use plateforme_auth::Caller;
use plateforme_model::codes::RomeCode;

use crate::search::{SearchQuery, SearchResults, invalid_path};
use plateforme_reference_data::{self as data, Rome};

/// Search ROME codes
///
/// Finds ROME 4.0 job codes (fiches métiers) whose label has a word starting with `q` —
/// accents and case do not matter (`developpeu` finds M1805) — labels starting with it first,
/// then in code order; or, when `q` is a letter then digits (`M18`), whose code starts with it.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"]), ("oauth2" = ["offers:read"]), ("oauth2" = ["dossier:read"])),
    params(SearchQuery),
    responses(
        (status = 200, description = "The matching ROME codes, best first.", body = SearchResults<Rome>,
            example = json!({"items": [{"code": "M1805", "label": "Développeur / Développeuse informatique"}]})),
        ListProblems,
    )
)]
#[get("/referentials/rome")]
pub async fn search_rome_codes(
    _caller: Caller,
    ValidQuery(query): ValidQuery<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    query.answer(data::search_rome)
}

/// Read a ROME code
///
/// Answers the ROME 4.0 job code (fiche métier) with its label.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"]), ("oauth2" = ["offers:read"]), ("oauth2" = ["dossier:read"])),
    params(("code" = RomeCode, Path, description = "ROME code: a letter A–N then 4 digits (rule `rome.format`)", example = "M1805")),
    responses(
        (status = 200, description = "The ROME code.", body = Rome,
            example = json!({"code": "M1805", "label": "Développeur / Développeuse informatique"})),
        ReadProblems,
    )
)]
#[get("/referentials/rome/{code}")]
pub async fn get_rome_code(
    _caller: Caller,
    code: web::Path<String>,
    _: ValidQuery<NoQuery>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    if let Err(error) = RomeCode::parse(&code) {
        return Err(invalid_path(error.rule, error.message));
    }
    let rome = data::rome(&code).ok_or_else(|| ApiError::not_found(format!("ROME code {code}")))?;
    Ok(HttpResponse::Ok().json(rome))
}
