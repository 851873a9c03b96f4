//! `plateforme-sync` against the real server (in-process, SQLite, demo data): it is killed with
//! `kill -9` three times while following the feed with writes going on, started again with `--once`, and
//! the mirror then equals what the client reads from the API (a bulk export taken then), with
//! no event applied twice — into a SQLite mirror, and a PostgreSQL one when `DATABASE_URL` is set.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::{PgConnection, SqliteConnection};
use plateforme_client::{Client, ClientConfig, ExportRequest};
use plateforme_model::codes::Siret;
use plateforme_server::config::Config;
use plateforme_server::in_process::{DemoServer, start_demo};
use plateforme_store::{Actor, Store, StoreError, WriteContext, organizations, write};
use serde_json::{Value, json};

/// Records by (type, id): version and representation.
type Records = BTreeMap<(String, String), (i64, Value)>;

const CLIENT: &str = "demo-france-travail";

#[actix_web::test]
async fn a_mirror_killed_mid_stream_resumes_and_equals_the_source_on_sqlite() {
    let folder = tempfile::tempdir().expect("a folder");
    let mirror = format!("sqlite:{}", folder.path().join("mirror.db").display());
    killed_and_resumed(&mirror).await;
}

#[actix_web::test]
async fn a_mirror_killed_mid_stream_resumes_and_equals_the_source_on_postgresql() {
    let Ok(admin_url) = std::env::var("DATABASE_URL") else {
        eprintln!("skipped on PostgreSQL: DATABASE_URL is not set");
        return;
    };
    let name = format!("plateforme_mirror_{}", uuid::Uuid::now_v7().simple());
    let mut admin = PgConnection::establish(&admin_url).expect("connect to DATABASE_URL");
    diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).expect("create the mirror's database");
    let server = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(server, _)| server);
    killed_and_resumed(&format!("{server}/{name}")).await;
    let _ = diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)")).execute(&mut admin);
}

async fn killed_and_resumed(mirror: &str) {
    let folder = tempfile::tempdir().expect("a folder");
    let DemoServer { base_url, store } = start_demo(folder.path(), Config::default()).await.expect("the demo server");
    register_persons(&base_url).await;
    let (stop, writer) = keep_writing(&store);

    // kill -9 three times mid-stream, each once it applied more events, while the writes go on.
    let mut at_kill = 0;
    for _ in 0..3 {
        let mut running = sync(&base_url, mirror, false);
        let deadline = Instant::now() + Duration::from_secs(120);
        while applied(mirror).0 < at_kill + 5 {
            assert!(Instant::now() < deadline, "the sync client applied no event in 120 s");
            assert!(running.try_wait().expect("the sync client").is_none(), "the sync client stopped on its own");
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        running.kill().expect("kill -9");
        running.wait().expect("the killed client");
        at_kill = applied(mirror).0;
    }
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    let written = writer.join().expect("the writer");
    assert!(written > 0);

    let mut second = sync(&base_url, mirror, true);
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = second.try_wait().expect("the sync client") {
            break status;
        }
        assert!(Instant::now() < deadline, "the resumed client did not catch up in 120 s");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "the resumed client ends caught up: {status}");
    let (total, distinct) = applied(mirror);
    assert!(total > at_kill, "the resumed client applied the events after the kill");
    assert_eq!(total, distinct, "no event applied twice");

    let source = source(&base_url).await;
    let mirrored = records(mirror);
    assert!(mirrored.keys().any(|(kind, _)| kind == "person"), "persons are mirrored");
    assert_eq!(mirrored.len(), source.len(), "as many records as the source");
    assert_eq!(mirrored, source, "the mirror equals what the client reads from the API");
}

fn sync(base_url: &str, mirror: &str, once: bool) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plateforme-sync"));
    command
        .args(["--base-url", base_url, "--client-id", CLIENT, "--client-secret", &format!("{CLIENT}-secret")])
        .args(["--database", mirror])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if once {
        command.arg("--once");
    }
    command.spawn().expect("start plateforme-sync")
}

