//! Webhooks (`/v1/subscriptions`, issue 12, item 3), against a real receiver: a local HTTP
//! server on a thread that answers as each test scripts it and checks every signature itself
//! (Standard Webhooks: HMAC-SHA256 of `id.timestamp.body` with the secret's key). A receiver
//! that fails then succeeds gets each event once after success; `410` disables; `Retry-After`
//! is honoured; deliveries are judged by the access policy for the subscription's owner; a
//! replay keeps the `webhook-id`; the rows survive a restart and two replicas deliver once.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use hmac::{Hmac, Mac};
use plateforme_auth::key_encryption::KeyEncryption;
use plateforme_model::organization::OrganizationKind::{FranceTravail, MissionLocale, Region};
use plateforme_server::config::Config;
use plateforme_server::config::DEVELOPMENT_KEY_ENCRYPTION_KEY;
use plateforme_store::sensitive;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::dossier::{DOSSIER_SCOPES, get_as, person, post_as, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::on_both_backends;

on_both_backends!(with crate::webhooks::config();
    a_receiver_that_fails_then_succeeds_gets_each_event_once_signed,
    a_gone_receiver_disables_the_subscription_until_resumed,
    retry_after_is_honoured,
    bad_subscriptions_are_refused_precisely_and_change_nothing,
    another_client_neither_sees_nor_touches_a_subscription,
    a_region_receives_no_person_event_a_mission_locale_receives,
    a_replay_keeps_the_webhook_id_and_a_rotation_signs_twice,
    secrets_are_sealed_and_a_rewrap_keeps_them_signing,
);

on_both_backends!(with crate::webhooks::config_allowing_localhost();
    a_name_that_resolves_to_a_private_address_is_refused_at_delivery,
);

on_both_backends!(with crate::webhooks::config_without_worker();
    deliveries_survive_a_restart_and_two_replicas_deliver_each_once,
    a_client_disabled_after_the_fan_out_receives_nothing,
);

/// Fast retries and polls, and the test receivers' host allowed.
pub fn config() -> Config {
    Config {
        webhook_allowed_hosts: vec!["127.0.0.1".into()],
        webhook_retry_schedule_secs: vec![1, 1, 1],
        webhook_poll_interval_ms: 100,
        webhook_timeout_secs: 5,
        ..Config::default()
    }
}

/// `localhost` allowed when subscribing, for a delivery-time check to refuse it later.
fn config_allowing_localhost() -> Config {
    Config { webhook_allowed_hosts: vec!["localhost".into()], webhook_worker: false, ..config() }
}

fn config_without_worker() -> Config {
    Config { webhook_worker: false, ..config() }
}

const SUBSCRIBER: &[&str] = &["changes:read", "webhooks:write"];
const CREATED: &str = "fr.plateforme.person.created";

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
    /// The status it answered.
    answered: u16,
    at: Instant,
}

/// What the receiver answers next: a status, and a `Retry-After` in seconds.
type Answer = (u16, Option<u64>);

/// A receiver: answers the scripted statuses (with their `Retry-After`) in turn, then 200.
#[derive(Clone)]
struct Receiver {
    url: String,
    script: Arc<Mutex<VecDeque<Answer>>>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(script: &[Answer]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
        let url = format!("http://{}/hooks", listener.local_addr().expect("address"));
        let receiver = Receiver {
            url,
            script: Arc::new(Mutex::new(script.iter().copied().collect())),
            received: Arc::new(Mutex::new(Vec::new())),
        };
        let serving = receiver.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let serving = serving.clone();
                std::thread::spawn(move || serving.answer(stream));
            }
        });
        receiver
    }

    fn answer(&self, mut stream: std::net::TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
        let mut headers = BTreeMap::new();
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
            }
        }
        let length: usize = headers.get("content-length").and_then(|value| value.parse().ok()).unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (status, retry_after) = self.script.lock().expect("script").pop_front().unwrap_or((200, None));
        let header = |name: &str| headers.get(name).cloned().unwrap_or_default();
        self.received.lock().expect("received").push(Received {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            body: String::from_utf8_lossy(&body).into_owned(),
            answered: status,
            at: Instant::now(),
        });
        let retry = retry_after.map(|secs| format!("Retry-After: {secs}\r\n")).unwrap_or_default();
        let _ = write!(stream, "HTTP/1.1 {status} Status\r\n{retry}Content-Length: 0\r\nConnection: close\r\n\r\n");
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("received").clone()
    }

    /// Waits until `done` holds of what was received (10 s at most).
    async fn until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            assert!(Instant::now() < deadline, "the receiver did not get {what} in 15 s; got {received:#?}");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The receiver's own check of a Standard Webhooks signature: one of the space-separated `v1,`
