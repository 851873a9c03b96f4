//! Middleware every route goes through: a request id on each request, its log line, and
//! problem+json for every error, including those actix answers by itself.

use std::time::Instant;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use tracing::Instrument;

use crate::problem::{PROBLEM_CONTENT_TYPE, Problem};
use crate::{ApiError, ErrorCode, text};

pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Error bodies are small; a larger one is not rewritten.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The id of the current request: the caller's `X-Request-Id` when it is sensible, a new
/// UUIDv7 otherwise.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn request_id_of(req: &ServiceRequest) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map(str::to_owned)
        .unwrap_or_else(|| plateforme_model::ids::new_id().to_string())
}

/// Gives the request its id, logs it when it ends, and turns every error into a problem.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request_id = request_id_of(&req);
    req.extensions_mut().insert(RequestId(request_id.clone()));
    // `client_address` is filled in by the authentication middleware (it knows the trusted proxies).
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        path = %req.path(),
        client_address = tracing::field::Empty
    );
    let started = Instant::now();
    // Handlers' and extractors' errors arrive here as responses; only a failing middleware
    // would return `Err`, and there is none inside this one.
    let response = next.call(req).instrument(span.clone()).await?.map_into_boxed_body();
    let mut response =
        if response.status().as_u16() >= 400 { as_problem(response, &request_id).await } else { response };
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(header::HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            duration_ms = started.elapsed().as_millis() as u64,
            "request done"
        );
    });
    Ok(response)
}

/// Refuses a path holding a control character (400 `invalid_path`) before routing: path
/// parameters reach handlers, and the database, decoded, and `web::Path` cannot check them,
/// so every path is checked once, here (see [`crate::text`]).
pub async fn refuse_control_characters_in_path(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Err(error) = text::check_path(req.path()) {
        let error = ApiError::new(ErrorCode::InvalidPath, format!("{}: {}", error.field, error.message))
            .with_errors(vec![error]);
        return Ok(req.into_response(error.error_response()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Rewrites an error response as a problem carrying the request path and id. Our own
/// problems keep their content; plain JSON errors are left alone (the OAuth token endpoint
/// answers RFC 6749 errors, which OAuth libraries expect), and so are HTML pages (the
/// dashboard's error pages, written for a person in a browser); anything else (actix's own 404,
/// 413…) gets the problem of its status, with its text as the detail.
async fn as_problem(response: ServiceResponse<BoxBody>, request_id: &str) -> ServiceResponse<BoxBody> {
    let content_type =
        response.headers().get(header::CONTENT_TYPE).map(|value| value.as_bytes().to_vec()).unwrap_or_default();
    if content_type.starts_with(b"application/json") || content_type.starts_with(b"text/html") {
        return response;
    }
    let is_problem = content_type.starts_with(PROBLEM_CONTENT_TYPE.as_bytes());
    let status = response.status();
    let path = response.request().path().to_owned();
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = body::to_bytes_limited(body, MAX_ERROR_BODY).await.ok().and_then(Result::ok).unwrap_or_default();
    let mut problem = if is_problem {
        serde_json::from_slice::<Problem>(&bytes)
            .unwrap_or_else(|_| ApiError::new(ErrorCode::for_status(status), "").problem())
    } else {
        let text = String::from_utf8_lossy(&bytes).trim().to_owned();
        let code = ErrorCode::for_status(status);
        let detail = if text.is_empty() { code.title().to_owned() } else { text };
        Problem { status: status.as_u16(), ..ApiError::new(code, detail).problem() }
    };
    problem.instance.get_or_insert(path);
    problem.request_id.get_or_insert_with(|| request_id.to_owned());
    let mut rebuilt = HttpResponse::build(status);
    for (name, value) in head.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rebuilt.append_header((name.clone(), value.clone()));
        }
    }
    rebuilt.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
    ServiceResponse::new(request, rebuilt.json(problem))
}
