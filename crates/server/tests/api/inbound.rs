//! Inbound sync (`POST /v1/persons/batch`): a partner system pushes persons by its own
//! reference, each line with the version it saw; a stale version is a conflict, never an
//! overwrite; a line sent again writes nothing.

use plateforme_model::organization::OrganizationKind::*;
use serde_json::{Value, json};

use crate::dossier::{france_travail, get_as, person};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(
    a_reference_registers_then_updates_at_the_version_seen,
    a_stale_version_is_a_conflict_and_changes_nothing,
    the_same_batch_sent_again_writes_nothing,
    a_mixed_batch_answers_each_line_and_writes_only_the_good_ones,
    an_organization_outside_the_remit_gets_forbidden_lines,
    a_batch_refused_whole_writes_nothing,
    the_erasure_forgets_the_references,
);

const SYSTEM: &str = "solis-rhone";

/// The NDJSON body of these lines.
fn ndjson(lines: &[Value]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// A line registering a person under `reference`.
fn create_line(reference: &str, family_name: &str) -> Value {
    json!({"reference": reference, "system": SYSTEM, "version": null, "person": person(family_name, false)})
}

async fn push_raw(app: &TestApp, client: &TestClient, content_type: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url("/v1/persons/batch"))
        .bearer_auth(&client.token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("POST /v1/persons/batch")
}

/// Pushes the lines and answers the results, asserting a 200.
async fn push(app: &TestApp, client: &TestClient, lines: &[Value]) -> Vec<Value> {
    let response = push_raw(app, client, "application/x-ndjson", ndjson(lines)).await;
    assert_eq!(response.status().as_u16(), 200, "push a batch");
    let answer = json(response).await;
    answer["results"].as_array().expect("results").clone()
}

async fn person_of(app: &TestApp, client: &TestClient, id: &Value) -> (Value, String) {
    let response = get_as(app, client, &format!("/v1/persons/{}", id.as_str().expect("id"))).await;
    assert_eq!(response.status().as_u16(), 200);
    let etag = header(&response, "etag").expect("ETag");
    (json(response).await, etag)
}

async fn history_length(app: &TestApp, client: &TestClient, id: &Value) -> usize {
    let path = format!("/v1/persons/{}/history", id.as_str().expect("id"));
    json(get_as(app, client, &path).await).await["items"].as_array().expect("items").len()
}

async fn a_reference_registers_then_updates_at_the_version_seen(app: TestApp) {
    let ft = france_travail(&app).await;
    let created = push(&app, &ft, &[create_line("R-1", "Inbound")]).await;
    assert_eq!(created[0]["line"], 1);
    assert_eq!(created[0]["reference"], "R-1");
    assert_eq!(created[0]["status"], "created", "{created:?}");
    assert_eq!(created[0]["version"], 1);
    let id = created[0]["id"].clone();
    let (registered, etag) = person_of(&app, &ft, &id).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(registered["registration"]["registered_by"], ft.organization_id.to_string());
    let provenance = &registered["provenance"]["identity.family_name"];
    assert_eq!(provenance["system"], SYSTEM, "{registered}");
    assert_eq!(provenance["client_id"], ft.client_id);

    let update = json!({"reference": "R-1", "system": SYSTEM, "version": 1,
        "person": {"contact": {"phone": "07 11 22 33 44"}}});
    let updated = push(&app, &ft, &[update]).await;
    assert_eq!(updated[0]["status"], "updated", "{updated:?}");
    assert_eq!(updated[0]["id"], id);
    assert_eq!(updated[0]["version"], 2);
    let (after, etag) = person_of(&app, &ft, &id).await;
    assert_eq!(etag, "\"2\"");
    assert_eq!(after["contact"]["phone"], "+33711223344");
    assert_eq!(after["provenance"]["contact.phone"]["system"], SYSTEM);
    assert_eq!(after["provenance"]["contact.phone"]["organization_id"], ft.organization_id.to_string());
    assert_eq!(history_length(&app, &ft, &id).await, 2, "one version per write");

    // Each write is on the change feed, as any write of a person is.
    crate::change_feed::settle(&app).await;
    let follower = app.register(FranceTravail, &["changes:read", "dossier:read"]).await;
    let feed = json(get_as(&app, &follower, "/v1/changes?limit=100").await).await;
    let subject = id.as_str().expect("id");
    let events: Vec<(&str, i64)> = feed["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["subject"] == subject)
        .map(|event| (event["type"].as_str().unwrap_or(""), event["data"]["version"].as_i64().unwrap_or(0)))
        .collect();
    assert_eq!(events, [("fr.plateforme.person.created", 1), ("fr.plateforme.person.updated", 2)], "{feed}");

    // The same reference in another system of the organization is another person's.
    let mut elsewhere = create_line("R-1", "Ailleurs");
    elsewhere["system"] = json!("other-system");
    let other = push(&app, &ft, &[elsewhere]).await;
    assert_eq!(other[0]["status"], "created", "{other:?}");
    assert_ne!(other[0]["id"], id);
}

async fn a_stale_version_is_a_conflict_and_changes_nothing(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = push(&app, &ft, &[create_line("R-2", "Stale")]).await[0]["id"].clone();
    let path = format!("/v1/persons/{}", id.as_str().expect("id"));
    // Someone else writes the person meanwhile: version 2.
    let patched =
        app.patch_as(&ft.token, &path, Some("\"1\""), &json!({"contact": {"email": "new@example.org"}})).await;
    assert_eq!(patched.status().as_u16(), 200);

    let stale = json!({"reference": "R-2", "system": SYSTEM, "version": 1,
        "person": {"contact": {"email": "old@example.org"}}});
    let results = push(&app, &ft, &[stale]).await;
    let result = &results[0];
    assert_eq!(result["status"], "conflict", "{result}");
    assert_eq!(result["id"], id);
    assert_eq!(result["current_version"], 2);
    assert!(result.get("version").is_none(), "nothing written: {result}");
    let problem = &result["problem"];
    assert_eq!(problem["code"], "stale_version");
    assert_eq!(problem["type"], "/problems/stale_version");
    assert_eq!(problem["status"], 409);
    assert_eq!(problem["current_version"], 2);
    assert_eq!(problem["errors"][0]["field"], "version");
    assert_eq!(problem["errors"][0]["rule"], "version.stale");
    assert!(problem["detail"].as_str().expect("detail").contains("version 2"), "{problem}");

    // A known reference without a version would overwrite blind: a conflict too.
    let blind = json!({"reference": "R-2", "system": SYSTEM, "person": {"contact": {"email": "blind@example.org"}}});
    let results = push(&app, &ft, &[blind]).await;
    assert_eq!(results[0]["status"], "conflict");
    assert_eq!(results[0]["problem"]["errors"][0]["rule"], "version.required");
    assert_eq!(results[0]["current_version"], 2);

    // The creation sent again was applied already: nothing to do, the other write kept.
    let results = push(&app, &ft, &[create_line("R-2", "Stale")]).await;
    assert_eq!(results[0]["status"], "unchanged", "{results:?}");
    assert_eq!(results[0]["version"], 2);

    let (after, etag) = person_of(&app, &ft, &id).await;
    assert_eq!(etag, "\"2\"");
    assert_eq!(after["contact"]["email"], "new@example.org", "never silently overwritten");
    assert_eq!(history_length(&app, &ft, &id).await, 2);

    // At the current version, the line applies.
    let current = json!({"reference": "R-2", "system": SYSTEM, "version": 2,
        "person": {"contact": {"email": "partner@example.org"}}});
    let results = push(&app, &ft, &[current]).await;
    assert_eq!(results[0]["status"], "updated", "{results:?}");
    assert_eq!(results[0]["version"], 3);
}

async fn the_same_batch_sent_again_writes_nothing(app: TestApp) {
    let ft = france_travail(&app).await;
    let first = push(&app, &ft, &[create_line("R-3", "Idem"), create_line("R-4", "Potent")]).await;
    assert_eq!(first[0]["status"], "created");
    assert_eq!(first[1]["status"], "created");
    let update = json!({"reference": "R-3", "system": SYSTEM, "version": 1,
        "person": {"contact": {"email": "idem@example.org"}}});
    let batch = [create_line("R-4", "Potent"), update];
    let applied = push(&app, &ft, &batch).await;
    assert_eq!(applied[0]["status"], "unchanged", "the creation sent again: {applied:?}");
    assert_eq!(applied[0]["id"], first[1]["id"]);
    assert_eq!(applied[0]["version"], 1);
    assert_eq!(applied[1]["status"], "updated");
    assert_eq!(applied[1]["version"], 2);

    let again = push(&app, &ft, &batch).await;
    for (before, after) in applied.iter().zip(&again) {
        assert_eq!(after["status"], "unchanged", "{after}");
        assert_eq!(after["id"], before["id"]);
        assert_eq!(after["version"], before["version"]);
        assert!(after.get("problem").is_none());
    }
    assert_eq!(history_length(&app, &ft, &first[0]["id"]).await, 2, "no second version");
    assert_eq!(history_length(&app, &ft, &first[1]["id"]).await, 1);
    let probe = json!({"family_name": "Potent", "given_names": "Léa", "birth_date": "2006-03-14"});
    let response =
        app.client.post(app.url("/v1/persons/match")).bearer_auth(&ft.token).json(&probe).send().await.expect("match");
    assert_eq!(json(response).await["matches"].as_array().map(Vec::len), Some(1), "no second person");

    // With an Idempotency-Key, the batch sent again answers its first answer.
    let keyed = [create_line("R-5", "Cle")];
    let send = |body: String| {
        app.client
            .post(app.url("/v1/persons/batch"))
            .bearer_auth(&ft.token)
            .header("content-type", "application/x-ndjson")
            .header("idempotency-key", "inbound-batch-1")
            .body(body)
            .send()
    };
    let first = json(send(ndjson(&keyed)).await.expect("POST")).await;
    assert_eq!(first["results"][0]["status"], "created");
    let replayed = send(ndjson(&keyed)).await.expect("POST");
    assert_eq!(header(&replayed, "idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(json(replayed).await, first, "the first answer again");
    let reused = send(ndjson(&[create_line("R-6", "Autre")])).await.expect("POST");
    assert_problem(reused, 422, "idempotency_key_reused").await;

    // The batch, with the whole-batch answer: the counts.
    let response = push_raw(&app, &ft, "application/x-ndjson", ndjson(&batch)).await;
    let answer = json(response).await;
    assert_eq!(answer["summary"]["unchanged"], 2, "{answer}");
    assert_eq!(answer["summary"]["created"], 0);
}

async fn a_mixed_batch_answers_each_line_and_writes_only_the_good_ones(app: TestApp) {
    // A département registers its RSA beneficiaries only; it may not write the sensitive parts.
    let departement = app.register(Departement, &["dossier:read", "dossier:write"]).await;
    let mut good = create_line("D-1", "Bonne");
    good["person"]["statuses"]["rsa_beneficiary"] = json!(true);
    let mut invalid = create_line("D-2", "Invalide");
    invalid["person"]["statuses"]["rsa_beneficiary"] = json!(true);
    invalid["person"]["identity"]["birth_date"] = json!("2999-01-01");
    let not_rsa = create_line("D-3", "Pas-Rsa");
    let mut sensitive = create_line("D-4", "Sensible");
    sensitive["person"]["statuses"] = json!({"rsa_beneficiary": true, "rqth": true});
    let unknown_member = json!({"reference": "D-5", "person": {}, "extra": 1});
    let body = format!("{}\n\n{}\nnot json at all\n{}\n{}\n{}\n", good, invalid, not_rsa, sensitive, unknown_member);
    let response = push_raw(&app, &departement, "application/x-ndjson", body).await;
    assert_eq!(response.status().as_u16(), 200);
    let answer = json(response).await;
    let results = answer["results"].as_array().expect("results");
    let lines: Vec<(i64, &str)> = results
        .iter()
        .map(|result| (result["line"].as_i64().expect("line"), result["status"].as_str().expect("status")))
        .collect();
    assert_eq!(
        lines,
        [(1, "created"), (3, "invalid"), (4, "invalid"), (5, "forbidden"), (6, "forbidden"), (7, "invalid")],
        "{answer}"
    );
    assert_eq!(results[1]["reference"], "D-2");
    assert_eq!(results[1]["problem"]["code"], "validation_failed");
    assert!(
        results[1]["problem"]["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|error| error["field"] == "person.identity.birth_date"),
        "fields named from the line: {}",
        results[1]
    );
    assert_eq!(results[2]["problem"]["code"], "malformed_json");
    assert!(results[2].get("reference").is_none());
    assert_eq!(results[3]["problem"]["code"], "forbidden");
    assert_eq!(results[4]["problem"]["code"], "forbidden");
    assert_eq!(results[5]["reference"], "D-5");
    assert_eq!(results[5]["problem"]["errors"][0]["field"], "extra", "{}", results[5]);
    assert_eq!(
        answer["summary"],
        json!({"created": 1, "updated": 0, "unchanged": 0, "conflict": 0, "invalid": 3, "forbidden": 2})
    );

    // Only the good line was written: the others, sent right, are new references.
    let ft = france_travail(&app).await;
    let probe = json!({"family_name": "Sensible", "given_names": "Léa", "birth_date": "2006-03-14"});
    let response =
        app.client.post(app.url("/v1/persons/match")).bearer_auth(&ft.token).json(&probe).send().await.expect("match");
    assert_eq!(json(response).await["matches"], json!([]));
    let (created, _) = person_of(&app, &departement, &results[0]["id"]).await;
    assert_eq!(created["identity"]["family_name"], "Bonne");

    // A registration already known is the same conflict as POST /v1/persons's.
    let duplicate = create_line("D-6", "Bonne");
    let results = push(&app, &ft, &[duplicate]).await;
    assert_eq!(results[0]["status"], "conflict", "{results:?}");
    assert_eq!(results[0]["problem"]["code"], "conflict");
    assert_eq!(results[0]["problem"]["existing_id"], created["id"]);
}

async fn an_organization_outside_the_remit_gets_forbidden_lines(app: TestApp) {
    let region = app.register(Region, &["dossier:read", "dossier:write"]).await;
    let results = push(&app, &region, &[create_line("G-1", "Region")]).await;
    assert_eq!(results[0]["status"], "forbidden", "{results:?}");
    assert_eq!(results[0]["problem"]["code"], "forbidden");

    // Without the scope of person writes the batch is refused whole; so is a body not NDJSON.
    let ft = france_travail(&app).await;
    let reader = app.register(MissionLocale, &["dossier:read"]).await;
    let response = push_raw(&app, &reader, "application/x-ndjson", ndjson(&[create_line("G-2", "Scope")])).await;
    assert_problem(response, 403, "forbidden").await;
    // A dossier whose processing is limited is not written by a line either.
    let id = push(&app, &ft, &[create_line("G-4", "Limitee")]).await[0]["id"].clone();
    let path = format!("/v1/persons/{}/limitation", id.as_str().expect("id"));
    let response =
        app.client.put(app.url(&path)).bearer_auth(&ft.token).header("if-match", "\"1\"").send().await.expect("PUT");
    assert_eq!(response.status().as_u16(), 200, "limit the processing");
    let update =
        json!({"reference": "G-4", "system": SYSTEM, "version": 2, "person": {"contact": {"email": "l@example.org"}}});
    let results = push(&app, &ft, &[update]).await;
    assert_eq!(results[0]["status"], "forbidden", "{results:?}");
    assert_eq!(results[0]["id"], id);
    assert_eq!(results[0]["problem"]["code"], "processing_limited");

    let response = push_raw(&app, &ft, "application/json", ndjson(&[create_line("G-3", "Media")])).await;
    let problem = assert_problem(response, 415, "unsupported_media_type").await;
    assert!(problem["detail"].as_str().expect("detail").contains("application/x-ndjson"));
}

async fn a_batch_refused_whole_writes_nothing(app: TestApp) {
    let ft = france_travail(&app).await;
    let response = push_raw(&app, &ft, "application/x-ndjson", "\n  \n".to_owned()).await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "batch.empty");

    let mut lines = vec![create_line("L-1", "Limite")];
    lines.extend((0..1_000).map(|n| json!({"reference": format!("L-{n}"), "person": {}})));
    let response = push_raw(&app, &ft, "application/x-ndjson", ndjson(&lines)).await;
    let problem = assert_problem(response, 413, "payload_too_large").await;
    assert_eq!(problem["errors"][0]["rule"], "batch.too_many_lines");
    let results = push(&app, &ft, &[create_line("L-1", "Limite")]).await;
    assert_eq!(results[0]["status"], "created", "the refused batch wrote nothing: {results:?}");

    // A line over the body limit is refused alone.
    let long = json!({"reference": "L-long", "person": {"padding": "x".repeat(1024 * 1024 + 1)}});
    let results = push(&app, &ft, &[long, create_line("L-2", "Apres")]).await;
    assert_eq!(results[0]["status"], "invalid");
    assert_eq!(results[0]["problem"]["errors"][0]["rule"], "line.too_long");
    assert_eq!(results[1]["status"], "created");

    let oversized = "x".repeat(16 * 1024 * 1024 + 1);
    let response = push_raw(&app, &ft, "application/x-ndjson", oversized).await;
    assert_problem(response, 413, "payload_too_large").await;
}

async fn the_erasure_forgets_the_references(app: TestApp) {
    let ft = france_travail(&app).await;
    let id = push(&app, &ft, &[create_line("E-1", "Efface")]).await[0]["id"].clone();
    let path = format!("/v1/persons/{}", id.as_str().expect("id"));
    let response = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&ft.token)
        .header("if-match", "\"1\"")
        .send()
        .await
        .expect("DELETE");
    assert_eq!(response.status().as_u16(), 204, "{}", response.text().await.unwrap_or_default());
    let results = push(&app, &ft, &[create_line("E-1", "Efface")]).await;
    assert_eq!(results[0]["status"], "created", "{results:?}");
    assert_ne!(results[0]["id"], id);
}
