//! Bulk export (`POST /v1/exports`, issue 12, item 4): an export taken while writes go on,
//! then the feed read from its cursor, equals the source — no gap, no overlap (on PostgreSQL
//! also with a transaction held open across the export); the policy per kind; an export is its
//! client's alone; `since` with its deleted records; bad input refused precisely.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use plateforme_model::organization::OrganizationKind::{Departement, FranceTravail, MissionLocale, Region};
use plateforme_store::{Actor, Backend, StoreError, WriteContext, organizations, write};
use serde_json::{Value, json};

use crate::change_feed::{HeldOpen, hold_open, orient, settle};
use crate::dossier::{DOSSIER_SCOPES, get_as, person, post_as, register_person};
use crate::erasure::erase;
use crate::helpers::{TestApp, TestClient, assert_problem, json, organization, unique_number};
use crate::on_both_backends;

on_both_backends!(
    an_export_then_the_feed_from_its_cursor_is_the_source,
    an_export_follows_the_policy_and_is_its_clients_alone,
    an_export_since_holds_the_changed_and_the_deleted,
    a_departure_from_the_remit_since_is_in_the_deleted_file,
    bad_exports_are_refused_precisely,
    the_upkeep_fails_interrupted_exports_and_forgets_expired_ones,
    a_client_runs_one_export_at_a_time_and_ten_a_day,
);

const FEED: &[&str] = &["changes:read", "organizations:read"];

/// A record as a mirror holds it: its version and representation, by (type, id).
type Mirror = BTreeMap<(String, String), (i64, Value)>;

/// Asks for an export; answers its manifest once done.
async fn export(app: &TestApp, client: &TestClient, body: &Value) -> Value {
    let response = post_as(app, client, "/v1/exports", body).await;
    assert_eq!(response.status().as_u16(), 202, "export {body}");
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).expect("Location").to_owned();
    let accepted = json(response).await;
    assert_eq!(location, format!("/v1/exports/{}", accepted["id"].as_str().expect("id")));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let manifest = json(get_as(app, client, &location).await).await;
        match manifest["status"].as_str() {
            Some("done") => return manifest,
            Some("queued" | "running") if Instant::now() < deadline => {
                actix_web::rt::time::sleep(Duration::from_millis(50)).await;
            }
            _ => panic!("the export did not finish: {manifest}"),
        }
    }
}

/// The lines of one file of an export.
async fn file(app: &TestApp, client: &TestClient, manifest: &Value, name: &str) -> Vec<Value> {
    let files = manifest["files"].as_array().expect("files");
    let entry = files.iter().find(|file| file["type"] == name).expect("the file is in the manifest");
    let response = get_as(app, client, entry["url"].as_str().expect("url")).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/x-ndjson"));
    let text = response.text().await.expect("the file");
    let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect();
    assert_eq!(entry["count"].as_u64(), Some(lines.len() as u64), "the manifest counts the lines of {name}");
    lines
}

/// The mirror an export's files make.
async fn mirror_of(app: &TestApp, client: &TestClient, manifest: &Value, types: &[&str]) -> Mirror {
    let mut mirror = Mirror::new();
    for kind in types {
        for line in file(app, client, manifest, kind).await {
            let id = line["id"].as_str().expect("id").to_owned();
            let version = line["version"].as_i64().expect("version");
            mirror.insert(((*kind).to_owned(), id), (version, line["resource"].clone()));
        }
    }
    mirror
}

