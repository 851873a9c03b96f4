//! Bad inputs: each gets a precise problem, and nothing is written.

use serde_json::{Value, json};

use crate::helpers::{TestApp, all_organizations, assert_problem, create_organization, header, json, organization};
use crate::on_both_backends;

on_both_backends!(
    bad_bodies_are_refused_before_anything_is_written,
    bad_patches_change_nothing,
    bad_requests_outside_bodies_are_problems,
);

/// Posts `body` as raw text and checks the problem and that no organization was created.
async fn refused(app: &TestApp, content_type: &str, body: String, status: u16, code: &str) -> Value {
    let response = app
        .client
        .post(app.url("/v1/organizations"))
        .bearer_auth(&app.token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("POST");
    let problem = assert_problem(response, status, code).await;
    assert_eq!(problem["instance"], "/v1/organizations");
    assert!(all_organizations(app).await.is_empty(), "nothing written after {problem}");
    problem
}

fn with(field: &str, value: Value) -> String {
    let mut body = organization(1);
    body[field] = value;
    body.to_string()
}

fn single_error(problem: &Value) -> (String, String) {
    let errors = problem["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{problem}");
    (errors[0]["field"].as_str().unwrap_or("").to_owned(), errors[0]["rule"].as_str().unwrap_or("").to_owned())
}

async fn bad_bodies_are_refused_before_anything_is_written(app: TestApp) {
    const JSON: &str = "application/json";
    let bad_siret = refused(&app, JSON, with("siret", json!("73282932000075")), 422, "validation_failed").await;
    assert_eq!(single_error(&bad_siret), ("siret".into(), "siret.luhn".into()));

    let territory = json!({"regions": ["84"], "departements": ["20"]});
    let bad_territory = refused(&app, JSON, with("territory", territory), 422, "validation_failed").await;
    assert_eq!(single_error(&bad_territory).0, "territory.departements[0]");

    let outside = json!({"regions": ["84"], "departements": ["13"]});
    let outside = refused(&app, JSON, with("territory", outside), 422, "validation_failed").await;
    assert_eq!(single_error(&outside), ("territory.departements[0]".into(), "territory.outside_regions".into()));

    let malformed = refused(&app, JSON, "{\"kind\": \"partner\",".into(), 400, "malformed_json").await;
    assert!(malformed["detail"].as_str().unwrap_or("").contains("line 1"), "{malformed}");

    let unknown = refused(&app, JSON, with("colour", json!("blue")), 422, "validation_failed").await;
    assert_eq!(single_error(&unknown), ("colour".into(), "unknown_field".into()));

    let wrong_type = refused(&app, JSON, with("name", json!(3)), 422, "validation_failed").await;
    assert_eq!(single_error(&wrong_type), ("name".into(), "type".into()));

    let wrong_kind = refused(&app, JSON, with("kind", json!("ministry")), 422, "validation_failed").await;
    assert_eq!(single_error(&wrong_kind), ("kind".into(), "enum".into()));

    let mut missing = organization(1);
    missing.as_object_mut().map(|body| body.remove("siret"));
    let missing = refused(&app, JSON, missing.to_string(), 422, "validation_failed").await;
    assert_eq!(single_error(&missing), ("siret".into(), "required".into()));

    let blank = refused(&app, JSON, with("name", json!("  ")), 422, "validation_failed").await;
    assert_eq!(single_error(&blank), ("name".into(), "name.empty".into()));

    refused(&app, "text/plain", organization(1).to_string(), 415, "unsupported_media_type").await;

    let oversized = with("name", json!("x".repeat(2 * 1024 * 1024)));
    refused(&app, JSON, oversized, 413, "payload_too_large").await;

    let bad_key = app
        .client
        .post(app.url("/v1/organizations"))
        .bearer_auth(&app.token)
        .header("idempotency-key", "k".repeat(300))
        .json(&organization(1))
        .send()
        .await
        .expect("POST");
    assert_problem(bad_key, 400, "invalid_header").await;
    assert!(all_organizations(&app).await.is_empty());
}

async fn bad_patches_change_nothing(app: TestApp) {
    let created = create_organization(&app, 1).await;
    let path = format!("/v1/organizations/{}", created["id"].as_str().expect("id"));
    let rename = json!({"name": "Renamed"});

    let missing = assert_problem(app.patch(&path, None, &rename).await, 428, "precondition_required").await;
    assert!(missing["detail"].as_str().unwrap_or("").contains("\"1\""), "says the current ETag: {missing}");

    let stale = assert_problem(app.patch(&path, Some("\"7\""), &rename).await, 412, "precondition_failed").await;
    assert_eq!(stale["current_version"], 1);
    assert_problem(app.patch(&path, Some("W/\"1\""), &rename).await, 412, "precondition_failed").await;
    assert_problem(app.patch(&path, Some("1"), &rename).await, 400, "invalid_header").await;

    let bad_siret = app.patch(&path, Some("\"1\""), &json!({"siret": "12345678901234"})).await;
    let problem = assert_problem(bad_siret, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "siret");

    let read_only =
        assert_problem(app.patch(&path, Some("\"1\""), &json!({"version": 9})).await, 422, "validation_failed").await;
    assert_eq!(problem_rule(&read_only), "unknown_field");

    let not_object =
        assert_problem(app.patch(&path, Some("\"1\""), &json!(["name"])).await, 422, "validation_failed").await;
    assert_eq!(problem_rule(&not_object), "merge_patch.not_object");

    let region_count = json!({"kind": "region", "territory": {"regions": []}});
    let problem = assert_problem(app.patch(&path, Some("\"1\""), &region_count).await, 422, "validation_failed").await;
    assert_eq!(problem_rule(&problem), "territory.kind_mismatch");

    let unknown = format!("/v1/organizations/{}", uuid::Uuid::now_v7());
    assert_problem(app.patch(&unknown, Some("\"1\""), &rename).await, 404, "not_found").await;

    assert_eq!(json(app.get(&path).await).await, created, "nothing changed");
    let history = json(app.get(&format!("{path}/history")).await).await;
    assert_eq!(history["items"].as_array().map(Vec::len), Some(1));
}

fn problem_rule(problem: &Value) -> String {
    problem["errors"][0]["rule"].as_str().unwrap_or("").to_owned()
}

async fn bad_requests_outside_bodies_are_problems(app: TestApp) {
    let route = assert_problem(app.get("/v1/no-such-thing").await, 404, "route_not_found").await;
    assert_eq!(route["instance"], "/v1/no-such-thing");

    let method = app.client.delete(app.url("/v1/organizations")).bearer_auth(&app.token).send().await.expect("DELETE");
    assert_eq!(header(&method, "allow").as_deref(), Some("GET, HEAD, POST"));
    assert_problem(method, 405, "method_not_allowed").await;

    let unknown_id = format!("/v1/organizations/{}", uuid::Uuid::now_v7());
    assert_problem(app.get(&unknown_id).await, 404, "not_found").await;
    assert_problem(app.get("/v1/organizations/not-a-uuid").await, 400, "invalid_path").await;
    assert_problem(app.get(&format!("{unknown_id}/history")).await, 404, "not_found").await;

    let unknown_param = assert_problem(app.get("/v1/organizations?colour=blue").await, 400, "invalid_query").await;
    assert_eq!(unknown_param["errors"][0]["field"], "colour");
    assert_eq!(unknown_param["errors"][0]["rule"], "unknown_field");
    assert_problem(app.get(&format!("{unknown_id}?expand=all")).await, 400, "invalid_query").await;

    for bad in ["limit=0", "limit=101", "limit=ten", "kind=ministry", "cursor=not-a-cursor"] {
        assert_problem(app.get(&format!("/v1/organizations?{bad}")).await, 400, "invalid_query").await;
    }
    let problems = json(app.get("/problems/precondition_failed").await).await;
    assert_eq!(problems["status"], 412);
}