/// signatures is the HMAC-SHA256 of `id.timestamp.body` with the secret's key.
fn signed_with(received: &Received, secret: &str) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").expect("a whsec_ secret")).expect("base64");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("a key");
    mac.update(format!("{}.{}.{}", received.id, received.timestamp, received.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    received.signature.split(' ').any(|signature| signature == expected)
}

async fn subscribe(app: &TestApp, client: &TestClient, url: &str, types: &[&str]) -> Value {
    let response = post_as(app, client, "/v1/subscriptions", &json!({"url": url, "event_types": types})).await;
    assert_eq!(response.status().as_u16(), 201, "subscribe to {url}");
    assert!(response.headers().get("location").is_some());
    json(response).await
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// The delivery log of a subscription, first page.
async fn log(app: &TestApp, client: &TestClient, subscription: &str) -> Vec<Value> {
    let response = get_as(app, client, &format!("/v1/subscriptions/{subscription}/deliveries?limit=100")).await;
    assert_eq!(response.status().as_u16(), 200);
    json(response).await["items"].as_array().cloned().unwrap_or_default()
}

async fn a_receiver_that_fails_then_succeeds_gets_each_event_once_signed(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let receiver = Receiver::start(&[(500, None)]);
    let subscription = subscribe(&app, &ft, &receiver.url, &[CREATED]).await;
    let secret = subscription["secret"].as_str().expect("the secret, shown once").to_owned();
    assert!(secret.starts_with("whsec_"));
    let mut persons = Vec::new();
    for name in ["Aubert", "Bernard", "Colin"] {
        persons.push(id_of(&register_person(&app, &ft, &person(name, false)).await));
    }
    let delivered = |received: &[Received]| received.iter().filter(|r| r.answered == 200).count() >= 3;
    receiver.until("three events delivered", delivered).await;
    // Retries of a failed one, or a second replica's round, would come now.
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    let received = receiver.received();
    assert_eq!(received.len(), 4, "one failure, then each event once: {received:#?}");
    assert_eq!(received[0].answered, 500);
    let mut subjects = Vec::new();
    for one in received.iter().filter(|r| r.answered == 200) {
        assert!(signed_with(one, &secret), "a valid signature: {one:?}");
        let event: Value = serde_json::from_str(&one.body).expect("a CloudEvent");
        assert_eq!(event["id"], one.id.as_str(), "webhook-id is the event's id");
        assert_eq!(event["type"], CREATED);
        assert_eq!(event["specversion"], "1.0");
        subjects.push(event["subject"].as_str().unwrap_or_default().to_owned());
    }
    subjects.sort();
    persons.sort();
    assert_eq!(subjects, persons);
    // The failed event was retried with the same id, and the log shows both attempts.
    assert!(received[1..].iter().any(|r| r.id == received[0].id));
    let entries = log(&app, &ft, &id_of(&subscription)).await;
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|entry| entry["state"] == "delivered"), "{entries:#?}");
    let retried = entries.iter().find(|entry| entry["event_id"] == received[0].id.as_str()).expect("the retried one");
    let statuses: Vec<i64> =
        retried["attempts"].as_array().expect("attempts").iter().filter_map(|a| a["status"].as_i64()).collect();
    assert_eq!(statuses, [500, 200]);
}

