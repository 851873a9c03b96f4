//! Upkeep beside the server: idempotency keys past their retention are purged, not only
//! refused, so the responses they hold (a created dossier) are not kept beyond the retry window.

use chrono::Duration;
use plateforme_store::idempotency;

use crate::helpers::{TestApp, organization, unique_number};
use crate::on_both_backends;

on_both_backends!(idempotency_keys_past_their_retention_are_purged);

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
