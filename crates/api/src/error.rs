//! The one error type of the API and its table: stable code → HTTP status → problem `type` →
//! title. Every error a client can see is one row of this table.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use plateforme_model::FieldError;
use plateforme_store::StoreError;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

use crate::problem::{PROBLEM_CONTENT_TYPE, Problem};

macro_rules! error_codes {
    ($($variant:ident => ($status:expr, $code:literal, $title:literal),)*) => {
        /// Stable, machine-readable error codes. The problem `type` is `/problems/{code}`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($variant,)* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => $status,)* }
            }

            pub fn code(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// A short summary that does not change from occurrence to occurrence.
            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }
        }
    };
}

error_codes! {
    MalformedJson => (StatusCode::BAD_REQUEST, "malformed_json", "The request body is not well-formed JSON"),
    ValidationFailed => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "The request breaks validation rules"),
    InvalidQuery => (StatusCode::BAD_REQUEST, "invalid_query", "A query parameter is invalid"),
    InvalidPath => (StatusCode::BAD_REQUEST, "invalid_path", "A path parameter is invalid"),
    InvalidHeader => (StatusCode::BAD_REQUEST, "invalid_header", "A request header is invalid"),
    BadRequest => (StatusCode::BAD_REQUEST, "bad_request", "The request is not valid"),
    UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "The request body has an unsupported media type"),
    PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "The request body is too large"),
    NotFound => (StatusCode::NOT_FOUND, "not_found", "The resource does not exist"),
    RouteNotFound => (StatusCode::NOT_FOUND, "route_not_found", "No operation has this path"),
    MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "The operation does not accept this method"),
    Conflict => (StatusCode::CONFLICT, "conflict", "A record with the same business key exists already"),
    CursorExpired => (StatusCode::GONE, "cursor_expired", "The cursor is older than the change feed's retention: start again from a bulk export or from the beginning"),
    InvalidTransition => (StatusCode::CONFLICT, "invalid_transition", "The resource's current state does not allow this change"),
    ProcessingLimited => (StatusCode::LOCKED, "processing_limited", "The processing of this dossier is limited (RGPD article 18): only lifting the limitation and the erasure are allowed"),
    PreconditionRequired => (StatusCode::PRECONDITION_REQUIRED, "precondition_required", "This write needs an If-Match header"),
    PreconditionFailed => (StatusCode::PRECONDITION_FAILED, "precondition_failed", "The resource changed since the version given in If-Match"),
    StaleVersion => (StatusCode::CONFLICT, "stale_version", "The version the change was based on is no longer the record's: read the record again"),
    IdempotencyKeyReused => (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", "The Idempotency-Key was already used for another request"),
    Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", "Authentication is required"),
    Forbidden => (StatusCode::FORBIDDEN, "forbidden", "The caller may not do this (missing scope or refused by the policy)"),
    TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "Too many requests"),
    ServiceUnavailable => (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", "The service is temporarily unavailable"),
    Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "An unexpected error occurred"),
}

impl ErrorCode {
    /// The code whose stable name is `code`.
    pub fn from_code(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|known| known.code() == code)
    }

    /// The problem `type` URI; `GET /problems/{code}` describes it.
    pub fn type_uri(self) -> String {
        format!("/problems/{}", self.code())
    }

    /// The code answering a status that no handler of ours produced (actix's own errors):
    /// the generic code of each status, never one that claims a cause it cannot know.
    pub fn for_status(status: StatusCode) -> ErrorCode {
        match status.as_u16() {
            401 => ErrorCode::Unauthorized,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::RouteNotFound,
            405 => ErrorCode::MethodNotAllowed,
            413 => ErrorCode::PayloadTooLarge,
            415 => ErrorCode::UnsupportedMediaType,
            429 => ErrorCode::TooManyRequests,
            503 => ErrorCode::ServiceUnavailable,
            500..=599 => ErrorCode::Internal,
            _ => ErrorCode::BadRequest,
        }
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ErrorCode, D::Error> {
        let code = String::deserialize(deserializer)?;
        ErrorCode::from_code(&code).ok_or_else(|| D::Error::custom(format!("{code} is not a problem code of this API")))
    }
}

