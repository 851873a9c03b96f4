//! Rate limits: headers on every response, 429 with Retry-After past the limit, per client,
//! and one limit across the replicas sharing a database.

use reqwest::Response;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(
    with plateforme_server::config::Config { anonymous_rate_limit_per_minute: 30, ..Default::default() };
    a_client_past_its_limit_gets_429_with_retry_after,
    calls_without_a_token_are_limited_per_address,
    guessing_tokens_is_limited_per_address,
    one_limit_holds_across_three_replicas,
);

fn quota(response: &Response) -> (u64, u64, u64) {
    let number = |name: &str| header(response, name).and_then(|value| value.parse().ok()).expect(name);
    (number("ratelimit-limit"), number("ratelimit-remaining"), number("ratelimit-reset"))
}

/// A token of a new client whose limit is `limit` requests a minute.
async fn token_limited_to(app: &TestApp, limit: u32) -> String {
    let admin = app.admin.clone().expect("admin");
    let registration = json!({"organization_id": admin.organization_id, "name": "Slow client",
        "scopes": ["organizations:read"], "rate_limit_per_minute": limit});
    let created = app.post_json("/v1/admin/clients", &registration).await;
    assert_eq!(created.status().as_u16(), 201);
    let created = json(created).await;
    let (id, secret) =
        (created["client"]["client_id"].as_str().expect("id"), created["client_secret"].as_str().expect("secret"));
    app.token_for(id, secret, None).await
}

async fn a_client_past_its_limit_gets_429_with_retry_after(app: TestApp) {
    let token = token_limited_to(&app, 3).await;
    app.wait_for_a_window_of(10).await;

    for remaining in [2, 1, 0] {
        let response = app.client.get(app.url("/v1/organizations")).bearer_auth(&token).send().await.expect("GET");
        assert_eq!(response.status().as_u16(), 200);
        let (limit, left, reset) = quota(&response);
        assert_eq!((limit, left), (3, remaining));
        assert!((1..=60).contains(&reset));
    }
    let refused = app.client.get(app.url("/v1/organizations")).bearer_auth(&token).send().await.expect("GET");
    let retry_after: u64 = header(&refused, "retry-after").and_then(|v| v.parse().ok()).expect("Retry-After");
    assert!((1..=60).contains(&retry_after));
    assert_eq!(quota(&refused).1, 0);
    assert_problem(refused, 429, "too_many_requests").await;

    let others = app.get("/v1/organizations").await;
    assert_eq!(others.status().as_u16(), 200, "another client keeps its own quota");
    assert!(quota(&others).1 > 0);
}

async fn calls_without_a_token_are_limited_per_address(app: TestApp) {
    app.wait_for_a_window_of(10).await;
    // The harness already used some of this address's quota to get the admin token.
    let mut previous = None;
    for _ in 0..40 {
        let response = app.client.get(app.url("/v1/organizations")).send().await.expect("GET");
        if response.status().as_u16() == 429 {
            assert!(header(&response, "retry-after").is_some());
            assert_eq!(previous, Some(0), "refused only once the quota is spent");
            assert_problem(response, 429, "too_many_requests").await;
            return;
        }
        let (limit, remaining, _) = quota(&response);
        assert_eq!(limit, 30);
        if let Some(previous) = previous {
            assert_eq!(remaining + 1, previous);
        }
        previous = Some(remaining);
    }
    panic!("40 anonymous calls were never limited");
}

async fn guessing_tokens_is_limited_per_address(app: TestApp) {
    app.wait_for_a_window_of(10).await;
    for attempt in 0..40 {
        let response =
            app.client.get(app.url("/v1/organizations")).bearer_auth(format!("guess-{attempt}")).send().await;
        let response = response.expect("GET");
        match response.status().as_u16() {
            401 => assert!(header(&response, "ratelimit-remaining").is_some(), "bad tokens count too"),
            429 => {
                assert!(header(&response, "retry-after").is_some());
                assert_problem(response, 429, "too_many_requests").await;
                return;
            }
            other => panic!("unexpected {other}"),
        }
    }
    panic!("40 guessed tokens were never limited");
}

/// Three servers on one database, one client: the requests they accept together stay within the
/// client's limit, and fall short of it by at most the documented bound, replicas × (chunk − 1)
/// with a chunk of max(1, limit / 50) (crates/auth/src/rate_limit.rs). Each refusal is a 429
/// problem with `Retry-After`.
async fn one_limit_holds_across_three_replicas(app: TestApp) {
    let config = plateforme_server::config::Config::default();
    let servers = [app.address.clone(), app.replica(&config).await, app.replica(&config).await];
    // 10: reserved one request at a time, so exactly the limit; 150: in chunks of 3.
    for (limit, chunk) in [(10_u32, 1_u32), (150, 3)] {
        let token = token_limited_to(&app, limit).await;
        app.wait_for_a_window_of(20).await;
        let mut accepted = 0;
        for round in 0..(limit + 30) / 3 {
            // One request to each server at once, the first server first on every third round.
            let order = round as usize % 3;
            let sends = (0..3).map(|i| {
                let server = &servers[(order + i) % 3];
                app.client.get(format!("{server}/v1/organizations")).bearer_auth(&token).send()
            });
            for response in futures_util::future::join_all(sends).await {
                let response = response.expect("GET /v1/organizations");
                match response.status().as_u16() {
                    200 => accepted += 1,
                    _ => {
                        let retry_after: u64 =
                            header(&response, "retry-after").and_then(|v| v.parse().ok()).expect("Retry-After");
                        assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
                        assert_problem(response, 429, "too_many_requests").await;
                    }
                }
            }
        }
        let early_refusals = 3 * (chunk - 1);
        assert!(
            (limit - early_refusals..=limit).contains(&accepted),
            "{accepted} requests accepted across three replicas for a limit of {limit} (at least {})",
            limit - early_refusals
        );
    }
}
