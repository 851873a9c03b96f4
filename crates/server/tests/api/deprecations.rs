//! A deprecated operation (docs/versions.md): the contract marks it and states its sunset, and
//! each of its responses carries `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and
//! `Link: rel="deprecation"`. No operation of `/v1` is deprecated today: the test serves a
//! contract with a deprecation of its own, on a second server over the test's database.

use chrono::NaiveDate;
use plateforme_server::config::Config;
use plateforme_server::deprecations::{self, Deprecation};
use plateforme_server::openapi;
use serde_json::Value;

use crate::helpers::{TestApp, create_organization, header, unique_number};
use crate::on_both_backends;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a day")
}

async fn a_deprecated_operation_announces_its_sunset(app: TestApp) {
    create_organization(&app, unique_number()).await;
    let mut document = openapi::document();
    let deprecation = Deprecation {
        operation_id: "list_organizations".to_owned(),
        deprecated_on: day("2026-12-01"),
        sunset: day("2027-06-30"),
        link: "/portail/changements".to_owned(),
    };
    deprecations::mark(&mut document, &[deprecation]);
    let server = app.replica_serving(&Config::default(), document).await;
    let get = |path: &str| app.client.get(format!("{server}{path}")).bearer_auth(&app.token).send();

    let response = get("/v1/organizations?limit=1").await.expect("GET the organizations");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "deprecation").as_deref(), Some("@1796083200"));
    assert_eq!(header(&response, "sunset").as_deref(), Some("Wed, 30 Jun 2027 00:00:00 GMT"));
    let links: Vec<&str> = response.headers().get_all("link").iter().filter_map(|value| value.to_str().ok()).collect();
    assert!(links.contains(&"</portail/changements>; rel=\"deprecation\""), "{links:?}");
    assert!(links.iter().any(|link| link.contains("rel=\"next\"")), "the page's own link stays: {links:?}");

    // Another operation, even on the same path's neighbour, says nothing of it.
    let id = app.admin.as_ref().expect("the administrator").organization_id;
    let other = get(&format!("/v1/organizations/{id}")).await.expect("GET an organization");
    assert_eq!(other.status().as_u16(), 200);
    assert!(header(&other, "deprecation").is_none() && header(&other, "sunset").is_none());
    // Nor does the same operation on a server whose contract deprecates nothing.
    let plain = app.get("/v1/organizations?limit=1").await;
    assert!(header(&plain, "deprecation").is_none() && header(&plain, "sunset").is_none());

    // The served contract says it.
    let contract: Value = get("/openapi.json").await.expect("GET the contract").json().await.expect("the contract");
    let operation = &contract["paths"]["/v1/organizations"]["get"];
    assert_eq!(operation["deprecated"], true);
    assert_eq!(operation["x-sunset"], "2027-06-30");
    assert_eq!(operation["x-deprecated-on"], "2026-12-01");
    assert_eq!(operation["externalDocs"]["url"], "/portail/changements");
    let description = operation["description"].as_str().unwrap_or_default();
    assert!(description.contains("removed on 2027-06-30 (sunset)"), "{description}");
}

on_both_backends!(a_deprecated_operation_announces_its_sunset);
