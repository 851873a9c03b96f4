//! The RFC 9457 problem document.

use plateforme_model::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ErrorCode;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An RFC 9457 problem: what went wrong, in a form both machines and humans read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/validation_failed",
    "title": "The request breaks validation rules",
    "status": 422,
    "detail": "siret: SIRET 73282932000075 fails the Luhn checksum",
    "code": "validation_failed",
    "instance": "/v1/organizations",
    "request_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "errors": [{"field": "siret", "rule": "siret.luhn", "message": "SIRET 73282932000075 fails the Luhn checksum"}]
}))]
pub struct Problem {
    /// URI of the problem type; `GET` it for its description.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence.
    pub detail: String,
    /// Stable machine-readable code, the last segment of `type`.
    pub code: ErrorCode,
    /// The request path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id, also in the `X-Request-Id` response header: quote it to the operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// One entry per broken rule, for validation errors. A text holding a control character
    /// (other than tabs and line breaks in a JSON string value) breaks the rule
    /// `text.control_character`, in a body, a query parameter or the path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// On a conflict: the id of the record that already holds the business key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<Uuid>,
    /// On a failed precondition: the version the resource is at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}
