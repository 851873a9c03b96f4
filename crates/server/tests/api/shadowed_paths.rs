//! A literal path segment wins over a template: `GET /v1/offers/batch` and
//! `PATCH /v1/persons/match` name the paths the contract documents under POST, so they answer
//! 405 with `Allow`, not 400 for an id `batch` or `match`; real ids still reach their handlers.

use plateforme_model::organization::OrganizationKind;
use reqwest::Method;
use serde_json::json;

use crate::dossier::{france_travail, get_as, person, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json as body_of, siret};

crate::on_both_backends!(
    a_method_missing_on_a_literal_path_is_not_taken_by_the_template,
    real_ids_still_reach_the_template,
);

async fn send(app: &TestApp, client: &TestClient, method: Method, path: &str) -> reqwest::Response {
    app.client.request(method, app.url(path)).bearer_auth(&client.token).json(&json!({})).send().await.expect("send")
}

async fn a_method_missing_on_a_literal_path_is_not_taken_by_the_template(app: TestApp) {
    let board = app.register(OrganizationKind::Partner, &["offers:write", "offers:read"]).await;
    let ft = france_travail(&app).await;
    for (client, method, path) in [(&board, Method::GET, "/v1/offers/batch"), (&ft, Method::PATCH, "/v1/persons/match")]
    {
        let response = send(&app, client, method.clone(), path).await;
        assert_eq!(header(&response, "allow").as_deref(), Some("POST"), "{method} {path}");
        let problem = assert_problem(response, 405, "method_not_allowed").await;
        assert_eq!(problem["instance"], path);
    }
}

async fn real_ids_still_reach_the_template(app: TestApp) {
    let board = app.register(OrganizationKind::Partner, &["offers:write", "offers:read"]).await;
    let publication = json!({
        "source": {"system": "jobboard", "reference": "SHADOW-1"},
        "offer": {
            "title": "Développeur web",
            "description": "Vous développez les services en ligne de nos clients.",
            "rome_code": "M1805",
            "contract_type": "cdi",
            "workplace": {"commune": "69266"},
            "employer": {"name": "Atelier Numérique", "siret": siret(4343), "naf": "62.01Z"}
        }
    });
    let published = app.client.post(app.url("/v1/offers")).bearer_auth(&board.token).json(&publication).send().await;
    let published = body_of(published.expect("POST /v1/offers")).await;
    let offer = format!("/v1/offers/{}", published["offer"]["id"].as_str().expect("offer id"));
    let read = app.client.get(app.url(&offer)).bearer_auth(&board.token).send().await.expect("GET offer");
    assert_eq!(read.status().as_u16(), 200, "GET {offer}");

    let ft = france_travail(&app).await;
    let registered = register_person(&app, &ft, &person("Martin", false)).await;
    let path = format!("/v1/persons/{}", registered["id"].as_str().expect("person id"));
    assert_eq!(get_as(&app, &ft, &path).await.status().as_u16(), 200, "GET {path}");
}
