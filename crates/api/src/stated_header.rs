//! A header a caller may add to say something of its request in its own words (why it acts,
//! which of its counsellors acts): optional, checked against the pattern the contract states for
//! it, and refused with 400 `invalid_header` outside it — never silently dropped.

use actix_web::HttpRequest;

use crate::{ApiError, ErrorCode};

/// The value of the header `name`, if the request carries one; 400 `invalid_header` with
/// `refusal` when it is not text or `is_valid` refuses it.
pub fn stated(
    req: &HttpRequest,
    name: &str,
    is_valid: fn(&str) -> bool,
    refusal: impl FnOnce() -> String,
) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(name) else { return Ok(None) };
    match value.to_str() {
        Ok(text) if is_valid(text) => Ok(Some(text.to_owned())),
        _ => Err(ApiError::new(ErrorCode::InvalidHeader, refusal())),
    }
}
