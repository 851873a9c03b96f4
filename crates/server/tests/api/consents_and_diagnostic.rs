//! The diagnostic (with its sensitive social part) and consents end to end: scopes that withhold
//! rather than refuse, If-Match, validation rules, a partner's access opened and closed by
//! consent at once, and one journal entry per access.

use futures_util::future::join_all;
use plateforme_model::organization::OrganizationKind;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(
    a_diagnostic_reads_back_with_its_social_part,
    without_the_social_scopes_the_social_part_is_withheld_or_refused,
    a_replaced_diagnostic_needs_the_current_etag,
    an_invalid_diagnostic_names_the_rule_broken,
    a_consent_opens_the_dossier_to_a_partner_until_withdrawn,
    consents_are_checked_and_not_given_twice,
    every_access_is_journaled_once,
    concurrent_writers_make_one_record,
);

const ALL_SCOPES: &[&str] = &["dossier:read", "dossier:write", "dossier.social:read", "dossier.social:write"];

async fn france_travail(app: &TestApp, scopes: &[&str]) -> TestClient {
    app.register(OrganizationKind::FranceTravail, scopes).await
}

/// Registers a person (the `n`th of the test, each with a birth date of its own); returns the id.
async fn register_person(app: &TestApp, client: &TestClient, n: u32) -> String {
    let body = json!({
        "identity": {"family_name": "Martin", "given_names": "Léa", "birth_date": format!("2006-03-{:02}", n + 1),
            "birth_commune": "69123"},
        "contact": {"address": {"line": "12 rue de la République", "postal_code": "69002", "commune": "69123"}},
        "registration": {"registered_on": "2026-11-02", "channel": "counter"}
    });
    let response = send(app, &client.token, reqwest::Method::POST, "/v1/persons", None, Some(&body)).await;
    assert_eq!(response.status().as_u16(), 201, "register a person");
    json(response).await["id"].as_str().expect("id").to_owned()
}

async fn send(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    if_match: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request")
}

async fn get(app: &TestApp, client: &TestClient, path: &str) -> Response {
    send(app, &client.token, reqwest::Method::GET, path, None, None).await
}

async fn put_diagnostic(
    app: &TestApp,
    client: &TestClient,
    person: &str,
    if_match: Option<&str>,
    body: &Value,
) -> Response {
    let path = format!("/v1/persons/{person}/diagnostic");
    send(app, &client.token, reqwest::Method::PUT, &path, if_match, Some(body)).await
}

async fn post(app: &TestApp, client: &TestClient, path: &str, body: Option<&Value>) -> Response {
    send(app, &client.token, reqwest::Method::POST, path, None, body).await
}

fn professional() -> Value {
    json!({"target_rome_codes": ["M1805", "M1810"], "skills": ["Développement web", "SQL"],
        "qualification_level": "bac_plus_2", "experience_months": 18, "autonomy_level": "medium"})
}

fn social() -> Value {
    json!({"mobility": {"severity": "high", "note": "Pas de permis B"}, "housing": {"severity": "none"}})
}

pub fn diagnostic() -> Value {
    json!({"professional": professional(), "social": social()})
}

async fn a_diagnostic_reads_back_with_its_social_part(app: TestApp) {
    let counsellor = france_travail(&app, ALL_SCOPES).await;
    let person = register_person(&app, &counsellor, 0).await;
    let path = format!("/v1/persons/{person}/diagnostic");
    assert_problem(get(&app, &counsellor, &path).await, 404, "not_found").await;

    let created = put_diagnostic(&app, &counsellor, &person, None, &diagnostic()).await;
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(header(&created, "location").as_deref(), Some(path.as_str()));
    assert_eq!(header(&created, "etag").as_deref(), Some("\"1\""));
    let created = json(created).await;
    assert_eq!(created["professional"], professional());
    assert_eq!(created["social"], social());
    assert_eq!(created["social_withheld"], false);
    assert_eq!(created["provenance"]["social"]["client_id"], counsellor.client_id.as_str());

    let read = get(&app, &counsellor, &path).await;
    assert_eq!(read.status().as_u16(), 200);
    assert_eq!(header(&read, "etag").as_deref(), Some("\"1\""));
    assert_eq!(json(read).await, created);
    let unchanged = app.get_if_none_match(&counsellor.token, &path, "\"1\"").await;
    assert_eq!(unchanged.status().as_u16(), 304);

    let missing = get(&app, &counsellor, &format!("/v1/persons/{}/diagnostic", uuid::Uuid::now_v7())).await;
    assert_problem(missing, 404, "not_found").await;
}

