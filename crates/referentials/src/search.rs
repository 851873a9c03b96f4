//! The query of the search operations: `q` (2 to 100 characters) and `limit` (1 to 50).

use actix_web::HttpResponse;
use plateforme_api::{ApiError, ErrorCode};
use plateforme_model::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 50;
const MIN_QUERY_CHARS: usize = 2;
const MAX_QUERY_CHARS: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to look for, 2 to 100 characters once the spaces around it are trimmed (rule
    /// `q.length`): the start of a name (accents, case and hyphens do not matter) or of a code.
    #[param(required = true, min_length = 2, max_length = 100, pattern = r"\S[\s\S]*\S")]
    q: Option<String>,
    /// Results at most, 1 to 50 (20 by default; rule `limit.range`).
    #[param(minimum = 1, maximum = 50, example = 20)]
    limit: Option<i64>,
}

impl SearchQuery {
    /// Answers what `search` finds for the checked `q`, at most `limit`, best first: every
    /// search of a referential is this one call over its own table.
    pub fn answer<T: Serialize + ToSchema + Clone>(
        self,
        search: fn(&str, usize) -> Vec<&'static T>,
    ) -> Result<HttpResponse, ApiError> {
        let (q, limit) = self.checked()?;
        let items: Vec<T> = search(&q, limit).into_iter().cloned().collect();
        Ok(HttpResponse::Ok().json(SearchResults { items }))
    }

    /// The checked text and limit.
    fn checked(self) -> Result<(String, usize), ApiError> {
        let Some(q) = self.q else {
            return Err(invalid("q", "required", "q is required".to_owned()));
        };
        let q = q.trim().to_owned();
        let length = q.chars().count();
        if !(MIN_QUERY_CHARS..=MAX_QUERY_CHARS).contains(&length) {
            let message = format!("q must be {MIN_QUERY_CHARS} to {MAX_QUERY_CHARS} characters long; got {length}");
            return Err(invalid("q", "q.length", message));
        }
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(invalid(
                "limit",
                "limit.range",
                format!("limit must be between 1 and {MAX_LIMIT}; got {limit}"),
            ));
        }
        Ok((q, usize::try_from(limit).unwrap_or(1)))
    }
}

fn invalid(field: &str, rule: &str, message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidQuery, format!("{field}: {message}"))
        .with_errors(vec![FieldError::new(field, rule, message)])
}

/// The results of a search, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults<T: ToSchema> {
    /// The matching records, best first; at most `limit`.
    pub items: Vec<T>,
}

/// A malformed code in the path.
pub fn invalid_path(rule: &str, message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidPath, format!("code: {message}"))
        .with_errors(vec![FieldError::new("code", rule, message)])
}
