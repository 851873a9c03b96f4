//! The `Counsellor-Id` header: which counsellor (conseiller) of the calling organization acts,
//! as an opaque identifier its own information system gives (an agent number, a pseudonymous
//! key). The platform never resolves it: the journal and the history record it beside the
//! organization, so that the person reads who, within an organization, touched their dossier.

use actix_web::HttpRequest;

use crate::ApiError;

pub const HEADER: &str = "counsellor-id";

const MAX_LENGTH: usize = 64;

/// What the header accepts, as the contract states it: 1 to 64 characters, letters, digits and
/// `.`, `_`, `:`, `@`, `-`, starting with a letter or a digit.
pub const PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$";

fn is_valid(counsellor: &str) -> bool {
    let bytes = counsellor.as_bytes();
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'@' | b'-');
    bytes.first().is_some_and(u8::is_ascii_alphanumeric) && bytes.len() <= MAX_LENGTH && bytes.iter().all(allowed)
}

/// The request's counsellor, if any; 400 `invalid_header` for a value outside the pattern.
pub fn stated(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    crate::stated_header::stated(req, HEADER, is_valid, || {
        format!(
            "Counsellor-Id must be 1 to {MAX_LENGTH} letters, digits or . _ : @ -, starting with a letter or a digit"
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
        let samples = [
            "",
            "a",
            "AGT-0042",
            "c.durand@ml-lyon",
            "urn:ft:agent:7",
            "-a",
            ".a",
            "a b",
            "é",
            "a/b",
            &long,
            &too_long,
        ];
        crate::assert_pattern_agrees(PATTERN, is_valid, &samples);
    }
}
