//! The suite passes against the real server, in-process over SQLite with the demo data, both
//! as a library and as the binary CI runs.

use plateforme_conformance_tests::{ClientSpec, Outcome, Settings, run};
use plateforme_server::config::Config;
use plateforme_server::in_process::start_demo;

/// The server on a free port; the folder holds its database.
async fn start_server() -> (String, tempfile::TempDir) {
    let folder = tempfile::tempdir().expect("temporary folder");
    let server = start_demo(folder.path(), Config::default()).await.expect("start the demo server");
    (server.base_url, folder)
}

/// `--client` values for every demo client.
fn demo_clients() -> Vec<String> {
    let kinds = [
        "france_travail",
        "mission_locale",
        "cap_emploi",
        "departement",
        "region",
        "partner",
        "employer",
        "state_service",
        "training_provider",
        "admin",
    ];
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
    for name in [
        "organizations.pagination",
        "access.oriented.mission_locale",
        "schema.get_person",
        "responses.problem_format",
        // Webhooks (issue 12, item 3).
        "webhooks.lifecycle",
        "webhooks.isolation",
    ] {
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
