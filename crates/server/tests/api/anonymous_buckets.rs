//! Calls without a token are counted per address in one bucket per purpose: a scraper of the
//! public search does not lock partners out of the token endpoint, and probes are never limited.

use plateforme_model::organization::OrganizationKind;

use crate::helpers::{TestApp, assert_problem, header};
use crate::on_both_backends;

on_both_backends!(
    with plateforme_server::config::Config {
        public_read_rate_limit_per_minute: 5,
        token_rate_limit_per_minute: 6,
        anonymous_rate_limit_per_minute: 5,
        ..Default::default()
    };
    exhausting_the_public_search_leaves_tokens_and_probes_working,
    guessing_secrets_leaves_the_public_search_working,
    probes_are_never_limited,
);

async fn anonymous_status(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.expect("GET")
}

async fn exhausting_the_public_search_leaves_tokens_and_probes_working(app: TestApp) {
    let partner = app.register(OrganizationKind::MissionLocale, &["organizations:read"]).await;
    app.wait_for_a_window_of(10).await;
    for _ in 0..5 {
        assert_eq!(anonymous_status(&app, "/v1/offers").await.status().as_u16(), 200);
    }
    let refused = anonymous_status(&app, "/v1/offers").await;
    assert_eq!(header(&refused, "ratelimit-limit").as_deref(), Some("5"));
    assert_problem(refused, 429, "too_many_requests").await;

    app.token_for(&partner.client_id, &partner.secret, None).await;
    for probe in ["/health/live", "/health/ready"] {
        assert_eq!(anonymous_status(&app, probe).await.status().as_u16(), 200, "{probe}");
    }
    let other = anonymous_status(&app, "/v1/organizations").await;
    assert_eq!(other.status().as_u16(), 401, "the other anonymous calls have their own bucket");
    let with_token = app.client.get(app.url("/v1/offers")).bearer_auth(&partner.token).send().await;
    assert_eq!(with_token.expect("GET").status().as_u16(), 200, "a partner's search counts against its client");
}

async fn guessing_secrets_leaves_the_public_search_working(app: TestApp) {
    let partner = app.register(OrganizationKind::MissionLocale, &["organizations:read"]).await;
    app.wait_for_a_window_of(10).await;
    // The harness and `register` spent up to two of the six token requests of this address.
    let mut refused = None;
    for _ in 0..10 {
        let response = app
            .client
            .post(app.url("/oauth/token"))
            .basic_auth(&partner.client_id, Some("a guess"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("POST /oauth/token");
        match response.status().as_u16() {
            401 => continue,
            429 => {
                refused = Some(response);
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    let refused = refused.expect("guessing secrets is limited");
    assert_eq!(header(&refused, "ratelimit-limit").as_deref(), Some("6"));
    assert_eq!(anonymous_status(&app, "/v1/offers").await.status().as_u16(), 200, "the public search has its own");
}

async fn probes_are_never_limited(app: TestApp) {
    for _ in 0..30 {
        for probe in ["/health/live", "/health/ready"] {
            let response = anonymous_status(&app, probe).await;
            assert_eq!(response.status().as_u16(), 200, "{probe}");
            assert!(header(&response, "ratelimit-limit").is_none(), "{probe} is not counted");
        }
    }
    let contract = anonymous_status(&app, "/openapi.json").await;
    assert_eq!(contract.status().as_u16(), 200);
    assert!(header(&contract, "ratelimit-limit").is_none(), "the contract is not counted");
}