async fn without_the_social_scopes_the_social_part_is_withheld_or_refused(app: TestApp) {
    let counsellor = france_travail(&app, ALL_SCOPES).await;
    let person = register_person(&app, &counsellor, 0).await;
    let path = format!("/v1/persons/{person}/diagnostic");
    assert_eq!(put_diagnostic(&app, &counsellor, &person, None, &diagnostic()).await.status().as_u16(), 201);

    let plain = france_travail(&app, &["dossier:read", "dossier:write"]).await;
    let read = get(&app, &plain, &path).await;
    assert_eq!(read.status().as_u16(), 200, "withheld, not refused");
    let read = json(read).await;
    assert!(read.get("social").is_none(), "{read}");
    assert_eq!(read["social_withheld"], true);
    assert!(read["provenance"].get("social").is_none(), "who wrote the social part is withheld too");
    assert_eq!(read["professional"], professional());

    for body in [diagnostic(), json!({"professional": professional(), "social": null})] {
        let refused =
            assert_problem(put_diagnostic(&app, &plain, &person, Some("\"1\""), &body).await, 403, "forbidden").await;
        assert!(refused["detail"].as_str().is_some_and(|detail| detail.contains("dossier.social:write")), "{refused}");
    }

    let mut other = professional();
    other["experience_months"] = json!(24);
    let updated = put_diagnostic(&app, &plain, &person, Some("\"1\""), &json!({"professional": other})).await;
    assert_eq!(updated.status().as_u16(), 200);
    let updated = json(updated).await;
    assert_eq!((updated["version"].clone(), updated["social_withheld"].clone()), (json!(2), json!(true)));
    assert!(updated.get("social").is_none());

    let full = json(get(&app, &counsellor, &path).await).await;
    assert_eq!(full["social"], social(), "a write without `social` keeps the social part");
    assert_eq!(full["professional"]["experience_months"], 24);
    assert_eq!(full["provenance"]["professional"]["client_id"], plain.client_id.as_str());
    assert_eq!(full["provenance"]["social"]["client_id"], counsellor.client_id.as_str());

    let removed =
        put_diagnostic(&app, &counsellor, &person, Some("\"2\""), &json!({"professional": other, "social": null}))
            .await;
    assert_eq!(removed.status().as_u16(), 200);
    let removed = json(removed).await;
    assert!(removed.get("social").is_none() && removed["social_withheld"] == json!(false), "{removed}");
}

