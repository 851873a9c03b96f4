//! Everything held about a person, as they read it with their own token (`/v1/me`) and take it
//! away as one file (`/v1/me/export`): every part of their dossier, every version and every
//! access — and nothing of anyone else's.

use reqwest::Response;
use serde_json::{Value, json};

use crate::consents_and_diagnostic::diagnostic;
use crate::contracts::{contract, review};
use crate::dossier::{france_travail, person, post_as, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(a_person_gets_everything_held_about_them, only_the_person_s_own_token_reads_it);

/// A dossier with every part: a diagnostic with its social part, a contract with a review and a
/// consent. Returns the person's id.
pub async fn full_dossier(app: &TestApp, ft: &TestClient, family_name: &str) -> String {
    let id = register_person(app, ft, &person(family_name, false)).await["id"].as_str().expect("id").to_owned();
    let dossier = format!("/v1/persons/{id}");
    let put = app.client.put(app.url(&format!("{dossier}/diagnostic"))).bearer_auth(&ft.token).json(&diagnostic());
    assert_eq!(put.send().await.expect("PUT").status().as_u16(), 201, "diagnostic");
    let contract = json(post_as(app, ft, &format!("{dossier}/contracts"), &contract()).await).await;
    let contract_id = contract["id"].as_str().expect("contract id");
    let reviewed = post_as(app, ft, &format!("{dossier}/contracts/{contract_id}/reviews"), &review()).await;
    assert_eq!(reviewed.status().as_u16(), 201, "review");
    let consent = json!({"kind": "profile_bank"});
    assert_eq!(post_as(app, ft, &format!("{dossier}/consents"), &consent).await.status().as_u16(), 201, "consent");
    id
}

pub async fn person_token(app: &TestApp, ft: &TestClient, id: &str) -> String {
    let code = json(post_as(app, ft, &format!("/v1/persons/{id}/access-codes"), &json!({})).await).await;
    let form = [
        ("grant_type", "urn:plateforme:params:oauth:grant-type:person-access-code"),
        ("code", code["code"].as_str().expect("code")),
    ];
    let token = json(app.client.post(app.url("/oauth/token")).form(&form).send().await.expect("POST")).await;
    token["access_token"].as_str().expect("token").to_owned()
}

async fn get_with(app: &TestApp, token: &str, path: &str) -> Response {
    app.client.get(app.url(path)).bearer_auth(token).send().await.expect("GET")
}

fn resource_types(data: &Value) -> Vec<&str> {
    let mut types: Vec<&str> =
        data["history"].as_array().expect("history").iter().filter_map(|h| h["resource_type"].as_str()).collect();
    types.sort_unstable();
    types
}

async fn a_person_gets_everything_held_about_them(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = full_dossier(&app, &ft, "Lambert").await;
    let other = full_dossier(&app, &ft, "Rousseau").await;
    let token = person_token(&app, &ft, &id).await;

    let response = get_with(&app, &token, "/v1/me").await;
    assert_eq!(response.status().as_u16(), 200);
    let data = json(response).await;
    assert_eq!(data["dossier"]["id"], id.as_str());
    assert_eq!(data["diagnostic"]["social"], diagnostic()["social"], "the social part is theirs");
    let contracts = data["contracts"].as_array().expect("contracts");
    assert_eq!(contracts.len(), 1);
    assert_eq!(contracts[0]["objectives"], contract()["objectives"]);
    assert_eq!(contracts[0]["reviews"][0]["outcome"], review()["outcome"]);
    assert_eq!(data["consents"][0]["kind"], "profile_bank");
    assert_eq!(resource_types(&data), ["consent", "contract", "diagnostic", "person", "review"]);
    assert!(data["history"].as_array().expect("history").iter().all(|h| h["versions"][0]["action"] == "created"));
    let sections: Vec<&str> =
        data["journal"].as_array().expect("journal").iter().filter_map(|e| e["section"].as_str()).collect();
    assert!(sections.contains(&"access_code") && sections.contains(&"dossier"), "{sections:?}");
    let text = data.to_string();
    assert!(!text.contains(&other), "nothing of another person's dossier");
    assert!(!text.contains("Rousseau"));

    let export = get_with(&app, &token, "/v1/me/export").await;
    assert_eq!(export.status().as_u16(), 200);
    let today = chrono::Utc::now().date_naive();
    let disposition = header(&export, "content-disposition").expect("Content-Disposition");
    assert_eq!(disposition, format!("attachment; filename=\"plateforme-{id}-{today}.json\""));
    assert_eq!(header(&export, "content-type").as_deref(), Some("application/json"));
    let file = json(export).await;
    assert_eq!(
        (&file["dossier"], &file["contracts"], &file["journal"]),
        (&data["dossier"], &data["contracts"], &data["journal"])
    );
}

async fn only_the_person_s_own_token_reads_it(app: TestApp) {
    let ft = france_travail(&app).await;
    full_dossier(&app, &ft, "Lambert").await;
    for path in ["/v1/me", "/v1/me/export"] {
        assert_problem(get_with(&app, &ft.token, path).await, 403, "forbidden").await;
        assert_problem(app.client.get(app.url(path)).send().await.expect("GET"), 401, "unauthorized").await;
    }
}
