//! Per-client rate limits: a fixed one-minute window per client (per address and purpose for
//! calls without a token), one limit across every replica sharing the database. Every response
//! says where the caller stands (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`);
//! past the limit the answer is 429 with `Retry-After`.
//!
//! Calls without a token are counted in one bucket per purpose, so that a scraper of the public
//! search behind a shared address does not lock partners out of their tokens. Health probes and
//! the static discovery documents are never limited: an orchestrator reads a 429 on
//! `/health/live` as a dead instance.
//!
//! # One limit across replicas
//!
//! A database round trip per request would cost more than the request itself (a search or a
//! read by id). Instead each replica **leases** part of the limit: when its lease of a bucket
//! is used up, it reserves a chunk of `max(1, limit / 50)` requests in the `rate_limit_windows`
//! table (one atomic upsert answering the total reserved by all replicas), is granted what is
//! left of the limit up to that chunk, and counts the lease down in memory. So:
//!
//! - the replicas together **never accept more than the limit** in a window;
//! - they may refuse up to `replicas × (chunk − 1)` requests early (leases granted to one
//!   replica and unused when another is out): at most 2 % of the limit per replica, none for a
//!   limit under 100;
//! - a bucket costs each replica at most `limit / chunk + 1` upserts a window (under 101: its
//!   chunks and the refusal that tells it the window is spent), whatever its request rate.
//!
//! Windows are aligned on the minute of the wall clock, so replicas must keep their clocks in
//! step (NTP); SQLite (one process) takes the same path against its own table.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use plateforme_store::{Store, rate_limits};

/// The window's length, in seconds.
pub const WINDOW_SECS: i64 = 60;
/// A lease is this fraction of the limit: the early refusals stay under 2 % per replica.
const CHUNKS_PER_WINDOW: u32 = 50;
/// Past this many buckets in memory, those of past windows are forgotten.
const FORGET_PAST: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window starts again.
    pub reset_secs: u64,
    pub allowed: bool,
}

/// One replica's view of a bucket in one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Lease {
    window: i64,
    limit: u32,
    /// Requests this replica may still accept without asking the database.
    left: u32,
    /// The requests all replicas had reserved at this replica's last reservation (capped at
    /// the limit): once it reaches the limit, the window is spent everywhere.
    reserved: u32,
}

impl Lease {
    fn new(window: i64, limit: u32) -> Lease {
        Lease { window, limit, left: 0, reserved: 0 }
    }

    /// The requests to reserve at once.
    fn chunk(&self) -> u32 {
        (self.limit / CHUNKS_PER_WINDOW).max(1)
    }

    /// Takes a reservation of `chunk` that brought the total reserved to `total`: grants what
    /// was left of the limit before it, up to the chunk.
    fn granted(&mut self, chunk: u32, total: i64) {
        let before = total.saturating_sub(i64::from(chunk));
        let left_of_limit = (i64::from(self.limit) - before).clamp(0, i64::from(chunk));
        self.left += u32::try_from(left_of_limit).unwrap_or(0);
        self.reserved = u32::try_from(total.clamp(0, i64::from(self.limit))).unwrap_or(self.limit);
    }

    fn spent(&self) -> bool {
        self.left == 0 && self.reserved >= self.limit
    }

    /// Counts one request if the lease allows it.
    fn take(&mut self, now: i64) -> Quota {
        let allowed = self.left > 0;
        if allowed {
            self.left -= 1;
        }
        let reset_secs = u64::try_from(self.window + WINDOW_SECS - now).unwrap_or(1).max(1);
        // An estimate across replicas: what this one holds and what none had reserved yet.
        let remaining = self.left + self.limit.saturating_sub(self.reserved);
        Quota { limit: self.limit, remaining, reset_secs, allowed }
    }
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

pub struct RateLimiter {
    store: Store,
    /// Bucket → its lease; a bucket's requests wait for one another only while the lease is
    /// refilled (one reservation at a time per bucket and replica).
    leases: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Lease>>>>,
}

impl RateLimiter {
    /// Counts in `store`'s `rate_limit_windows`.
    pub fn new(store: Store) -> RateLimiter {
        RateLimiter { store, leases: Mutex::default() }
    }

