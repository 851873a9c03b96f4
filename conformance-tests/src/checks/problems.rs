//! Wrong requests, each answered by its RFC 9457 problem. Writes that must be refused are sent
//! only where a refusal creates nothing (malformed or invalid bodies).

use plateforme_client::OrganizationKind;
use plateforme_client::{Client, Method, RawResponse};
use serde_json::{Value, json};

use super::{Verdict, expect_problem};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

const READS: [&str; 10] = [
    "problem.route_not_found",
    "problem.method_not_allowed",
    "problem.not_found",
    "problem.invalid_path",
    "problem.invalid_query",
    "problem.unknown_query_parameter",
    "problem.invalid_cursor",
    "problem.control_character.query",
    "problem.control_character.path",
    "problem.control_character.token_form",
];

/// The refused writes of an organization, sent by an administrator.
const ORGANIZATION_WRITES: [&str; 4] = [
    "problem.organizations.malformed_json",
    "problem.organizations.unsupported_media_type",
    "problem.organizations.validation_failed",
    "problem.organizations.unknown_field",
];

/// The refused writes of a person, sent by France Travail.
const PERSON_WRITES: [&str; 4] = [
    "problem.persons.malformed_json",
    "problem.persons.validation_failed",
    "problem.persons.unknown_field",
    "problem.persons.control_character",
];

/// The rule of a text holding a control character, wherever the request carries it.
const CONTROL_CHARACTER: &str = "text.control_character";

pub async fn run(suite: &Suite, report: &mut Report) {
    match suite.reader() {
        Some(reader) => reads(suite, &reader.client, report).await,
        None => {
            for name in READS.iter().chain(&["problem.invalid_header"]) {
                report.skip(*name, "no client with organizations:read given");
            }
        }
    }
    match suite.actor(Kind::Admin) {
        Some(admin) => organization_writes(suite, &admin.client, report).await,
        None => super::skip_all(suite, report, &ORGANIZATION_WRITES, Kind::Admin),
    }
    match suite.actor(Kind::Of(OrganizationKind::FranceTravail)) {
        Some(france_travail) => person_writes(suite, &france_travail.client, report).await,
        None => super::skip_all(suite, report, &PERSON_WRITES, Kind::Of(OrganizationKind::FranceTravail)),
    }
}

async fn send(request: plateforme_client::RequestBuilder<'_>) -> Result<RawResponse, String> {
    request.send().await.map_err(|error| error.to_string())
}

/// Passes when the answer is the problem `code` and names `field` and `rule` in `errors`.
pub(super) fn expect_rule(response: &RawResponse, status: u16, code: &str, field: &str, rule: &str) -> Verdict {
    let problem = expect_problem(response, status, code)?;
    if problem.breaks(field, rule) {
        return Ok(());
    }
    Err(format!("{} answered {code} without the error {field}/{rule}: {problem}", response.context()))
}

async fn reads(suite: &Suite, client: &Client, report: &mut Report) {
    let unknown = fixtures::unknown_id();
    let route = send(client.get(format!("/v1/conformance-{}", suite.run_id))).await;
    report.record("problem.route_not_found", route.and_then(|r| expect_problem(&r, 404, "route_not_found").map(drop)));
    let delete = send(client.request(Method::DELETE, format!("/v1/organizations/{unknown}"))).await;
    report.record("problem.method_not_allowed", delete.and_then(|r| method_not_allowed(&r)));
    let missing = send(client.get(format!("/v1/organizations/{unknown}"))).await;
    report.record("problem.not_found", missing.and_then(|r| expect_problem(&r, 404, "not_found").map(drop)));
    let path = send(client.get("/v1/organizations/not-a-uuid")).await;
    report.record("problem.invalid_path", path.and_then(|r| expect_problem(&r, 400, "invalid_path").map(drop)));
    let limit = send(client.get("/v1/organizations").query("limit", 0)).await;
    report.record(
        "problem.invalid_query",
        limit.and_then(|r| expect_rule(&r, 400, "invalid_query", "limit", "limit.range")),
    );
    let extra = send(client.get("/v1/organizations").query("conformance", 1)).await;
    let rule = |r: RawResponse| expect_rule(&r, 400, "invalid_query", "conformance", "unknown_field");
    report.record("problem.unknown_query_parameter", extra.and_then(rule));
    let cursor = send(client.get("/v1/organizations").query("cursor", "conformance-forged-cursor")).await;
    report.record(
        "problem.invalid_cursor",
        cursor.and_then(|r| expect_rule(&r, 400, "invalid_query", "cursor", "cursor.invalid")),
    );
    report.record("problem.invalid_header", invalid_header(client).await);
    control_characters(client, report).await;
}

/// A NUL in a query parameter, in the path and in the token form: refused with the rule on
/// every backend (PostgreSQL would fail the statement, SQLite store it).
async fn control_characters(client: &Client, report: &mut Report) {
    let query = send(client.get("/v1/organizations").query("cursor", "conformance\u{0}")).await;
    report.record(
        "problem.control_character.query",
        query.and_then(|r| expect_rule(&r, 400, "invalid_query", "cursor", CONTROL_CHARACTER)),
    );
    let path = send(client.get("/v1/organizations/conformance%00")).await;
    report.record(
        "problem.control_character.path",
        path.and_then(|r| expect_rule(&r, 400, "invalid_path", "path", CONTROL_CHARACTER)),
    );
    let form = [("grant_type", "client_credentials"), ("client_id", "conformance\u{0}"), ("client_secret", "x")];
    let token = send(client.post("/oauth/token").anonymous().form(&form)).await;
    report.record("problem.control_character.token_form", token.and_then(|r| oauth_refusal(&r, "invalid_request")));
}

