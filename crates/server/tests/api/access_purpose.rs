//! Why each access was made: the purpose the operation declares and the caller's own words
//! (`Access-Purpose`), journaled with the access and shown to the person; a malformed purpose
//! is refused before anything is read, written or journaled.

use serde_json::{Value, json};

use crate::dossier::{france_travail, person, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, json};
use crate::my_data::person_token;
use crate::on_both_backends;

on_both_backends!(each_access_records_why, a_malformed_purpose_changes_nothing);

async fn get_with_purpose(app: &TestApp, client: &TestClient, path: &str, purpose: &str) -> reqwest::Response {
    // As bytes: a header may carry non-ASCII bytes (obs-text), which the purpose refuses.
    let value = reqwest::header::HeaderValue::from_bytes(purpose.as_bytes()).expect("a header value");
    let request = app.client.get(app.url(path)).bearer_auth(&client.token).header("access-purpose", value);
    request.send().await.expect("GET")
}

/// The person's journal, as they read it.
async fn journal(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.client.get(app.url("/v1/me/journal?limit=100")).bearer_auth(token).send().await.expect("GET");
    json(response).await["items"].as_array().expect("items").clone()
}

async fn each_access_records_why(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = register_person(&app, &ft, &person("Garnier", false)).await["id"].as_str().expect("id").to_owned();
    let read = get_with_purpose(&app, &ft, &format!("/v1/persons/{id}"), "entretien de suivi 2026-042").await;
    assert_eq!(read.status().as_u16(), 200);
    let token = person_token(&app, &ft, &id).await;

    let entries = journal(&app, &token).await;
    let why: Vec<(&str, &str, Option<&str>)> = entries
        .iter()
        .map(|e| {
            (e["section"].as_str().unwrap_or(""), e["purpose"].as_str().unwrap_or(""), e["stated_purpose"].as_str())
        })
        .collect();
    assert_eq!(
        why,
        [
            ("dossier", "accompaniment", None),
            ("dossier", "accompaniment", Some("entretien de suivi 2026-042")),
            ("access_code", "person_access", None),
        ],
        "registration, the read with its stated purpose, the access code"
    );
    let matched = app
        .client
        .post(app.url("/v1/persons/match"))
        .bearer_auth(&ft.token)
        .header("access-purpose", "doublon ?")
        .json(&json!({"family_name": "Garnier", "given_names": "Léa", "birth_date": person("Garnier", false)["identity"]["birth_date"]}))
        .send()
        .await
        .expect("POST");
    assert_eq!(matched.status().as_u16(), 200);
    let last = journal(&app, &token).await.pop().expect("an entry");
    assert_eq!((last["section"].as_str(), last["purpose"].as_str()), (Some("match"), Some("identification")));
    assert_eq!(last["stated_purpose"], "doublon ?");
}

async fn a_malformed_purpose_changes_nothing(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = register_person(&app, &ft, &person("Garnier", false)).await["id"].as_str().expect("id").to_owned();
    let token = person_token(&app, &ft, &id).await;
    let before = journal(&app, &token).await.len();
    let too_long = "x".repeat(201);
    // (Spaces around a header's value are HTTP's, not the purpose's: they never reach it.)
    for purpose in ["entretien à l'agence", too_long.as_str()] {
        let read = get_with_purpose(&app, &ft, &format!("/v1/persons/{id}"), purpose).await;
        let problem = assert_problem(read, 400, "invalid_header").await;
        assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("Access-Purpose")), "{problem}");
    }
    let patch = app
        .client
        .patch(app.url(&format!("/v1/persons/{id}")))
        .bearer_auth(&ft.token)
        .header("if-match", "\"1\"")
        .header("content-type", "application/merge-patch+json")
        .header("access-purpose", too_long.as_str())
        .body(r#"{"contact": {"phone": "0612345678"}}"#)
        .send()
        .await
        .expect("PATCH");
    assert_problem(patch, 400, "invalid_header").await;
    assert_eq!(journal(&app, &token).await.len(), before, "nothing journaled");
    let dossier =
        json(app.client.get(app.url(&format!("/v1/persons/{id}"))).bearer_auth(&ft.token).send().await.expect("GET"))
            .await;
    assert_eq!(dossier["version"], 1, "nothing written");
}