async fn a_gone_receiver_disables_the_subscription_until_resumed(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let receiver = Receiver::start(&[(410, None)]);
    let subscription = subscribe(&app, &ft, &receiver.url, &[CREATED]).await;
    let path = format!("/v1/subscriptions/{}", id_of(&subscription));
    register_person(&app, &ft, &person("Dumas", false)).await;
    receiver.until("a first attempt", |received| !received.is_empty()).await;
    let mut current = json(get_as(&app, &ft, &path).await).await;
    for _ in 0..100 {
        if current["active"] == false {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        current = json(get_as(&app, &ft, &path).await).await;
    }
    assert_eq!(current["active"], false, "{current}");
    assert!(current["disabled_reason"].as_str().is_some_and(|reason| reason.contains("410")));
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.received().len(), 1, "nothing is sent to a disabled subscription");
    // A change states the version it is based on: none is refused (428), an older one too (412).
    let resume = json!({"active": true});
    assert_problem(app.patch_as(&ft.token, &path, None, &resume).await, 428, "precondition_required").await;
    let version = current["version"].as_i64().expect("version");
    let stale = format!("\"{}\"", version + 1);
    assert_problem(app.patch_as(&ft.token, &path, Some(&stale), &resume).await, 412, "precondition_failed").await;
    assert_eq!(json(get_as(&app, &ft, &path).await).await["active"], false, "nothing changed");
    let resumed = app.patch_as(&ft.token, &path, Some(&format!("\"{version}\"")), &resume).await;
    assert_eq!(resumed.status().as_u16(), 200);
    assert_eq!(header(&resumed, "etag").as_deref(), Some(format!("\"{}\"", version + 1).as_str()));
    assert_eq!(json(resumed).await["active"], true);
    let received = receiver.until("the waiting event", |received| received.len() == 2).await;
    assert_eq!((received[1].answered, &received[1].id), (200, &received[0].id));
}

async fn retry_after_is_honoured(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let receiver = Receiver::start(&[(503, Some(3))]);
    subscribe(&app, &ft, &receiver.url, &[CREATED]).await;
    register_person(&app, &ft, &person("Etienne", false)).await;
    let received = receiver.until("the retry", |received| received.len() == 2).await;
    let waited = received[1].at - received[0].at;
    // The schedule says 1 s; the receiver asked for 3.
    assert!(waited >= Duration::from_millis(2900), "waited {waited:?}");
    assert_eq!(received[1].answered, 200);
}

