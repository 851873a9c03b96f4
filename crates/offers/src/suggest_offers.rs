use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, ErrorCode, ValidQuery};
use plateforme_auth::MaybeCaller;
use plateforme_model::FieldError;
use plateforme_reference_data::{Rome, search_rome};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::search_index::{OffersIndex, TITLE_COMPLETION};

const MAX_QUERY_CHARS: usize = 100;
const DEFAULT_LIMIT: i64 = 10;
const MAX_LIMIT: i64 = 20;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SuggestQuery {
    /// What the user typed so far, 1 to 100 characters once the spaces around it are trimmed
    /// (rule `q.length`); accents and case do not matter (`dev` completes "Développeur").
    #[param(required = true, min_length = 1, max_length = 100, pattern = r"\S", example = "dév")]
    q: Option<String>,
    /// Completions at most in each list, 1 to 20 (10 by default; rule `limit.range`).
    #[param(minimum = 1, maximum = 20, example = 10)]
    limit: Option<i64>,
}

/// An offer title that completes the typed text.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"text": "Développeur web", "count": 42}))]
pub struct TitleCompletion {
    /// The title, as most open offers write it.
    pub text: String,
    /// Open offers with this title (accents and case aside).
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "titles": [{"text": "Développeur web", "count": 42}, {"text": "Développeur", "count": 17}],
    "rome": [{"code": "M1805", "label": "Développeur / Développeuse informatique"}]
}))]
pub struct Suggestions {
    /// Titles of open offers starting with the typed text, most offers first.
    pub titles: Vec<TitleCompletion>,
    /// ROME codes whose label has a word starting with the typed text (labels starting with
    /// it first), or whose code starts with it (`M18`).
    pub rome: Vec<Rome>,
}

/// Suggest offer titles and ROME codes
///
/// Completes what a user types in an offer search box: the titles of open offers that start
/// with it (accents and case do not matter), most offers first, each with how many open offers
/// bear it; and the ROME 4.0 codes whose label has a word starting with it, or whose code does.
/// Served by the replica's own search index, as the search. No token is needed: anonymous
/// calls share the rate limit of the public offer reads.
#[utoipa::path(
    tag = crate::TAG,
    security((), ("oauth2" = ["offers:read"])),
    params(SuggestQuery),
    responses(
        (status = 200, description = "The completions, best first.", body = Suggestions),
        ListProblems,
    )
)]
#[get("/offers/suggest")]
pub async fn suggest_offers(
    _caller: MaybeCaller,
    index: web::Data<OffersIndex>,
    ValidQuery(query): ValidQuery<SuggestQuery>,
) -> Result<HttpResponse, ApiError> {
    let (typed, limit) = query.checked()?;
    let rome = search_rome(&typed, limit).into_iter().cloned().collect();
    let index = index.into_inner();
    let titles = web::block(move || index.0.engine().suggest(TITLE_COMPLETION, &typed, limit))
        .await
        .map_err(|error| ApiError::internal(format!("the suggestion did not run: {error}")))?
        .map_err(|error| ApiError::internal(format!("the suggestion failed: {error}")))?;
    let titles = titles
        .into_iter()
        .map(|completion| TitleCompletion { text: completion.text, count: completion.count })
        .collect();
    Ok(HttpResponse::Ok().json(Suggestions { titles, rome }))
}

impl SuggestQuery {
    fn checked(self) -> Result<(String, usize), ApiError> {
        let mut errors = Vec::new();
        let typed = self.q.as_deref().map(str::trim).unwrap_or_default().to_owned();
        let length = typed.chars().count();
        if self.q.is_none() {
            errors.push(FieldError::new("q", "required", "q is required"));
        } else if !(1..=MAX_QUERY_CHARS).contains(&length) {
            let message = format!("q must be 1 to {MAX_QUERY_CHARS} characters long once trimmed; got {length}");
            errors.push(FieldError::new("q", "q.length", message));
        }
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            errors.push(FieldError::new("limit", "limit.range", format!("limit is 1 to {MAX_LIMIT}, not {limit}")));
        }
        if !errors.is_empty() {
            let detail: Vec<String> =
                errors.iter().map(|error| format!("{}: {}", error.field, error.message)).collect();
            return Err(ApiError::new(ErrorCode::InvalidQuery, detail.join("; ")).with_errors(errors));
        }
        Ok((typed, usize::try_from(limit).unwrap_or(1)))
    }
}
