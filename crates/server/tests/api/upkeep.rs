//! Upkeep beside the server: idempotency keys past their retention are purged, not only
//! refused, so the responses they hold (a created dossier) are not kept beyond the retry window;
//! the rate-limit windows of past minutes are forgotten.

use chrono::Duration;
use plateforme_auth::rate_limit::{RateLimiter, WINDOW_SECS};
use plateforme_store::{idempotency, rate_limits};

use crate::helpers::{TestApp, organization, unique_number};
use crate::on_both_backends;

on_both_backends!(
    idempotency_keys_past_their_retention_are_purged,
    past_rate_limit_windows_are_forgotten_and_the_current_one_kept,
);

async fn idempotency_keys_past_their_retention_are_purged(app: TestApp) {
    let body = organization(unique_number());
    let create = || {
        app.client
            .post(app.url("/v1/organizations"))
            .bearer_auth(&app.token)
            .header("idempotency-key", "retention-1")
            .json(&body)
            .send()
    };
    assert_eq!(create().await.expect("POST").status().as_u16(), 201);
    let purge_at = |hours: i64| {
        let store = app.store.clone();
        async move {
            let at = plateforme_model::ids::now() + Duration::hours(hours);
            store.run(move |conn| idempotency::purge_expired(conn, at)).await.expect("purge")
        }
    };
    assert_eq!(purge_at(23).await, 0, "a key within its retention is kept");
    assert_eq!(create().await.expect("POST").status().as_u16(), 201, "and its response replayed");
    assert_eq!(purge_at(25).await, 1, "a key past its retention is purged");
    assert_eq!(purge_at(25).await, 0, "purging again is harmless");
    // Forgotten: the same request is a new one, refused because the organization exists.
    assert_eq!(create().await.expect("POST").status().as_u16(), 409);
}

async fn past_rate_limit_windows_are_forgotten_and_the_current_one_kept(app: TestApp) {
    let now = chrono::Utc::now().timestamp();
    let current = now - now.rem_euclid(WINDOW_SECS);
    let reserve = |window: i64, count: i64| {
        let store = app.store.clone();
        async move { store.run(move |conn| rate_limits::reserve(conn, "client:upkeep", window, count)).await }
    };
    assert_eq!(reserve(current - 2 * WINDOW_SECS, 5).await.expect("reserve"), 5);
    assert_eq!(reserve(current, 3).await.expect("reserve"), 3, "each window counts apart");
    assert_eq!(reserve(current, 2).await.expect("reserve"), 5, "reservations add up");
    // The purge keeps the previous window too: a replica may still be finishing it.
    let purged = RateLimiter::purge_past_windows(&app.store).await.expect("purge");
    assert!(purged >= 1, "the window of two minutes ago is forgotten");
    assert_eq!(reserve(current - 2 * WINDOW_SECS, 1).await.expect("reserve"), 1, "it starts again from nothing");
    assert_eq!(reserve(current, 1).await.expect("reserve"), 6, "the current window is kept");
}
