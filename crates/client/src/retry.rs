//! When to try a request again: only answers that say "not now" (429, 503), only requests a
//! second sending cannot duplicate, and within a bounded number of attempts and total wait.

use std::time::Duration;

use reqwest::Method;

/// How a client retries refused-for-now requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 never retries.
    pub max_attempts: u32,
    /// The most a call waits in all between its attempts. A `Retry-After` that would go past
    /// it is not waited for: the 429 or 503 is returned at once, so the caller decides.
    pub max_total_wait: Duration,
    /// Wait before the first retry when the server gives no `Retry-After`; doubled each time.
    pub initial_backoff: Duration,
    /// Cap of the doubled wait (not of a `Retry-After`, which the server knows better).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            max_total_wait: Duration::from_secs(30),
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every answer goes straight back to the caller.
    pub fn none() -> RetryPolicy {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// How long to wait before the next attempt, or `None` to give up: `attempts` were made,
    /// `waited` was spent waiting, and the last answer asked for `retry_after` (if it did).
    pub fn delay(&self, attempts: u32, waited: Duration, retry_after: Option<Duration>) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let delay = retry_after.unwrap_or_else(|| self.backoff(attempts));
        (waited + delay <= self.max_total_wait).then_some(delay)
    }

    fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(16);
        self.initial_backoff.saturating_mul(1 << doublings).min(self.max_backoff)
    }
}

/// Statuses that mean "the request was not processed; try later".
pub(crate) fn is_retryable_status(status: u16) -> bool {
    status == 429 || status == 503
}

/// Whether sending the request twice cannot do twice what once would: idempotent methods; a
/// `PATCH` with `If-Match` (a second application finds the version moved and gets 412); a
/// `POST` with an `Idempotency-Key` (the server replays the first answer). A bare `POST` might
/// create a second record, so it is never retried.
pub(crate) fn is_safe_to_repeat(method: &Method, has_if_match: bool, has_idempotency_key: bool) -> bool {
    match *method {
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE => true,
        Method::PATCH => has_if_match,
        Method::POST => has_idempotency_key,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_and_stops_at_the_attempt_limit() {
        let policy = RetryPolicy {
            max_attempts: 5,
            max_total_wait: Duration::from_secs(60),
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(3),
        };
        let zero = Duration::ZERO;
        assert_eq!(policy.delay(1, zero, None), Some(Duration::from_secs(1)));
        assert_eq!(policy.delay(2, zero, None), Some(Duration::from_secs(2)));
        assert_eq!(policy.delay(3, zero, None), Some(Duration::from_secs(3)));
        assert_eq!(policy.delay(4, zero, None), Some(Duration::from_secs(3)));
        assert_eq!(policy.delay(5, zero, None), None);
    }

    #[test]
    fn retry_after_is_honoured_within_the_total_budget_only() {
        let policy = RetryPolicy { max_total_wait: Duration::from_secs(10), ..RetryPolicy::default() };
        let asked = Some(Duration::from_secs(7));
        assert_eq!(policy.delay(1, Duration::ZERO, asked), Some(Duration::from_secs(7)));
        assert_eq!(policy.delay(1, Duration::from_secs(4), asked), None, "7 s more would exceed 10 s");
        assert_eq!(RetryPolicy::none().delay(1, Duration::ZERO, asked), None);
    }

    #[test]
    fn only_requests_that_cannot_duplicate_are_repeated() {
        assert!(is_safe_to_repeat(&Method::GET, false, false));
        assert!(is_safe_to_repeat(&Method::PUT, false, false));
        assert!(!is_safe_to_repeat(&Method::PATCH, false, false));
        assert!(is_safe_to_repeat(&Method::PATCH, true, false));
        assert!(!is_safe_to_repeat(&Method::POST, false, false));
        assert!(is_safe_to_repeat(&Method::POST, false, true));
    }
}
