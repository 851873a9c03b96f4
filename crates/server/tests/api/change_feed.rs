//! The change feed (`GET /v1/changes`, issue 12, items 1 and 2): filtered by the access policy
//! per organization kind, a record leaving a caller's remit told once, thin and embedded events,
//! long-poll, the precise problems of bad input, and — on PostgreSQL, where writers do not wait
//! for each other — a transaction held open that holds the feed back without any event being
//! skipped or served twice.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use plateforme_model::organization::OrganizationKind::{Departement, FranceTravail, MissionLocale, Partner, Region};
use plateforme_server::config::Config;
use plateforme_store::changes::{self, ChangeEvent, FeedPosition};
use plateforme_store::{Actor, DbConnection, StoreError, WriteContext, organizations, write};
use plateforme_sync::FeedCursor;
use serde_json::{Value, json};

use crate::co_accompaniment::{WITH_DELEGATIONS, accompanied_person, co_accompaniment};
use crate::dossier::{DOSSIER_SCOPES, get_as, person, post_as, register_person};
use crate::duties::{SANCTIONS_SCOPES, bound_person, breach_of};
use crate::helpers::{TestApp, TestClient, assert_problem, json, organization, unique_number};
use crate::on_both_backends;

on_both_backends!(
    each_kind_receives_the_events_of_what_it_may_read,
    a_dossier_shared_then_withdrawn_leaves_the_partners_feed_once,
    a_move_and_an_erasure_reach_those_who_could_read_the_dossier,
    embedded_dossiers_are_journaled_and_dossier_events_need_their_scope,
    a_long_poll_answers_as_soon_as_an_event_comes,
    bad_reads_of_the_feed_are_refused_precisely,
    a_co_accompaniment_opens_the_feed_and_its_end_leaves_it_once,
    a_breach_reaches_only_a_caller_granted_its_scope,
);

const FEED: &[&str] = &["changes:read"];

/// Reads the feed once as `client` with `query`; answers the page.
async fn read(app: &TestApp, client: &TestClient, query: &str) -> Value {
    let response = get_as(app, client, &format!("/v1/changes?{query}")).await;
    assert_eq!(response.status().as_u16(), 200, "read the feed with {query}");
    json(response).await
}

