//! The command line, run as an operator would: the real binary on a fresh database.

use std::process::{Command, Output};

use crate::on_both_databases;

/// Runs the real binary on `database_url` with `environment` added, as an operator would.
pub(crate) fn plateforme(database_url: &str, arguments: &[&str], environment: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plateforme"));
    command.args(arguments).env("DATABASE_URL", database_url).env("RUST_LOG", "warn");
    for (name, value) in environment {
        command.env(name, value);
    }
    command.output().expect("run plateforme")
}

fn succeeds(database_url: &str, arguments: &[&str]) -> String {
    let output = plateforme(database_url, arguments, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "plateforme {arguments:?} failed: {stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn value_of<'a>(output: &'a str, key: &str) -> &'a str {
    output.lines().find_map(|line| line.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("{key} in {output}"))
}

/// Clients and keys through the command line, as an operator does, then what it refuses.
fn an_operator_manages_clients_and_keys(database_url: &str) {
    succeeds(database_url, &["migrate"]);
    succeeds(database_url, &["seed"]);
    let listed = succeeds(database_url, &["clients", "list"]);
    assert_eq!(listed.lines().filter(|line| line.starts_with("demo-")).count(), 10, "{listed}");

    let added = succeeds(
        database_url,
        &[
            "clients",
            "add",
            "--organization",
            "90000000100009",
            "--name",
            "SI de la mission locale",
            "--scopes",
            "dossier:read organizations:read",
        ],
    );
    let client_id = value_of(&added, "client_id").to_owned();
    assert!(value_of(&added, "client_secret").len() >= 40);
    let listed = succeeds(database_url, &["clients", "list"]);
    let line = listed.lines().find(|line| line.starts_with(&client_id)).expect("the new client is listed");
    assert!(line.contains("enabled") && line.contains("dossier:read organizations:read"), "{line}");

    let rotated = succeeds(database_url, &["clients", "rotate-secret", &client_id]);
    assert_ne!(value_of(&rotated, "client_secret"), value_of(&added, "client_secret"));
    succeeds(database_url, &["clients", "disable", &client_id]);
    let listed = succeeds(database_url, &["clients", "list"]);
    assert!(listed.lines().any(|line| line.starts_with(&client_id) && line.contains("disabled")));
    assert!(succeeds(database_url, &["keys", "rotate"]).contains("is active"));

    let refused = plateforme(
        database_url,
        &["clients", "add", "--organization", "90000000100009", "--name", "x", "--scopes", "dossier:delete"],
        &[],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("dossier:delete is not a scope"));
    let unknown = plateforme(database_url, &["clients", "disable", "nobody"], &[]);
    assert!(!unknown.status.success());
    let production = plateforme(database_url, &["seed"], &[("PLATEFORME_PROFILE", "production")]);
    assert!(!production.status.success());
    assert!(String::from_utf8_lossy(&production.stderr).contains("production"));
    let bad_setting = plateforme(database_url, &["migrate"], &[("PLATEFORME_LISTNE", "x")]);
    assert!(String::from_utf8_lossy(&bad_setting.stderr).contains("PLATEFORME_LISTNE"));
}

on_both_databases!(an_operator_manages_clients_and_keys);

#[test]
fn the_openapi_command_prints_the_committed_contract() {
    let output = plateforme("sqlite::memory:", &["openapi"], &[]);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json")).expect("contract");
    assert!(
        String::from_utf8_lossy(&output.stdout) == committed,
        "`plateforme openapi` differs from openapi/openapi.json"
    );
}
