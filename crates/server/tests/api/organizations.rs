//! Organizations end to end: ETag, If-Match, 304, idempotent replay, pagination, history,
//! business-key conflicts and concurrent writers.

use futures_util::future::join_all;
use plateforme_store::changes;
use serde_json::json;

use crate::helpers::{TestApp, all_organizations, create_organization, header, json, next_link, organization};
use crate::on_both_backends;

on_both_backends!(
    created_organizations_read_back_with_their_etag,
    a_merge_patch_needs_the_current_etag,
    a_retried_post_returns_the_first_response,
    pages_cover_every_record_once,
    history_records_who_changed_what,
    a_known_siret_answers_409_with_the_existing_id,
    concurrent_creations_of_one_siret_give_one_record,
    concurrent_patches_of_one_version_let_one_win,
    every_mutation_writes_one_change_event,
);

async fn created_organizations_read_back_with_their_etag(app: TestApp) {
    let response = app.post_json("/v1/organizations", &organization(1)).await;
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"1\""));
    let location = header(&response, "location").expect("Location");
    let created = json(response).await;
    assert_eq!(location, format!("/v1/organizations/{}", created["id"].as_str().expect("id")));
    assert_eq!(created["version"], 1);
    assert_eq!(created["territory"]["communes"], json!(["69123"]));

    let read = app.get(&location).await;
    assert_eq!(read.status().as_u16(), 200);
    assert_eq!(header(&read, "etag").as_deref(), Some("\"1\""));
    assert_eq!(json(read).await, created);

    let unchanged = app.get_if_none_match(&app.token, &location, "\"1\"").await;
    assert_eq!(unchanged.status().as_u16(), 304);
    assert_eq!(header(&unchanged, "etag").as_deref(), Some("\"1\""));
    let stale = app.get_if_none_match(&app.token, &location, "\"0\"").await;
    assert_eq!(stale.status().as_u16(), 200);
}

async fn a_merge_patch_needs_the_current_etag(app: TestApp) {
    let created = create_organization(&app, 1).await;
    let path = format!("/v1/organizations/{}", created["id"].as_str().expect("id"));
    let patch = json!({"name": "Mission locale de Lyon Métropole", "territory": {"communes": null}});

    let updated = app.patch(&path, Some("\"1\""), &patch).await;
    assert_eq!(updated.status().as_u16(), 200);
    assert_eq!(header(&updated, "etag").as_deref(), Some("\"2\""));
    let updated = json(updated).await;
    assert_eq!(updated["name"], "Mission locale de Lyon Métropole");
    assert_eq!(updated["territory"]["communes"], json!([]), "null removes the member, which defaults to empty");
    assert_eq!(updated["territory"]["departements"], json!(["69"]), "members not named are kept");
    assert_eq!(updated["created_at"], created["created_at"]);

    let same = app.patch(&path, Some("\"2\""), &json!({"name": "Mission locale de Lyon Métropole"})).await;
    assert_eq!(same.status().as_u16(), 200);
    assert_eq!(header(&same, "etag").as_deref(), Some("\"2\""), "a patch that changes nothing makes no version");
    assert_eq!(json(app.get(&path).await).await, updated);
}

