//! `GET /problems/{code}`: what each problem `type` means, from the error table itself.

use actix_web::{HttpResponse, get, web};
use plateforme_api::{ApiError, ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

/// The description of a problem type.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"type": "/problems/precondition_failed", "code": "precondition_failed", "status": 412,
    "title": "The resource changed since the version given in If-Match"}))]
pub struct ProblemType {
    #[serde(rename = "type")]
    problem_type: String,
    code: ErrorCode,
    status: u16,
    title: &'static str,
}

impl From<ErrorCode> for ProblemType {
    fn from(code: ErrorCode) -> Self {
        ProblemType { problem_type: code.type_uri(), code, status: code.status().as_u16(), title: code.title() }
    }
}

/// List problem types
///
/// Every problem `type` the API answers with: its stable code, HTTP status and title.
#[utoipa::path(tag = "Problems", security(()), responses((status = 200, description = "The problem types.", body = Vec<ProblemType>), (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json")))]
#[get("/problems")]
pub async fn list_problem_types() -> HttpResponse {
    HttpResponse::Ok().json(ErrorCode::ALL.iter().copied().map(ProblemType::from).collect::<Vec<_>>())
}

/// Describe a problem type
///
/// The problem `type` URIs of error responses resolve here.
#[utoipa::path(tag = "Problems", security(()),
    params(("code" = ErrorCode, Path, description = "The problem code, e.g. `precondition_failed`")),
    responses(
        (status = 200, description = "The problem type.", body = ProblemType),
        (status = 400, description = "The path holds a control character (rule `text.control_character`).", body = plateforme_api::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No problem type has this code.", body = plateforme_api::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json"),
    ))]
#[get("/problems/{code}")]
pub async fn get_problem_type(code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let code = ErrorCode::from_code(&code).ok_or_else(|| ApiError::not_found(format!("problem type {code}")))?;
    Ok(HttpResponse::Ok().json(ProblemType::from(code)))
}