/// Applies the feed after `cursor` to `mirror`, each event once; panics on an event the mirror
/// holds already (overlap with the export). Answers how many events were applied.
async fn follow(app: &TestApp, client: &TestClient, cursor: &str, types: &[&str], mirror: &mut Mirror) -> usize {
    settle(app).await;
    let mut cursor = cursor.to_owned();
    let mut applied = 0;
    loop {
        let response = get_as(app, client, &format!("/v1/changes?after={cursor}&embed=resource&limit=1000")).await;
        assert_eq!(response.status().as_u16(), 200);
        let page = json(response).await;
        let events = page["events"].as_array().cloned().unwrap_or_default();
        if events.is_empty() {
            return applied;
        }
        for event in events {
            let data = &event["data"];
            let kind = data["resource_type"].as_str().expect("type").to_owned();
            if !types.contains(&kind.as_str()) {
                continue;
            }
            let key = (kind, data["resource_id"].as_str().expect("id").to_owned());
            let version = data["version"].as_i64().expect("version");
            if let Some((held, _)) = mirror.get(&key) {
                assert!(version > *held, "the export holds {key:?} v{held} already: the feed serves v{version} again");
            }
            match data["action"].as_str() {
                Some("created" | "updated") => {
                    mirror.insert(key, (version, data["resource"].clone()));
                }
                _ => {
                    mirror.remove(&key);
                }
            }
            applied += 1;
        }
        cursor = page["cursor"].as_str().expect("cursor").to_owned();
    }
}

fn context() -> WriteContext {
    WriteContext::of(Actor { client_id: "export-test".into(), organization_id: None })
}

fn create_organization(conn: &mut plateforme_store::DbConnection) -> Result<(), StoreError> {
    let fields =
        serde_json::from_value(organization(unique_number())).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    write::transaction(conn, |conn| organizations::create(conn, &context(), fields).map(|_| ()))
}

/// Writes organizations on another thread until stopped: the export runs beside live writes.
fn keep_writing(app: &TestApp) -> (Arc<AtomicBool>, std::thread::JoinHandle<usize>) {
    let (store, stop) = (app.store.clone(), Arc::new(AtomicBool::new(false)));
    let stopped = stop.clone();
    let writer = std::thread::spawn(move || {
        let mut written = 0;
        while !stopped.load(Ordering::SeqCst) {
            store.run_blocking(create_organization).expect("a write beside the export");
            written += 1;
            std::thread::sleep(Duration::from_millis(5));
        }
        written
    });
    (stop, writer)
}

async fn an_export_then_the_feed_from_its_cursor_is_the_source(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    for name in ["Aubert", "Blanc", "Carpentier"] {
        register_person(&app, &ft, &person(name, false)).await;
    }
    let types = ["person", "organization"];
    let body = json!({"types": types});
    // On PostgreSQL a transaction that began before the export commits after it: its event is
    // not in the export's snapshot and must come by the feed.
    let held = (app.store.backend() == Backend::Postgres).then(|| hold_open(&app));
    if let Some(HeldOpen { written, .. }) = &held {
        written.recv_timeout(Duration::from_secs(30)).expect("the held transaction wrote");
    }
    let (stop, writer) = keep_writing(&app);
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    let manifest = export(&app, &ft, &body).await;
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    stop.store(true, Ordering::SeqCst);
    let written = writer.join().expect("the writer");
    assert!(written > 0);
    if let Some(HeldOpen { commit, done, .. }) = held {
        let _ = commit.send(());
        done.join().expect("the held thread").expect("the held transaction commits");
    }
    assert!(manifest["transaction_time"].is_string() && manifest["cursor"].is_string(), "{manifest}");

    let mut mirror = mirror_of(&app, &ft, &manifest, &types).await;
    assert!(mirror.keys().filter(|(kind, _)| kind == "person").count() >= 3);
    let cursor = manifest["cursor"].as_str().expect("cursor");
    let applied = follow(&app, &ft, cursor, &types, &mut mirror).await;
    assert!(applied > 0, "writes came after the export's snapshot");

    // The source: what an export taken now, with nothing writing, holds.
    let source = export(&app, &ft, &body).await;
    let source = mirror_of(&app, &ft, &source, &types).await;
    assert_eq!(mirror.len(), source.len(), "as many records as the source");
    assert_eq!(mirror, source, "the export and the feed from its cursor make the source");
}

