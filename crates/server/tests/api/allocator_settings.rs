//! The allocators' settings the binary gives itself (`restart_with_malloc_settings`): started
//! without them, the real server starts itself again with glibc's two arenas and mimalloc's
//! transparent huge pages off, and the kernel runs it without huge pages; an operator's own
//! values are kept as they are.

use std::process::{Child, Command, Stdio};

use crate::graceful_stop::{free_port, wait_until_listening};
use crate::helpers::{FreshDatabase, search_folder};

/// The server's environment and its THP state as the kernel sees them, once it listens (so
/// after it started itself again).
fn started_with(environment: &[(&str, &str)]) -> (Vec<String>, String) {
    let database = FreshDatabase::sqlite();
    let port = free_port();
    let search = search_folder();
    let mut command = Command::new(env!("CARGO_BIN_EXE_plateforme"));
    command
        .arg("serve")
        .env("DATABASE_URL", &database.url)
        .env("PLATEFORME_LISTEN", format!("127.0.0.1:{port}"))
        .env("PLATEFORME_WORKERS", "1")
        .env("PLATEFORME_SEARCH_INDEX_DIR", search.path())
        .env_remove("PLATEFORME_CONFIG")
        .env_remove("MALLOC_ARENA_MAX")
        .env_remove("GLIBC_TUNABLES")
        .env_remove("MIMALLOC_ALLOW_THP")
        .envs(environment.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut server: Child = command.spawn().expect("start plateforme serve");
    wait_until_listening(port);
    let proc = format!("/proc/{}", server.id());
    let environ = std::fs::read(format!("{proc}/environ")).expect("the server's environment");
    let status = std::fs::read_to_string(format!("{proc}/status")).expect("the server's status");
    server.kill().expect("stop the server");
    server.wait().expect("the server stopped");
    let variables = environ.split(|byte| *byte == 0).map(|entry| String::from_utf8_lossy(entry).into_owned()).collect();
    let thp = status.lines().find(|line| line.starts_with("THP_enabled")).unwrap_or("THP_enabled: unknown").to_owned();
    (variables, thp)
}

#[test]
fn the_server_sets_its_allocators_without_the_operator() {
    let (variables, thp) = started_with(&[]);
    assert!(variables.iter().any(|variable| variable == "MIMALLOC_ALLOW_THP=0"), "{variables:?}");
    assert!(variables.iter().any(|variable| variable == "GLIBC_TUNABLES=glibc.malloc.arena_max=2"), "{variables:?}");
    // mimalloc turns huge pages off for the process (prctl), where the kernel reports it.
    if !thp.ends_with("unknown") {
        assert!(thp.ends_with('0'), "no transparent huge pages: {thp}");
    }
}

#[test]
fn an_operators_allocator_settings_are_kept() {
    let (variables, _) = started_with(&[("MIMALLOC_ALLOW_THP", "1"), ("MALLOC_ARENA_MAX", "4")]);
    assert!(variables.iter().any(|variable| variable == "MIMALLOC_ALLOW_THP=1"), "{variables:?}");
    assert!(variables.iter().any(|variable| variable == "MALLOC_ARENA_MAX=4"), "{variables:?}");
    assert!(!variables.iter().any(|variable| variable.starts_with("GLIBC_TUNABLES=")), "{variables:?}");
}
