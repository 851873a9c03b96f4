//! A rolling restart under load loses no request: three replicas of the real binary on one
//! PostgreSQL database behind HAProxy (deploy/haproxy.cfg as deployed: its health checks and retries), restarted
//! one by one with SIGTERM while writers create organizations and read them back through the
//! balancer. Every accepted write is found afterwards, and the only errors callers see are
//! retryable ones (503, or 409 for a retry of a write still in progress), which they retry with
//! the same `Idempotency-Key`.
//!
//! Needs `haproxy` (Debian's package) and `DATABASE_URL`; skipped without them, unless
//! `REQUIRE_HAPROXY=1` (as CI sets) makes a missing HAProxy a failure.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix_web::rt::time::sleep;
use serde_json::Value;

use crate::helpers::{FreshDatabase, organization, unique_number};

const WRITERS: usize = 4;
/// deploy/haproxy.cfg's `rise 2` checks at `inter 2s`, and a margin.
const HAPROXY_SEES_IT_UP: Duration = Duration::from_millis(4500);
/// The demo admin's rate limit (set when it is seeded): the writers must not meet it.
const UNLIMITED: &str = "10000000";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a port")
}

fn haproxy_available() -> bool {
    let found = Command::new("haproxy").arg("-v").stdout(Stdio::null()).status().is_ok_and(|status| status.success());
    assert!(found || std::env::var("REQUIRE_HAPROXY").is_err(), "REQUIRE_HAPROXY is set but haproxy is not installed");
    found
}

struct Replica {
    port: u16,
    process: Child,
    /// Its own search index, removed with it.
    _search: tempfile::TempDir,
}

fn start_replica(database_url: &str, port: u16, issuer: &str) -> Replica {
    let search = crate::helpers::search_folder();
    let process = Command::new(env!("CARGO_BIN_EXE_plateforme"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("PLATEFORME_LISTEN", format!("127.0.0.1:{port}"))
        .env("PLATEFORME_ISSUER", issuer)
        // Each replica keeps its own search index.
        .env("PLATEFORME_SEARCH_INDEX_DIR", search.path())
        .env("PLATEFORME_WORKERS", "2")
        .env("PLATEFORME_DATABASE_POOL_SIZE", "4")
        .env("PLATEFORME_SHUTDOWN_TIMEOUT_SECS", "10")
        .env("PLATEFORME_TOKEN_RATE_LIMIT_PER_MINUTE", "100000")
        .env("PLATEFORME_DEFAULT_RATE_LIMIT_PER_MINUTE", UNLIMITED)
        .env("PLATEFORME_TRUSTED_PROXIES", "127.0.0.1")
        .env_remove("PLATEFORME_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a replica");
    Replica { port, process, _search: search }
}

/// deploy/haproxy.cfg, its health checks and retries unchanged, listening on `front` and
/// sending to the test's replicas.
fn haproxy_config(front: u16, replicas: &[u16]) -> String {
    let deployed = include_str!("../../../../deploy/haproxy.cfg");
    let mut config = String::new();
    for line in deployed.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("server ") {
            continue;
        }
        if trimmed.starts_with("bind ") {
            config.push_str(&format!("    bind 127.0.0.1:{front}\n"));
            continue;
        }
        config.push_str(line);
        config.push('\n');
        if trimmed.starts_with("default-server ") {
            for (index, port) in replicas.iter().enumerate() {
                config.push_str(&format!("    server replica-{index} 127.0.0.1:{port}\n"));
            }
        }
    }
    assert!(config.contains("server replica-2 "), "deploy/haproxy.cfg has a default-server line");
    config
}

async fn wait_ready(client: &reqwest::Client, port: u16) {
    let started = Instant::now();
    loop {
        let answer = client.get(format!("http://127.0.0.1:{port}/health/ready")).send().await;
        if answer.is_ok_and(|response| response.status().is_success()) {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "port {port} is not ready");
        sleep(Duration::from_millis(100)).await;
    }
}

/// What the writers saw.
#[derive(Default)]
struct Tally {
    accepted: Vec<String>,
    retried: usize,
    failures: Vec<String>,
}

/// POSTs one organization until it is accepted, retrying retryable answers with the same key.
async fn write_one(client: &reqwest::Client, base: &str, token: &str, tally: &mut Tally) {
    let body = organization(unique_number());
    let key = uuid::Uuid::now_v7().to_string();
    for _ in 0..20 {
        let sent = client
            .post(format!("{base}/v1/organizations"))
            .bearer_auth(token)
            .header("idempotency-key", &key)
            .json(&body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                tally.failures.push(format!("POST: {error}"));
                return;
            }
        };
        match response.status().as_u16() {
            201 => {
                let created: Value = response.json().await.unwrap_or_default();
                let id = created["id"].as_str().unwrap_or_default().to_owned();
                read_back(client, base, token, &id, tally).await;
                tally.accepted.push(id);
                return;
            }
            503 | 409 => {
                tally.retried += 1;
                sleep(Duration::from_millis(100)).await;
            }
            status => {
                tally.failures.push(format!("POST answered {status}: {}", response.text().await.unwrap_or_default()));
                return;
            }
        }
    }
    tally.failures.push("POST still refused after 20 retries".into());
}

