//! Behind a load balancer: the anonymous limits count the caller's address that a trusted proxy
//! forwards, and never one that any other peer writes (`PLATEFORME_TRUSTED_PROXIES`).

use crate::helpers::{TestApp, assert_problem};
use crate::on_both_backends;

on_both_backends!(
    with plateforme_server::config::Config {
        anonymous_rate_limit_per_minute: 2,
        trusted_proxies: vec!["127.0.0.1/32".into()],
        ..Default::default()
    };
    a_trusted_proxy_s_forwarded_addresses_are_counted_apart,
);

mod untrusted {
    use crate::on_both_backends;

    on_both_backends!(
        with plateforme_server::config::Config {
            anonymous_rate_limit_per_minute: 2,
            // Not the test's peer (127.0.0.1): what it writes is not believed.
            trusted_proxies: vec!["10.0.0.0/8".into()],
            ..Default::default()
        };
        a_spoofed_header_from_an_untrusted_peer_is_ignored,
    );

    async fn a_spoofed_header_from_an_untrusted_peer_is_ignored(app: crate::helpers::TestApp) {
        app.wait_for_a_window_of(10).await;
        for (call, spoofed) in ["198.51.100.1", "198.51.100.2"].into_iter().enumerate() {
            let response = super::anonymous_call(&app, spoofed).await;
            assert_eq!(response.status().as_u16(), 401, "call {call} is within the peer's limit");
        }
        let refused = super::anonymous_call(&app, "198.51.100.3").await;
        crate::helpers::assert_problem(refused, 429, "too_many_requests").await;
    }
}

/// A call without a token (401, counted in the anonymous bucket) with `X-Forwarded-For`.
async fn anonymous_call(app: &TestApp, forwarded_for: &str) -> reqwest::Response {
    app.client
        .get(app.url("/v1/organizations"))
        .header("x-forwarded-for", forwarded_for)
        .send()
        .await
        .expect("GET /v1/organizations")
}

async fn a_trusted_proxy_s_forwarded_addresses_are_counted_apart(app: TestApp) {
    app.wait_for_a_window_of(10).await;
    for _ in 0..2 {
        assert_eq!(anonymous_call(&app, "203.0.113.5").await.status().as_u16(), 401);
    }
    assert_problem(anonymous_call(&app, "203.0.113.5").await, 429, "too_many_requests").await;
    // Only the entry the proxy wrote, the rightmost, counts: what the caller wrote to its left
    // (here the exhausted address) is not its window.
    assert_eq!(anonymous_call(&app, "203.0.113.5, 203.0.113.6").await.status().as_u16(), 401);
    assert_eq!(anonymous_call(&app, "203.0.113.6").await.status().as_u16(), 401);
    assert_problem(anonymous_call(&app, "203.0.113.6").await, 429, "too_many_requests").await;
}
