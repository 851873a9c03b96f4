//! JSON bodies: read within the size limit, parsed with the path of any offending field, and
//! validated, before a handler runs.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use plateforme_model::{FieldError, Validate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{ApiError, ErrorCode, text};

/// The largest body accepted, in bytes (app data; 1 MiB when not set).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl Default for BodyLimit {
    fn default() -> Self {
        BodyLimit(1024 * 1024)
    }
}

/// A JSON body of type `T`, parsed and validated.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload, &["application/json"]);
        Box::pin(async move {
            let value: T = parse_bytes(&body.await?)?;
            validate(&value)?;
            Ok(ValidJson(value))
        })
    }
}

/// A JSON Merge Patch (RFC 7396) body: a JSON object, as `application/merge-patch+json`
/// (or `application/json`).
#[derive(Debug)]
pub struct MergePatch(pub Value);

impl MergePatch {
    /// Applies the patch to the writable part of a resource and validates the result.
    pub fn apply_to<T: Serialize + DeserializeOwned + Validate>(&self, current: &T) -> Result<T, ApiError> {
        let mut document = serde_json::to_value(current).map_err(ApiError::internal)?;
        plateforme_model::merge_patch::apply(&mut document, &self.0);
        let patched: T = parse_value(document)?;
        validate(&patched)?;
        Ok(patched)
    }
}

/// What a change changes: the merge patch (RFC 7396) from `before` to `after`, the history's
/// `changes`; `None` when they are the same, for a change that changes nothing writes no version.
pub fn changes_between(before: &impl Serialize, after: &impl Serialize) -> Result<Option<Value>, ApiError> {
    let before = serde_json::to_value(before).map_err(ApiError::internal)?;
    let after = serde_json::to_value(after).map_err(ApiError::internal)?;
    let changes = plateforme_model::merge_patch::diff(&before, &after);
    Ok(changes.as_object().is_none_or(|changes| !changes.is_empty()).then_some(changes))
}

impl FromRequest for MergePatch {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload, &["application/merge-patch+json", "application/json"]);
        Box::pin(async move {
            let patch: Value = parse_bytes(&body.await?)?;
            if !patch.is_object() {
                return Err(ApiError::validation(vec![FieldError::new(
                    "body",
                    "merge_patch.not_object",
                    "a merge patch of this resource must be a JSON object",
                )]));
            }
            Ok(MergePatch(patch))
        })
    }
}

fn validate<T: Validate>(value: &T) -> Result<(), ApiError> {
    value.validate().map_err(|errors| ApiError::validation(errors.into_vec()))
}

/// Reads the whole body, refusing a wrong media type (415) or a body over the limit (413)
/// without reading further than the limit.
fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    media_types: &'static [&'static str],
) -> LocalBoxFuture<'static, Result<web::Bytes, ApiError>> {
    let limit = req.app_data::<BodyLimit>().copied().unwrap_or_default().0;
    let media_type = check_media_type(req, media_types);
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    let mut payload = payload.take();
    Box::pin(async move {
        media_type?;
        if declared_length.is_some_and(|length| length > limit) {
            return Err(too_large(limit));
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk
                .map_err(|error| ApiError::new(ErrorCode::BadRequest, format!("reading the body failed: {error}")))?;
            if body.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    })
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(ErrorCode::PayloadTooLarge, format!("the body exceeds the limit of {limit} bytes"))
}

pub fn check_media_type(req: &HttpRequest, accepted: &[&str]) -> Result<(), ApiError> {
    let given = req.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if accepted.contains(&essence.as_str()) {
        return Ok(());
    }
    let given = if essence.is_empty() { "no Content-Type".to_owned() } else { format!("Content-Type {essence}") };
    Err(ApiError::new(ErrorCode::UnsupportedMediaType, format!("{given}; send {}", accepted.join(" or "))))
}

/// Parses JSON bytes into `T`, naming the offending field on failure. A string holding a
/// control character is refused first (see [`crate::text`]): every JSON body and every line
/// of a batch is read here.
pub fn parse_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    refuse_control_characters(bytes)?;
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
    deserializer.end().map_err(|error| malformed(&error))?;
    Ok(value)
}

