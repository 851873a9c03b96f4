//! Lenient parsing refused (issue 20, defect 6): a cursor is opaque and signed, so a forged,
//! unsigned or mangled one answers 400 `cursor.invalid` on every list instead of a page; and
//! the contract states the minimum of a client's rate limit the server enforces.

use crate::helpers::{TestApp, assert_problem, create_organization, json, next_link, unique_number};

crate::on_both_backends!(
    forged_cursors_are_refused_on_every_list,
    forged_offset_cursors_are_refused_by_the_offer_search,
    the_cursors_handed_out_still_page,
    the_contract_states_the_rate_limit_the_server_enforces,
);

/// Cursors no deployment signed: base64url of `k1:` (an empty key, once read as the first
/// page), of `k1:0`, arbitrary text, the offer search's old offset form with and without a sign.
const FORGED: [&str; 6] = ["azE6", "azE6MA", "abc", "o+5", "o5", "not a cursor"];

async fn assert_cursor_refused(response: reqwest::Response, context: &str) {
    let problem = assert_problem(response, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["field"], "cursor", "{context}: {problem}");
    assert_eq!(problem["errors"][0]["rule"], "cursor.invalid", "{context}: {problem}");
}

fn with_cursor(path: &str, cursor: &str) -> String {
    // The forged cursors' only characters a query must escape.
    let encoded = cursor.replace('+', "%2B").replace(' ', "%20");
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}cursor={encoded}")
}

async fn forged_cursors_are_refused_on_every_list(app: TestApp) {
    let organization = create_organization(&app, unique_number()).await;
    let id = organization["id"].as_str().expect("id");
    let lists = [
        "/v1/organizations".to_owned(),
        format!("/v1/organizations/{id}/history"),
        "/v1/admin/clients".to_owned(),
        "/v1/admin/journal".to_owned(),
    ];
    for list in &lists {
        for forged in FORGED {
            let path = with_cursor(list, forged);
            assert_cursor_refused(app.get(&path).await, &path).await;
        }
    }
}

async fn forged_offset_cursors_are_refused_by_the_offer_search(app: TestApp) {
    for forged in FORGED {
        let path = with_cursor("/v1/offers", forged);
        let response = app.client.get(app.url(&path)).send().await.expect("GET /v1/offers");
        assert_cursor_refused(response, &path).await;
    }
    // A keyset cursor the API handed out is signed, but is not a position in a search.
    for _ in 0..3 {
        create_organization(&app, unique_number()).await;
    }
    let first = app.get("/v1/organizations?limit=1").await;
    let next = json(first).await["next_cursor"].as_str().expect("a next page").to_owned();
    let response = app.client.get(app.url(&with_cursor("/v1/offers", &next))).send().await.expect("GET");
    assert_cursor_refused(response, "a keyset cursor in the offer search").await;
}

async fn the_cursors_handed_out_still_page(app: TestApp) {
    for _ in 0..3 {
        create_organization(&app, unique_number()).await;
    }
    let first = app.get("/v1/organizations?limit=2&kind=mission_locale").await;
    assert_eq!(first.status().as_u16(), 200);
    let next = next_link(&first).expect("a second page");
    let first = json(first).await;
    let second = app.get(&next).await;
    assert_eq!(second.status().as_u16(), 200);
    let second = json(second).await;
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    // One character more or less and the MAC no longer holds.
    let cursor = first["next_cursor"].as_str().expect("next_cursor");
    for mangled in [format!("{cursor}A"), cursor[1..].to_owned(), format!(" {cursor}")] {
        let path = with_cursor("/v1/organizations?limit=2&kind=mission_locale", &mangled);
        assert_cursor_refused(app.get(&path).await, &mangled).await;
    }
}

async fn the_contract_states_the_rate_limit_the_server_enforces(app: TestApp) {
    let contract = json(app.client.get(app.url("/openapi.json")).send().await.expect("GET /openapi.json")).await;
    for schema in ["ClientRegistration", "Client"] {
        let limit = &contract["components"]["schemas"][schema]["properties"]["rate_limit_per_minute"];
        assert_eq!(limit["minimum"], 1, "{schema}: {limit}");
    }
    let admin = app.admin.clone().expect("admin");
    let zero = serde_json::json!({"organization_id": admin.organization_id, "name": "x", "scopes": ["offers:read"],
        "rate_limit_per_minute": 0});
    let problem = assert_problem(app.post_json("/v1/admin/clients", &zero).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "rate_limit.range", "{problem}");
}
