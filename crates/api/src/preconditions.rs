//! Optimistic concurrency: the `version` of a resource is its `ETag`; writes must say which
//! version they change (`If-Match`), and reads can skip an unchanged body (`If-None-Match`).

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use std::future::{Ready, ready};

use crate::{ApiError, ErrorCode};

/// The strong entity tag of a version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// One entity tag of a precondition header.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tag {
    Any,
    Strong(String),
    Weak(String),
}

/// What `If-Match` and `If-None-Match` accept, as the contract states it: `*`, or a
/// comma-separated list of quoted entity tags, each possibly weak (`W/"3"`) (RFC 9110).
pub const ENTITY_TAGS_PATTERN: &str = r#"^\s*(\*|(W/)?"[!#-~]*"(\s*,\s*(W/)?"[!#-~]*")*)\s*$"#;

/// Reads the list tag by tag, not by splitting at commas: a tag's opaque part may itself hold
/// a comma (`W/",!"` is one tag), as RFC 9110's `etagc` allows.
fn parse_tags(value: &str) -> Option<Vec<Tag>> {
    if value.trim() == "*" {
        return Some(vec![Tag::Any]);
    }
    let mut tags = Vec::new();
    let mut rest = value;
    loop {
        // Empty list items (`"3",,"4"`) are allowed, as RFC 9110's list syntax says.
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if rest.is_empty() {
            return Some(tags);
        }
        let (weak, quoted) = match rest.strip_prefix("W/") {
            Some(after) => (true, after),
            None => (false, rest),
        };
        let (opaque, after) = quoted.strip_prefix('"')?.split_once('"')?;
        tags.push(if weak { Tag::Weak(opaque.to_owned()) } else { Tag::Strong(opaque.to_owned()) });
        rest = after.trim_start();
        if !(rest.is_empty() || rest.starts_with(',')) {
            return None;
        }
    }
}

fn read_tags(req: &HttpRequest, name: header::HeaderName) -> Result<Option<Vec<Tag>>, ApiError> {
    let Some(value) = req.headers().get(&name) else { return Ok(None) };
    let tags = value.to_str().ok().and_then(parse_tags).filter(|tags| !tags.is_empty());
    tags.map(Some).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidHeader,
            format!("{name} must be * or a list of quoted entity tags such as \"3\""),
        )
    })
}

/// The `If-Match` header of a write.
#[derive(Debug, Clone)]
pub struct IfMatch(Option<Vec<Tag>>);

impl IfMatch {
    /// The version the write may change: 428 without the header, 412 when it does not name
    /// `current` (weak tags never match, as If-Match compares strongly).
    pub fn check(&self, current: i64) -> Result<i64, ApiError> {
        let tags = self.0.as_ref().ok_or_else(|| {
            ApiError::new(
                ErrorCode::PreconditionRequired,
                format!(
                    "send If-Match with the ETag you read (currently {}) so that no concurrent change is lost",
                    etag(current)
                ),
            )
        })?;
        let current_tag = current.to_string();
        let matches = tags.iter().any(|tag| match tag {
            Tag::Any => true,
            Tag::Strong(tag) => *tag == current_tag,
            Tag::Weak(_) => false,
        });
        if matches {
            Ok(current)
        } else {
            Err(ApiError::from(plateforme_store::StoreError::VersionMismatch { current }))
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(read_tags(req, header::IF_MATCH).map(IfMatch))
    }
}

/// The `If-None-Match` header of a read.
#[derive(Debug, Clone)]
pub struct IfNoneMatch(Option<Vec<Tag>>);

impl IfNoneMatch {
    /// Whether the client already holds `version` (weak comparison, as RFC 9110 says for GET).
    pub fn holds(&self, version: i64) -> bool {
        self.holds_tag(&version.to_string())
    }

    /// Whether the client already holds the representation tagged `current` (an entity tag's
    /// text, without its quotes): for resources tagged by a content hash rather than a version.
    pub fn holds_tag(&self, current: &str) -> bool {
        self.0.as_ref().is_some_and(|tags| {
            tags.iter().any(|tag| match tag {
                Tag::Any => true,
                Tag::Strong(tag) | Tag::Weak(tag) => tag == current,
            })
        })
    }
}

impl FromRequest for IfNoneMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(read_tags(req, header::IF_NONE_MATCH).map(IfNoneMatch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract's pattern and the parser agree on these samples. The parser also takes an
    /// empty list item (`"3",`), which the pattern leaves out, and sees only visible ASCII (a
    /// header with other bytes is refused before it).
    #[test]
    fn the_contract_states_what_the_parser_accepts() {
        let samples = [
            "*",
            " * ",
            "\"3\"",
            "W/\"3\"",
            "\"3\", W/\"4\"",
            "\"\"",
            "\"a-b_c\"",
            "  W/\",!\" ",
            "\"a,b\", \"c\"",
            "3",
            "\"3",
            "W/3",
            "\"3\" \"4\"",
            "*, \"3\"",
            "w/\"3\"",
            "",
        ];
        let parses = |sample: &str| parse_tags(sample).is_some_and(|tags| !tags.is_empty());
        crate::assert_pattern_agrees(ENTITY_TAGS_PATTERN, parses, &samples);
    }

    #[test]
    fn entity_tags_parse() {
        assert_eq!(parse_tags("*"), Some(vec![Tag::Any]));
        assert_eq!(parse_tags("\"3\", W/\"4\""), Some(vec![Tag::Strong("3".into()), Tag::Weak("4".into())]));
        assert_eq!(parse_tags("3"), None);
        assert_eq!(parse_tags("\"3"), None);
        assert_eq!(parse_tags("W/\",!\", \"3\""), Some(vec![Tag::Weak(",!".into()), Tag::Strong("3".into())]));
        assert_eq!(parse_tags("\"3\" \"4\""), None);
    }

    #[test]
    fn if_match_compares_strongly() {
        let weak = IfMatch(Some(vec![Tag::Weak("2".into())]));
        assert_eq!(weak.check(2).map_err(|e| e.code), Err(ErrorCode::PreconditionFailed));
        let strong = IfMatch(Some(vec![Tag::Strong("2".into())]));
        assert_eq!(strong.check(2).map_err(|e| e.code), Ok(2));
        assert_eq!(IfMatch(None).check(2).map_err(|e| e.code), Err(ErrorCode::PreconditionRequired));
    }
}
