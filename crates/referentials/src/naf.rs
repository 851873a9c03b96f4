use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::{ListProblems, ReadProblems};
use plateforme_api::{ApiError, NoQuery, ValidQuery};
use plateforme_auth::Caller;
use plateforme_model::codes::NafCode;

use crate::search::{SearchQuery, SearchResults, invalid_path};
use plateforme_reference_data::{self as data, Naf};

/// Search NAF codes
///
/// Finds NAF rév. 2 activity codes (codes APE, sub-class level) whose label has a word starting
/// with `q` — accents and case do not matter (`boulangerie` finds 10.71C) — labels starting with
/// it first, then in code order; or, when `q` starts with a digit (`62`, `6201`, `62.01`), whose
/// code starts with it, the dot being optional.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"]), ("oauth2" = ["offers:read"]), ("oauth2" = ["dossier:read"])),
    params(SearchQuery),
    responses(
        (status = 200, description = "The matching NAF codes, best first.", body = SearchResults<Naf>,
            example = json!({"items": [
                {"code": "62.01Z", "label": "Programmation informatique", "section": "J", "division": "62"}
            ]})),
        ListProblems,
    )
)]
#[get("/referentials/naf")]
pub async fn search_naf_codes(
    _caller: Caller,
    ValidQuery(query): ValidQuery<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    query.answer(data::search_naf)
}

/// Read a NAF code
///
/// Answers the NAF rév. 2 activity code (code APE, sub-class level) with its label, section and
/// division. The code may be given with or without its dot (`62.01Z` or `6201Z`); the answer
/// holds the INSEE form with the dot.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:read"]), ("oauth2" = ["offers:read"]), ("oauth2" = ["dossier:read"])),
    params(("code" = NafCode, Path, description = "NAF code: 2 digits, a dot, 2 digits and an uppercase letter \
(`6201Z` is accepted; rule `naf.format`)", example = "62.01Z")),
    responses(
        (status = 200, description = "The NAF code.", body = Naf,
            example = json!({
                "code": "62.01Z", "label": "Programmation informatique", "section": "J", "division": "62"
            })),
        ReadProblems,
    )
)]
#[get("/referentials/naf/{code}")]
pub async fn get_naf_code(
    _caller: Caller,
    code: web::Path<String>,
    _: ValidQuery<NoQuery>,
) -> Result<HttpResponse, ApiError> {
    let code = match NafCode::parse(&code.into_inner()) {
        Ok(code) => code,
        Err(error) => return Err(invalid_path(error.rule, error.message)),
    };
    let naf = data::naf(code.as_str()).ok_or_else(|| ApiError::not_found(format!("NAF code {code}")))?;
    Ok(HttpResponse::Ok().json(naf))
}
