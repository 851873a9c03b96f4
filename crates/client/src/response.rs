//! An answer as received, before any typing: what typed methods decode, and what an observer
//! (a conformance suite, a log) sees.

use reqwest::header::HeaderMap;
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use crate::error::{ClientError, Problem};
use crate::versioned::{ETag, Versioned};

/// Longest excerpt of a body quoted in an error.
const EXCERPT: usize = 300;

/// One HTTP answer, body read in full.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub method: Method,
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// `GET /v1/organizations/…`: how errors name the call.
    pub fn context(&self) -> String {
        format!("{} {}", self.method, self.url.path())
    }

    /// A header's value, when present and readable as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The media type, lowercase, without parameters: `application/problem+json`.
    pub fn media_type(&self) -> Option<String> {
        let value = self.header("content-type")?;
        Some(value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
    }

    /// Whether the body is JSON by its media type (`application/json`, `…+json`).
    pub fn is_json(&self) -> bool {
        self.media_type().is_some_and(|media| media == "application/json" || media.ends_with("+json"))
    }

    pub fn etag(&self) -> Option<ETag> {
        self.header("etag").and_then(ETag::parse)
    }

    /// `Idempotent-Replayed: true`: the server answered a retried creation again.
    pub fn is_replayed(&self) -> bool {
        self.header("idempotent-replayed").is_some_and(|value| value.eq_ignore_ascii_case("true"))
    }

    /// The target of `Link: <…>; rel="next"`, as sent (a path with its query).
    pub fn next_link(&self) -> Option<String> {
        self.headers.get_all("link").iter().filter_map(|value| value.to_str().ok()).find_map(next_target)
    }

    /// The body as text, shortened for messages.
    pub fn excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        match text.char_indices().nth(EXCERPT) {
            Some((end, _)) => format!("{}…", &text[..end]),
            None => text.into_owned(),
        }
    }

    /// The body decoded as `T`; a `Decode` error naming the call and the JSON path otherwise.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ClientError> {
        serde_json::from_slice(&self.body)
            .map_err(|error| ClientError::Decode { context: self.context(), message: error.to_string() })
    }

    /// The problem document of an error answer, when it is one.
    pub fn problem(&self) -> Option<Problem> {
        (self.media_type().as_deref() == Some("application/problem+json"))
            .then(|| serde_json::from_slice(&self.body).ok())
            .flatten()
    }

    /// The error this answer stands for: its problem, or what was received instead.
    pub fn into_error(self) -> ClientError {
        match self.problem() {
            Some(problem) => ClientError::Problem(Box::new(problem)),
            None => ClientError::UnexpectedStatus {
                context: self.context(),
                status: self.status,
                content_type: self.header("content-type").unwrap_or("no content type").to_owned(),
                body: self.excerpt(),
            },
        }
    }

    /// The answer when its status is one of `expected`; its error otherwise (an unexpected
    /// success status, such as a 200 where a 201 was due, is an error too: the contract says
    /// which one comes).
    pub fn expect_status(self, expected: &[u16]) -> Result<RawResponse, ClientError> {
        if expected.contains(&self.status) { Ok(self) } else { Err(self.into_error()) }
    }

    /// The resource a versioned answer carries, with its `ETag`.
    pub fn versioned<T: DeserializeOwned>(&self) -> Result<Versioned<T>, ClientError> {
        Ok(Versioned { etag: self.required_etag()?, value: self.json()? })
    }

    /// The `ETag` a versioned answer must carry.
    pub fn required_etag(&self) -> Result<ETag, ClientError> {
        self.etag().ok_or_else(|| ClientError::Decode {
            context: self.context(),
            message: "the answer has no valid ETag header".to_owned(),
        })
    }
}

/// The target of one `Link` header value's `rel="next"` entry.
fn next_target(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let (target, params) = link.trim().split_once(';')?;
        let is_next = params.split(';').any(|param| {
            let (name, value) = param.trim().split_once('=').unwrap_or((param.trim(), ""));
            name.eq_ignore_ascii_case("rel") && value.trim_matches('"').split(' ').any(|rel| rel == "next")
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::next_target;

    #[test]
    fn the_next_link_is_found_among_others() {
        assert_eq!(next_target("</v1/x?cursor=a>; rel=\"next\"").as_deref(), Some("/v1/x?cursor=a"));
        assert_eq!(next_target("</v1/p>; rel=\"prev\", </v1/n>; rel=next").as_deref(), Some("/v1/n"));
        assert_eq!(next_target("</v1/p>; rel=\"prev\""), None);
    }
}
