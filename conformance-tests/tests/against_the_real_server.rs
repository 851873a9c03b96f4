//! The suite passes against the real server, in-process over SQLite with the demo data, both
//! as a library and as the binary CI runs.

use std::net::TcpListener;

use plateforme_conformance_tests::{ClientSpec, Outcome, Settings, run};
use plateforme_server::app;
use plateforme_server::config::Config;
use plateforme_store::{Store, StoreOptions};

/// The server on a free port; the folder holds its database.
async fn start_server() -> (String, tempfile::TempDir) {
    let folder = tempfile::tempdir().expect("temporary folder");
    let database_url = format!("sqlite://{}", folder.path().join("conformance.db").display());
    let store = Store::connect(&database_url, &StoreOptions { max_connections: 8, ..StoreOptions::default() })
        .expect("open the database");
    store.migrate().expect("migrate");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let base_url = format!("http://{}", listener.local_addr().expect("local address"));
    let config = Config { workers: Some(2), database_url, issuer: Some(base_url.clone()), ..Config::default() };
    let services = app::Services::new(store.clone(), &config).expect("open the services");
    actix_web::rt::spawn(app::serve(listener, services, &config).expect("start the server"));
    actix_web::rt::task::spawn_blocking(move || plateforme_server::seed::seed_demo(&store, 1000))
        .await
        .expect("seeding task")
        .expect("seed the demo data");
    (base_url, folder)
}

/// `--client` values for every demo client.
fn demo_clients() -> Vec<String> {
    let kinds =
        ["france_travail", "mission_locale", "cap_emploi", "departement", "region", "partner", "employer", "admin"];
    kinds
        .iter()
        .map(|kind| {
            let id = format!("demo-{}", kind.replace('_', "-"));
            format!("{kind}={id}:{id}-secret")
        })
        .collect()
}

#[actix_web::test]
async fn every_check_passes_with_every_kind_given() {
    let (base_url, _database) = start_server().await;
    let clients: Vec<ClientSpec> = demo_clients().iter().map(|spec| spec.parse().expect("spec")).collect();
    let report = run(&Settings::new(base_url, clients).expect("settings")).await;

    let lines = report.lines().join("\n");
    assert_eq!(report.failed(), 0, "{lines}");
    let skipped: Vec<&str> = report
        .results()
        .iter()
        .filter(|result| matches!(result.outcome, Outcome::Skip(_)))
        .map(|result| result.name.as_str())
        .collect();
    assert!(skipped.is_empty(), "nothing is skipped when every kind is given: {skipped:?}");
    for name in
        ["organizations.pagination", "access.oriented.mission_locale", "schema.get_person", "responses.problem_format"]
    {
        assert!(report.get(name).is_some_and(|result| result.outcome == Outcome::Pass), "{name} in {lines}");
    }
}

#[actix_web::test]
async fn the_binary_prints_one_line_per_check_and_the_summary() {
    let (base_url, _database) = start_server().await;
    let mut arguments = vec!["--base-url".to_owned(), base_url];
    for spec in demo_clients() {
        arguments.extend(["--client".to_owned(), spec]);
    }
    let output = actix_web::rt::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_conformance-tests")).args(&arguments).output()
    })
    .await
    .expect("task")
    .expect("run the binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    let (summary, checks) = lines.split_last().expect("output");
    assert_eq!(*summary, format!("{} passed, 0 failed", checks.len()));
    assert!(checks.iter().all(|line| line.starts_with("PASS ")), "{stdout}");

    let duplicate = std::process::Command::new(env!("CARGO_BIN_EXE_conformance-tests"))
        .args(["--base-url", "http://127.0.0.1:9", "--client", "admin=a:b", "--client", "admin=c:d"])
        .output()
        .expect("run the binary");
    assert_eq!(duplicate.status.code(), Some(2), "two clients of one kind are refused");
}
