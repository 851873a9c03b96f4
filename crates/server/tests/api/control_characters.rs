//! Control characters are refused at the edge, the same way on both backends (PostgreSQL cannot
//! store a NUL; SQLite would store it as-is): in a JSON body, a merge patch, a query parameter,
//! a cursor, a path, the token form, and one line of a batch, which is rejected alone.

use plateforme_model::organization::OrganizationKind;
use reqwest::Response;
use serde_json::{Value, json};

use crate::dossier::{france_travail, post_as};
use crate::helpers::{TestApp, TestClient, assert_problem, create_organization, json as body_of, siret, unique_number};

crate::on_both_backends!(
    a_nul_in_a_json_field_is_refused_naming_the_field,
    a_nul_in_a_merge_patch_is_refused,
    a_nul_in_a_query_parameter_or_a_cursor_is_refused,
    a_nul_in_a_path_is_refused,
    a_nul_in_the_token_form_is_refused,
    a_nul_line_of_a_batch_is_rejected_alone,
    free_text_keeps_its_tabs_and_line_breaks,
);

const RULE: &str = "text.control_character";

/// A valid publication: a developer job in Villeurbanne.
fn publication(reference: &str, title: &str) -> Value {
    json!({
        "source": {"system": "jobboard", "reference": reference},
        "offer": {
            "title": title,
            "description": "Vous développez les services en ligne de nos clients.",
            "rome_code": "M1805",
            "contract_type": "cdd", "contract_months": 12,
            "workplace": {"commune": "69266"},
            "employer": {"name": "Atelier Numérique", "siret": siret(4242), "naf": "62.01Z"}
        }
    })
}

async fn publisher(app: &TestApp) -> TestClient {
    app.register(OrganizationKind::Partner, &["offers:write", "offers:read"]).await
}

async fn publish(app: &TestApp, client: &TestClient, body: &Value) -> Response {
    app.client.post(app.url("/v1/offers")).bearer_auth(&client.token).json(body).send().await.expect("POST /v1/offers")
}

/// Asserts a problem naming `field` with the control-character rule.
async fn assert_refused(response: Response, status: u16, code: &str, field: &str) {
    let problem = assert_problem(response, status, code).await;
    assert_eq!(problem["errors"][0]["rule"], RULE, "{problem}");
    assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    assert!(problem["errors"][0]["message"].as_str().is_some_and(|m| m.contains("U+0000")), "{problem}");
}

async fn offers_total(app: &TestApp) -> Value {
    let response = app.client.get(app.url("/v1/offers")).send().await.expect("GET /v1/offers");
    assert_eq!(response.status().as_u16(), 200);
    body_of(response).await["total"].clone()
}

async fn a_nul_in_a_json_field_is_refused_naming_the_field(app: TestApp) {
    let ft = france_travail(&app).await;
    let person = crate::dossier::person("Du\u{0}pont", false);
    assert_refused(post_as(&app, &ft, "/v1/persons", &person).await, 422, "validation_failed", "identity.family_name")
        .await;
    let board = publisher(&app).await;
    let offer = publication("NUL-1", "Boulanger\u{0}");
    assert_refused(publish(&app, &board, &offer).await, 422, "validation_failed", "offer.title").await;
    assert_eq!(offers_total(&app).await, 0, "nothing is stored");
}

async fn a_nul_in_a_merge_patch_is_refused(app: TestApp) {
    let organization = create_organization(&app, unique_number()).await;
    let path = format!("/v1/organizations/{}", organization["id"].as_str().expect("id"));
    let patch = json!({"name": "Mission locale\u{0}"});
    assert_refused(app.patch(&path, Some("\"1\""), &patch).await, 422, "validation_failed", "name").await;
}

