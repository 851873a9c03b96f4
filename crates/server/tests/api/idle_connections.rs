//! A keep-alive connection releases its read and write buffers between two requests (the
//! server's patch of actix-http, vendor/README.md) and loses nothing by it: the next request
//! after an idle pause is answered, a request whose head or body arrives in pieces across a pause
//! is read whole, pipelined requests are answered in order, and a response larger than the
//! buffers' first size comes out whole on a connection that sat idle. Spoken in raw HTTP/1.1 on
//! one TCP connection, as a partner's client library would, to see what a pooled client hides.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::TestApp;

crate::on_both_backends!(
    a_connection_answers_after_sitting_idle,
    a_request_sent_in_pieces_across_a_pause_is_read_whole,
    pipelined_requests_are_answered_in_order,
);

/// Longer than a request takes here, so the connection is idle (its buffers released) when the
/// next bytes come; well inside the keep-alive window (5 s).
const PAUSE: Duration = Duration::from_millis(300);

/// One response: its status, its headers (names in lower case) and its body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A raw HTTP/1.1 connection, reading responses off what the server sent.
struct Connection {
    stream: TcpStream,
    received: Vec<u8>,
}

impl Connection {
    fn open(app: &TestApp) -> Connection {
        let address = app.address.trim_start_matches("http://");
        let stream = TcpStream::connect(address).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(20))).expect("read timeout");
        stream.set_nodelay(true).expect("no delay");
        Connection { stream, received: Vec::new() }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    /// Reads until `received` holds at least `wanted` bytes.
    fn fill(&mut self, wanted: usize) {
        let mut chunk = [0u8; 16 * 1024];
        while self.received.len() < wanted {
            let read = self.stream.read(&mut chunk).expect("read from the server");
            assert!(read > 0, "the server closed the connection");
            self.received.extend_from_slice(&chunk[..read]);
        }
    }

    /// Reads until `received` holds `needle`; returns where it ends.
    fn fill_until(&mut self, needle: &[u8]) -> usize {
        loop {
            if let Some(at) = self.received.windows(needle.len()).position(|window| window == needle) {
                return at + needle.len();
            }
            let wanted = self.received.len() + 1;
            self.fill(wanted);
        }
    }

    /// The next whole response (every answer these tests ask for has a `Content-Length`).
    fn response(&mut self) -> Response {
        let head_end = self.fill_until(b"\r\n\r\n");
        let head = String::from_utf8(self.received.drain(..head_end).collect()).expect("a text head");
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status code");
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        let mut response = Response { status, headers, body: Vec::new() };
        let length: usize =
            response.header("content-length").and_then(|length| length.parse().ok()).expect("a content length");
        self.fill(length);
        response.body = self.received.drain(..length).collect();
        response
    }
}

/// Runs `talk` on a thread of its own: the sockets block, the server runs beside the test.
async fn on_a_thread(app: &TestApp, talk: fn(Connection)) {
    let connection = Connection::open(app);
    actix_web::rt::task::spawn_blocking(move || talk(connection)).await.expect("the conversation ran");
}

const LIVE: &[u8] = b"GET /health/live HTTP/1.1\r\nHost: plateforme\r\n\r\n";

fn assert_alive(response: &Response) {
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["status"], "ok");
    assert_ne!(response.header("connection"), Some("close"), "the connection is kept");
}

async fn a_connection_answers_after_sitting_idle(app: TestApp) {
    on_a_thread(&app, |mut connection| {
        connection.send(LIVE);
        assert_alive(&connection.response());
        std::thread::sleep(PAUSE);
        // Larger than the buffers' first size (8 KiB) by far: the whole contract.
        connection.send(b"GET /openapi.json HTTP/1.1\r\nHost: plateforme\r\n\r\n");
        let contract = connection.response();
        assert_eq!(contract.status, 200);
        assert!(contract.body.len() > 100_000, "the whole contract: {} bytes", contract.body.len());
        assert!(contract.json()["paths"].as_object().is_some_and(|paths| paths.len() > 20), "a whole document");
        std::thread::sleep(PAUSE);
        connection.send(LIVE);
        assert_alive(&connection.response());
    })
    .await;
}

async fn a_request_sent_in_pieces_across_a_pause_is_read_whole(app: TestApp) {
    on_a_thread(&app, |mut connection| {
        // A head cut in the middle of its path.
        connection.send(b"GET /health/li");
        std::thread::sleep(PAUSE);
        connection.send(b"ve HTTP/1.1\r\nHost: plateforme\r\n\r\n");
        assert_alive(&connection.response());

        // A head, then its body after a pause, then the rest of the body after another.
        let body = b"grant_type=client_credentials&client_id=nobody&client_secret=nothing";
        let head = format!(
            "POST /oauth/token HTTP/1.1\r\nHost: plateforme\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        connection.send(head.as_bytes());
        std::thread::sleep(PAUSE);
        connection.send(&body[..20]);
        std::thread::sleep(PAUSE);
        connection.send(&body[20..]);
        let refused = connection.response();
        // The whole form was read: an unknown client, not a malformed request.
        assert_eq!(refused.status, 401, "{}", String::from_utf8_lossy(&refused.body));
        assert_eq!(refused.json()["error"], "invalid_client");

        connection.send(LIVE);
        assert_alive(&connection.response());
    })
    .await;
}

async fn pipelined_requests_are_answered_in_order(app: TestApp) {
    on_a_thread(&app, |mut connection| {
        let mut requests = Vec::new();
        requests.extend_from_slice(LIVE);
        requests.extend_from_slice(b"GET /v1/no-such-thing HTTP/1.1\r\nHost: plateforme\r\n\r\n");
        requests.extend_from_slice(b"GET /openapi.json HTTP/1.1\r\nHost: plateforme\r\n\r\n");
        requests.extend_from_slice(LIVE);
        connection.send(&requests);
        assert_alive(&connection.response());
        let unknown = connection.response();
        assert_eq!(unknown.status, 404);
        assert_eq!(unknown.header("content-type"), Some("application/problem+json"));
        let contract = connection.response();
        assert_eq!(contract.status, 200);
        assert!(contract.json()["openapi"].is_string(), "the contract, whole");
        assert_alive(&connection.response());
        assert!(connection.received.is_empty(), "nothing more than the four answers");
    })
    .await;
}