async fn a_replaced_diagnostic_needs_the_current_etag(app: TestApp) {
    let counsellor = france_travail(&app, ALL_SCOPES).await;
    let person = register_person(&app, &counsellor, 0).await;
    let before_creation = put_diagnostic(&app, &counsellor, &person, Some("\"1\""), &diagnostic()).await;
    assert_problem(before_creation, 412, "precondition_failed").await;
    assert_eq!(put_diagnostic(&app, &counsellor, &person, None, &diagnostic()).await.status().as_u16(), 201);

    let mut other = diagnostic();
    other["professional"]["autonomy_level"] = json!("high");
    assert_problem(put_diagnostic(&app, &counsellor, &person, None, &other).await, 428, "precondition_required").await;
    let stale = assert_problem(
        put_diagnostic(&app, &counsellor, &person, Some("\"7\""), &other).await,
        412,
        "precondition_failed",
    )
    .await;
    assert_eq!(stale["current_version"], 1);

    let replaced = put_diagnostic(&app, &counsellor, &person, Some("\"1\""), &other).await;
    assert_eq!(replaced.status().as_u16(), 200);
    assert_eq!(header(&replaced, "etag").as_deref(), Some("\"2\""));
    assert_eq!(json(replaced).await["professional"]["autonomy_level"], "high");
    let same = put_diagnostic(&app, &counsellor, &person, Some("\"2\""), &other).await;
    assert_eq!(header(&same, "etag").as_deref(), Some("\"2\""), "a write that changes nothing makes no version");

    let timeline = json(get(&app, &counsellor, &format!("/v1/persons/{person}/timeline")).await).await;
    let events: Vec<(String, String)> = timeline["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|event| event["resource_type"] == "diagnostic")
        .map(|event| (event["action"].as_str().unwrap_or("").to_owned(), event["version"].to_string()))
        .collect();
    assert_eq!(events, [("created".to_owned(), "1".to_owned()), ("updated".to_owned(), "2".to_owned())]);
}

async fn an_invalid_diagnostic_names_the_rule_broken(app: TestApp) {
    let counsellor = france_travail(&app, ALL_SCOPES).await;
    let person = register_person(&app, &counsellor, 0).await;
    let mut rome = diagnostic();
    rome["professional"]["target_rome_codes"] = json!(["M1805", "m1810"]);
    let mut severity = diagnostic();
    severity["social"]["mobility"]["severity"] = json!("extreme");
    let mut note = diagnostic();
    note["social"]["housing"]["note"] = json!("x".repeat(1001));
    let cases = [
        (rome, "professional.target_rome_codes[1]", "rome.format"),
        (severity, "social.mobility.severity", "enum"),
        (note, "social.housing.note", "note.too_long"),
    ];
    for (body, field, rule) in cases {
        let problem =
            assert_problem(put_diagnostic(&app, &counsellor, &person, None, &body).await, 422, "validation_failed")
                .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["rule"], rule, "{problem}");
    }
    let path = format!("/v1/persons/{person}/diagnostic");
    assert_problem(get(&app, &counsellor, &path).await, 404, "not_found").await;
}

async fn a_consent_opens_the_dossier_to_a_partner_until_withdrawn(app: TestApp) {
    let counsellor = france_travail(&app, ALL_SCOPES).await;
    let partner = app.register(OrganizationKind::Partner, &["dossier:read"]).await;
    let person = register_person(&app, &counsellor, 0).await;
    let dossier = format!("/v1/persons/{person}");
    assert_problem(get(&app, &partner, &dossier).await, 404, "not_found").await;

    let sharing = json!({"kind": "dossier_sharing", "partner_organization_id": partner.organization_id});
    let given = post(&app, &counsellor, &format!("{dossier}/consents"), Some(&sharing)).await;
    assert_eq!(given.status().as_u16(), 201);
    let location = header(&given, "location").expect("Location");
    let given = json(given).await;
    assert_eq!(location, format!("{dossier}/consents/{}", given["id"].as_str().expect("id")));
    assert_eq!((given["active"].clone(), given["version"].clone()), (json!(true), json!(1)));
    assert_eq!(json(get(&app, &counsellor, &location).await).await, given);
    assert_eq!(get(&app, &partner, &dossier).await.status().as_u16(), 200, "shared by consent");

    let withdraw = format!("{location}/withdraw");
    let withdrawn = post(&app, &counsellor, &withdraw, None).await;
    assert_eq!(withdrawn.status().as_u16(), 200);
    assert_eq!(header(&withdrawn, "etag").as_deref(), Some("\"2\""));
    let withdrawn = json(withdrawn).await;
    assert_eq!(withdrawn["active"], false);
    assert!(withdrawn["withdrawn_at"].is_string());
    assert_problem(get(&app, &partner, &dossier).await, 404, "not_found").await;

    let twice = assert_problem(post(&app, &counsellor, &withdraw, None).await, 409, "conflict").await;
    assert_eq!(twice["errors"][0]["rule"], "consent.already_withdrawn", "{twice}");
    assert!(twice["detail"].as_str().is_some_and(|detail| detail.contains("withdrawn already")), "{twice}");
    let unknown = format!("{dossier}/consents/{}/withdraw", uuid::Uuid::now_v7());
    assert_problem(post(&app, &counsellor, &unknown, None).await, 404, "not_found").await;

    let listed = json(get(&app, &counsellor, &format!("{dossier}/consents")).await).await;
    assert_eq!(listed["items"], json!([withdrawn]));
    let timeline = json(get(&app, &counsellor, &format!("{dossier}/timeline")).await).await;
    let consent_events =
        timeline["items"].as_array().expect("items").iter().filter(|e| e["resource_type"] == "consent");
    assert_eq!(consent_events.count(), 2, "given, then withdrawn");
}