async fn bad_subscriptions_are_refused_precisely_and_change_nothing(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let refused = |url: &str| json!({"url": url, "event_types": [CREATED]});
    for (body, field, rule) in [
        (refused("https://10.1.2.3/hooks"), "url", "webhook.url.private_address"),
        (refused("https://169.254.169.254/latest"), "url", "webhook.url.private_address"),
        (refused("https://localhost:8443/hooks"), "url", "webhook.url.private_address"),
        (refused("https://[::1]/hooks"), "url", "webhook.url.private_address"),
        (refused("http://partner.example/hooks"), "url", "webhook.url.https_required"),
        (refused("https://user:secret@partner.example/hooks"), "url", "webhook.url.credentials"),
        (refused("partner.example"), "url", "webhook.url.invalid"),
        (
            json!({"url": "https://partner.example/h", "event_types": ["fr.plateforme.person.renamed"]}),
            "event_types[0]",
            "webhook.event_types.unknown",
        ),
        (json!({"url": "https://partner.example/h", "event_types": []}), "event_types", "webhook.event_types.empty"),
    ] {
        let problem =
            assert_problem(post_as(&app, &ft, "/v1/subscriptions", &body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["rule"], rule, "{problem}");
    }
    let unknown_member = json!({"url": "https://partner.example/h", "event_types": [CREATED], "secret": "mine"});
    let problem =
        assert_problem(post_as(&app, &ft, "/v1/subscriptions", &unknown_member).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "secret", "{problem}");
    // Without webhooks:write.
    let reader = app.register(FranceTravail, &["changes:read"]).await;
    let body = json!({"url": "https://partner.example/h", "event_types": [CREATED]});
    assert_problem(post_as(&app, &reader, "/v1/subscriptions", &body).await, 403, "forbidden").await;
    let list = json(get_as(&app, &ft, "/v1/subscriptions").await).await;
    assert_eq!(list["items"], json!([]), "nothing was created");
}

async fn another_client_neither_sees_nor_touches_a_subscription(app: TestApp) {
    let owner = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let other = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let receiver = Receiver::start(&[]);
    let id = id_of(&subscribe(&app, &owner, &receiver.url, &[CREATED]).await);
    let path = format!("/v1/subscriptions/{id}");
    assert_problem(get_as(&app, &other, &path).await, 404, "not_found").await;
    assert_problem(get_as(&app, &other, &format!("{path}/deliveries")).await, 404, "not_found").await;
    assert_problem(app.patch_as(&other.token, &path, Some("\"1\""), &json!({"active": false})).await, 404, "not_found")
        .await;
    let replay = json!({"event_ids": ["1"]});
    assert_problem(post_as(&app, &other, &format!("{path}/replay"), &replay).await, 404, "not_found").await;
    assert_problem(post_as(&app, &other, &format!("{path}/rotate-secret"), &json!({})).await, 404, "not_found").await;
    let deleted = app.client.delete(app.url(&path)).bearer_auth(&other.token).send().await.expect("DELETE");
    assert_problem(deleted, 404, "not_found").await;
    assert_eq!(json(get_as(&app, &other, "/v1/subscriptions").await).await["items"], json!([]));
    let mine = json(get_as(&app, &owner, &path).await).await;
    assert_eq!((mine["active"].clone(), mine["version"].clone()), (json!(true), json!(1)), "unchanged: {mine}");
    assert!(mine.get("secret").is_none(), "the secret is shown only when made");
    // The owner deletes it.
    let deleted = app.client.delete(app.url(&path)).bearer_auth(&owner.token).send().await.expect("DELETE");
    assert_eq!(deleted.status().as_u16(), 204);
    assert_problem(get_as(&app, &owner, &path).await, 404, "not_found").await;
}

async fn a_region_receives_no_person_event_a_mission_locale_receives(app: TestApp) {
    let scopes = [&["dossier:read", "dossier:write"][..], SUBSCRIBER].concat();
    let mission_locale = app.register(MissionLocale, &scopes).await;
    let region = app.register(Region, &[&["dossier:read"][..], SUBSCRIBER].concat()).await;
    let (for_mission_locale, for_region) = (Receiver::start(&[]), Receiver::start(&[]));
    subscribe(&app, &mission_locale, &for_mission_locale.url, &[CREATED]).await;
    let region_subscription = subscribe(&app, &region, &for_region.url, &[CREATED]).await;
    let registered = register_person(&app, &mission_locale, &person("Fabre", false)).await;
    let received = for_mission_locale.until("the person's creation", |received| !received.is_empty()).await;
    let event: Value = serde_json::from_str(&received[0].body).expect("a CloudEvent");
    assert_eq!(event["subject"], registered["id"]);
    // The fan-out judged the event for both subscriptions in the same round.
    actix_web::rt::time::sleep(Duration::from_millis(1000)).await;
    assert!(for_region.received().is_empty(), "a région reads no dossier: {:?}", for_region.received());
    assert!(log(&app, &region, &id_of(&region_subscription)).await.is_empty());
}

async fn a_replay_keeps_the_webhook_id_and_a_rotation_signs_twice(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let receiver = Receiver::start(&[]);
    let subscription = subscribe(&app, &ft, &receiver.url, &[CREATED]).await;
    let (id, old_secret) = (id_of(&subscription), subscription["secret"].as_str().expect("secret").to_owned());
    register_person(&app, &ft, &person("Gautier", false)).await;
    let first = receiver.until("the event", |received| received.len() == 1).await.remove(0);
    let rotated = post_as(&app, &ft, &format!("/v1/subscriptions/{id}/rotate-secret"), &json!({})).await;
    assert_eq!(rotated.status().as_u16(), 200);
    let rotated = json(rotated).await;
    let new_secret = rotated["secret"].as_str().expect("the new secret").to_owned();
    assert_ne!(new_secret, old_secret);
    assert!(rotated["previous_secret_expires_at"].is_string());
    let replayed =
        post_as(&app, &ft, &format!("/v1/subscriptions/{id}/replay"), &json!({"event_ids": [first.id]})).await;
    assert_eq!(replayed.status().as_u16(), 202);
    assert_eq!(json(replayed).await["replayed"], 1);
    let again = receiver.until("the replay", |received| received.len() == 2).await.remove(1);
    assert_eq!((&again.id, &again.body), (&first.id, &first.body), "the same webhook-id and body");
    assert_eq!(again.signature.split(' ').count(), 2, "two signatures during the rotation");
    assert!(signed_with(&again, &old_secret) && signed_with(&again, &new_secret));
    // By cursor range: from the start of the feed, every delivery of the subscription again.
    let start = plateforme_sync::FeedCursor::START.seal();
    let replayed = post_as(&app, &ft, &format!("/v1/subscriptions/{id}/replay"), &json!({"after": start})).await;
    assert_eq!(json(replayed).await["replayed"], 1);
    let third = receiver.until("the range's replay", |received| received.len() == 3).await.remove(2);
    assert_eq!(third.id, first.id);
    // Bad replays.
    let path = format!("/v1/subscriptions/{id}/replay");
    let problem =
        assert_problem(post_as(&app, &ft, &path, &json!({"event_ids": ["999999"]})).await, 422, "validation_failed")
            .await;
    assert_eq!(problem["errors"][0]["rule"], "webhook.replay.unknown_event");
    let both = json!({"event_ids": [first.id], "after": plateforme_sync::FeedCursor::START.seal()});
    let problem = assert_problem(post_as(&app, &ft, &path, &both).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "webhook.replay.one_of");
    let problem =
        assert_problem(post_as(&app, &ft, &path, &json!({"after": "forged"})).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "cursor.invalid");
    assert_eq!(log(&app, &ft, &id).await.len(), 3, "the bad replays queued nothing");
}

async fn deliveries_survive_a_restart_and_two_replicas_deliver_each_once(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let receiver = Receiver::start(&[]);
    let id = id_of(&subscribe(&app, &ft, &receiver.url, &[CREATED]).await);
    for n in 0..6 {
        register_person(&app, &ft, &person(&format!("Henry{n}"), false)).await;
    }
    // This server runs no worker: the fan-out is run here, once, and its rows wait.
    crate::change_feed::settle(&app).await;
    let fanned = app.store.run(plateforme_sync::webhooks::fan_out_once).await.expect("fan out");
    assert!(fanned >= 6);
    let pending = log(&app, &ft, &id).await;
    assert_eq!(pending.len(), 6);
    assert!(pending.iter().all(|entry| entry["state"] == "pending"));
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert!(receiver.received().is_empty());
    // Two replicas with the worker on, on the same database, as after a restart.
    let with_worker = Config { webhook_worker: true, ..config() };
    app.replica(&with_worker).await;
    app.replica(&with_worker).await;
    receiver.until("the six events", |received| received.len() >= 6).await;
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    let received = receiver.received();
    let mut ids: Vec<&str> = received.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((received.len(), ids.len()), (6, 6), "each event once: {received:#?}");
    assert!(log(&app, &ft, &id).await.iter().all(|entry| entry["state"] == "delivered"));
}

#[derive(QueryableByName)]
struct StoredSecret {
    #[diesel(sql_type = Text)]
    secret: String,
}

async fn stored_secrets(app: &TestApp) -> Vec<String> {
    let rows: Vec<StoredSecret> = app
        .store
        .run(|conn| Ok(diesel::sql_query("SELECT secret FROM webhook_subscriptions").load(conn)?))
        .await
        .expect("the stored secrets");
    rows.into_iter().map(|row| row.secret).collect()
}

async fn secrets_are_sealed_and_a_rewrap_keeps_them_signing(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let receiver = Receiver::start(&[]);
    let secret = subscribe(&app, &ft, &receiver.url, &[CREATED]).await["secret"].as_str().expect("secret").to_owned();
    let stored = stored_secrets(&app).await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(secret.trim_start_matches("whsec_")) && stored[0].contains("sealed"), "{stored:?}");
    // A new KEK, the former one among the previous: `keys rewrap` seals the secret anew.
    let new = "the operator's new key-encryption key, 32+ bytes";
    let both = KeyEncryption::new(new.as_bytes(), &[DEVELOPMENT_KEY_ENCRYPTION_KEY.as_bytes()]).expect("KEKs");
    app.store.install_key_encryption(Arc::new(both));
    assert_eq!(app.store.run(sensitive::reseal_all).await.expect("rewrap"), 1);
    assert_eq!(app.store.run(sensitive::reseal_all).await.expect("rewrap again"), 0);
    // The new KEK alone opens it: deliveries are still signed with the subscription's secret.
    app.store.install_key_encryption(Arc::new(KeyEncryption::new(new.as_bytes(), &[]).expect("KEK")));
    register_person(&app, &ft, &person("Ibert", false)).await;
    let received = receiver.until("the event", |received| !received.is_empty()).await;
    assert!(signed_with(&received[0], &secret));
}