async fn an_export_follows_the_policy_and_is_its_clients_alone(app: TestApp) {
    let scopes = [&["dossier:read", "dossier:write"], FEED].concat();
    let mission_locale = app.register(MissionLocale, &scopes).await;
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let region = app.register(Region, &[&["dossier:read"], FEED].concat()).await;
    let own = register_person(&app, &mission_locale, &person("Dumas", false)).await;
    let other = register_person(&app, &ft, &person("Etienne", false)).await;
    let body = json!({"types": ["person"]});

    let ids =
        |lines: Vec<Value>| lines.iter().map(|line| line["id"].as_str().unwrap_or("").to_owned()).collect::<Vec<_>>();
    let manifest = export(&app, &mission_locale, &body).await;
    let persons = ids(file(&app, &mission_locale, &manifest, "person").await);
    assert!(persons.contains(&own["id"].as_str().unwrap_or("").to_owned()), "its own registration");
    assert!(!persons.contains(&other["id"].as_str().unwrap_or("").to_owned()), "not a person outside its remit");
    let everything = ids(file(&app, &ft, &export(&app, &ft, &body).await, "person").await);
    assert!(everything.len() >= 2, "France Travail exports every person");
    let none = file(&app, &region, &export(&app, &region, &body).await, "person").await;
    assert!(none.is_empty(), "a région exports no person: {none:?}");

    // The export is its client's alone; its files too.
    let location = format!("/v1/exports/{}", manifest["id"].as_str().expect("id"));
    assert_problem(get_as(&app, &ft, &location).await, 404, "not_found").await;
    assert_problem(get_as(&app, &ft, &format!("{location}/files/person")).await, 404, "not_found").await;
    assert_problem(get_as(&app, &mission_locale, &format!("{location}/files/offer")).await, 404, "not_found").await;
    // Reading a dossier's part by export is journaled for the person.
    let sql = format!(
        "SELECT COUNT(*) AS n FROM access_journal WHERE person_id = '{}' AND section = 'change_feed'",
        own_id(&own)
    );
    assert!(count(&app, sql) >= 1, "the export is in the person's journal");
}

/// The number a `SELECT COUNT(*) AS n` answers.
fn count(app: &TestApp, sql: String) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    app.store
        .run_blocking(|conn| diesel::sql_query(sql).get_result::<Count>(conn).map_err(StoreError::from))
        .map(|count| count.n)
        .expect("a count")
}

fn own_id(person: &Value) -> uuid::Uuid {
    person["id"].as_str().and_then(|id| id.parse().ok()).expect("a person id")
}

async fn an_export_since_holds_the_changed_and_the_deleted(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let kept = register_person(&app, &ft, &person("Faure", false)).await;
    let erased = register_person(&app, &ft, &person("Gauthier", false)).await;
    actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    let since = chrono::Utc::now();
    actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    let changed = register_person(&app, &ft, &person("Henry", false)).await;
    let path = format!("/v1/persons/{}", erased["id"].as_str().expect("id"));
    assert_eq!(erase(&app, &ft, &path, Some("\"1\"")).await.status().as_u16(), 204, "erase");

    let manifest = export(&app, &ft, &json!({"types": ["person"], "since": since.to_rfc3339()})).await;
    let persons = file(&app, &ft, &manifest, "person").await;
    let ids: Vec<&str> = persons.iter().filter_map(|line| line["id"].as_str()).collect();
    assert_eq!(ids, [changed["id"].as_str().expect("id")], "only the person changed since");
    assert!(!ids.contains(&kept["id"].as_str().expect("id")));
    let deleted = file(&app, &ft, &manifest, "deleted").await;
    assert_eq!(deleted.len(), 1, "{deleted:?}");
    assert_eq!(
        (&deleted[0]["type"], &deleted[0]["id"], &deleted[0]["reason"]),
        (&json!("person"), &erased["id"], &json!("deleted"))
    );
}

