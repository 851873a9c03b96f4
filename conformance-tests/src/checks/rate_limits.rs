//! Calls without a token are limited per address in one bucket per purpose: exhausting the
//! public offer search leaves the token endpoint and the health probes working, and the probes
//! are never limited (an orchestrator reads a 429 on `/health/live` as a dead instance).
//!
//! Run last: it spends this address's public search quota for the rest of the minute.

use plateforme_client::RawResponse;

use super::{Verdict, describe};
use crate::report::Report;
use crate::suite::Suite;

/// A deployment whose public search allows more a minute is not exhausted from here.
const MOST_REQUESTS: u64 = 1_000;

const NAMES: [&str; 2] = ["rate_limit.probes_never_limited", "rate_limit.token_apart_from_public_search"];

pub async fn run(suite: &Suite, report: &mut Report) {
    match exhaust_public_search(suite).await {
        Ok(Some(())) => {}
        Ok(None) => {
            for name in NAMES {
                report.skip(name, format!("the public search allows more than {MOST_REQUESTS} calls a minute"));
            }
            return;
        }
        Err(why) => {
            for name in NAMES {
                report.record(name, Err(format!("exhausting the public search: {why}")));
            }
            return;
        }
    }
    report.record(NAMES[0], probes_answer(suite).await);
    match suite.actors().first() {
        Some(actor) => report.record(NAMES[1], token_answers(suite, &actor.spec.client_id, &actor.spec.secret).await),
        None => report.skip(NAMES[1], "no client given"),
    }
}

async fn anonymous_get(suite: &Suite, path: &str) -> Result<RawResponse, String> {
    suite.anonymous().get(path).anonymous().send().await.map_err(|error| error.to_string())
}

/// Searches without a token until refused (429); `None` when the limit is too high to reach.
async fn exhaust_public_search(suite: &Suite) -> Result<Option<()>, String> {
    let first = anonymous_get(suite, "/v1/offers?limit=1").await?;
    let limit: u64 = first
        .header("ratelimit-limit")
        .and_then(|value| value.parse().ok())
        .ok_or_else(|| format!("{} answered {} without RateLimit-Limit", first.context(), first.status))?;
    if limit > MOST_REQUESTS {
        return Ok(None);
    }
    // Twice the limit: the window may restart while we count.
    for _ in 0..2 * limit + 2 {
        let response = anonymous_get(suite, "/v1/offers?limit=1").await?;
        match response.status {
            200 => continue,
            429 => return Ok(Some(())),
            status => return Err(format!("{} answered {status}{}", response.context(), describe(&response))),
        }
    }
    Err(format!("{} calls a minute were never refused (RateLimit-Limit: {limit})", 2 * limit + 3))
}

/// With the public search refused, the probes still answer, and are not counted at all.
async fn probes_answer(suite: &Suite) -> Verdict {
    for path in ["/health/live", "/health/ready"] {
        let response = anonymous_get(suite, path).await?;
        if response.status != 200 {
            return Err(format!("{} answered {}{}", response.context(), response.status, describe(&response)));
        }
        if let Some(limit) = response.header("ratelimit-limit") {
            return Err(format!("{} is counted (RateLimit-Limit: {limit}): probes must never be limited", path));
        }
    }
    Ok(())
}

/// With the public search refused, a partner still gets a token from the same address.
async fn token_answers(suite: &Suite, client_id: &str, secret: &str) -> Verdict {
    let request = suite.anonymous().post("/oauth/token").basic_auth(client_id, secret);
    let response = request.form(&[("grant_type", "client_credentials")]).send().await;
    let response = response.map_err(|error| error.to_string())?;
    if response.status != 200 {
        return Err(format!(
            "{} answered {} while the public search was refused: the token endpoint must have its own bucket{}",
            response.context(),
            response.status,
            describe(&response)
        ));
    }
    Ok(())
}