/// 422 naming the first string that holds a control character; a body that is not JSON is
/// left to the parser, which says why.
fn refuse_control_characters(bytes: &[u8]) -> Result<(), ApiError> {
    if !text::json_may_hold_control(bytes) {
        return Ok(());
    }
    let Ok(document) = serde_json::from_slice::<Value>(bytes) else { return Ok(()) };
    text::check_json(&document).map_err(|error| ApiError::validation(vec![error]))
}

/// Reads a JSON value into `T`, naming the offending field on failure.
pub fn parse_value<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(json_error)
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if inner.is_syntax() || inner.is_eof() || inner.is_io() {
        return malformed(&inner);
    }
    let path = if path == "." { "body".to_owned() } else { path };
    ApiError::validation(vec![field_error(&path, &message_of(&inner))])
}

fn malformed(error: &serde_json::Error) -> ApiError {
    ApiError::new(
        ErrorCode::MalformedJson,
        format!("{} (line {}, column {})", message_of(error), error.line(), error.column()),
    )
}

/// serde's message without the position serde_json appends.
fn message_of(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

/// Classifies a serde data error into a rule. Our code types prefix their messages with their
/// rule (`siret.luhn: …`); serde's own messages are recognised by their wording.
pub(crate) fn field_error(path: &str, message: &str) -> FieldError {
    if let Some((rule, rest)) = split_rule(message) {
        return FieldError::new(path, rule, rest);
    }
    let (field, rule) = if let Some(name) = quoted_after(message, "unknown field `") {
        (join_path(path, &name), "unknown_field")
    } else if let Some(name) = quoted_after(message, "missing field `") {
        (join_path(path, &name), "required")
    } else if message.starts_with("invalid type") {
        (path.to_owned(), "type")
    } else if message.starts_with("unknown variant") {
        (path.to_owned(), "enum")
    } else {
        (path.to_owned(), "invalid_value")
    };
    FieldError::new(field, rule, message)
}

fn split_rule(message: &str) -> Option<(&str, &str)> {
    let (rule, rest) = message.split_once(": ")?;
    let is_rule = rule.contains('.')
        && rule.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_' || c.is_ascii_digit());
    is_rule.then_some((rule, rest))
}

fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next().map(str::to_owned)
}

/// serde_path_to_error reports `.` for the root, and already ends an unknown field's path
/// with its name.
fn join_path(path: &str, name: &str) -> String {
    if path.is_empty() || path == "." || path == "body" {
        name.to_owned()
    } else if path == name || path.ends_with(&format!(".{name}")) {
        path.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_that_changes_nothing_has_no_changes() {
        let before = serde_json::json!({"name": "ML Lyon", "territory": {"communes": ["69123"]}});
        assert_eq!(changes_between(&before, &before).map_err(|error| error.code), Ok(None));
        let after = serde_json::json!({"name": "ML Lyon", "territory": null});
        let changes = changes_between(&before, &after).map_err(|error| error.code);
        assert_eq!(changes, Ok(Some(serde_json::json!({"territory": null}))));
    }

    #[test]
    fn serde_messages_become_rules() {
        let nested = field_error("territory.colour", "unknown field `colour`");
        assert_eq!(nested.field, "territory.colour");
        let unknown = field_error(".", "unknown field `colour`, expected one of `kind`, `name`");
        assert_eq!((unknown.field.as_str(), unknown.rule.as_str()), ("colour", "unknown_field"));
        let missing = field_error("territory", "missing field `name`");
        assert_eq!((missing.field.as_str(), missing.rule.as_str()), ("territory.name", "required"));
        let typed = field_error("name", "invalid type: integer `3`, expected a string");
        assert_eq!(typed.rule, "type");
        let coded = field_error("siret", "siret.luhn: SIRET 1 fails the Luhn checksum");
        assert_eq!((coded.rule.as_str(), coded.message.as_str()), ("siret.luhn", "SIRET 1 fails the Luhn checksum"));
    }
}
