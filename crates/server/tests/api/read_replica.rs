//! Read scaling: with `read_database_url` naming a streaming standby, the organization list
//! reads the standby, while writes and reads by id (read-after-write) stay on the primary; the
//! offer search is the replica's own index, which follows the primary's change feed. Replay on
//! the standby is paused mid-test: what is written meanwhile is read by id at once, is found by
//! the search at once, is absent from the list until replay resumes, and the writes succeed
//! although the standby refuses every write (it is in recovery).
//!
//! The test makes its own primary and standby (`initdb`, then `pg_basebackup -R`, each on a free
//! port in a temporary folder, as the `postgres` user when run as root): the PostgreSQL server
//! of `DATABASE_URL` is shared and its `pg_hba.conf` accepts no replication connection. It runs
//! when `DATABASE_URL` is set, as the PostgreSQL tests do, and needs the server binaries
//! (Debian's `postgresql`, under /usr/lib/postgresql/VERSION/bin); without them it is skipped,
//! or fails under `REQUIRE_POSTGRES` (as CI sets).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use diesel::sql_types::{Bool, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use plateforme_model::organization::OrganizationKind;
use plateforme_server::config::Config;
use serde_json::{Value, json};

use crate::helpers::{TestApp, all_organizations, create_organization, json as body_of, siret, unique_number};

/// How long the standby may take to replay a write before the test fails.
const REPLAY_BOUND: Duration = Duration::from_secs(30);

#[actix_web::test]
async fn stale_reads_go_to_the_standby_and_writes_to_the_primary() {
    if std::env::var("DATABASE_URL").is_err() {
        eprintln!("skipped: DATABASE_URL is not set (the PostgreSQL tests are off)");
        return;
    }
    let Some(binaries) = postgres_binaries() else {
        assert!(std::env::var("REQUIRE_POSTGRES").is_err(), "REQUIRE_POSTGRES is set but initdb is not installed");
        eprintln!("skipped: no PostgreSQL server binaries under /usr/lib/postgresql");
        return;
    };
    let clusters = Clusters::start(binaries);
    let config = Config { read_database_url: Some(clusters.standby_url()), ..Config::default() };
    let app = TestApp::on_database(&clusters.primary_url(), config).await;
    let board = app.register(OrganizationKind::Partner, &["offers:write", "offers:read"]).await;

    let first = publish(&app, &board.token, "first").await;
    assert_eq!(read_by_id(&app, &first).await, 200, "an offer is read by id at once, from the primary");
    assert_eq!(search_ids(&app).await, vec![first.clone()], "the search finds a publication at once");

    let mut standby = clusters.connect_standby();
    let in_recovery: Flag =
        diesel::sql_query("SELECT pg_is_in_recovery() AS value").get_result(&mut standby).expect("ask");
    assert!(in_recovery.value, "the read database is a standby: it refuses writes");
    diesel::sql_query("SELECT pg_wal_replay_pause()").execute(&mut standby).expect("pause replay");

    let second = publish(&app, &board.token, "second").await;
    let organization = create_organization(&app, unique_number()).await;
    let organization_id = organization["id"].as_str().expect("id").to_owned();
    assert_eq!(read_by_id(&app, &second).await, 200, "written to the primary and read back from it");
    let read = app.get(&format!("/v1/organizations/{organization_id}")).await;
    assert_eq!(read.status().as_u16(), 200, "an organization too");
    let mut found = search_ids(&app).await;
    found.sort();
    let mut both = vec![first.clone(), second.clone()];
    both.sort();
    assert_eq!(found, both, "the search follows the primary, not the paused standby");
    assert!(!listed(&app, &organization_id).await, "so does the organization list");
    assert!(!standby_has_offer(&mut standby, &second), "the standby never received the write");

    diesel::sql_query("SELECT pg_wal_replay_resume()").execute(&mut standby).expect("resume replay");
    wait_for(|| async { listed(&app, &organization_id).await }, "the standby replays the organization").await;
    assert!(standby_has_offer(&mut standby, &second));
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    value: bool,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    #[expect(dead_code, reason = "only whether a row comes back matters")]
    id: String,
}

fn standby_has_offer(standby: &mut PgConnection, id: &str) -> bool {
    let found: Vec<Id> = diesel::sql_query("SELECT id FROM offers WHERE id = $1")
        .bind::<Text, _>(id)
        .load(standby)
        .expect("read the standby's offers");
    !found.is_empty()
}

/// Publishes an offer whose title holds a word no other test offer has; answers its id.
async fn publish(app: &TestApp, token: &str, reference: &str) -> String {
    let body = json!({
        "source": {"system": "jobboard", "reference": reference},
        "offer": {
            "title": format!("Xylophoniste d'orchestre ({reference})"),
            "description": "Vous jouez du xylophone dans un orchestre symphonique.",
            "rome_code": "L1202",
            "contract_type": "cdd", "contract_months": 6,
            "workplace": {"commune": "69266"},
            "employer": {"name": "Orchestre de Villeurbanne", "siret": siret(unique_number())}
        }
    });
    let response = app.client.post(app.url("/v1/offers")).bearer_auth(token).json(&body).send().await;
    let response = response.expect("POST /v1/offers");
    assert_eq!(response.status().as_u16(), 201, "publish {reference}: the write goes to the primary");
    let created: Value = body_of(response).await;
    created["offer"]["id"].as_str().expect("the offer's id").to_owned()
}