async fn a_name_that_resolves_to_a_private_address_is_refused_at_delivery(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    // Allowed while subscribing (as a name re-pointed later, DNS rebinding, would pass then).
    let id = id_of(&subscribe(&app, &ft, "https://localhost:9/hooks", &[CREATED]).await);
    register_person(&app, &ft, &person("Jourdan", false)).await;
    // A replica whose allow-list does not hold it delivers: its resolver refuses the address.
    app.replica(&config()).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let error = loop {
        let entries = log(&app, &ft, &id).await;
        if let Some(error) = entries.first().and_then(|entry| entry["attempts"][0]["error"].as_str()) {
            break error.to_owned();
        }
        assert!(Instant::now() < deadline, "no attempt in 15 s: {entries:#?}");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(error.contains("non-public address"), "{error}");
}

async fn a_client_disabled_after_the_fan_out_receives_nothing(app: TestApp) {
    let ft = app.register(FranceTravail, &[DOSSIER_SCOPES, SUBSCRIBER].concat()).await;
    let receiver = Receiver::start(&[]);
    let id = id_of(&subscribe(&app, &ft, &receiver.url, &[CREATED]).await);
    register_person(&app, &ft, &person("Klein", false)).await;
    crate::change_feed::settle(&app).await;
    app.store.run(plateforme_sync::webhooks::fan_out_once).await.expect("fan out");
    assert_eq!(log(&app, &ft, &id).await.len(), 1);
    let disabled = app.post_json(&format!("/v1/admin/clients/{}/disable", ft.client_id), &json!({})).await;
    assert_eq!(disabled.status().as_u16(), 200);
    app.replica(&config()).await;
    let (store, id): (_, uuid::Uuid) = (app.store.clone(), id.parse().expect("a uuid"));
    let deadline = Instant::now() + Duration::from_secs(15);
    let error = loop {
        // Read from the store: the disabled client's token is refused now.
        let logged = store
            .run(move |conn| {
                let page = plateforme_store::PageRequest::first(10);
                plateforme_store::webhooks::deliveries::list(conn, id, &page)
            })
            .await
            .expect("the log");
        if let Some(attempt) = logged.items.first().and_then(|logged| logged.attempts.first()) {
            break attempt.error.clone().unwrap_or_default();
        }
        assert!(Instant::now() < deadline, "no attempt in 15 s");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(error.contains("disabled"), "{error}");
    assert!(receiver.received().is_empty());
}