/// Waits until the feed may serve every event committed so far. On PostgreSQL the feed serves
/// an event once every transaction that began before it ended, and the tests of this binary
/// write in parallel on the same server: an acknowledged write reaches the feed a moment later —
/// or, while another test's long transaction is open anywhere in the cluster (the LHEO import of
/// a 100 MB document is one transaction), once it ends: hence a minute.
pub async fn settle(app: &TestApp) {
    let store = app.store.clone();
    for _ in 0..1200 {
        let (served, committed) = store
            .run(|conn| Ok((changes::latest(conn)?, changes::last_committed(conn)?)))
            .await
            .expect("the feed's positions");
        if served == committed {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the feed did not catch up with the writes in 60 s");
}

/// Every event `client` receives from the start, and the last cursor.
async fn everything(app: &TestApp, client: &TestClient, query: &str) -> (Vec<Value>, String) {
    settle(app).await;
    let mut events = Vec::new();
    let mut page = read(app, client, &format!("limit=7&{query}")).await;
    loop {
        let batch = page["events"].as_array().cloned().unwrap_or_default();
        let cursor = page["cursor"].as_str().expect("a cursor").to_owned();
        if batch.is_empty() {
            return (events, cursor);
        }
        events.extend(batch);
        page = read(app, client, &format!("limit=7&{query}&after={cursor}")).await;
    }
}

/// The events of one subject, as (type, version).
fn of_subject(events: &[Value], subject: &str) -> Vec<(String, i64)> {
    events
        .iter()
        .filter(|event| event["subject"] == subject)
        .map(|event| (event["type"].as_str().unwrap_or("").to_owned(), event["data"]["version"].as_i64().unwrap_or(0)))
        .collect()
}

fn types_of(events: &[(String, i64)]) -> Vec<&str> {
    events.iter().map(|(kind, _)| kind.as_str()).collect()
}

/// `by` orients the person to `to`, from the person's `version`.
pub async fn orient(app: &TestApp, by: &TestClient, person_id: &str, to: &TestClient, version: i64) {
    let body = json!({"path_type": "socio_professionnel", "intensive": false, "referent_organization_id": to.organization_id,
        "referent_counsellor": null, "decided_on": chrono::Utc::now().date_naive()});
    let path = format!("/v1/persons/{person_id}/orientation");
    let response = app.put_as(&by.token, &path, Some(&format!("\"{version}\"")), &body).await;
    assert_eq!(response.status().as_u16(), 200, "orient {person_id}");
}

async fn each_kind_receives_the_events_of_what_it_may_read(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    // The département decides the orientation of its RSA beneficiaries.
    let rhone = app.register(Departement, &[&["dossier:read", "dossier:write"], FEED].concat()).await;
    // Every reader holds dossier:read, so that the policy alone decides what each receives.
    let ain = app
        .register_in(
            Departement,
            json!({"regions": ["84"], "departements": ["01"]}),
            &[&["dossier:read"], FEED].concat(),
        )
        .await;
    let region = app.register(Region, &[&["dossier:read"], FEED].concat()).await;
    let first = app.register(MissionLocale, &[&["dossier:read", "dossier:write"], FEED].concat()).await;
    let second = app.register(MissionLocale, &[&["dossier:read", "dossier:write"], FEED].concat()).await;
    let rsa = register_person(&app, &ft, &person("Garnier", true)).await;
    let id = rsa["id"].as_str().expect("id").to_owned();
    let persons = "types=fr.plateforme.person.created,fr.plateforme.person.updated,fr.plateforme.person.left_remit";

    // The same write, seen by whom the policy admits: France Travail and the département of
    // residence (an RSA beneficiary of the Rhône); not another département, not a région, not a
    // mission locale it is not oriented to.
    let created = vec![("fr.plateforme.person.created".to_owned(), 1)];
    assert_eq!(of_subject(&everything(&app, &ft, persons).await.0, &id), created);
    assert_eq!(of_subject(&everything(&app, &rhone, persons).await.0, &id), created);
    for outsider in [&ain, &region, &first, &second] {
        assert!(of_subject(&everything(&app, outsider, "").await.0, &id).is_empty(), "{}", outsider.client_id);
    }
    let (region_events, _) = everything(&app, &region, "").await;
    assert!(
        region_events.iter().all(|event| event["data"]["person_id"].is_null()),
        "a région receives nothing of persons"
    );

    // Oriented to the first mission locale: it receives the dossier's events from the start, as
    // it may read the person now.
    orient(&app, &rhone, &id, &first, 1).await;
    let (seen_by_first, cursor_of_first) = everything(&app, &first, persons).await;
    let oriented = vec![("fr.plateforme.person.created".to_owned(), 1), ("fr.plateforme.person.updated".to_owned(), 2)];
    assert_eq!(of_subject(&seen_by_first, &id), oriented);

    // Re-oriented to the second: the first receives one event saying the dossier left its
    // remit, then nothing more of it; the second receives the dossier.
    orient(&app, &rhone, &id, &second, 2).await;
    let patched = app
        .patch_as(&ft.token, &format!("/v1/persons/{id}"), Some("\"3\""), &json!({"contact": {"phone": "0611223344"}}))
        .await;
    assert_eq!(patched.status().as_u16(), 200);
    settle(&app).await;
    let after_first = read(&app, &first, &format!("{persons}&after={cursor_of_first}")).await;
    let left = of_subject(after_first["events"].as_array().expect("events"), &id);
    assert_eq!(left, [("fr.plateforme.person.left_remit".to_owned(), 3)], "one departure, then nothing");
    let event = &after_first["events"][0];
    assert_eq!(
        (event["data"]["resource_type"].as_str(), event["data"]["action"].as_str()),
        (Some("person"), Some("left_remit"))
    );
    assert!(event["id"].as_str().is_some_and(|id| id.ends_with(".left_remit")));
    let from_start = of_subject(&everything(&app, &first, persons).await.0, &id);
    assert_eq!(
        types_of(&from_start),
        ["fr.plateforme.person.left_remit"],
        "read again from the start: the departure alone"
    );
    let second_sees = of_subject(&everything(&app, &second, persons).await.0, &id);
    assert_eq!(second_sees.iter().map(|(_, version)| *version).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert!(types_of(&second_sees).iter().all(|kind| !kind.ends_with("left_remit")));

    // The département still follows its RSA resident, whoever the referent is.
    assert_eq!(of_subject(&everything(&app, &rhone, persons).await.0, &id).len(), 4);

    // A quiet feed answers the same cursor; a page's events are in feed order, each once.
    let (all, cursor) = everything(&app, &ft, "").await;
    let again = read(&app, &ft, &format!("after={cursor}")).await;
    assert_eq!((again["events"].as_array().map(Vec::len), again["cursor"].as_str()), (Some(0), Some(cursor.as_str())));
    let sequences: Vec<&str> = all.iter().filter_map(|event| event["sequence"].as_str()).collect();
    assert!(sequences.windows(2).all(|pair| pair[0] < pair[1]), "sequences increase: {sequences:?}");
    let ids: BTreeSet<&str> = all.iter().filter_map(|event| event["id"].as_str()).collect();
    assert_eq!(ids.len(), all.len(), "each event once");
    let first_event = &all[0];
    assert_eq!(
        (first_event["specversion"].as_str(), first_event["source"].as_str()),
        (Some("1.0"), Some("/v1/changes"))
    );
}

async fn a_dossier_shared_then_withdrawn_leaves_the_partners_feed_once(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let partner = app.register(Partner, &[&["dossier:read"], FEED].concat()).await;
    let created = register_person(&app, &ft, &person("Lemoine", false)).await;
    let id = created["id"].as_str().expect("id").to_owned();
    assert!(of_subject(&everything(&app, &partner, "").await.0, &id).is_empty());

    let sharing = json!({"kind": "dossier_sharing", "partner_organization_id": partner.organization_id});
    let given = post_as(&app, &ft, &format!("/v1/persons/{id}/consents"), &sharing).await;
    assert_eq!(given.status().as_u16(), 201);
    let consent = json(given).await;
    let (shared, cursor) = everything(&app, &partner, "").await;
    let persons: Vec<&str> = shared
        .iter()
        .filter(|event| event["data"]["person_id"] == id.as_str())
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert_eq!(persons, ["fr.plateforme.person.created", "fr.plateforme.consent.created"]);

    let withdrawn = app
        .client
        .post(app.url(&format!("/v1/persons/{id}/consents/{}/withdraw", consent["id"].as_str().expect("id"))))
        .bearer_auth(&ft.token)
        .send()
        .await
        .expect("withdraw");
    assert!(withdrawn.status().is_success(), "withdraw: {}", withdrawn.status());
    settle(&app).await;
    let after = read(&app, &partner, &format!("after={cursor}")).await;
    let kinds: Vec<&str> =
        after["events"].as_array().expect("events").iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds, ["fr.plateforme.person.left_remit"]);
    assert_eq!(after["events"][0]["subject"], id.as_str());
}

async fn embedded_dossiers_are_journaled_and_dossier_events_need_their_scope(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let thin_reader = app.register(FranceTravail, &[&["organizations:read"], FEED].concat()).await;
    let reader =
        app.register(FranceTravail, &[&["dossier:read", "offers:read", "organizations:read"], FEED].concat()).await;
    let mut body = person("Perrin", false);
    body["statuses"]["rqth"] = json!(true);
    let created = register_person(&app, &ft, &body).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let query = "types=fr.plateforme.person.created&embed=resource";

    let events = everything(&app, &reader, query).await.0;
    let embedded = events.iter().find(|event| event["subject"] == id.as_str()).expect("the creation");
    let resource = &embedded["data"]["resource"];
    assert_eq!(resource["id"], id.as_str());
    assert_eq!(resource["identity"]["family_name"], "Perrin");
    assert_ne!(resource["statuses"]["rqth"], json!(true), "the RQTH is withheld without dossier.social:read");
    let with_social = everything(&app, &ft, query).await.0;
    let full = with_social.iter().find(|event| event["subject"] == id.as_str()).expect("the creation");
    assert_eq!(full["data"]["resource"]["statuses"]["rqth"], json!(true));

    // Without dossier:read, no event of a dossier at all (they are personal data); nothing is
    // journaled for it. Offers and organizations still come.
    let (without_scope, _) = everything(&app, &thin_reader, "").await;
    assert!(without_scope.iter().all(|event| event["data"]["person_id"].is_null() && event["subject"] != id.as_str()));
    assert!(without_scope.iter().any(|event| event["type"] == "fr.plateforme.organization.created"));

    let journal = json(app.get(&format!("/v1/admin/journal?person_id={id}&limit=100")).await).await;
    let feed_reads: Vec<&Value> =
        journal["items"].as_array().expect("items").iter().filter(|entry| entry["section"] == "change_feed").collect();
    let readers: BTreeSet<&str> = feed_reads.iter().filter_map(|entry| entry["client_id"].as_str()).collect();
    assert_eq!(readers, BTreeSet::from([reader.client_id.as_str(), ft.client_id.as_str()]));
    assert!(feed_reads.iter().all(|entry| entry["purpose"] == "synchronization"));
}

async fn a_long_poll_answers_as_soon_as_an_event_comes(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let (_, cursor) = everything(&app, &ft, "").await;
    let (url, token) = (app.url(&format!("/v1/changes?after={cursor}&wait=25")), ft.token.clone());
    let started = Instant::now();
    let poll = actix_web::rt::spawn(async move {
        let response = reqwest::Client::new().get(url).bearer_auth(token).send().await.expect("long-poll");
        (response.status().as_u16(), response.json::<Value>().await.expect("page"), Instant::now())
    });
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
    let written = Instant::now();
    let created = register_person(&app, &ft, &person("Fabre", false)).await;
    let (status, page, answered) = poll.await.expect("the long-poll ends");
    assert_eq!(status, 200);
    assert!(answered >= written, "the answer waited for the write");
    assert!(answered.duration_since(started) < Duration::from_secs(20), "it came before the wait ran out");
    let subjects: Vec<&str> =
        page["events"].as_array().expect("events").iter().filter_map(|e| e["subject"].as_str()).collect();
    assert!(subjects.contains(&created["id"].as_str().expect("id")), "{page}");
    assert_ne!(page["cursor"].as_str(), Some(cursor.as_str()));
}

async fn bad_reads_of_the_feed_are_refused_precisely(app: TestApp) {
    let reader = app.register(FranceTravail, FEED).await;
    let rule = |problem: &Value| problem["errors"][0]["rule"].as_str().unwrap_or("").to_owned();
    let read = |query: &'static str| {
        let url = app.url(&format!("/v1/changes?{query}"));
        app.client.get(url).bearer_auth(&reader.token).send()
    };

    let unknown =
        assert_problem(read("types=fr.plateforme.person.renamed").await.expect("GET"), 400, "invalid_query").await;
    assert_eq!(rule(&unknown), "changes.type.unknown");
    let admin_type =
        assert_problem(read("types=fr.plateforme.oauth_client.created").await.expect("GET"), 400, "invalid_query")
            .await;
    assert_eq!(rule(&admin_type), "changes.type.unknown", "the administration's records are not in the feed");
    let forged = assert_problem(read("after=not-a-cursor").await.expect("GET"), 400, "invalid_query").await;
    assert_eq!((rule(&forged), forged["errors"][0]["field"].as_str()), ("cursor.invalid".into(), Some("after")));
    let list_cursor = plateforme_store::cursor::seal("k1:0190");
    let other = get_as(&app, &reader, &format!("/v1/changes?after={list_cursor}")).await;
    assert_eq!(
        rule(&assert_problem(other, 400, "invalid_query").await),
        "cursor.invalid",
        "a list's cursor is not the feed's"
    );
    let too_long = assert_problem(read("wait=31").await.expect("GET"), 400, "invalid_query").await;
    assert_eq!(rule(&too_long), "changes.wait.range");
    for limit in ["limit=0", "limit=1001"] {
        let response = get_as(&app, &reader, &format!("/v1/changes?{limit}")).await;
        assert_eq!(rule(&assert_problem(response, 400, "invalid_query").await), "limit.range");
    }
    assert_problem(read("embed=everything").await.expect("GET"), 400, "invalid_query").await;
    assert_problem(read("since=2026-01-01").await.expect("GET"), 400, "invalid_query").await;

    // Older than the retention (30 days by default): 410, saying what to do.
    let old = FeedCursor::at(FeedPosition { transaction: 0, seq: 1 }, chrono::Utc::now() - chrono::Duration::days(31));
    let expired = get_as(&app, &reader, &format!("/v1/changes?after={}", old.seal())).await;
    let problem = assert_problem(expired, 410, "cursor_expired").await;
    assert_eq!(rule(&problem), "cursor.expired");
    let detail = problem["detail"].as_str().unwrap_or("");
    assert!(detail.contains("/v1/exports") && detail.contains("beginning"), "{detail}");

    // The feed needs its scope.
    let no_scope = app.register(FranceTravail, &["dossier:read"]).await;
    assert_problem(get_as(&app, &no_scope, "/v1/changes").await, 403, "forbidden").await;
    let anonymous = app.client.get(app.url("/v1/changes")).send().await.expect("GET");
    assert_problem(anonymous, 401, "unauthorized").await;
}

/// What a transaction held open on another connection wrote, and the signal to commit it.
pub struct HeldOpen {
    pub written: mpsc::Receiver<()>,
    pub commit: mpsc::Sender<()>,
    pub done: std::thread::JoinHandle<Result<(), StoreError>>,
}

fn context() -> WriteContext {
    WriteContext::of(Actor { client_id: "feed-test".into(), organization_id: None })
}

fn create_organization(conn: &mut DbConnection) -> Result<(), StoreError> {
    let fields =
        serde_json::from_value(organization(unique_number())).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    write::transaction(conn, |conn| organizations::create(conn, &context(), fields).map(|_| ()))
}

/// Writes an organization in a transaction on its own connection and keeps it open until told.
pub fn hold_open(app: &TestApp) -> HeldOpen {
    let (store, (written_tx, written), (commit, commit_rx)) =
        (app.store.clone(), mpsc::channel(), mpsc::channel::<()>());
    let done = std::thread::spawn(move || {
        store.run_blocking(|conn| {
            let fields = serde_json::from_value(organization(unique_number()))
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            write::transaction(conn, |conn| {
                organizations::create(conn, &context(), fields)?;
                let _ = written_tx.send(());
                let _ = commit_rx.recv_timeout(Duration::from_secs(60));
                Ok(())
            })
        })
    });
    HeldOpen { written, commit, done }
}

fn read_all(app: &TestApp, after: FeedPosition) -> Vec<ChangeEvent> {
    app.store.run_blocking(|conn| changes::read(conn, after, 10_000)).expect("read the feed")
}

/// PostgreSQL only: there, writers take their numbers without waiting for each other, so a
/// transaction may take a number and commit after others took later ones and committed (SQLite
/// has one writer at a time: numbers are in commit order there).
#[actix_web::test]
async fn a_transaction_held_open_holds_the_feed_back_and_no_event_is_skipped_or_repeated() {
    let Some(app) = TestApp::postgres_with(Config::default()).await else { return };
    settle(&app).await;
    let before = read_all(&app, FeedPosition::START);
    let start = before.last().map_or(FeedPosition::START, |event| event.position);

    let held = hold_open(&app);
    held.written.recv_timeout(Duration::from_secs(30)).expect("the held transaction wrote its event");
    // Others write and commit after it took its number.
    for _ in 0..3 {
        app.store.run_blocking(create_organization).expect("a later write commits");
    }
    let while_open = read_all(&app, start);
    assert!(while_open.is_empty(), "nothing behind an open transaction is served: {while_open:?}");
    assert_eq!(app.store.run_blocking(changes::latest).expect("latest"), start);

    let _ = held.commit.send(());
    held.done.join().expect("the held transaction's thread").expect("it commits");
    settle(&app).await;
    let after = read_all(&app, start);
    assert_eq!(after.len(), 4, "the held event and the three later ones: {after:?}");
    let numbers: BTreeSet<i64> = after.iter().map(ChangeEvent::seq).collect();
    assert_eq!(numbers.len(), 4, "each once");
    let held_event = after.iter().min_by_key(|event| event.seq()).expect("events");
    assert_eq!(held_event.position, after[0].position, "the held transaction's event comes first: it began first");
    assert!(after.windows(2).all(|pair| pair[0].position < pair[1].position));
    let last = after.last().expect("events").position;
    assert!(read_all(&app, last).is_empty(), "nothing is served twice");
    assert_eq!(app.store.run_blocking(changes::latest).expect("latest"), last);
}

/// On both backends, the feed's reader serves every committed event once, in position order.
#[actix_web::test]
async fn the_reader_serves_every_event_once_in_order_on_sqlite() {
    let app = TestApp::sqlite_with(Config::default()).await;
    settle(&app).await;
    let start = read_all(&app, FeedPosition::START).last().map_or(FeedPosition::START, |event| event.position);
    for _ in 0..5 {
        app.store.run_blocking(create_organization).expect("write");
    }
    let after = read_all(&app, start);
    assert_eq!(after.len(), 5);
    assert!(after.windows(2).all(|pair| pair[0].position < pair[1].position));
    assert!(after.iter().all(|event| event.position.transaction == 0), "one writer: transaction 0");
}

async fn a_move_and_an_erasure_reach_those_who_could_read_the_dossier(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let rhone = app.register(Departement, &[&["dossier:read"], FEED].concat()).await;
    let ain = app
        .register_in(
            Departement,
            json!({"regions": ["84"], "departements": ["01"]}),
            &[&["dossier:read"], FEED].concat(),
        )
        .await;
    let created = register_person(&app, &ft, &person("Morel", true)).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let (_, rhone_cursor) = everything(&app, &rhone, "").await;
    let (_, ain_cursor) = everything(&app, &ain, "").await;

    // An RSA beneficiary moves from the Rhône to the Ain: the Rhône is told once; the Ain, which
    // read past the creation while the person was not its, receives the move that brings the
    // dossier in (and would read the creation too reading again from the beginning).
    let moved =
        json!({"contact": {"address": {"line": "1 place Bernard", "postal_code": "01000", "commune": "01053"}}});
    let response = app.patch_as(&ft.token, &format!("/v1/persons/{id}"), Some("\"1\""), &moved).await;
    assert_eq!(response.status().as_u16(), 200, "move to the Ain");
    settle(&app).await;
    let rhone_after = read(&app, &rhone, &format!("after={rhone_cursor}")).await;
    assert_eq!(
        types_of(&of_subject(rhone_after["events"].as_array().expect("events"), &id)),
        ["fr.plateforme.person.left_remit"]
    );
    let ain_after = read(&app, &ain, &format!("after={ain_cursor}")).await;
    let ain_sees = of_subject(ain_after["events"].as_array().expect("events"), &id);
    assert_eq!(ain_sees, [("fr.plateforme.person.updated".to_owned(), 2)]);
    let from_start = of_subject(&everything(&app, &ain, "").await.0, &id);
    assert_eq!(types_of(&from_start), ["fr.plateforme.person.created", "fr.plateforme.person.updated"]);
    let ain_cursor = ain_after["cursor"].as_str().expect("cursor").to_owned();
    let rhone_cursor = rhone_after["cursor"].as_str().expect("cursor").to_owned();

    // The erasure: its deleted events reach the Ain, which could read the dossier, not the Rhône.
    let erased =
        app.client.delete(app.url(&format!("/v1/persons/{id}"))).bearer_auth(&ft.token).header("if-match", "\"2\"");
    assert_eq!(erased.send().await.expect("DELETE").status().as_u16(), 204, "erase");
    settle(&app).await;
    let ain_erased = read(&app, &ain, &format!("after={ain_cursor}")).await;
    let deleted: Vec<&str> =
        ain_erased["events"].as_array().expect("events").iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(deleted.last().copied(), Some("fr.plateforme.person.deleted"), "{deleted:?}");
    assert!(deleted.iter().all(|kind| kind.ends_with(".deleted")));
    let rhone_erased = read(&app, &rhone, &format!("after={rhone_cursor}")).await;
    assert!(of_subject(rhone_erased["events"].as_array().expect("events"), &id).is_empty(), "{rhone_erased}");
    // France Travail, which reads every dossier, receives them too.
    let (all, _) = everything(&app, &ft, "types=fr.plateforme.person.deleted").await;
    assert_eq!(of_subject(&all, &id).len(), 1);
}

/// The types of the events of one person's dossier (the person and every part of it).
fn of_person<'e>(events: &'e [Value], person_id: &str) -> Vec<&'e str> {
    events
        .iter()
        .filter(|event| event["data"]["person_id"] == person_id)
        .filter_map(|event| event["type"].as_str())
        .collect()
}