/// Passes when the token endpoint answers the RFC 6749 `error`, naming the rule.
fn oauth_refusal(response: &RawResponse, error: &str) -> Verdict {
    let body: Value = response.json().map_err(|failure| format!("{}: {failure}", response.context()))?;
    let described = body["error_description"].as_str().is_some_and(|text| text.contains(CONTROL_CHARACTER));
    if response.status == 400 && body["error"] == error && described {
        return Ok(());
    }
    Err(format!(
        "{} answered {} {body}, expected 400 {error} naming {CONTROL_CHARACTER}",
        response.context(),
        response.status
    ))
}

fn method_not_allowed(response: &RawResponse) -> Verdict {
    expect_problem(response, 405, "method_not_allowed")?;
    match response.header("allow") {
        Some(allow) if allow.contains("GET") => Ok(()),
        other => Err(format!("Allow is {other:?}, expected the methods of the path (GET, PATCH)")),
    }
}

/// An `If-None-Match` that is not an entity tag, on an organization that exists.
async fn invalid_header(client: &Client) -> Verdict {
    let page = send(client.get("/v1/organizations").query("limit", 1)).await?;
    let page: Value = page.json().map_err(|error| error.to_string())?;
    let Some(id) = page["items"][0]["id"].as_str() else {
        return Err("GET /v1/organizations lists no organization to read".to_owned());
    };
    let response = send(client.get(format!("/v1/organizations/{id}")).header("if-none-match", "1")).await?;
    expect_problem(&response, 400, "invalid_header").map(drop)
}

async fn organization_writes(suite: &Suite, admin: &Client, report: &mut Report) {
    let malformed = send(admin.post("/v1/organizations").body(b"{\"kind\":".to_vec(), "application/json")).await;
    report.record(
        "problem.organizations.malformed_json",
        malformed.and_then(|r| expect_problem(&r, 400, "malformed_json").map(drop)),
    );
    let text =
        send(admin.post("/v1/organizations").body(refused_organization(suite).to_string().into_bytes(), "text/plain"))
            .await;
    report.record(
        "problem.organizations.unsupported_media_type",
        text.and_then(|r| expect_problem(&r, 415, "unsupported_media_type").map(drop)),
    );
    let mut luhn = refused_organization(suite);
    luhn["siret"] = json!("73282932000075");
    let invalid = send(admin.post("/v1/organizations").json(&luhn)).await;
    report.record(
        "problem.organizations.validation_failed",
        invalid.and_then(|r| expect_rule(&r, 422, "validation_failed", "siret", "siret.luhn")),
    );
    let mut extra = refused_organization(suite);
    extra["conformance"] = json!(true);
    let unknown = send(admin.post("/v1/organizations").json(&extra)).await;
    report.record(
        "problem.organizations.unknown_field",
        unknown.and_then(|r| expect_rule(&r, 422, "validation_failed", "conformance", "unknown_field")),
    );
}

/// A valid organization body, which the requests above break one way each.
fn refused_organization(suite: &Suite) -> Value {
    let organization = fixtures::organization(&suite.run_id, "refused", plateforme_client::OrganizationKind::Partner);
    serde_json::to_value(organization).unwrap_or_default()
}

async fn person_writes(suite: &Suite, france_travail: &Client, report: &mut Report) {
    let malformed = send(france_travail.post("/v1/persons").body(b"[".to_vec(), "application/json")).await;
    report.record(
        "problem.persons.malformed_json",
        malformed.and_then(|r| expect_problem(&r, 400, "malformed_json").map(drop)),
    );
    let mut bad_nir = fixtures::person(&suite.run_id, "refused", false);
    bad_nir["nir"] = json!("206036912304512");
    let invalid = send(france_travail.post("/v1/persons").json(&bad_nir)).await;
    report.record(
        "problem.persons.validation_failed",
        invalid.and_then(|r| expect_rule(&r, 422, "validation_failed", "nir", "nir.key")),
    );
    let mut extra = fixtures::person(&suite.run_id, "refused", false);
    extra["conformance"] = json!(true);
    let unknown = send(france_travail.post("/v1/persons").json(&extra)).await;
    report.record(
        "problem.persons.unknown_field",
        unknown.and_then(|r| expect_rule(&r, 422, "validation_failed", "conformance", "unknown_field")),
    );
    let mut nul = fixtures::person(&suite.run_id, "refused", false);
    nul["identity"]["family_name"] = json!("Conformance\u{0}");
    let refused = send(france_travail.post("/v1/persons").json(&nul)).await;
    report.record(
        "problem.persons.control_character",
        refused.and_then(|r| expect_rule(&r, 422, "validation_failed", "identity.family_name", CONTROL_CHARACTER)),
    );
}
