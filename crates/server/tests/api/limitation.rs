//! Limitation of processing (RGPD article 18, issue 20 item 10): an organization that may write a
//! dossier limits it while a request of the person is examined. The dossier is kept, but every
//! read and write of it by an organization answers 423 `processing_limited`, but lifting the
//! limitation and the erasure; the person still reads their own; each step is a version of the
//! person and an `updated` event on the change feed. Refused requests change nothing.

use plateforme_model::organization::OrganizationKind::{FranceTravail, MissionLocale};
use plateforme_store::dossier::persons::{self, StoredPerson};
use plateforme_store::{Actor, StoreError, WriteContext, write};
use reqwest::Response;
use serde_json::{Value, json};

use crate::dossier::{DOSSIER_SCOPES, france_travail, get_as, post_as};
use crate::erasure::{erase, erase_expired, held};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::my_data::{full_dossier, person_token};
use crate::on_both_backends;

on_both_backends!(
    a_limited_dossier_is_kept_but_neither_read_nor_written,
    a_refused_limitation_changes_nothing,
    a_limited_dossier_can_be_erased_but_the_daily_job_keeps_it,
    an_update_prepared_before_the_limitation_is_refused_by_its_own_statement,
);

/// `PUT` (limit) or `DELETE` (lift) of the dossier's limitation.
async fn limitation(app: &TestApp, client: &TestClient, method: &str, id: &str, if_match: Option<&str>) -> Response {
    let url = app.url(&format!("/v1/persons/{id}/limitation"));
    let mut request = match method {
        "PUT" => app.client.put(url),
        _ => app.client.delete(url),
    }
    .bearer_auth(&client.token);
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request.send().await.expect("limitation")
}

async fn etag_of(app: &TestApp, client: &TestClient, id: &str) -> String {
    let response = get_as(app, client, &format!("/v1/persons/{id}")).await;
    assert_eq!(response.status().as_u16(), 200);
    header(&response, "etag").expect("ETag")
}

/// Every organization's read and write of the dossier's parts: (method, path, body).
fn dossier_operations(id: &str, contract_id: &str) -> Vec<(&'static str, String, Value)> {
    let person = format!("/v1/persons/{id}");
    let contract = format!("{person}/contracts/{contract_id}");
    vec![
        ("GET", person.clone(), Value::Null),
        ("GET", format!("{person}/history"), Value::Null),
        ("GET", format!("{person}/timeline"), Value::Null),
        ("GET", format!("{person}/diagnostic"), Value::Null),
        ("GET", format!("{person}/contracts"), Value::Null),
        ("GET", contract.clone(), Value::Null),
        ("GET", format!("{contract}/reviews"), Value::Null),
        ("GET", format!("{person}/consents"), Value::Null),
        ("PATCH", person.clone(), json!({"contact": {"phone": "07 11 22 33 44"}})),
        ("PUT", format!("{person}/diagnostic"), crate::consents_and_diagnostic::diagnostic()),
        ("PATCH", contract, json!({"status": "signed"})),
        ("POST", format!("{person}/contracts"), crate::contracts::contract()),
        ("POST", format!("{person}/consents"), json!({"kind": "profile_bank"})),
        ("POST", format!("{person}/access-codes"), json!({})),
    ]
}

async fn send(app: &TestApp, client: &TestClient, method: &str, path: &str, body: &Value, tag: &str) -> Response {
    let url = app.url(path);
    let request = match method {
        "GET" => return get_as(app, client, path).await,
        "POST" => return post_as(app, client, path, body).await,
        "PUT" => app.client.put(url),
        _ => app.client.patch(url).header("content-type", "application/merge-patch+json"),
    };
    let request = request.bearer_auth(&client.token).header("if-match", tag);
    let request = if method == "PUT" { request.json(body) } else { request.body(body.to_string()) };
    request.send().await.expect("write")
}

async fn first_contract(app: &TestApp, client: &TestClient, id: &str) -> String {
    let contracts = json(get_as(app, client, &format!("/v1/persons/{id}/contracts")).await).await;
    contracts["items"][0]["id"].as_str().expect("contract id").to_owned()
}