async fn a_nul_in_a_query_parameter_or_a_cursor_is_refused(app: TestApp) {
    let search = app.client.get(app.url("/v1/offers?q=boulanger%00")).send().await.expect("GET /v1/offers");
    assert_refused(search, 400, "invalid_query", "q").await;
    // A cursor whose key holds a NUL ("k1:\0", base64url): never handed out, so forged.
    let problem = assert_problem(app.get("/v1/organizations?cursor=azE6AA").await, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["rule"], "cursor.invalid", "{problem}");
}

async fn a_nul_in_a_path_is_refused(app: TestApp) {
    assert_refused(app.get("/v1/admin/clients/si-partenaire%00").await, 400, "invalid_path", "path").await;
    let anonymous = app.client.get(app.url("/v1/offers/%00")).send().await.expect("GET /v1/offers/{id}");
    assert_refused(anonymous, 400, "invalid_path", "path").await;
}

async fn a_nul_in_the_token_form_is_refused(app: TestApp) {
    let client = app.admin.clone().expect("the admin client");
    let nul_id = format!("{}\u{0}", client.client_id);
    let form = [("grant_type", "client_credentials"), ("client_id", &nul_id), ("client_secret", &client.secret)];
    let posted = app.client.post(app.url("/oauth/token")).form(&form).send().await.expect("POST /oauth/token");
    assert_oauth_refusal(posted, "client_id").await;
    let basic = app.client.post(app.url("/oauth/token")).basic_auth(&nul_id, Some(&client.secret));
    let basic = basic.form(&[("grant_type", "client_credentials")]).send().await.expect("POST /oauth/token");
    assert_oauth_refusal(basic, "client_id").await;
    let code = [("grant_type", plateforme_auth::token_endpoint::PERSON_CODE_GRANT), ("code", "abc\u{0}")];
    let person = app.client.post(app.url("/oauth/token")).form(&code).send().await.expect("POST /oauth/token");
    assert_oauth_refusal(person, "code").await;
}

async fn assert_oauth_refusal(response: Response, field: &str) {
    assert_eq!(response.status().as_u16(), 400);
    let error = body_of(response).await;
    assert_eq!(error["error"], "invalid_request", "{error}");
    let description = error["error_description"].as_str().unwrap_or_default();
    assert!(description.starts_with(&format!("{field}: ")) && description.contains(RULE), "{error}");
}

async fn a_nul_line_of_a_batch_is_rejected_alone(app: TestApp) {
    let board = publisher(&app).await;
    let lines = [
        publication("B-1", "Boulanger").to_string(),
        publication("B-2", "Pâtissier\u{0}").to_string(),
        publication("B-3", "Développeuse web").to_string(),
    ];
    let response = app
        .client
        .post(app.url("/v1/offers/batch"))
        .bearer_auth(&board.token)
        .header("content-type", "application/x-ndjson")
        .body(lines.join("\n"))
        .send()
        .await
        .expect("POST /v1/offers/batch");
    assert_eq!(response.status().as_u16(), 200);
    let result = body_of(response).await;
    let outcomes: Vec<&str> =
        result["results"].as_array().expect("results").iter().map(|r| r["outcome"].as_str().unwrap_or("")).collect();
    assert_eq!(outcomes, ["created", "rejected", "created"], "{result}");
    let rejected = &result["results"][1];
    assert_eq!(rejected["errors"][0]["field"], "offer.title", "{result}");
    assert_eq!(rejected["errors"][0]["rule"], RULE, "{result}");
    assert_eq!(offers_total(&app).await, 2, "the good lines are written");
}

async fn free_text_keeps_its_tabs_and_line_breaks(app: TestApp) {
    let board = publisher(&app).await;
    let mut offer = publication("TEXT-1", "Développeur web");
    offer["offer"]["description"] = json!("Vous développez nos services.\r\n\tEn équipe.");
    let response = publish(&app, &board, &offer).await;
    assert_eq!(response.status().as_u16(), 201);
    let offer = body_of(response).await;
    assert_eq!(offer["offer"]["description"], "Vous développez nos services.\r\n\tEn équipe.", "{offer}");
}