async fn consents_are_checked_and_not_given_twice(app: TestApp) {
    let counsellor = france_travail(&app, ALL_SCOPES).await;
    let partner = app.register(OrganizationKind::Partner, &["dossier:read"]).await;
    let person = register_person(&app, &counsellor, 0).await;
    let consents = format!("/v1/persons/{person}/consents");

    let bank = json!({"kind": "profile_bank"});
    let first = json(post(&app, &counsellor, &consents, Some(&bank)).await).await;
    let again = assert_problem(post(&app, &counsellor, &consents, Some(&bank)).await, 409, "conflict").await;
    assert_eq!(again["existing_id"], first["id"]);
    assert_eq!(again["errors"][0]["rule"], "consent.already_active");

    let sharing = json!({"kind": "dossier_sharing", "partner_organization_id": partner.organization_id});
    assert_eq!(post(&app, &counsellor, &consents, Some(&sharing)).await.status().as_u16(), 201, "another kind");
    assert_problem(post(&app, &counsellor, &consents, Some(&sharing)).await, 409, "conflict").await;

    let cases = [
        (json!({"kind": "dossier_sharing", "partner_organization_id": uuid::Uuid::now_v7()}), "organization.unknown"),
        (json!({"kind": "dossier_sharing"}), "partner_organization_id.required"),
        (
            json!({"kind": "profile_bank", "partner_organization_id": partner.organization_id}),
            "partner_organization_id.not_applicable",
        ),
        (json!({"kind": "newsletter"}), "enum"),
    ];
    for (body, rule) in cases {
        let problem =
            assert_problem(post(&app, &counsellor, &consents, Some(&body)).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["rule"], rule, "{problem}");
    }

    let withdraw = format!("{consents}/{}/withdraw", first["id"].as_str().expect("id"));
    assert_eq!(post(&app, &counsellor, &withdraw, None).await.status().as_u16(), 200);
    let renewed = post(&app, &counsellor, &consents, Some(&bank)).await;
    assert_eq!(renewed.status().as_u16(), 201, "a withdrawn consent may be given again");
    let renewed = json(renewed).await;
    assert_ne!(renewed["id"], first["id"]);

    let active = json(get(&app, &counsellor, &format!("{consents}?active=true")).await).await;
    assert_eq!(active["items"].as_array().map(Vec::len), Some(2));
    let withdrawn = json(get(&app, &counsellor, &format!("{consents}?active=false")).await).await;
    assert_eq!(withdrawn["items"][0]["id"], first["id"]);
    let page = get(&app, &counsellor, &format!("{consents}?limit=2")).await;
    assert!(crate::helpers::next_link(&page).is_some_and(|next| next.contains("cursor=")));
    assert_eq!(json(page).await["items"].as_array().map(Vec::len), Some(2));

    let reader = app.register(OrganizationKind::Partner, &["dossier:read"]).await;
    assert_problem(post(&app, &reader, &consents, Some(&bank)).await, 403, "forbidden").await;
}