async fn read_by_id(app: &TestApp, id: &str) -> u16 {
    app.client.get(app.url(&format!("/v1/offers/{id}"))).send().await.expect("GET /v1/offers/{id}").status().as_u16()
}

/// The ids the search finds for the test offers' word.
async fn search_ids(app: &TestApp) -> Vec<String> {
    let response = app.client.get(app.url("/v1/offers?q=xylophoniste")).send().await.expect("GET /v1/offers");
    assert_eq!(response.status().as_u16(), 200);
    let found: Value = body_of(response).await;
    let items = found["items"].as_array().cloned().unwrap_or_default();
    items.iter().filter_map(|item| item["id"].as_str().map(str::to_owned)).collect()
}

async fn listed(app: &TestApp, organization_id: &str) -> bool {
    all_organizations(app).await.iter().any(|organization| organization["id"] == organization_id)
}

async fn wait_for<F, Fut>(done: F, what: &str)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + REPLAY_BOUND;
    while !done().await {
        assert!(Instant::now() < deadline, "{what} within {REPLAY_BOUND:?}");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The folder of `initdb`, `pg_ctl` and `pg_basebackup` of the newest PostgreSQL installed.
fn postgres_binaries() -> Option<PathBuf> {
    let versions = std::fs::read_dir("/usr/lib/postgresql").ok()?;
    let mut found: Vec<(u32, PathBuf)> = versions
        .filter_map(Result::ok)
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse().ok()?, entry.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").exists() && bin.join("pg_basebackup").exists())
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// A primary and its streaming standby in a temporary folder, stopped and removed on drop (the
/// test failing included).
struct Clusters {
    binaries: PathBuf,
    folder: tempfile::TempDir,
    /// PostgreSQL refuses to run as root: the clusters then belong to `postgres`.
    as_postgres: bool,
    primary_port: u16,
    standby_port: u16,
}

impl Clusters {
    fn start(binaries: PathBuf) -> Clusters {
        let folder = tempfile::Builder::new().prefix("plateforme-standby").tempdir().expect("a temporary folder");
        let as_postgres = std::fs::metadata("/proc/self").map(|process| process.uid() == 0).unwrap_or(false);
        if as_postgres {
            let (uid, gid) = (id_of_postgres("-u"), id_of_postgres("-g"));
            std::os::unix::fs::chown(folder.path(), Some(uid), Some(gid)).expect("give the folder to postgres");
        }
        let clusters = Clusters { binaries, folder, as_postgres, primary_port: free_port(), standby_port: free_port() };
        let (primary, standby) = (clusters.data("primary"), clusters.data("standby"));
        clusters.run("initdb", &["-D", &primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"]);
        let settings = format!(
            "listen_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n\
             shared_buffers = 16MB\nmax_connections = 40\nfsync = off\n",
            clusters.primary_port,
            clusters.folder.path().display()
        );
        let conf = Path::new(&primary).join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).expect("read postgresql.conf");
        text.push_str(&settings);
        std::fs::write(&conf, text).expect("write postgresql.conf");
        clusters.pg_ctl(&primary, "primary", None);
        let port = clusters.primary_port.to_string();
        clusters.run("pg_basebackup", &["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-D", &standby, "-R", "-N"]);
        clusters.pg_ctl(&standby, "standby", Some(clusters.standby_port));
        clusters
    }

    fn data(&self, name: &str) -> String {
        self.folder.path().join(name).display().to_string()
    }

    fn primary_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.primary_port)
    }

    fn standby_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.standby_port)
    }

    fn connect_standby(&self) -> PgConnection {
        PgConnection::establish(&self.standby_url()).expect("connect to the standby")
    }

    /// Starts the cluster in `data` and waits until it accepts connections.
    fn pg_ctl(&self, data: &str, name: &str, port: Option<u16>) {
        let log = self.data(&format!("{name}.log"));
        let mut args = vec!["-D", data, "-l", &log, "-w", "-t", "60"];
        let option = port.map(|port| format!("-p {port}"));
        if let Some(option) = &option {
            args.extend(["-o", option]);
        }
        args.push("start");
        let output = self.command("pg_ctl", &args).output().expect("run pg_ctl");
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(output.status.success(), "start the {name}: {}\n{log}", describe(&output));
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program, args).output().unwrap_or_else(|error| panic!("run {program}: {error}"));
        assert!(output.status.success(), "{program}: {}", describe(&output));
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let path = self.binaries.join(program);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        };
        command.args(args).env_remove("PGDATA").env_remove("PGPORT");
        command
    }
}

impl Drop for Clusters {
    fn drop(&mut self) {
        // The standby first, so that it does not wait for the primary it follows.
        for name in ["standby", "primary"] {
            let data = self.data(name);
            if Path::new(&data).join("postmaster.pid").exists() {
                let _ = self.command("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]).output();
            }
        }
    }
}

fn id_of_postgres(flag: &str) -> u32 {
    let output = Command::new("id").args([flag, "postgres"]).output().expect("run id");
    String::from_utf8_lossy(&output.stdout).trim().parse().expect("the postgres user exists")
}

fn describe(output: &Output) -> String {
    format!("{}\n{}{}", output.status, String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}