/// The event of `event_type` of one person's dossier, if the caller received it.
fn find_of_person<'e>(events: &'e [Value], person_id: &str, event_type: &str) -> Option<&'e Value> {
    events.iter().find(|event| event["data"]["person_id"] == person_id && event["type"] == event_type)
}

/// A co-accompaniment changes who may read the dossier as an orientation does: the
/// co-accompanying organization receives the dossier's events while it co-accompanies (the
/// social part embedded only where its role opens it, as the dossier's own reads do), and one
/// `left_remit` when it ends.
async fn a_co_accompaniment_opens_the_feed_and_its_end_leaves_it_once(app: TestApp) {
    let ft = app.register(FranceTravail, &[WITH_DELEGATIONS, FEED].concat()).await;
    let ml = app.register(MissionLocale, &[DOSSIER_SCOPES, FEED].concat()).await;
    let rhone = app.register(Departement, &[DOSSIER_SCOPES, FEED].concat()).await;
    let plie = app.register(Partner, &[DOSSIER_SCOPES, FEED].concat()).await;
    let id = accompanied_person(&app, &ft, &ml).await;
    assert!(of_person(&everything(&app, &rhone, "").await.0, &id).is_empty(), "not the département's yet");

    let path = format!("/v1/persons/{id}/co-accompaniments");
    let recorded = post_as(&app, &ml, &path, &co_accompaniment(&rhone, "social")).await;
    assert_eq!(recorded.status().as_u16(), 201);
    let location = crate::helpers::header(&recorded, "location").expect("Location");
    let (from_start, _) = everything(&app, &rhone, "embed=resource").await;
    assert!(of_person(&from_start, &id).contains(&"fr.plateforme.co_accompaniment.created"));
    let diagnostic =
        find_of_person(&from_start, &id, "fr.plateforme.diagnostic.created").expect("the diagnostic's event");
    assert_eq!(diagnostic["data"]["resource"]["social"]["mobility"]["severity"], "high", "a social role opens it");

    // A delegated operator (a PLIE under France Travail's mandate) holds dossier.social:read too,
    // but its role does not open the sensitive parts: the feed withholds them as GET does.
    let mandate = json!({"kind": "accompaniment", "to_organization_id": plie.organization_id,
        "since": crate::duties::days_ago(30)});
    assert_eq!(post_as(&app, &ft, "/v1/delegations", &mandate).await.status().as_u16(), 201);
    assert_eq!(post_as(&app, &ml, &path, &co_accompaniment(&plie, "delegated")).await.status().as_u16(), 201);
    let (by_plie, _) = everything(&app, &plie, "embed=resource").await;
    let withheld = find_of_person(&by_plie, &id, "fr.plateforme.diagnostic.created")
        .expect("the diagnostic's event, for the PLIE");
    assert!(withheld["data"]["resource"].get("social").is_none(), "{withheld}");
    assert_eq!(withheld["data"]["resource"]["social_withheld"], true);

    let (_, cursor) = everything(&app, &rhone, "").await;
    let ended = app.patch_as(&ml.token, &location, Some("\"1\""), &json!({"until": crate::duties::days_ago(1)})).await;
    assert_eq!(ended.status().as_u16(), 200);
    settle(&app).await;
    let after = read(&app, &rhone, &format!("after={cursor}")).await;
    assert_eq!(of_person(after["events"].as_array().expect("events"), &id), ["fr.plateforme.person.left_remit"]);
    // Read again from the start, the dossier's events are gone; only the one telling it left.
    assert_eq!(of_person(&everything(&app, &rhone, "").await.0, &id), ["fr.plateforme.person.left_remit"]);
}