async fn a_limited_dossier_is_kept_but_neither_read_nor_written(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = full_dossier(&app, &ft, "Lambert").await;
    let contract_id = first_contract(&app, &ft, &id).await;
    let token = person_token(&app, &ft, &id).await;
    let etag = etag_of(&app, &ft, &id).await;
    let before = held(&app, &id).await;

    let limited = limitation(&app, &ft, "PUT", &id, Some(&etag)).await;
    assert_eq!(limited.status().as_u16(), 200);
    let limited_tag = header(&limited, "etag").expect("ETag");
    let body = json(limited).await;
    assert_eq!(body["person_id"], id.as_str());
    assert!(body["limited_at"].is_string(), "limited since now: {body}");
    let version = body["version"].as_i64().expect("version");
    assert_eq!(limited_tag, format!("\"{version}\""));

    for (method, path, body) in dossier_operations(&id, &contract_id) {
        let refused = send(&app, &ft, method, &path, &body, &limited_tag).await;
        let problem = assert_problem(refused, 423, "processing_limited").await;
        assert_eq!(problem["current_version"], version, "{method} {path} names the version to lift with");
    }
    let probe = json!({"family_name": "Lambert", "given_names": "Léa Marie", "birth_date": "2006-03-14"});
    let found = json(post_as(&app, &ft, "/v1/persons/match", &probe).await).await;
    assert_eq!(found["matches"], json!([]), "the match leaves a limited dossier out");
    let listed = json(get_as(&app, &ft, "/v1/persons?unoriented_for_days=30").await).await;
    assert!(!listed["items"].as_array().expect("items").iter().any(|person| person["id"] == id.as_str()));
    for mine in ["/v1/me", "/v1/me/dossier", "/v1/me/journal", "/v1/me/export"] {
        let response = app.client.get(app.url(mine)).bearer_auth(&token).send().await.expect("GET");
        assert_eq!(response.status().as_u16(), 200, "the person still reads {mine}");
    }

    let again = limitation(&app, &ft, "PUT", &id, Some(&limited_tag)).await;
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(json(again).await["version"], version, "limiting a limited dossier changes nothing");

    let during = held(&app, &id).await;
    assert_eq!(during.rows, before.rows, "the dossier is kept");
    let ft_client = &ft.client_id;
    assert_eq!(&during.events[before.events.len()..], [format!("person:updated:{ft_client}")], "one event");
    let limited_versions = |history: &[String], value: &str| {
        history.iter().filter(|changes| changes.contains(&format!(r#""limited_at":{value}"#))).count()
    };
    assert_eq!(limited_versions(&during.history, "\""), 1, "the history says it: {:?}", during.history);
    assert_eq!(during.journal.last().map(String::as_str), Some("limitation"), "journaled");

    let lifted = limitation(&app, &ft, "DELETE", &id, Some(&limited_tag)).await;
    assert_eq!(lifted.status().as_u16(), 200);
    let lifted_tag = header(&lifted, "etag").expect("ETag");
    let body = json(lifted).await;
    assert_eq!(body["limited_at"], Value::Null);
    assert_eq!(body["version"], version + 1);
    let after = held(&app, &id).await;
    assert_eq!(&after.events[during.events.len()..], [format!("person:updated:{ft_client}")], "one event");
    assert_eq!(limited_versions(&after.history, "null"), 1, "the history says it: {:?}", after.history);
    let again = limitation(&app, &ft, "DELETE", &id, Some(&lifted_tag)).await;
    assert_eq!(json(again).await["version"], version + 1, "lifting twice changes nothing");
    for (method, path, _) in dossier_operations(&id, &contract_id).into_iter().filter(|(method, ..)| *method == "GET") {
        assert_eq!(send(&app, &ft, method, &path, &Value::Null, "").await.status().as_u16(), 200, "{path} again");
    }
}

async fn a_refused_limitation_changes_nothing(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = full_dossier(&app, &ft, "Lambert").await;
    let etag = etag_of(&app, &ft, &id).await;
    let outsider = app.register(MissionLocale, DOSSIER_SCOPES).await;
    let reader = app.register(FranceTravail, &["dossier:read"]).await;
    let before = held(&app, &id).await;

    for method in ["PUT", "DELETE"] {
        assert_problem(limitation(&app, &ft, method, &id, None).await, 428, "precondition_required").await;
        assert_problem(limitation(&app, &ft, method, &id, Some("\"9\"")).await, 412, "precondition_failed").await;
        assert_problem(limitation(&app, &ft, method, &id, Some("9")).await, 400, "invalid_header").await;
        assert_problem(limitation(&app, &outsider, method, &id, Some(&etag)).await, 404, "not_found").await;
        assert_problem(limitation(&app, &reader, method, &id, Some(&etag)).await, 403, "forbidden").await;
        let no_one = "0190a5c4-7e1f-7a2b-9c3d-4e5f60718293";
        assert_problem(limitation(&app, &ft, method, no_one, Some(&etag)).await, 404, "not_found").await;
        assert_problem(limitation(&app, &ft, method, "not-an-id", Some(&etag)).await, 400, "invalid_path").await;
    }
    assert_eq!(held(&app, &id).await, before, "nothing changed");

    let limited = limitation(&app, &ft, "PUT", &id, Some(&etag)).await;
    let limited_tag = header(&limited, "etag").expect("ETag");
    let during = held(&app, &id).await;
    assert_problem(get_as(&app, &outsider, &format!("/v1/persons/{id}")).await, 404, "not_found").await;
    assert_problem(limitation(&app, &outsider, "DELETE", &id, Some(&limited_tag)).await, 404, "not_found").await;
    assert_problem(limitation(&app, &ft, "DELETE", &id, Some(&etag)).await, 412, "precondition_failed").await;
    assert_eq!(held(&app, &id).await, during, "still limited, nothing changed");
    let still = get_as(&app, &ft, &format!("/v1/persons/{id}")).await;
    assert_problem(still, 423, "processing_limited").await;
}

async fn a_limited_dossier_can_be_erased_but_the_daily_job_keeps_it(app: TestApp) {
    let ft = france_travail(&app).await;
    let erased = full_dossier(&app, &ft, "Lambert").await;
    let kept = full_dossier(&app, &ft, "Rousseau").await;
    for id in [&erased, &kept] {
        let etag = etag_of(&app, &ft, id).await;
        assert_eq!(limitation(&app, &ft, "PUT", id, Some(&etag)).await.status().as_u16(), 200);
    }
    let path = format!("/v1/persons/{erased}");
    let problem = assert_problem(get_as(&app, &ft, &path).await, 423, "processing_limited").await;
    let tag = format!("\"{}\"", problem["current_version"]);
    assert_eq!(erase(&app, &ft, &path, Some(&tag)).await.status().as_u16(), 204, "the erasure passes");
    assert_eq!(held(&app, &erased).await.rows, [0, 0, 0, 0, 0, 0]);

    let tomorrow = plateforme_model::ids::now() + chrono::Duration::days(1);
    assert_eq!(erase_expired(&app, tomorrow).await, 0, "a limited dossier is kept past its retention");
    assert_eq!(held(&app, &kept).await.rows, [1, 1, 1, 1, 1, 0], "the person, diagnostic, contract, review, consent");
}

/// A dossier update checks no limitation before its statement (`access::commit_record`): the
/// `UPDATE` itself refuses a limited dossier. A write prepared from the version read before the
/// limitation, and one prepared at the limited version, both answer `ProcessingLimited` with the
/// current version, and change nothing; a stale version of an unlimited dossier answers
/// `VersionMismatch`.
async fn an_update_prepared_before_the_limitation_is_refused_by_its_own_statement(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = full_dossier(&app, &ft, "Perrin").await;
    let person_id = id.parse().expect("uuid");
    let find = |app: &TestApp| -> StoredPerson {
        app.store.run_blocking(|conn| persons::find(conn, person_id)).expect("find").expect("the person")
    };
    let update = |app: &TestApp, current: &StoredPerson| -> Result<StoredPerson, StoreError> {
        let mut record = current.record.clone();
        record.contact.phone = Some(serde_json::from_value(json!("+33700000001")).expect("a phone"));
        let context = WriteContext::of(Actor { client_id: "limitation-test".into(), organization_id: None });
        let expected = current.version;
        app.store.run_blocking(|conn| {
            write::transaction(conn, |conn| {
                persons::update(
                    conn,
                    &context,
                    current,
                    expected,
                    record,
                    json!({"contact": {"phone": "+33700000001"}}),
                )
            })
        })
    };
    let before = find(&app);
    let stale = StoredPerson { version: before.version - 1, ..before.clone() };
    match update(&app, &stale) {
        Err(StoreError::VersionMismatch { current }) => assert_eq!(current, before.version),
        other => panic!("a stale version is refused: {other:?}"),
    }

    let etag = etag_of(&app, &ft, &id).await;
    assert_eq!(limitation(&app, &ft, "PUT", &id, Some(&etag)).await.status().as_u16(), 200);
    let limited = find(&app);
    for prepared in [&before, &limited] {
        match update(&app, prepared) {
            Err(StoreError::ProcessingLimited { current }) => assert_eq!(current, limited.version),
            other => panic!("the update of version {} is refused: {other:?}", prepared.version),
        }
    }
    let after = find(&app);
    assert_eq!((after.version, &after.record), (limited.version, &limited.record), "nothing changed");
}
