//! The public status page `/status`: readiness, versions, the lags of the change feed and of the
//! search indexes; HTML French first (`?lang=en`), JSON for `Accept: application/json`; no
//! credentials needed, nothing of a client or a person shown.

use plateforme_server::openapi;
use serde_json::Value;

use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::change_feed::settle;
use crate::helpers::{TestApp, create_organization, header, unique_number};
use crate::on_both_backends;

async fn the_status_page_says_where_the_replica_stands(app: TestApp) {
    let anonymous = reqwest::Client::new();
    let admin_id = app.admin.as_ref().expect("the administrator").client_id.clone();

    let response = anonymous.get(app.url("/status")).send().await.expect("GET /status");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "content-type").as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(header(&response, "vary").as_deref(), Some("Accept"));
    let policy = header(&response, "content-security-policy").unwrap_or_default();
    assert!(policy.contains("default-src 'none'") && !policy.contains("script-src"), "{policy}");
    let french = response.text().await.expect("the page");
    assert!(french.contains("<html lang=\"fr\">") && french.contains("<h1>État du service</h1>"), "{french}");
    assert!(french.contains("Ce serveur est prêt."), "{french}");
    assert!(french.contains("<caption>Versions</caption>") && french.contains("<caption>Retards</caption>"));
    assert!(french.contains(&format!("<code>{}</code>", env!("CARGO_PKG_VERSION"))), "{french}");
    assert!(french.contains("Flux des changements") && french.contains("<code>offers</code>"), "{french}");
    assert!(french.contains("href=\"/status?lang=en\""), "the switch to English");
    assert!(!french.contains("<script"), "no script");

    let english = anonymous.get(app.url("/status?lang=en")).send().await.expect("GET").text().await.expect("page");
    assert!(english.contains("<html lang=\"en\">") && english.contains("<h1>Service status</h1>"), "{english}");
    assert!(english.contains("This server is ready."), "{english}");

    // Other tests' transactions on the same PostgreSQL server may hold the feed back a moment.
    settle(&app).await;
    let response =
        anonymous.get(app.url("/status")).header("accept", "application/json").send().await.expect("GET as JSON");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "content-type").as_deref(), Some("application/json"));
    let status: Value = response.json().await.expect("the status");
    let contract = serde_json::to_value(openapi::document()).expect("the contract");
    assert_eq!(status["status"], "ok");
    assert_eq!(status["server_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(status["contract_version"], contract["info"]["version"]);
    assert_eq!(status["change_feed_lag_seconds"], 0.0, "nothing holds the feed back: {status}");
    let kinds: Vec<&str> =
        status["search"].as_array().expect("indexes").iter().filter_map(|i| i["kind"].as_str()).collect();
    assert!(kinds.contains(&"offers"), "{status}");
    let mut members: Vec<&String> = status.as_object().expect("an object").keys().collect();
    members.sort();
    assert_eq!(members, ["change_feed_lag_seconds", "contract_version", "search", "server_version", "status"]);
    for index in status["search"].as_array().expect("indexes") {
        assert!(index.get("error").is_none(), "no internals: {index}");
    }

    // Nothing of a client or of the configuration.
    for page in [&french, &english, &status.to_string()] {
        assert!(!page.contains(&admin_id) && !page.contains(&app.database_url), "{page}");
    }

    // In the contract, and linked from the portal.
    let operation = &contract["paths"]["/status"]["get"];
    assert_eq!(operation["operationId"], "get_status");
    assert!(operation["responses"]["200"]["content"]["text/html"].is_object(), "{operation}");
    let home = anonymous.get(app.url("/portail/")).send().await.expect("GET").text().await.expect("home");
    assert!(home.contains("href=\"/status\""), "the portal links the status page");
}

on_both_backends!(the_status_page_says_where_the_replica_stands);

async fn status_json(app: &TestApp) -> Value {
    let response = app.client.get(app.url("/status")).header("accept", "application/json").send().await;
    response.expect("GET /status").json().await.expect("the status")
}

/// On PostgreSQL a transaction still open holds the feed back at its position: a write
/// committed after it waits, and the status page counts how long.
#[actix_web::test]
async fn the_status_page_shows_the_feed_held_back_by_an_open_transaction() {
    let Some(app) = TestApp::postgres_with(plateforme_server::config::Config::default()).await else { return };
    settle(&app).await;
    let mut open = PgConnection::establish(&app.database_url).expect("connect");
    diesel::sql_query("BEGIN").execute(&mut open).expect("begin");
    diesel::sql_query("SELECT pg_current_xact_id()").execute(&mut open).expect("take a transaction id");
    create_organization(&app, unique_number()).await;
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    let held = status_json(&app).await;
    let lag = held["change_feed_lag_seconds"].as_f64().expect("a lag");
    assert!(lag >= 0.2, "the write waits behind the open transaction: {held}");
    diesel::sql_query("ROLLBACK").execute(&mut open).expect("end the transaction");
    drop(open);
    settle(&app).await;
    assert_eq!(status_json(&app).await["change_feed_lag_seconds"], 0.0);
}
