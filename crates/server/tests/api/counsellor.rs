//! Which counsellor acts: the partner system's opaque identifier in `Counsellor-Id`, recorded
//! in the journal with each access and in the history with each write, and shown to the person;
//! a malformed one is refused before anything is read, written or journaled.

use serde_json::{Value, json};

use crate::dossier::{france_travail, person, register_person};
use crate::helpers::{TestApp, assert_problem, json};
use crate::my_data::person_token;
use crate::on_both_backends;

on_both_backends!(each_write_names_its_counsellor, a_malformed_counsellor_changes_nothing);

/// The person's journal, as they read it.
pub async fn my_journal(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.client.get(app.url("/v1/me/journal?limit=100")).bearer_auth(token).send().await.expect("GET");
    json(response).await["items"].as_array().expect("items").clone()
}

async fn each_write_names_its_counsellor(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = register_person(&app, &ft, &person("Garnier", false)).await["id"].as_str().expect("id").to_owned();
    let path = format!("/v1/persons/{id}");
    let patch = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&ft.token)
        .header("if-match", "\"1\"")
        .header("content-type", "application/merge-patch+json")
        .header("counsellor-id", "AGT-0042")
        .body(r#"{"contact": {"phone": "0711223344"}}"#)
        .send()
        .await
        .expect("PATCH");
    assert_eq!(patch.status().as_u16(), 200);
    let read = app.client.get(app.url(&path)).bearer_auth(&ft.token).header("counsellor-id", "c.durand@ft");
    assert_eq!(read.send().await.expect("GET").status().as_u16(), 200);

    let history =
        json(app.client.get(app.url(&format!("{path}/history"))).bearer_auth(&ft.token).send().await.expect("GET"))
            .await;
    let counsellors: Vec<&Value> =
        history["items"].as_array().expect("items").iter().map(|v| &v["counsellor"]).collect();
    assert_eq!(
        counsellors,
        [&Value::Null, &json!("AGT-0042")],
        "the registration named none, the change its counsellor"
    );

    let token = person_token(&app, &ft, &id).await;
    let entries = my_journal(&app, &token).await;
    let seen: Vec<(&str, &str, Option<&str>)> = entries
        .iter()
        .map(|e| (e["section"].as_str().unwrap_or(""), e["action"].as_str().unwrap_or(""), e["counsellor"].as_str()))
        .collect();
    assert_eq!(
        &seen[..3],
        [("dossier", "write", None), ("dossier", "write", Some("AGT-0042")), ("dossier", "read", Some("c.durand@ft"))]
    );
}

async fn a_malformed_counsellor_changes_nothing(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = register_person(&app, &ft, &person("Garnier", false)).await["id"].as_str().expect("id").to_owned();
    let token = person_token(&app, &ft, &id).await;
    let before = my_journal(&app, &token).await.len();
    let too_long = "x".repeat(65);
    for counsellor in ["Camille Durand", "-AGT", too_long.as_str()] {
        let patch = app
            .client
            .patch(app.url(&format!("/v1/persons/{id}")))
            .bearer_auth(&ft.token)
            .header("if-match", "\"1\"")
            .header("content-type", "application/merge-patch+json")
            .header("counsellor-id", counsellor)
            .body(r#"{"contact": {"phone": "0612345678"}}"#)
            .send()
            .await
            .expect("PATCH");
        let problem = assert_problem(patch, 400, "invalid_header").await;
        assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("Counsellor-Id")), "{problem}");
    }
    assert_eq!(my_journal(&app, &token).await.len(), before, "nothing journaled");
    let dossier =
        json(app.client.get(app.url(&format!("/v1/persons/{id}"))).bearer_auth(&ft.token).send().await.expect("GET"))
            .await;
    assert_eq!(dossier["version"], 1, "nothing written");
}
