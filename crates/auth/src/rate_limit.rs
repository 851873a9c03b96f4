//! Per-client rate limits: a fixed one-minute window per client (per address and purpose for
//! calls without a token), counted in each replica's memory. Every response says where the
//! caller stands (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`); past the limit
//! the answer is 429 with `Retry-After`.
//!
//! Calls without a token are counted in one bucket per purpose, so that a scraper of the public
//! search behind a shared address does not lock partners out of their tokens. Health probes and
//! the static discovery documents are never limited: an orchestrator reads a 429 on
//! `/health/live` as a dead instance.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Windows idle this long are forgotten, so the table does not grow without bound.
const FORGET_AFTER: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window starts again.
    pub reset_secs: u64,
    pub allowed: bool,
}

struct Window {
    started: Instant,
    count: u32,
    limit: u32,
}

/// Why a call without a token is made: each purpose has its own window per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnonymousPurpose {
    /// The public offer search and offer reads.
    PublicRead,
    /// `/oauth/token`: client credentials and person-code exchanges.
    Token,
    /// Everything else (mostly calls refused for a missing token).
    Other,
}

impl AnonymousPurpose {
    /// The purpose of an anonymous call, or `None` for those never limited: health probes and
    /// the documents a client reads to discover the API (the contract, its viewer, the problem
    /// types, the JWKS and server metadata), all answered from memory.
    pub fn of(method: &actix_web::http::Method, path: &str) -> Option<AnonymousPurpose> {
        const NEVER_LIMITED: [&str; 3] = ["/openapi.json", "/docs", "/problems"];
        const NEVER_LIMITED_UNDER: [&str; 4] = ["/health/", "/docs/", "/problems/", "/.well-known/"];
        if NEVER_LIMITED.contains(&path) || NEVER_LIMITED_UNDER.iter().any(|prefix| path.starts_with(prefix)) {
            return None;
        }
        if path == "/oauth/token" {
            return Some(AnonymousPurpose::Token);
        }
        let reads = method == actix_web::http::Method::GET || method == actix_web::http::Method::HEAD;
        let offers = path == "/v1/offers" || path.strip_prefix("/v1/offers/").is_some_and(|id| !id.contains('/'));
        Some(if reads && offers { AnonymousPurpose::PublicRead } else { AnonymousPurpose::Other })
    }

    /// The prefix of its windows' keys.
    pub fn as_str(self) -> &'static str {
        match self {
            AnonymousPurpose::PublicRead => "public_read",
            AnonymousPurpose::Token => "token",
            AnonymousPurpose::Other => "anonymous",
        }
    }
}

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, Window>>,
}

impl RateLimiter {
    /// Whether the key's window knows its limit; when it does not, the caller looks the limit
    /// up (it may need the database) and passes it to [`RateLimiter::hit`].
    pub fn known_limit(&self, key: &str) -> Option<u32> {
        let windows = self.windows.lock().ok()?;
        windows.get(key).filter(|window| window.started.elapsed() < WINDOW).map(|window| window.limit)
    }

    /// Counts one request for `key`.
    pub fn hit(&self, key: &str, limit: u32) -> Quota {
        let Ok(mut windows) = self.windows.lock() else {
            return Quota { limit, remaining: limit, reset_secs: WINDOW.as_secs(), allowed: true };
        };
        if windows.len() > 10_000 {
            windows.retain(|_, window| window.started.elapsed() < FORGET_AFTER);
        }
        let window = windows.entry(key.to_owned()).or_insert(Window { started: Instant::now(), count: 0, limit });
        if window.started.elapsed() >= WINDOW {
            *window = Window { started: Instant::now(), count: 0, limit };
        }
        let allowed = window.count < window.limit;
        if allowed {
            window.count += 1;
        }
        let reset_secs = WINDOW.saturating_sub(window.started.elapsed()).as_secs().max(1);
        Quota { limit: window.limit, remaining: window.limit - window.count, reset_secs, allowed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_calls_are_counted_by_purpose_and_probes_never() {
        use actix_web::http::Method;
        let purpose = |method: &Method, path: &str| AnonymousPurpose::of(method, path);
        assert_eq!(purpose(&Method::GET, "/health/live"), None);
        assert_eq!(purpose(&Method::GET, "/health/ready"), None);
        assert_eq!(purpose(&Method::GET, "/openapi.json"), None);
        assert_eq!(purpose(&Method::GET, "/.well-known/jwks.json"), None);
        assert_eq!(purpose(&Method::POST, "/oauth/token"), Some(AnonymousPurpose::Token));
        assert_eq!(purpose(&Method::GET, "/v1/offers"), Some(AnonymousPurpose::PublicRead));
        assert_eq!(purpose(&Method::GET, "/v1/offers/0193"), Some(AnonymousPurpose::PublicRead));
        assert_eq!(purpose(&Method::GET, "/v1/offers/0193/history"), Some(AnonymousPurpose::Other));
        assert_eq!(purpose(&Method::POST, "/v1/offers"), Some(AnonymousPurpose::Other));
        assert_eq!(purpose(&Method::GET, "/v1/organizations"), Some(AnonymousPurpose::Other));
    }

    #[test]
    fn the_limit_holds_per_key() {
        let limiter = RateLimiter::default();
        assert!(limiter.hit("a", 2).allowed);
        let second = limiter.hit("a", 2);
        assert!(second.allowed && second.remaining == 0);
        let third = limiter.hit("a", 2);
        assert!(!third.allowed);
        assert!(third.reset_secs >= 1 && third.reset_secs <= 60);
        assert!(limiter.hit("b", 2).allowed, "another key has its own window");
        assert_eq!(limiter.known_limit("a"), Some(2));
        assert_eq!(limiter.known_limit("c"), None);
    }
}