async fn a_departure_from_the_remit_since_is_in_the_deleted_file(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let rhone = app.register(Departement, &[&["dossier:read", "dossier:write"], FEED].concat()).await;
    let first = app.register(MissionLocale, &[&["dossier:read"], FEED].concat()).await;
    let second = app.register(MissionLocale, &[&["dossier:read"], FEED].concat()).await;
    let rsa = register_person(&app, &ft, &person("Izard", true)).await;
    let id = rsa["id"].as_str().expect("id").to_owned();
    orient(&app, &rhone, &id, &first, 1).await;
    let body = json!({"types": ["person"]});
    let before = file(&app, &first, &export(&app, &first, &body).await, "person").await;
    assert!(before.iter().any(|line| line["id"] == id.as_str()), "oriented to the first mission locale");
    actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    let since = chrono::Utc::now();
    actix_web::rt::time::sleep(Duration::from_millis(20)).await;

    // Re-oriented to the second: it left the first's remit since then.
    orient(&app, &rhone, &id, &second, 2).await;
    let since_body = json!({"types": ["person"], "since": since.to_rfc3339()});
    let manifest = export(&app, &first, &since_body).await;
    assert!(file(&app, &first, &manifest, "person").await.is_empty());
    let deleted = file(&app, &first, &manifest, "deleted").await;
    assert_eq!(deleted, [json!({"type": "person", "id": id, "version": 3, "reason": "left_remit"})]);
    // The second receives it as changed; nothing of it is deleted for it.
    let manifest = export(&app, &second, &since_body).await;
    let changed = file(&app, &second, &manifest, "person").await;
    assert_eq!(changed.iter().map(|line| line["id"].clone()).collect::<Vec<_>>(), [json!(id)]);
    assert!(file(&app, &second, &manifest, "deleted").await.is_empty());
}