async fn read_back(client: &reqwest::Client, base: &str, token: &str, id: &str, tally: &mut Tally) {
    let read = client.get(format!("{base}/v1/organizations/{id}")).bearer_auth(token).send().await;
    match read.map(|response| response.status().as_u16()) {
        Ok(200) => {}
        Ok(status) => tally.failures.push(format!("GET {id} after its write answered {status}")),
        Err(error) => tally.failures.push(format!("GET {id}: {error}")),
    }
}

async fn writer(client: reqwest::Client, base: String, token: String, stop: Rc<AtomicBool>) -> Tally {
    let mut tally = Tally::default();
    while !stop.load(Ordering::Relaxed) {
        write_one(&client, &base, &token, &mut tally).await;
    }
    tally
}

async fn admin_token(client: &reqwest::Client, base: &str) -> String {
    let response = client
        .post(format!("{base}/oauth/token"))
        .basic_auth("demo-admin", Some("demo-admin-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("POST /oauth/token");
    assert_eq!(response.status().as_u16(), 200, "the demo admin gets a token");
    let body: Value = response.json().await.expect("token response");
    body["access_token"].as_str().expect("access_token").to_owned()
}

async fn restart(replica: &mut Replica, database_url: &str, issuer: &str, client: &reqwest::Client) {
    let signalled = Command::new("kill").arg("-TERM").arg(replica.process.id().to_string()).status();
    assert!(signalled.is_ok_and(|status| status.success()), "kill -TERM");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = replica.process.try_wait().expect("replica status") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "replica {} did not stop", replica.port);
        sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "replica {} stopped cleanly: {status:?}", replica.port);
    *replica = start_replica(database_url, replica.port, issuer);
    wait_ready(client, replica.port).await;
    // HAProxy puts it back after two good checks, 2 s apart (deploy/haproxy.cfg).
    sleep(HAPROXY_SEES_IT_UP).await;
}

#[actix_web::test]
async fn a_rolling_restart_under_load_loses_no_request() {
    if !haproxy_available() {
        eprintln!("skipped: haproxy is not installed");
        return;
    }
    let Some(database) = FreshDatabase::postgres() else { return };
    let seeded = Command::new(env!("CARGO_BIN_EXE_plateforme"))
        .arg("seed")
        .env("DATABASE_URL", &database.url)
        .env("PLATEFORME_DEFAULT_RATE_LIMIT_PER_MINUTE", UNLIMITED)
        .env_remove("PLATEFORME_CONFIG")
        .output()
        .expect("plateforme seed");
    assert!(seeded.status.success(), "seed: {}", String::from_utf8_lossy(&seeded.stderr));

    let front = free_port();
    let base = format!("http://127.0.0.1:{front}");
    // The first replica alone creates the signing key of the new database: replicas starting
    // together on an empty database may each create one, and one that loaded the keys before
    // another's was written refuses its tokens until it re-reads them (up to 5 s).
    let first = start_replica(&database.url, free_port(), &base);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
    wait_ready(&client, first.port).await;
    let mut replicas = vec![first, start_replica(&database.url, free_port(), &base)];
    replicas.push(start_replica(&database.url, free_port(), &base));
    let folder = tempfile::tempdir().expect("a folder");
    let config = folder.path().join("haproxy.cfg");
    let ports: Vec<u16> = replicas.iter().map(|replica| replica.port).collect();
    std::fs::write(&config, haproxy_config(front, &ports)).expect("write haproxy.cfg");
    let mut haproxy =
        Command::new("haproxy").arg("-db").arg("-f").arg(&config).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
    for port in &ports {
        wait_ready(&client, *port).await;
    }
    sleep(HAPROXY_SEES_IT_UP).await;
    let token = admin_token(&client, &base).await;

    let stop = Rc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| actix_web::rt::spawn(writer(client.clone(), base.clone(), token.clone(), stop.clone())))
        .collect();
    sleep(Duration::from_secs(1)).await;
    for replica in &mut replicas {
        restart(replica, &database.url, &base, &client).await;
    }
    sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let mut tally = Tally::default();
    for writer in writers {
        let done = writer.await.expect("a writer");
        tally.accepted.extend(done.accepted);
        tally.retried += done.retried;
        tally.failures.extend(done.failures);
    }

    let mut lost = Vec::new();
    for id in &tally.accepted {
        let found = client.get(format!("{base}/v1/organizations/{id}")).bearer_auth(&token).send().await;
        match found.map(|response| response.status().as_u16()) {
            Ok(200) => {}
            other => lost.push(format!("{id}: {other:?}")),
        }
    }
    for replica in &mut replicas {
        let _ = replica.process.kill();
        let _ = replica.process.wait();
    }
    if let Ok(haproxy) = haproxy.as_mut() {
        let _ = haproxy.kill();
        let _ = haproxy.wait();
    }
    eprintln!("rolling restart: {} writes accepted, {} retryable answers retried", tally.accepted.len(), tally.retried);
    assert!(tally.failures.is_empty(), "callers saw errors that are not retryable: {:?}", tally.failures);
    assert!(lost.is_empty(), "{} accepted writes not found, e.g. {:?}", lost.len(), &lost[..lost.len().min(5)]);
    assert!(tally.accepted.len() > 20, "the writers kept writing during the restarts: {}", tally.accepted.len());
}
