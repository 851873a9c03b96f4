//! Per-client rate limits: a fixed one-minute window per client (per address for calls
//! without a token), counted in each replica's memory. Every response says where the caller
//! stands (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`); past the limit the
//! answer is 429 with `Retry-After`.

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
