//! One attempt of a delivery: the CloudEvent POSTed to the subscription's URL, signed, within
//! the timeout, without following redirects; then what the answer decides. 2xx: delivered.
//! `410 Gone`: the subscription is disabled (the delivery waits, pending, for it to be active
//! again). `429` or `503` with `Retry-After`: the next attempt waits that long (at most a day).
//! Anything else, or no answer: the next attempt follows the retry schedule; after the last
//! one the delivery is dead.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use plateforme_store::webhooks::deliveries::{self, Attempt, Delivery, Outcome};
use plateforme_store::webhooks::subscriptions;
use plateforme_store::{Store, StoreError};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::owner::caller_of;
use super::{WebhookSettings, signature, target};

/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The HTTP client of the deliveries: no redirect, the timeout, the guarded resolver.
pub fn http_client(settings: &WebhookSettings) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .dns_resolver(std::sync::Arc::new(target::GuardedResolver { allowed: settings.allowed_hosts.clone() }))
        .user_agent("Plateforme-Webhooks/1")
        .build()
}

/// What the receiver (or its absence) answered.
struct Answer {
    status: Option<u16>,
    retry_after: Option<Duration>,
    error: Option<String>,
}

/// Tries a claimed delivery once and records the attempt.
pub async fn attempt(
    store: &Store,
    client: &reqwest::Client,
    settings: &WebhookSettings,
    delivery: Delivery,
) -> Result<(), StoreError> {
    let subscription_id = delivery.subscription_id;
    let now = Utc::now();
    let found = store
        .run(move |conn| {
            let Some(subscription) = subscriptions::find_any(conn, subscription_id)? else { return Ok(None) };
            // A client disabled since the fan-out (or no longer granted the feed) receives
            // nothing more: its deliveries fail, and end dead, until it is enabled again.
            let receives = caller_of(conn, &subscription.client_id)?.is_some();
            Ok(Some((subscription.url, subscriptions::signing_secrets(conn, subscription_id, now)?, receives)))
        })
        .await?;
    // A subscription deleted meanwhile took its deliveries with it.
    let Some((url, secrets, receives)) = found else { return Ok(()) };
    let started = Instant::now();
    let answer = if receives {
        send(client, settings, &url, &secrets, &delivery, now).await
    } else {
        let error = "not sent: the subscribing client is disabled or no longer granted changes:read".to_owned();
        Answer { status: None, retry_after: None, error: Some(error) }
    };
    let attempt = Attempt {
        attempted_at: now,
        status: answer.status.map(i32::from),
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        error: answer.error.clone(),
    };
    let outcome = outcome(&answer, delivery.attempts, &settings.retry_schedule, Utc::now());
    let id = delivery.id;
    store
        .run(move |conn| {
            if outcome == Outcome::Paused {
                subscriptions::disable(conn, subscription_id, "the receiver answered 410 Gone")?;
            }
            deliveries::record_attempt(conn, id, &attempt, outcome)
        })
        .await
}

async fn send(
    client: &reqwest::Client,
    settings: &WebhookSettings,
    url: &str,
    secrets: &[String],
    delivery: &Delivery,
    now: DateTime<Utc>,
) -> Answer {
    let failed = |error: String| Answer { status: None, retry_after: None, error: Some(error) };
    // The form again (the allow-list may have changed); names are checked by the resolver.
    let url = match target::check_form(url, &settings.allowed_hosts) {
        Ok(url) => url,
        Err(refusal) => return failed(format!("{}: {}", refusal.rule, refusal.message)),
    };
    let timestamp = now.timestamp();
    let body = delivery.payload.clone().into_bytes();
    let signatures = signature::header(secrets, &delivery.event_id, timestamp, &body);
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status();
            let retry_after = retry_after(response.headers(), Utc::now());
            let error = (!status.is_success()).then(|| format!("the receiver answered {status}"));
            Answer { status: Some(status.as_u16()), retry_after, error }
        }
        Err(error) => failed(describe(&error)),
    }
}

/// The error with its causes (reqwest's own message says little: "error sending request").
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `Retry-After` as seconds or an HTTP date, at most a day.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = DateTime::parse_from_rfc2822(text).ok()?.with_timezone(&Utc);
            (at - now).to_std().unwrap_or_default()
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// What an answer decides, for a delivery tried `before` times already.
fn outcome(answer: &Answer, before: i32, schedule: &[Duration], now: DateTime<Utc>) -> Outcome {
    let status = answer.status.and_then(|status| StatusCode::from_u16(status).ok());
    if status.is_some_and(|status| status.is_success()) {
        return Outcome::Delivered;
    }
    if status == Some(StatusCode::GONE) {
        return Outcome::Paused;
    }
    let Some(wait) = usize::try_from(before).ok().and_then(|index| schedule.get(index)) else {
        return Outcome::Dead;
    };
    let honoured = matches!(status, Some(StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE))
        .then_some(answer.retry_after)
        .flatten();
    let wait = honoured.unwrap_or(*wait);
    Outcome::RetryAt(now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, retry_after: Option<u64>) -> Answer {
        Answer { status: Some(status), retry_after: retry_after.map(Duration::from_secs), error: None }
    }

    #[test]
    fn an_answer_decides_the_next_attempt() {
        let now = Utc::now();
        let schedule = [Duration::from_secs(5), Duration::from_secs(300)];
        let at = |secs: i64| Outcome::RetryAt(now + chrono::Duration::seconds(secs));
        assert_eq!(outcome(&answer(204, None), 0, &schedule, now), Outcome::Delivered);
        assert_eq!(outcome(&answer(410, None), 0, &schedule, now), Outcome::Paused);
        assert_eq!(outcome(&answer(500, Some(60)), 0, &schedule, now), at(5));
        assert_eq!(outcome(&answer(503, Some(60)), 1, &schedule, now), at(60));
        assert_eq!(outcome(&answer(429, None), 1, &schedule, now), at(300));
        assert_eq!(outcome(&answer(500, None), 2, &schedule, now), Outcome::Dead);
        let none = Answer { status: None, retry_after: None, error: Some("refused".into()) };
        assert_eq!(outcome(&none, 0, &schedule, now), at(5));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_is_bounded() {
        let now = Utc::now();
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "120".parse().expect("a header"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(120)));
        headers.insert(RETRY_AFTER, "9999999".parse().expect("a header"));
        assert_eq!(retry_after(&headers, now), Some(MAX_RETRY_AFTER));
        let date = (now + chrono::Duration::seconds(30)).to_rfc2822();
        headers.insert(RETRY_AFTER, date.parse().expect("a header"));
        assert!(retry_after(&headers, now).is_some_and(|wait| wait <= Duration::from_secs(30)));
        headers.insert(RETRY_AFTER, "soon".parse().expect("a header"));
        assert_eq!(retry_after(&headers, now), None);
    }
}
