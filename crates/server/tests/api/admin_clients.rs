//! The admin API for clients: registration with the secret shown once, rotation, disabling,
//! validation; and demo credentials refused by a production server.

use plateforme_model::organization::OrganizationKind;
use plateforme_server::seed;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json};
use crate::on_both_backends;

on_both_backends!(a_registered_client_gets_tokens_until_rotated_or_disabled, bad_registrations_are_refused);

on_both_backends!(
    with plateforme_server::config::Config {
        profile: plateforme_auth::Profile::Production,
        ..plateforme_server::config::Config::default()
    };
    demo_clients_are_refused_in_production,
);

on_both_backends!(demo_clients_work_in_development);

async fn register(app: &TestApp, body: &Value) -> reqwest::Response {
    app.post_json("/v1/admin/clients", body).await
}

async fn token_status(app: &TestApp, client_id: &str, secret: &str) -> u16 {
    let form = [("grant_type", "client_credentials")];
    let response =
        app.client.post(app.url("/oauth/token")).basic_auth(client_id, Some(secret)).form(&form).send().await;
    response.expect("POST /oauth/token").status().as_u16()
}

async fn a_registered_client_gets_tokens_until_rotated_or_disabled(app: TestApp) {
    let admin = app.admin.clone().expect("admin");
    let body = json!({"organization_id": admin.organization_id, "name": "SI partenaire", "client_id": "si-partenaire",
        "scopes": ["organizations:read", "offers:read"], "rate_limit_per_minute": 100});
    let created = register(&app, &body).await;
    assert_eq!(created.status().as_u16(), 201);
    let created = json(created).await;
    let secret = created["client_secret"].as_str().expect("secret shown once").to_owned();
    assert_eq!(created["client"]["client_id"], "si-partenaire");
    assert_eq!(created["client"]["scopes"], json!(["organizations:read", "offers:read"]));
    assert_eq!(token_status(&app, "si-partenaire", &secret).await, 200);

    let read = json(app.get("/v1/admin/clients/si-partenaire").await).await;
    assert!(read.get("client_secret").is_none() && read.get("secret_hash").is_none(), "{read}");
    assert_eq!(read["enabled"], true);
    let listed = json(app.get(&format!("/v1/admin/clients?organization_id={}", admin.organization_id)).await).await;
    let ids: Vec<&str> =
        listed["items"].as_array().expect("items").iter().filter_map(|c| c["client_id"].as_str()).collect();
    assert!(ids.contains(&"si-partenaire") && ids.contains(&admin.client_id.as_str()), "{ids:?}");

    let duplicate = register(&app, &body).await;
    assert_problem(duplicate, 409, "conflict").await;

    let rotated =
        app.client.post(app.url("/v1/admin/clients/si-partenaire/rotate-secret")).bearer_auth(&app.token).send().await;
    let rotated = json(rotated.expect("POST")).await;
    let new_secret = rotated["client_secret"].as_str().expect("new secret").to_owned();
    assert_ne!(new_secret, secret);
    assert_eq!(token_status(&app, "si-partenaire", &secret).await, 401, "the old secret stops at once");
    assert_eq!(token_status(&app, "si-partenaire", &new_secret).await, 200);

    let disable =
        app.client.post(app.url("/v1/admin/clients/si-partenaire/disable")).bearer_auth(&app.token).send().await;
    assert_eq!(disable.expect("POST").status().as_u16(), 200);
    assert_eq!(token_status(&app, "si-partenaire", &new_secret).await, 401);
    let enable =
        app.client.post(app.url("/v1/admin/clients/si-partenaire/enable")).bearer_auth(&app.token).send().await;
    assert_eq!(json(enable.expect("POST")).await["version"], 4, "created, rotated, disabled, enabled");
    assert_eq!(token_status(&app, "si-partenaire", &new_secret).await, 200);

    let missing = app.client.post(app.url("/v1/admin/clients/nobody/disable")).bearer_auth(&app.token).send().await;
    assert_problem(missing.expect("POST"), 404, "not_found").await;
}

async fn bad_registrations_are_refused(app: TestApp) {
    let admin = app.admin.clone().expect("admin");
    let cases = [
        (
            json!({"organization_id": admin.organization_id, "name": "x", "scopes": ["dossier:delete"]}),
            "scopes[0]",
            "scopes.unknown",
        ),
        (json!({"organization_id": admin.organization_id, "name": "x", "scopes": []}), "scopes", "scopes.empty"),
        (
            json!({"organization_id": admin.organization_id, "name": " ", "scopes": ["offers:read"]}),
            "name",
            "name.length",
        ),
        (
            json!({"organization_id": admin.organization_id, "name": "x", "scopes": ["offers:read"], "client_id": "a b"}),
            "client_id",
            "client_id.format",
        ),
        (
            json!({"organization_id": admin.organization_id, "name": "x", "scopes": ["offers:read"], "rate_limit_per_minute": 0}),
            "rate_limit_per_minute",
            "rate_limit.range",
        ),
        (
            json!({"organization_id": uuid::Uuid::now_v7(), "name": "x", "scopes": ["offers:read"]}),
            "organization_id",
            "organization.unknown",
        ),
        (
            json!({"organization_id": admin.organization_id, "name": "x", "scopes": ["offers:read"], "secret": "mine"}),
            "secret",
            "unknown_field",
        ),
    ];
    for (body, field, rule) in cases {
        let problem = assert_problem(register(&app, &body).await, 422, "validation_failed").await;
        assert_eq!(
            (problem["errors"][0]["field"].as_str(), problem["errors"][0]["rule"].as_str()),
            (Some(field), Some(rule)),
            "{body}"
        );
    }
    let listed = json(app.get(&format!("/v1/admin/clients?organization_id={}", admin.organization_id)).await).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1), "nothing registered but the admin");
}

async fn seed_demo(app: &TestApp) {
    let store = app.store.clone();
    actix_web::rt::task::spawn_blocking(move || seed::seed_demo(&store, 1000).expect("seed")).await.expect("seed task");
}

async fn demo_clients_are_refused_in_production(app: TestApp) {
    seed_demo(&app).await;
    let form = [("grant_type", "client_credentials")];
    let refused = app
        .client
        .post(app.url("/oauth/token"))
        .basic_auth("demo-mission-locale", Some("demo-mission-locale-secret"))
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status().as_u16(), 401);
    let body = json(refused).await;
    assert_eq!(body["error"], "invalid_client");
    assert!(body["error_description"].as_str().unwrap_or("").contains("production"), "{body}");
}

async fn demo_clients_work_in_development(app: TestApp) {
    seed_demo(&app).await;
    seed_demo(&app).await;
    for client in [
        "demo-france-travail",
        "demo-mission-locale",
        "demo-cap-emploi",
        "demo-departement",
        "demo-region",
        "demo-partner",
        "demo-employer",
        "demo-state-service",
        "demo-training-provider",
        "demo-admin",
    ] {
        assert_eq!(token_status(&app, client, &format!("{client}-secret")).await, 200, "{client}");
    }
    let organizations = json(app.get("/v1/organizations?limit=100").await).await;
    let demo = organizations["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|o| o["name"].as_str().is_some_and(|n| n.ends_with("(démo)")))
        .count();
    assert_eq!(demo, OrganizationKind::ALL.len(), "seeding twice creates nothing twice");
}