    /// Counts one request of `bucket`, whose limit `limit` looks up (it may need the database:
    /// it is asked once a window, when the bucket's lease starts).
    pub async fn hit<F, Fut>(&self, bucket: &str, limit: F) -> Quota
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = u32>,
    {
        let now = chrono::Utc::now().timestamp();
        let window = now - now.rem_euclid(WINDOW_SECS);
        let cell = self.lease_of(bucket, window);
        let mut lease = cell.lock().await;
        if lease.window != window {
            *lease = Lease::new(window, limit().await);
        }
        if lease.left == 0 && !lease.spent() {
            self.refill(bucket, &mut lease).await;
        }
        lease.take(now)
    }

    fn lease_of(&self, bucket: &str, window: i64) -> Arc<tokio::sync::Mutex<Lease>> {
        let Ok(mut leases) = self.leases.lock() else {
            // A panic while the map was held: count this request on its own.
            return Arc::new(tokio::sync::Mutex::new(Lease::new(i64::MIN, 0)));
        };
        if leases.len() > FORGET_PAST {
            // A lease in use (locked) is kept; the others are kept for the current window only.
            leases.retain(|_, cell| cell.try_lock().map_or(true, |lease| lease.window == window));
        }
        leases
            .entry(bucket.to_owned())
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(Lease::new(i64::MIN, 0))))
            .clone()
    }

    /// Reserves a chunk of the bucket's limit across replicas. When the database does not
    /// answer, the request is let through uncounted (and logged): its own work needs the
    /// database too and fails with the real error, which a 429 would only hide.
    async fn refill(&self, bucket: &str, lease: &mut Lease) {
        let (key, window, chunk) = (bucket.to_owned(), lease.window, lease.chunk());
        let reserved = self.store.run(move |conn| rate_limits::reserve(conn, &key, window, i64::from(chunk))).await;
        match reserved {
            Ok(total) => lease.granted(chunk, total),
            Err(error) => {
                tracing::warn!(%error, bucket, "rate limit not counted: the database did not answer");
                lease.left += 1;
            }
        }
    }

    /// Forgets the windows of the database that ended before the previous one (see `upkeep`).
    pub async fn purge_past_windows(store: &Store) -> Result<usize, plateforme_store::StoreError> {
        let now = chrono::Utc::now().timestamp();
        let oldest = now - now.rem_euclid(WINDOW_SECS) - WINDOW_SECS;
        store.run(move |conn| rate_limits::purge_before(conn, oldest)).await
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
    fn a_lease_grants_what_is_left_of_the_limit_up_to_its_chunk() {
        let mut lease = Lease::new(0, 120);
        assert_eq!(lease.chunk(), 2);
        lease.granted(2, 2);
        assert_eq!((lease.left, lease.reserved), (2, 2), "the first chunk is granted whole");
        let first = lease.take(10);
        assert!(first.allowed);
        assert_eq!((first.remaining, first.reset_secs), (119, 50));

        let mut late = Lease::new(0, 120);
        late.granted(2, 121);
        assert_eq!((late.left, late.reserved), (1, 120), "one request was left of the limit");
        assert!(late.take(59).allowed);
        assert!(late.spent(), "the window is spent on every replica");
        let refused = late.take(59);
        assert!(!refused.allowed);
        assert_eq!((refused.remaining, refused.reset_secs), (0, 1));

        let mut spent = Lease::new(0, 120);
        spent.granted(2, 130);
        assert_eq!((spent.left, spent.reserved), (0, 120), "nothing is granted past the limit");
    }

    #[test]
    fn a_small_limit_is_reserved_one_request_at_a_time() {
        assert_eq!(Lease::new(0, 3).chunk(), 1);
        assert_eq!(Lease::new(0, 99).chunk(), 1);
        assert_eq!(Lease::new(0, 1200).chunk(), 24);
    }
}