/// A breach of a contract's duties is a sensitive record: its events reach only a caller
/// granted `dossier.sanctions:read`, as its own operations do.
async fn a_breach_reaches_only_a_caller_granted_its_scope(app: TestApp) {
    let ft = app.register(FranceTravail, &[SANCTIONS_SCOPES, FEED].concat()).await;
    let ml = app.register(MissionLocale, &[SANCTIONS_SCOPES, FEED].concat()).await;
    let without = app.register(FranceTravail, &[DOSSIER_SCOPES, FEED].concat()).await;
    let (dossier, contract_path) = bound_person(&app, &ft, &ml, "Manquement", false).await;
    let contract = json(get_as(&app, &ml, &contract_path).await).await;
    let recorded = post_as(&app, &ml, &format!("{dossier}/breaches"), &breach_of(&contract, 0)).await;
    assert_eq!(recorded.status().as_u16(), 201);
    let breach = json(recorded).await;
    let id = dossier.trim_start_matches("/v1/persons/");

    let (granted, _) = everything(&app, &ft, "embed=resource").await;
    let seen =
        find_of_person(&granted, id, "fr.plateforme.breach.created").expect("the breach's event, with the scope");
    assert_eq!(seen["data"]["resource"]["id"], breach["id"]);
    let refused = everything(&app, &without, "").await.0;
    let kinds = of_person(&refused, id);
    assert!(kinds.iter().all(|kind| !kind.starts_with("fr.plateforme.breach.")), "{kinds:?}");
    assert!(kinds.contains(&"fr.plateforme.contract.created"), "the rest of the dossier still comes: {kinds:?}");
}
