//! The `webhook-fanout` scenario: 100 subscriptions of the demo France Travail client to a
//! local receiver (a plain HTTP/1.1 server of this process), then registrations written one
//! after the other; the lag of each delivery is when the receiver got it minus the event's
//! `time` (when the write was made), over every (subscription, event). It measures the fan-out
//! and delivery path end to end on one replica: feed read, policy judgement per owner, rows,
//! claims, signed POSTs.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::http::Connection;
use crate::writes::{Dates, Writer};

/// What the scenario measured.
#[derive(Debug, Clone)]
pub struct FanoutResult {
    pub subscriptions: usize,
    pub events: usize,
    /// Deliveries received (each (subscription, event) once, or more on a retry).
    pub received: usize,
    /// Lag percentiles, in milliseconds.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// How long the deliveries may take to all arrive.
const DEADLINE: Duration = Duration::from_secs(300);

pub async fn run(
    address: SocketAddr,
    authorization: &str,
    subscriptions: usize,
    events: usize,
    nonce: &str,
) -> Result<FanoutResult, String> {
    let lags = Arc::new(Mutex::new(Vec::<f64>::new()));
    let receiver = TcpListener::bind("127.0.0.1:0").await.map_err(|error| error.to_string())?;
    let port = receiver.local_addr().map_err(|error| error.to_string())?.port();
    let recording = lags.clone();
    let accepting = tokio::spawn(async move {
        while let Ok((stream, _)) = receiver.accept().await {
            tokio::spawn(receive(stream, recording.clone()));
        }
    });
    let mut connection = Connection::open(address).await.map_err(|error| error.to_string())?;
    let json = [("Authorization", authorization), ("Content-Type", "application/json")];
    let mut made = Vec::new();
    for index in 0..subscriptions {
        let body = serde_json::json!({"url": format!("http://127.0.0.1:{port}/hooks/{index}"),
            "event_types": ["fr.plateforme.person.created"]});
        let response = connection
            .send("POST", "/v1/subscriptions", &json, body.to_string().as_bytes())
            .await
            .map_err(|error| error.to_string())?;
        if response.status != 201 {
            let _ = cleanup(&mut connection, authorization, &made).await;
            return Err(format!(
                "subscribing answered {}: {} (the demo client needs webhooks:write: seed the database again)",
                response.status,
                String::from_utf8_lossy(&response.body)
            ));
        }
        let created: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
        made.push(created["id"].as_str().unwrap_or_default().to_owned());
    }
    let mut writer = Writer::new(&[], 0, 1);
    let dates = Dates::now();
    for _ in 0..events {
        let (key, body) = writer.registration(&format!("hooks-{nonce}"), dates);
        let headers =
            [("Authorization", authorization), ("Content-Type", "application/json"), ("Idempotency-Key", key.as_str())];
        let response =
            connection.send("POST", "/v1/persons", &headers, &body).await.map_err(|error| error.to_string())?;
        if response.status != 201 {
            let _ = cleanup(&mut connection, authorization, &made).await;
            return Err(format!(
                "registering answered {}: {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            ));
        }
    }
    let wanted = subscriptions * events;
    let started = Instant::now();
    while lags.lock().map(|lags| lags.len()).unwrap_or(0) < wanted && started.elapsed() < DEADLINE {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The wait may outlast the server's keep-alive: the clean-up opens a connection of its own.
    let mut fresh = Connection::open(address).await.map_err(|error| error.to_string())?;
    cleanup(&mut fresh, authorization, &made).await?;
    accepting.abort();
    let mut lags = lags.lock().map(|lags| lags.clone()).unwrap_or_default();
    if lags.len() < wanted {
        return Err(format!("{} of {wanted} deliveries arrived in {} s", lags.len(), DEADLINE.as_secs()));
    }
    lags.sort_by(f64::total_cmp);
    let at = |share: f64| lags[((lags.len() as f64 * share).ceil() as usize).clamp(1, lags.len()) - 1];
    Ok(FanoutResult {
        subscriptions,
        events,
        received: lags.len(),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: at(1.0),
    })
}

async fn cleanup(connection: &mut Connection, authorization: &str, made: &[String]) -> Result<(), String> {
    for id in made {
        let response = connection
            .send("DELETE", &format!("/v1/subscriptions/{id}"), &[("Authorization", authorization)], b"")
            .await
            .map_err(|error| error.to_string())?;
        if response.status != 204 {
            return Err(format!("deleting subscription {id} answered {}", response.status));
        }
    }
    Ok(())
}

/// Reads the deliveries of one keep-alive connection; records each one's lag and answers 204.
async fn receive(stream: TcpStream, lags: Arc<Mutex<Vec<f64>>>) {
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0;
        loop {
            line.clear();
            if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            if line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if stream.read_exact(&mut body).await.is_err() {
            return;
        }
        let received = Utc::now();
        let event: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if let Some(time) = event["time"].as_str().and_then(|time| DateTime::parse_from_rfc3339(time).ok()) {
            let lag = (received - time.with_timezone(&Utc)).num_microseconds().unwrap_or(0) as f64 / 1000.0;
            if let Ok(mut lags) = lags.lock() {
                lags.push(lag);
            }
        }
        if stream.get_mut().write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").await.is_err() {
            return;
        }
    }
}
