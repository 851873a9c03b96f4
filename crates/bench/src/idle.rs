//! Server memory at many idle keep-alive connections: open them all, send one request on each
//! (all at once, so that every connection is inside the server's keep-alive window when the
//! memory is read), then read the server's resident memory while they sit idle.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::BenchError;
use crate::http::Connection;
use crate::server::Memory;

/// Connections opened at the same time: below the listen backlog (128 for a listener bound by
/// Rust's standard library), so that no SYN is dropped and retried a second later.
const WAVE: usize = 100;

#[derive(Debug, Clone)]
pub struct IdleResult {
    pub wanted: usize,
    /// Connections that were opened and answered their request.
    pub opened: usize,
    /// Still open when the memory was read.
    pub open_at_reading: usize,
    pub before: Memory,
    pub during: Memory,
    /// Opening the connections, then sending the requests.
    pub opening_time: Duration,
    pub requests_time: Duration,
    pub first_error: Option<String>,
}

/// Opens `count` connections, sends one `GET /health/live` on each, then reads the memory of
/// `pid`.
pub async fn measure(address: SocketAddr, count: usize, pid: u32) -> Result<IdleResult, BenchError> {
    let before = Memory::of(pid)?;
    let mut first_error: Option<String> = None;
    // Connections without a request yet: the server waits for their first request for up to its
    // client request timeout (30 s), long enough to open them all.
    let started = Instant::now();
    let mut connections: Vec<Connection> = Vec::with_capacity(count);
    let mut remaining = count;
    while remaining > 0 {
        let wave = remaining.min(WAVE);
        remaining -= wave;
        let mut set = JoinSet::new();
        for _ in 0..wave {
            set.spawn(Connection::open(address));
        }
        gather(set, "connect", &mut connections, &mut first_error).await;
    }
    let opening_time = started.elapsed();

    // One request on every connection, all in flight together.
    let started = Instant::now();
    let mut set = JoinSet::new();
    for mut connection in connections {
        set.spawn(async move {
            let response = connection.get("/health/live", &[]).await?;
            if response.status != 200 {
                return Err(std::io::Error::other(format!("GET /health/live answered {}", response.status)));
            }
            Ok::<_, std::io::Error>(connection)
        });
    }
    let mut served: Vec<Connection> = Vec::with_capacity(count);
    gather(set, "request", &mut served, &mut first_error).await;
    let requests_time = started.elapsed();
    // Let the server finish with the responses' buffers, then read (well inside the 5 s
    // keep-alive window).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let during = Memory::of(pid)?;
    let open_at_reading = served.iter().filter(|connection| !connection.closed_by_peer()).count();
    let opened = served.len();
    drop(served);
    Ok(IdleResult { wanted: count, opened, open_at_reading, before, during, opening_time, requests_time, first_error })
}

/// Waits for every task of `set`, keeping the connections that came through in `into` and
/// the first failure in `first_error` (`step` says which step failed, for an I/O error).
async fn gather(
    mut set: JoinSet<std::io::Result<Connection>>,
    step: &str,
    into: &mut Vec<Connection>,
    first_error: &mut Option<String>,
) {
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(connection)) => into.push(connection),
            Ok(Err(error)) => {
                first_error.get_or_insert_with(|| format!("{step}: {error}"));
            }
            Err(error) => {
                first_error.get_or_insert_with(|| error.to_string());
            }
        }
    }
}
