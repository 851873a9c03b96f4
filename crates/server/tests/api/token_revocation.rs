//! Revoked tokens: disabling a client or rotating its secret makes its earlier tokens refused
//! on every server sharing the database, within the revocation refresh period.

use std::time::{Duration, Instant};

use plateforme_model::organization::OrganizationKind;
use plateforme_server::config::Config;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem};
use crate::on_both_backends;

on_both_backends!(
    a_disabled_client_s_tokens_are_refused_on_every_server_within_the_bound,
    a_rotated_secret_revokes_the_earlier_tokens_on_every_server,
);

async fn status_with(app: &TestApp, server: &str, token: &str) -> u16 {
    let response = app.client.get(format!("{server}/v1/organizations")).bearer_auth(token).send().await;
    response.expect("GET /v1/organizations").status().as_u16()
}

/// Waits until `token` is refused by `server`, at most `bound`; answers whether it was.
async fn refused_within(app: &TestApp, server: &str, token: &str, bound: Duration) -> bool {
    let deadline = Instant::now() + bound;
    loop {
        if status_with(app, server, token).await == 401 {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The revocation bound: the refresh period, and a second for the database read and the
/// polling step.
fn bound(config: &Config) -> Duration {
    Duration::from_secs(config.token_revocation_refresh_secs + 1)
}

async fn a_disabled_client_s_tokens_are_refused_on_every_server_within_the_bound(app: TestApp) {
    let config = Config::default();
    let second = app.replica(&config).await;
    let partner = app.register(OrganizationKind::MissionLocale, &["organizations:read"]).await;
    assert_eq!(status_with(&app, &app.address, &partner.token).await, 200, "the token works on the first server");
    assert_eq!(status_with(&app, &second, &partner.token).await, 200, "and on the second (now in its cache)");

    let disabled = app.post_json(&format!("/v1/admin/clients/{}/disable", partner.client_id), &json!({})).await;
    assert_eq!(disabled.status().as_u16(), 200);

    let refused = app.client.get(app.url("/v1/organizations")).bearer_auth(&partner.token).send().await;
    let problem = assert_problem(refused.expect("GET"), 401, "unauthorized").await;
    assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("revoked")), "{problem}");
    assert!(
        refused_within(&app, &second, &partner.token, bound(&config)).await,
        "the second server refuses the token within {:?}",
        bound(&config)
    );

    let enabled = app.post_json(&format!("/v1/admin/clients/{}/enable", partner.client_id), &json!({})).await;
    assert_eq!(enabled.status().as_u16(), 200);
    assert_eq!(status_with(&app, &app.address, &partner.token).await, 401, "enabling does not bring tokens back");
    assert_eq!(status_with(&app, &second, &partner.token).await, 401);
    let fresh = app.token_for(&partner.client_id, &partner.secret, None).await;
    assert_eq!(status_with(&app, &app.address, &fresh).await, 200, "a token got after enabling works");
    assert_eq!(status_with(&app, &second, &fresh).await, 200);
}

async fn a_rotated_secret_revokes_the_earlier_tokens_on_every_server(app: TestApp) {
    let config = Config::default();
    let second = app.replica(&config).await;
    let partner = app.register(OrganizationKind::MissionLocale, &["organizations:read"]).await;
    assert_eq!(status_with(&app, &second, &partner.token).await, 200);

    let rotated = app.post_json(&format!("/v1/admin/clients/{}/rotate-secret", partner.client_id), &json!({})).await;
    assert_eq!(rotated.status().as_u16(), 200);
    let secret = crate::helpers::json(rotated).await["client_secret"].as_str().expect("new secret").to_owned();
    let fresh = app.token_for(&partner.client_id, &secret, None).await;
    assert_eq!(status_with(&app, &app.address, &fresh).await, 200, "a token of the new secret works at once");
    assert_eq!(status_with(&app, &second, &fresh).await, 200);

    assert_eq!(status_with(&app, &app.address, &partner.token).await, 401, "the earlier token is refused");
    assert!(
        refused_within(&app, &second, &partner.token, bound(&config)).await,
        "the second server refuses the earlier token within {:?}",
        bound(&config)
    );
    assert_eq!(status_with(&app, &second, &fresh).await, 200, "and still accepts the new one");
}