/// Persons in the client's remit (France Travail reads every dossier), with the parts
/// registration makes.
async fn register_persons(base_url: &str) {
    let client = Client::new(ClientConfig::new(base_url, CLIENT, format!("{CLIENT}-secret"))).expect("client");
    for family_name in ["Arnaud", "Barbier", "Chevalier"] {
        let body = json!({
            "identity": {"family_name": family_name, "given_names": "Léa Marie", "birth_date": "2006-03-14", "birth_commune": "69123"},
            "contact": {"email": "lea@example.org", "phone": "06 12 34 56 78",
                "address": {"line": "12 rue de la République", "postal_code": "69002", "commune": "69123"}},
            "statuses": {"rsa_beneficiary": false, "rqth": false},
            "registration": {"registered_on": "2026-11-01", "channel": "counter"}
        });
        let response = client.post("/v1/persons").json(&body).send().await.expect("register a person");
        assert_eq!(response.status, 201, "register a person: {}", response.excerpt());
    }
}

/// What the client reads from the API now: a bulk export's records.
async fn source(base_url: &str) -> Records {
    let client = Client::new(ClientConfig::new(base_url, CLIENT, format!("{CLIENT}-secret"))).expect("client");
    let mut export = client.create_export(&ExportRequest::default()).await.expect("an export");
    while export.status != "done" {
        assert_ne!(export.status, "failed", "{export:?}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        export = client.export(export.id).await.expect("the export");
    }
    let mut records = Records::new();
    for file in &export.files {
        let mut lines = client.export_file(file).await.expect("a file");
        while let Some(line) = lines.next_line().await.expect("a line") {
            let id = line["id"].as_str().expect("id").to_owned();
            records.insert(
                (file.file_type.clone(), id),
                (line["version"].as_i64().expect("version"), line["resource"].clone()),
            );
        }
    }
    records
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    resource_type: String,
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Text)]
    body: String,
}

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    distinct_ids: i64,
}

/// Runs `$query` on the mirror's connection, whichever backend it is.
macro_rules! on_mirror {
    ($url:expr, $conn:ident => $body:expr) => {
        match $url.strip_prefix("sqlite:") {
            Some(path) => {
                let mut $conn = SqliteConnection::establish(path).expect("open the mirror");
                diesel::sql_query("PRAGMA busy_timeout = 10000").execute(&mut $conn).expect("busy timeout");
                $body
            }
            None => {
                let mut $conn = PgConnection::establish($url).expect("open the mirror");
                $body
            }
        }
    };
}

/// Events applied, and distinct event ids among them (0 before the mirror exists).
fn applied(mirror: &str) -> (i64, i64) {
    let query = "SELECT COUNT(*) AS total, COUNT(DISTINCT event_id) AS distinct_ids FROM mirror_applied";
    let counts: QueryResult<Counts> = on_mirror!(mirror, conn => diesel::sql_query(query).get_result(&mut conn));
    counts.map_or((0, 0), |counts| (counts.total, counts.distinct_ids))
}

fn records(mirror: &str) -> Records {
    let query = "SELECT resource_type, id, version, body FROM mirror_records";
    let rows: Vec<Row> = on_mirror!(mirror, conn => diesel::sql_query(query).load(&mut conn).expect("the mirror"));
    rows.into_iter()
        .map(|row| {
            let body = serde_json::from_str(&row.body).expect("a JSON body");
            ((row.resource_type, row.id), (row.version, body))
        })
        .collect()
}

/// Creates organizations on another thread until stopped: the feed moves while the client runs.
fn keep_writing(store: &Store) -> (Arc<AtomicBool>, std::thread::JoinHandle<usize>) {
    let (store, stop) = (store.clone(), Arc::new(AtomicBool::new(false)));
    let stopped = stop.clone();
    let writer = std::thread::spawn(move || {
        let context = WriteContext::of(Actor { client_id: "sync-test".into(), organization_id: None });
        let mut written = 0;
        while !stopped.load(Ordering::SeqCst) {
            let n = 5_000 + written as u64;
            let siret: String = Siret::with_keys(&format!("93{:06}", n / 10_000), &format!("{:04}", n % 10_000))
                .expect("a SIRET")
                .into();
            let body = json!({"kind": "mission_locale", "name": format!("Mission locale n°{n}"), "siret": siret,
                "territory": {"regions": ["84"], "departements": ["69"], "communes": ["69123"]}});
            store
                .run_blocking(|conn| {
                    let fields =
                        serde_json::from_value(body).map_err(|error| StoreError::Corrupt(error.to_string()))?;
                    write::transaction(conn, |conn| organizations::create(conn, &context, fields).map(|_| ()))
                })
                .expect("a write beside the sync");
            written += 1;
            std::thread::sleep(Duration::from_millis(10));
        }
        written
    });
    (stop, writer)
}
