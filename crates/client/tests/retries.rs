//! Retries, against a small stand-in server whose answers each test scripts: a real server's
//! rate limit window is a minute, too long to wait for in a test.

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use plateforme_client::{Client, ClientConfig, ClientError, NewOrganization, OrganizationKind, RetryPolicy, Territory};
use serde_json::json;
use uuid::Uuid;

/// One scripted answer: its status and `Retry-After` (a 401 refuses the token).
#[derive(Clone, Copy)]
struct Scripted {
    status: u16,
    retry_after: Option<&'static str>,
}

/// What the stand-in answers, in order; past the script, 200 (or 201 for a `POST`).
struct Script {
    answers: Mutex<VecDeque<Scripted>>,
    calls: AtomicUsize,
    tokens: AtomicUsize,
}

const ORGANIZATION_ID: &str = "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d";

fn organization() -> serde_json::Value {
    json!({"id": ORGANIZATION_ID, "kind": "region", "name": "Région", "siret": "73282932000074",
        "territory": {"regions": ["84"]}, "version": 1,
        "created_at": "2026-11-24T09:30:00Z", "updated_at": "2026-11-24T09:30:00Z"})
}

async fn token(script: web::Data<Script>) -> HttpResponse {
    let n = script.tokens.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok().content_type("application/json").json(json!({"access_token": format!("token-{n}"),
        "token_type": "Bearer", "expires_in": 600, "scope": "organizations:read"}))
}

async fn api(request: HttpRequest, script: web::Data<Script>) -> HttpResponse {
    script.calls.fetch_add(1, Ordering::SeqCst);
    let next = script.answers.lock().expect("script").pop_front();
    match next {
        Some(Scripted { status, retry_after }) => {
            let code = match status {
                401 => "unauthorized",
                429 => "too_many_requests",
                _ => "service_unavailable",
            };
            let mut response = HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status"));
            if let Some(seconds) = retry_after {
                response.insert_header(("retry-after", seconds));
            }
            if status == 401 {
                response.insert_header(("www-authenticate", "Bearer realm=\"test\", error=\"invalid_token\""));
            }
            response.content_type("application/problem+json").body(
                json!({"type": format!("/problems/{code}"), "title": code, "status": status, "detail": "scripted",
                    "code": code})
                .to_string(),
            )
        }
        None if request.method() == actix_web::http::Method::POST => {
            HttpResponse::Created().insert_header(("etag", "\"1\"")).json(organization())
        }
        None => HttpResponse::Ok().insert_header(("etag", "\"1\"")).json(organization()),
    }
}

/// Starts the stand-in with `answers`; returns its base URL and script.
async fn stand_in(answers: &[Scripted]) -> (String, web::Data<Script>) {
    let script = web::Data::new(Script {
        answers: Mutex::new(answers.iter().copied().collect()),
        calls: AtomicUsize::new(0),
        tokens: AtomicUsize::new(0),
    });
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base_url = format!("http://{}", listener.local_addr().expect("address"));
    let shared = script.clone();
    let server = HttpServer::new(move || {
        App::new().app_data(shared.clone()).route("/oauth/token", web::post().to(token)).default_service(web::to(api))
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    actix_web::rt::spawn(server);
    (base_url, script)
}

fn client(base_url: &str, retry: RetryPolicy) -> Client {
    Client::new(ClientConfig::new(base_url, "id", "secret").with_retry(retry)).expect("client")
}

fn id() -> Uuid {
    ORGANIZATION_ID.parse().expect("uuid")
}

fn new_organization() -> NewOrganization {
    NewOrganization {
        kind: OrganizationKind::Region,
        name: "Région".into(),
        siret: "73282932000074".into(),
        territory: Territory::default(),
    }
}

const TOO_MANY: Scripted = Scripted { status: 429, retry_after: Some("1") };

#[actix_web::test]
async fn a_429_is_retried_after_the_wait_retry_after_asks() {
    let (base_url, script) = stand_in(&[TOO_MANY]).await;
    let client = client(&base_url, RetryPolicy::default());
    let started = Instant::now();
    let read = client.get_organization(id()).await.expect("the retry succeeds");
    assert_eq!(read.value.id, id());
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
    assert_eq!(script.calls.load(Ordering::SeqCst), 2);
}

#[actix_web::test]
async fn a_post_is_retried_only_with_an_idempotency_key() {
    let (base_url, script) = stand_in(&[TOO_MANY, TOO_MANY]).await;
    let client = client(&base_url, RetryPolicy::default());
    let refused = client.create_organization(&new_organization(), None).await;
    assert_eq!(refused.as_ref().err().and_then(ClientError::status), Some(429), "{refused:?}");
    assert_eq!(script.calls.load(Ordering::SeqCst), 1, "a bare POST is never sent twice");

    let created = client.create_organization(&new_organization(), Some("key-1")).await;
    assert_eq!(created.expect("retried with its key").value.id, id());
    assert_eq!(script.calls.load(Ordering::SeqCst), 3);
}

#[actix_web::test]
async fn a_wait_beyond_the_budget_is_not_waited_for() {
    let (base_url, script) = stand_in(&[Scripted { status: 429, retry_after: Some("120") }]).await;
    let policy = RetryPolicy { max_total_wait: Duration::from_secs(5), ..RetryPolicy::default() };
    let client = client(&base_url, policy);
    let started = Instant::now();
    let refused = client.get_organization(id()).await;
    assert_eq!(refused.as_ref().err().and_then(ClientError::code), Some("too_many_requests"), "{refused:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "returned at once");
    assert_eq!(script.calls.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn attempts_are_bounded() {
    let busy = Scripted { status: 503, retry_after: None };
    let (base_url, script) = stand_in(&[busy, busy, busy, busy]).await;
    let policy = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(100),
        ..RetryPolicy::default()
    };
    let refused = client(&base_url, policy).get_organization(id()).await;
    assert_eq!(refused.as_ref().err().and_then(ClientError::status), Some(503), "{refused:?}");
    assert_eq!(script.calls.load(Ordering::SeqCst), 3);
}

#[actix_web::test]
async fn a_refused_token_is_replaced_once() {
    let (base_url, script) = stand_in(&[Scripted { status: 401, retry_after: None }]).await;
    let client = client(&base_url, RetryPolicy::none());
    client.get_organization(id()).await.expect("succeeds with a new token");
    assert_eq!(script.tokens.load(Ordering::SeqCst), 2);
    assert_eq!(script.calls.load(Ordering::SeqCst), 2);
}