async fn bad_exports_are_refused_precisely(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let rule = |problem: &Value| problem["errors"][0]["rule"].as_str().unwrap_or("").to_owned();
    let cases = [
        (json!({"types": ["person", "planet"]}), "exports.type.unknown"),
        (json!({"types": ["person", "person"]}), "exports.type.duplicate"),
        (json!({"types": []}), "exports.types.empty"),
        (json!({"since": "yesterday"}), "exports.since.format"),
        (json!({"since": "2999-01-01T00:00:00Z"}), "exports.since.future"),
    ];
    for (body, expected) in cases {
        let problem = assert_problem(post_as(&app, &ft, "/v1/exports", &body).await, 422, "validation_failed").await;
        assert_eq!(rule(&problem), expected, "{body}: {problem}");
    }
    let unknown_field = assert_problem(
        post_as(&app, &ft, "/v1/exports", &json!({"kinds": ["person"]})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(unknown_field["errors"][0]["field"], "kinds", "{unknown_field}");
    let malformed =
        app.client.post(app.url("/v1/exports")).bearer_auth(&ft.token).header("content-type", "application/json");
    assert_problem(malformed.body("{").send().await.expect("POST"), 400, "malformed_json").await;
    let unknown = format!("/v1/exports/{}", uuid::Uuid::now_v7());
    assert_problem(get_as(&app, &ft, &unknown).await, 404, "not_found").await;
    assert_problem(get_as(&app, &ft, "/v1/exports/not-an-id").await, 400, "invalid_path").await;
    let without_scope = app.register(FranceTravail, &["dossier:read"]).await;
    assert_problem(post_as(&app, &without_scope, "/v1/exports", &json!({})).await, 403, "forbidden").await;
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM exports".into()), 0, "a refused export records nothing");
}

async fn the_upkeep_fails_interrupted_exports_and_forgets_expired_ones(app: TestApp) {
    use plateforme_store::exports::{self, NewExport};
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let now = chrono::Utc::now();
    let record = |created_at: chrono::DateTime<chrono::Utc>, expires_at| NewExport {
        id: uuid::Uuid::now_v7(),
        client_id: ft.client_id.clone(),
        types: vec!["person".into()],
        since: None,
        created_at,
        expires_at,
    };
    // Asked for an hour ago and never run (its replica stopped); one taken and its lease passed;
    // one past its expiry; one just asked for.
    let never_run = record(now - chrono::Duration::hours(1), now + chrono::Duration::days(6));
    let interrupted = record(now - chrono::Duration::hours(1), now + chrono::Duration::days(6));
    let expired = record(now - chrono::Duration::days(8), now - chrono::Duration::days(1));
    let fresh = record(now, now + chrono::Duration::days(7));
    let ids = [never_run.id, interrupted.id, expired.id, fresh.id];
    app.store
        .run_blocking(|conn| {
            for export in [&never_run, &interrupted, &expired, &fresh] {
                exports::create(conn, export)?;
            }
            exports::claim(conn, interrupted.id, now - chrono::Duration::minutes(1)).map(|_| ())
        })
        .expect("exports recorded");
    let done = plateforme_sync::exports::forget_expired(&app.store).await.expect("the upkeep");
    assert_eq!(done, 3, "one forgotten, two failed");
    let status = |body: Value| body["status"].as_str().unwrap_or("").to_owned();
    for (id, expected) in [(ids[0], "failed"), (ids[1], "failed"), (ids[3], "queued")] {
        let response = get_as(&app, &ft, &format!("/v1/exports/{id}")).await;
        assert_eq!(status(json(response).await), expected, "{id}");
    }
    assert_problem(get_as(&app, &ft, &format!("/v1/exports/{}", ids[2])).await, 404, "not_found").await;
    let failed = json(get_as(&app, &ft, &format!("/v1/exports/{}", ids[1])).await).await;
    assert!(failed["error"].as_str().is_some_and(|why| why.contains("ask for a new one")), "{failed}");
}

async fn a_client_runs_one_export_at_a_time_and_ten_a_day(app: TestApp) {
    use plateforme_store::exports::{self, NewExport};
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let other = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let now = chrono::Utc::now();
    let asked = |client_id: &str| NewExport {
        id: uuid::Uuid::now_v7(),
        client_id: client_id.to_owned(),
        types: vec!["person".into()],
        since: None,
        created_at: now,
        expires_at: now + chrono::Duration::days(7),
    };
    let refused = |problem: Value, words: &str| {
        assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains(words)), "{problem}");
    };
    let exports_of = |client: &TestClient| {
        count(&app, format!("SELECT COUNT(*) AS n FROM exports WHERE client_id = '{}'", client.client_id))
    };

    // One queued: a second is refused with a time to wait, and nothing is recorded.
    let queued = asked(&ft.client_id);
    app.store.run_blocking(|conn| exports::create(conn, &queued)).expect("an export queued");
    let response = post_as(&app, &ft, "/v1/exports", &json!({})).await;
    assert_eq!(response.headers().get("retry-after").and_then(|value| value.to_str().ok()), Some("60"));
    refused(assert_problem(response, 429, "too_many_requests").await, "at most 1 export at a time");
    assert_eq!(exports_of(&ft), 1);
    // Another client is not held back by it.
    export(&app, &other, &json!({"types": ["organization"]})).await;

    // Once it ends, ten asked for in the day are the most.
    app.store.run_blocking(|conn| exports::fail(conn, queued.id, "ended")).expect("the export ended");
    app.store
        .run_blocking(|conn| {
            (0..9).try_for_each(|_| {
                let ended = asked(&ft.client_id);
                exports::create(conn, &ended)?;
                exports::fail(conn, ended.id, "ended")
            })
        })
        .expect("nine more asked for today");
    let response = post_as(&app, &ft, "/v1/exports", &json!({})).await;
    assert_eq!(response.headers().get("retry-after").and_then(|value| value.to_str().ok()), Some("3600"));
    refused(assert_problem(response, 429, "too_many_requests").await, "10 exports in 24 hours");
    assert_eq!(exports_of(&ft), 10);
}
