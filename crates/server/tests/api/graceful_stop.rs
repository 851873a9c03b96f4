//! SIGTERM and SIGINT drain: the real binary stops accepting connections, finishes the request
//! in flight, then exits with success.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::FreshDatabase;

/// A port free a moment ago, for the server to bind.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a port")
}

fn start_server(database_url: &str, port: u16, search: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_plateforme"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("PLATEFORME_LISTEN", format!("127.0.0.1:{port}"))
        .env("PLATEFORME_WORKERS", "1")
        .env("PLATEFORME_SEARCH_INDEX_DIR", search)
        .env("PLATEFORME_SHUTDOWN_TIMEOUT_SECS", "20")
        .env_remove("PLATEFORME_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start plateforme serve")
}

pub(crate) fn wait_until_listening(port: u16) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "the server does not listen on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn send_signal(server: &Child, signal: &str) {
    let status = Command::new("kill").arg(format!("-{signal}")).arg(server.id().to_string()).status().expect("kill");
    assert!(status.success(), "kill -{signal}");
}

fn drains_on(signal: &str) {
    let database = FreshDatabase::sqlite();
    let port = free_port();
    let search = crate::helpers::search_folder();
    let mut server = start_server(&database.url, port, search.path());
    wait_until_listening(port);

    // A request in flight: its headers are sent, its body only after the signal.
    let body = "grant_type=client_credentials&client_id=nobody&client_secret=nothing";
    let mut in_flight = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    in_flight.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let head = format!(
        "POST /oauth/token HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    in_flight.write_all(head.as_bytes()).expect("send the head");
    std::thread::sleep(Duration::from_millis(300));

    send_signal(&server, signal);
    std::thread::sleep(Duration::from_millis(500));
    assert!(server.try_wait().expect("status").is_none(), "SIG{signal}: the server waits for the request in flight");
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err(), "SIG{signal}: no new connection is accepted");

    in_flight.write_all(body.as_bytes()).expect("send the body after the signal");
    let mut response = String::new();
    in_flight.read_to_string(&mut response).expect("read the response");
    assert!(response.starts_with("HTTP/1.1 401"), "SIG{signal}: the request in flight is answered: {response:?}");

    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().expect("status") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(15) {
            let _ = server.kill();
            panic!("SIG{signal}: the server did not exit once the request was answered");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "SIG{signal}: a drained stop exits with success: {status:?}");
}

#[test]
fn sigterm_drains_in_flight_requests() {
    drains_on("TERM");
}

#[test]
fn sigint_drains_in_flight_requests() {
    drains_on("INT");
}