/// In the contract, the codes are a string enum generated from the table, so that a partner's
/// generated client can match on them.
impl PartialSchema for ErrorCode {
    fn schema() -> RefOr<Schema> {
        let rows: Vec<String> = ErrorCode::ALL
            .iter()
            .map(|code| format!("- `{}` ({}): {}", code.code(), code.status().as_u16(), code.title()))
            .collect();
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(ErrorCode::ALL.iter().map(|code| code.code())))
            .description(Some(format!(
                "Stable machine-readable code of a problem, the last segment of its `type`; `GET /problems/{{code}}` \
                 describes it. New codes may be added: treat an unknown one by its HTTP status.\n\n{}",
                rows.join("\n")
            )))
            .into()
    }
}

impl ToSchema for ErrorCode {}

/// An error answered as an RFC 9457 problem.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub existing_id: Option<Uuid>,
    pub current_version: Option<i64>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        ApiError {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            existing_id: None,
            current_version: None,
            headers: Vec::new(),
        }
    }

    pub fn validation(errors: Vec<FieldError>) -> ApiError {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            many => format!("{} fields break validation rules", many.len()),
        };
        ApiError { errors, ..ApiError::new(ErrorCode::ValidationFailed, detail) }
    }

    /// The field errors this error names, or one error for the whole body when it names none
    /// (as when a body is not JSON): how a batch reports a rejected line.
    pub fn into_field_errors(self) -> Vec<FieldError> {
        if !self.errors.is_empty() {
            return self.errors;
        }
        vec![FieldError::new("body", self.code.code(), self.detail)]
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> ApiError {
        self.errors = errors;
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> ApiError {
        self.headers.push((name, value));
        self
    }

    /// An unexpected failure: logged in full, answered as an opaque 500.
    pub fn internal(error: impl std::fmt::Display) -> ApiError {
        tracing::error!(%error, "unexpected error");
        ApiError::new(ErrorCode::Internal, "an unexpected error occurred; quote the request id to the operator")
    }

    pub fn not_found(what: impl std::fmt::Display) -> ApiError {
        ApiError::new(ErrorCode::NotFound, format!("{what} does not exist or is not visible to you"))
    }

    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: self.code.type_uri(),
            title: self.code.title().to_owned(),
            status: self.code.status().as_u16(),
            detail: self.detail.clone(),
            code: self.code,
            instance: None,
            request_id: None,
            errors: self.errors.clone(),
            existing_id: self.existing_id,
            current_version: self.current_version,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.code(), self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        response.json(self.problem())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound => {
                ApiError::new(ErrorCode::NotFound, "the resource does not exist or is not visible to you")
            }
            StoreError::Conflict { detail, existing_id } => {
                ApiError { existing_id, ..ApiError::new(ErrorCode::Conflict, detail) }
            }
            StoreError::VersionMismatch { current } => ApiError {
                current_version: Some(current),
                ..ApiError::new(
                    ErrorCode::PreconditionFailed,
                    format!(
                        "the resource is at version {current}; read it again and retry with If-Match: \"{current}\""
                    ),
                )
            },
            StoreError::ProcessingLimited { current } => ApiError {
                current_version: Some(current),
                ..ApiError::new(
                    ErrorCode::ProcessingLimited,
                    format!(
                        "the processing of this dossier is limited while a request of the person is examined; \
                         only lifting the limitation or erasing the dossier is allowed, with If-Match: \"{current}\""
                    ),
                )
            },
            StoreError::IdempotencyRace => ApiError::new(
                ErrorCode::Conflict,
                "a request with the same Idempotency-Key is being processed; retry later",
            ),
            StoreError::InvalidCursor => {
                ApiError::new(ErrorCode::InvalidQuery, "cursor: not a cursor this API handed out")
                    .with_errors(vec![FieldError::new("cursor", "cursor.invalid", "not a cursor this API handed out")])
            }
            StoreError::Pool(error) => {
                tracing::error!(%error, "no database connection");
                ApiError::new(ErrorCode::ServiceUnavailable, "the database is not reachable; retry later")
                    .with_header(header::RETRY_AFTER, HeaderValue::from_static("5"))
            }
            StoreError::JournalUnavailable(error) => {
                tracing::error!(%error, "an access could not be journaled");
                ApiError::new(ErrorCode::ServiceUnavailable, "the access journal could not be written; retry later")
                    .with_header(header::RETRY_AFTER, HeaderValue::from_static("5"))
            }
            other => ApiError::internal(other),
        }
    }
}
