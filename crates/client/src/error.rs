//! What can go wrong in a call, as one enum a partner's code can branch on.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An RFC 9457 problem, as every Plateforme API error (status 400 and up) is answered.
///
/// Branch on `code`, never on `detail`: the code is stable, the detail is for humans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// `/problems/{code}`, relative to the API's host.
    pub r#type: String,
    pub title: String,
    /// The HTTP status, repeated.
    pub status: u16,
    pub detail: String,
    /// Stable machine code: `validation_failed`, `precondition_failed`, `not_found`…
    pub code: String,
    #[serde(default)]
    pub instance: Option<String>,
    /// Quote it to the operator: it finds the request in the server's logs.
    #[serde(default)]
    pub request_id: Option<String>,
    /// One entry per broken rule, for validation errors.
    #[serde(default)]
    pub errors: Vec<FieldError>,
    /// On a `409 conflict`: the record that already holds the business key.
    #[serde(default)]
    pub existing_id: Option<Uuid>,
    /// On a `412 precondition_failed`: the version the resource is at now.
    #[serde(default)]
    pub current_version: Option<u64>,
}

/// One broken rule of a validation problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// JSON path of the field (`territory.departements[1]`), a query parameter, or `body`.
    pub field: String,
    /// Stable rule code (`siret.luhn`, `required`, `unknown_field`…).
    pub rule: String,
    pub message: String,
}

impl Problem {
    /// Whether any entry of `errors` names this field and rule.
    pub fn breaks(&self, field: &str, rule: &str) -> bool {
        self.errors.iter().any(|error| error.field == field && error.rule == rule)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.detail)?;
        for error in &self.errors {
            write!(f, "; {} ({}): {}", error.field, error.rule, error.message)?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request {request_id}]")?;
        }
        Ok(())
    }
}

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The API refused the request with a problem document. Boxed: a problem is large and
    /// most results are successes.
    #[error("{0}")]
    Problem(Box<Problem>),
    /// The token endpoint refused the credentials or the grant (RFC 6749 §5.2).
    #[error("token refused: {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Token {
        /// `invalid_client`, `invalid_scope`, `unsupported_grant_type`…
        error: String,
        description: Option<String>,
    },
    /// No HTTP answer at all: connection refused, timeout, TLS…
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    /// An answer whose body is not what the contract says.
    #[error("cannot decode the answer to {context}: {message}")]
    Decode { context: String, message: String },
    /// An error status without a problem document (a proxy's HTML page, a bare 502…).
    #[error("{context} answered {status} without a problem document ({content_type}): {body}")]
    UnexpectedStatus { context: String, status: u16, content_type: String, body: String },
    /// The request could not be built from what was given (a bad base URL, a header value
    /// with control characters…).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl ClientError {
    /// The problem, when the API answered one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Problem(problem) => Some(problem),
            _ => None,
        }
    }

    /// The problem's code, when the API answered one: `if err.code() == Some("not_found")`.
    pub fn code(&self) -> Option<&str> {
        self.problem().map(|problem| problem.code.as_str())
    }

    /// The HTTP status of an API error, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Problem(problem) => Some(problem.status),
            ClientError::UnexpectedStatus { status, .. } => Some(*status),
            _ => None,
        }
    }
}