async fn a_retried_post_returns_the_first_response(app: TestApp) {
    let send = |body: serde_json::Value| {
        app.client
            .post(app.url("/v1/organizations"))
            .bearer_auth(&app.token)
            .header("idempotency-key", "retry-1")
            .json(&body)
            .send()
    };
    let first = send(organization(1)).await.expect("POST");
    assert_eq!(first.status().as_u16(), 201);
    assert_eq!(header(&first, "idempotent-replayed"), None);
    let first_location = header(&first, "location");
    let first = json(first).await;

    let retry = send(organization(1)).await.expect("POST");
    assert_eq!(retry.status().as_u16(), 201);
    assert_eq!(header(&retry, "idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(header(&retry, "location"), first_location);
    assert_eq!(header(&retry, "etag").as_deref(), Some("\"1\""));
    assert_eq!(json(retry).await, first);
    assert_eq!(all_organizations(&app).await.len(), 1, "a retry never makes a second record");

    let other = send(organization(2)).await.expect("POST");
    crate::helpers::assert_problem(other, 422, "idempotency_key_reused").await;
    assert_eq!(all_organizations(&app).await.len(), 1);
}

async fn pages_cover_every_record_once(app: TestApp) {
    for n in 0..5 {
        create_organization(&app, n).await;
    }
    let mut seen = Vec::new();
    let mut next = Some("/v1/organizations?limit=2&kind=mission_locale".to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let response = app.get(&path).await;
        assert_eq!(response.status().as_u16(), 200);
        next = next_link(&response);
        let page = json(response).await;
        assert_eq!(page["next_cursor"].is_string(), next.is_some(), "body and Link agree");
        if let Some(next) = &next {
            assert!(next.contains("kind=mission_locale") && next.contains("limit=2"), "filters are kept: {next}");
        }
        for item in page["items"].as_array().expect("items") {
            seen.push(item["id"].as_str().expect("id").to_owned());
        }
        pages += 1;
        if pages == 1 {
            // Records added while paging come after those already listed.
            create_organization(&app, 5).await;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 6, "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "stable order, no record twice");

    let other_kind = json(app.get("/v1/organizations?kind=region").await).await;
    assert_eq!(other_kind["items"], json!([]));
}

async fn history_records_who_changed_what(app: TestApp) {
    let created = create_organization(&app, 1).await;
    let path = format!("/v1/organizations/{}", created["id"].as_str().expect("id"));
    let renamed = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&app.token)
        .header("content-type", "application/merge-patch+json")
        .header("if-match", "\"1\"")
        .header("x-request-id", "rename-request-1")
        .body(json!({"name": "Renamed"}).to_string())
        .send()
        .await
        .expect("PATCH");
    assert_eq!(header(&renamed, "x-request-id").as_deref(), Some("rename-request-1"));
    assert_eq!(renamed.status().as_u16(), 200);
    assert_eq!(
        app.patch(&path, Some("\"2\""), &json!({"territory": {"departements": ["69", "01"]}})).await.status(),
        200
    );

    let history = json(app.get(&format!("{path}/history")).await).await;
    let versions = history["items"].as_array().expect("items");
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[0]["action"], "created");
    assert_eq!(versions[0]["changes"]["siret"], created["siret"]);
    assert_eq!(versions[1]["action"], "updated");
    assert_eq!(versions[1]["changes"], json!({"name": "Renamed"}));
    assert_eq!(versions[1]["request_id"], "rename-request-1");
    let admin = app.admin.as_ref().expect("admin client");
    assert_eq!(versions[1]["actor"], admin.client_id.as_str(), "the client that made the change");
    assert_eq!(versions[1]["actor_organization"], admin.organization_id.to_string());
    assert_eq!(versions[2]["changes"], json!({"territory": {"departements": ["69", "01"]}}));

    let paged = app.get(&format!("{path}/history?limit=2")).await;
    let next = next_link(&paged).expect("a second page");
    assert_eq!(json(paged).await["items"].as_array().map(Vec::len), Some(2));
    let last = json(app.get(&next).await).await;
    assert_eq!(last["items"][0]["version"], 3);
}

async fn a_known_siret_answers_409_with_the_existing_id(app: TestApp) {
    let created = create_organization(&app, 1).await;
    let mut again = organization(1);
    again["name"] = json!("Another name, same establishment");
    let problem =
        crate::helpers::assert_problem(app.post_json("/v1/organizations", &again).await, 409, "conflict").await;
    assert_eq!(problem["existing_id"], created["id"]);

    let other = create_organization(&app, 2).await;
    let path = format!("/v1/organizations/{}", other["id"].as_str().expect("id"));
    let taken = app.patch(&path, Some("\"1\""), &json!({"siret": created["siret"]})).await;
    let problem = crate::helpers::assert_problem(taken, 409, "conflict").await;
    assert_eq!(problem["existing_id"], created["id"]);
    assert_eq!(json(app.get(&path).await).await, other, "nothing written");
}

async fn concurrent_creations_of_one_siret_give_one_record(app: TestApp) {
    let body = organization(7);
    let attempts = (0..8).map(|_| app.post_json("/v1/organizations", &body));
    let responses = join_all(attempts).await;
    let mut created_ids = Vec::new();
    let mut conflict_ids = Vec::new();
    for response in responses {
        match response.status().as_u16() {
            201 => created_ids.push(json(response).await["id"].clone()),
            409 => conflict_ids.push(json(response).await["existing_id"].clone()),
            other => panic!("unexpected status {other}: {}", json(response).await),
        }
    }
    assert_eq!(created_ids.len(), 1, "exactly one creation wins");
    assert!(conflict_ids.iter().all(|id| *id == created_ids[0]), "{conflict_ids:?}");
    assert_eq!(all_organizations(&app).await.len(), 1);
}

async fn concurrent_patches_of_one_version_let_one_win(app: TestApp) {
    let created = create_organization(&app, 1).await;
    let path = format!("/v1/organizations/{}", created["id"].as_str().expect("id"));
    let attempts = (0..6).map(|n| {
        let patch = json!({"name": format!("Writer {n}")});
        let path = path.clone();
        let app = &app;
        async move { app.patch(&path, Some("\"1\""), &patch).await }
    });
    let statuses: Vec<u16> = join_all(attempts).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 5, "{statuses:?}");
    let current = json(app.get(&path).await).await;
    assert_eq!(current["version"], 2);
    let history = json(app.get(&format!("{path}/history")).await).await;
    assert_eq!(history["items"].as_array().map(Vec::len), Some(2), "one version per accepted write");
}

async fn every_mutation_writes_one_change_event(app: TestApp) {
    let created = create_organization(&app, 1).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let path = format!("/v1/organizations/{id}");
    assert_eq!(app.patch(&path, Some("\"1\""), &json!({"name": "Renamed"})).await.status(), 200);
    // A refused write leaves no event.
    assert_eq!(app.patch(&path, Some("\"1\""), &json!({"name": "Stale"})).await.status(), 412);

    let id = id.parse().expect("a UUID");
    let events = app.store.run(move |conn| changes::of_resource(conn, "organization", id)).await.expect("events");
    let summary: Vec<(i64, &str)> = events.iter().map(|event| (event.version, event.action.as_str())).collect();
    assert_eq!(summary, vec![(1, "created"), (2, "updated")]);
    assert!(events[0].position < events[1].position);
}
