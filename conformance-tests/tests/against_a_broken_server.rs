//! The suite fails precisely on a broken server: a stand-in that publishes the real contract
//! but answers an organization without its `id`, a non-problem error, and no problem for an
//! unknown route. The failures name the operation and the rule broken.

use std::net::TcpListener;

use actix_web::{App, HttpResponse, HttpServer, web};
use plateforme_conformance_tests::checks::{organizations, problems, responses};
use plateforme_conformance_tests::{Outcome, Report, Settings, Suite};
use serde_json::json;

/// A JWT-shaped token (unsigned: the suite only reads its claims) of a partner organization.
const TOKEN: &str = "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJvcmdhbml6YXRpb25faWQiOiIwMTkzNmIyZS04ZjNjLTdhNGUtOWIxZC0yZjZjOGU0YTViN2QiLCJvcmdhbml6YXRpb25fa2luZCI6InBhcnRuZXIifQ.c2ln";

async fn contract() -> HttpResponse {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let document = std::fs::read_to_string(path).expect("the committed contract");
    HttpResponse::Ok().content_type("application/json").body(document)
}

async fn token() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(json!({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 600, "scope": "organizations:read"}))
}

/// A page whose organization lacks its `id`, which the contract requires.
async fn organizations_page() -> HttpResponse {
    HttpResponse::Ok().json(json!({"items": [{"kind": "partner", "name": "Sans identifiant", "siret": "73282932000074",
        "territory": {"regions": ["84"]}, "version": 1,
        "created_at": "2026-11-24T09:30:00Z", "updated_at": "2026-11-24T09:30:00Z"}]}))
}

/// An error that is not a problem document.
async fn not_a_problem() -> HttpResponse {
    HttpResponse::NotFound().json(json!({"error": "no such organization"}))
}

async fn plain_text() -> HttpResponse {
    HttpResponse::NotFound().content_type("text/plain").body("not found")
}

async fn broken_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base_url = format!("http://{}", listener.local_addr().expect("address"));
    let server = HttpServer::new(|| {
        App::new()
            .route("/openapi.json", web::get().to(contract))
            .route("/oauth/token", web::post().to(token))
            .route("/v1/organizations", web::get().to(organizations_page))
            .route("/v1/organizations/{id}", web::get().to(not_a_problem))
            .default_service(web::to(plain_text))
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    actix_web::rt::spawn(server);
    base_url
}

fn failure<'a>(report: &'a Report, name: &str) -> &'a str {
    match report.get(name).map(|result| &result.outcome) {
        Some(Outcome::Fail(why)) => why,
        other => panic!("{name} should fail, got {other:?} in\n{}", report.lines().join("\n")),
    }
}

#[actix_web::test]
async fn failures_name_the_operation_and_the_rule_broken() {
    let base_url = broken_server().await;
    let partner = "partner=conformance-partner:secret".parse().expect("spec");
    let settings = Settings::new(base_url, vec![partner]).expect("settings");
    let mut report = Report::new(false);
    let suite = Suite::connect(&settings, &mut report).await.expect("connect");
    organizations::run(&suite, &mut report).await;
    problems::run(&suite, &mut report).await;
    responses::run(&suite, &mut report).await;

    assert!(report.get("contract.openapi").is_some_and(|result| result.outcome == Outcome::Pass));
    let schema = failure(&report, "schema.list_organizations");
    assert!(schema.contains("GET /v1/organizations (list_organizations) → 200"), "{schema}");
    assert!(schema.contains("$.items[0]: required: property \"id\" is missing"), "{schema}");

    let read = failure(&report, "organizations.read");
    assert!(read.contains("list_organizations") && read.contains("missing field `id`"), "{read}");

    let not_found = failure(&report, "problem.not_found");
    assert!(not_found.contains("answered 404 with application/json, expected application/problem+json"), "{not_found}");
    let format = failure(&report, "responses.problem_format");
    assert!(
        format.contains("(get_organization) → 404: content type application/json, expected application/problem+json"),
        "{format}"
    );
    let route = failure(&report, "problem.route_not_found");
    assert!(route.contains("with text/plain, expected application/problem+json"), "{route}");

    assert_eq!(report.summary(), format!("{} passed, {} failed", report.passed(), report.failed()));
    assert!(report.failed() >= 5 && report.passed() >= 1);
}
