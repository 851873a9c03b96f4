//! The `Access-Purpose` header: why a caller touches a person's data, in its own words (a case
//! reference, "entretien de suivi"…). The journal records it beside the purpose the operation
//! declares, and the person reads both.

use actix_web::HttpRequest;

use crate::ApiError;

pub const HEADER: &str = "access-purpose";

const MAX_LENGTH: usize = 200;

/// What the header accepts, as the contract states it: 1 to 200 visible ASCII characters or
/// spaces, neither first nor last a space.
pub const PATTERN: &str = "^[!-~]([ -~]{0,198}[!-~])?$";

fn is_valid(purpose: &str) -> bool {
    let bytes = purpose.as_bytes();
    let edges_visible =
        bytes.first().is_some_and(u8::is_ascii_graphic) && bytes.last().is_some_and(u8::is_ascii_graphic);
    edges_visible && bytes.len() <= MAX_LENGTH && bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
}

/// The request's stated purpose, if any; 400 `invalid_header` for a value outside the pattern.
pub fn stated(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    crate::stated_header::stated(req, HEADER, is_valid, || {
        format!(
            "Access-Purpose must be 1 to {MAX_LENGTH} visible ASCII characters or spaces, not starting or ending with a space"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contract_states_what_the_check_accepts() {
        let long = "x".repeat(MAX_LENGTH);
        let too_long = "x".repeat(MAX_LENGTH + 1);
        let samples =
            ["", " ", "a", "a b", " a", "a ", "dossier 2026-042", "é", "a\tb", "a\u{7f}", &long, &too_long, "~!"];
        crate::assert_pattern_agrees(PATTERN, is_valid, &samples);
    }
}