async fn every_access_is_journaled_once(app: TestApp) {
    let counsellor = france_travail(&app, ALL_SCOPES).await;
    let plain = france_travail(&app, &["dossier:read", "dossier:write"]).await;
    let partner = app.register(OrganizationKind::Partner, &["dossier:read"]).await;
    let person = register_person(&app, &counsellor, 0).await;
    let path = format!("/v1/persons/{person}/diagnostic");
    let consents = format!("/v1/persons/{person}/consents");

    assert_eq!(put_diagnostic(&app, &counsellor, &person, None, &diagnostic()).await.status().as_u16(), 201);
    assert_eq!(get(&app, &counsellor, &path).await.status().as_u16(), 200);
    assert_eq!(get(&app, &plain, &path).await.status().as_u16(), 200);
    // Refused requests touch no data, so they leave no entry.
    assert_eq!(put_diagnostic(&app, &plain, &person, Some("\"1\""), &diagnostic()).await.status().as_u16(), 403);
    assert_eq!(get(&app, &partner, &path).await.status().as_u16(), 404);
    let sharing = json!({"kind": "dossier_sharing", "partner_organization_id": partner.organization_id});
    let consent = json(post(&app, &counsellor, &consents, Some(&sharing)).await).await;
    assert_eq!(get(&app, &partner, &path).await.status().as_u16(), 200);
    assert_eq!(get(&app, &counsellor, &consents).await.status().as_u16(), 200);
    let withdraw = format!("{consents}/{}/withdraw", consent["id"].as_str().expect("id"));
    assert_eq!(post(&app, &counsellor, &withdraw, None).await.status().as_u16(), 200);
    assert_eq!(post(&app, &counsellor, &withdraw, None).await.status().as_u16(), 409);

    let journal = json(app.get(&format!("/v1/admin/journal?person_id={person}&limit=100")).await).await;
    let mut entries: Vec<String> = journal["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|entry| format!("{} {} {}", entry["client_id"].as_str().unwrap_or(""), entry["action"], entry["section"]))
        .collect();
    entries.sort();
    let entry =
        |client: &TestClient, action: &str, section: &str| format!("{} \"{action}\" \"{section}\"", client.client_id);
    let mut expected = vec![
        entry(&counsellor, "write", "dossier"),
        entry(&counsellor, "write", "diagnostic+social"),
        entry(&counsellor, "read", "diagnostic+social"),
        entry(&plain, "read", "diagnostic"),
        entry(&counsellor, "write", "consents"),
        entry(&partner, "read", "diagnostic"),
        entry(&counsellor, "read", "consents"),
        entry(&counsellor, "write", "consents"),
    ];
    expected.sort();
    assert_eq!(entries, expected);
}

async fn concurrent_writers_make_one_record(app: TestApp) {
    let counsellor = france_travail(&app, ALL_SCOPES).await;
    let person = register_person(&app, &counsellor, 0).await;
    let consents = format!("/v1/persons/{person}/consents");
    let bank = json!({"kind": "profile_bank"});
    let gives = join_all((0..4).map(|_| post(&app, &counsellor, &consents, Some(&bank)))).await;
    let statuses: Vec<u16> = gives.iter().map(|response| response.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|status| **status == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|status| [201, 409].contains(status)), "{statuses:?}");
    let listed = json(get(&app, &counsellor, &consents).await).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));

    let body = diagnostic();
    let firsts = join_all((0..4).map(|_| put_diagnostic(&app, &counsellor, &person, None, &body))).await;
    let statuses: Vec<u16> = firsts.iter().map(|response| response.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|status| **status == 201).count(), 1, "{statuses:?}");
    // The others were not based on the diagnostic that won: they must read it first.
    assert!(statuses.iter().all(|status| [201, 412, 428].contains(status)), "{statuses:?}");
    let read = get(&app, &counsellor, &format!("/v1/persons/{person}/diagnostic")).await;
    assert_eq!(header(&read, "etag").as_deref(), Some("\"1\""));
}
