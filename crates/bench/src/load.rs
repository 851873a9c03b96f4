//! The load scenarios: C clients, each on its own keep-alive connection, sending requests back
//! to back for a warm-up then a measured duration; throughput and latency percentiles.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::BenchError;
use crate::http::Connection;

/// A scenario the benchmark measures. To add one (e.g. `offers-search` and `offers-import` once
/// the offers API lands): a variant here, its name in [`Scenario::name`] and [`Scenario::ALL`],
/// its request in [`Client::step`], its row in `report.rs`; and remove it from [`PENDING`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `GET /v1/persons/{id}` of random persons with a France Travail token: authorized by the
    /// policy and journaled, like every read of a dossier.
    DossierRead,
    /// `GET /v1/organizations?limit=100`, following `next_cursor` to the end, then again.
    OrganizationsPaging,
    /// Calibration: `GET /health/live`, no token, no database — the HTTP stack alone.
    HealthLive,
    /// Calibration: `GET /v1/referentials/communes/75056` with the token, no database — the
    /// HTTP stack and the token check (ES256 signature, scopes, rate limit).
    TokenCheck,
}

/// Scenarios of the performance targets that cannot run yet, and why.
pub const PENDING: &[(&str, &str)] = &[
    ("offers-search", "pending: offers API"),
    ("offers-import", "pending: offers API"),
    ("change-feed", "pending: change feed API (no endpoint yet)"),
    ("indicators", "pending: indicators API"),
];

impl Scenario {
    pub const ALL: [Scenario; 4] =
        [Scenario::DossierRead, Scenario::OrganizationsPaging, Scenario::HealthLive, Scenario::TokenCheck];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::DossierRead => "dossier-read",
            Scenario::OrganizationsPaging => "organizations-paging",
            Scenario::HealthLive => "calibration-health",
            Scenario::TokenCheck => "calibration-token",
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|scenario| scenario.name() == name)
    }
}

/// What every client of a run shares.
pub struct Context {
    pub address: SocketAddr,
    /// `Bearer …` of a France Travail token (sees every person).
    pub authorization: String,
    pub person_ids: Arc<Vec<String>>,
}

/// One scenario's figures.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub scenario: Scenario,
    pub clients: usize,
    pub duration: Duration,
    pub requests: u64,
    /// Records read (persons, organizations).
    pub items: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    /// Sorted, in microseconds.
    latencies: Vec<u32>,
    /// CPU time the server and PostgreSQL used over the scenario (warm-up included), when known.
    pub server_cpu: Option<Duration>,
    pub postgres_cpu: Option<Duration>,
    /// Wall time of the scenario, warm-up included: what the CPU times are spread over.
    pub wall: Duration,
    /// Requests over the wall time, warm-up included.
    pub all_requests: u64,
}

impl Measurement {
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.duration.as_secs_f64()
    }

    pub fn items_per_second(&self) -> f64 {
        self.items as f64 / self.duration.as_secs_f64()
    }

    /// CPU time per request over the whole scenario, in milliseconds.
    pub fn cpu_per_request_ms(&self, cpu: Option<Duration>) -> Option<f64> {
        let cpu = cpu?;
        (self.all_requests > 0).then(|| cpu.as_secs_f64() * 1000.0 / self.all_requests as f64)
    }

    /// The latency under which `quantile` of the requests answered, in milliseconds.
    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let rank = ((self.latencies.len() as f64 * quantile).ceil() as usize).clamp(1, self.latencies.len());
        f64::from(self.latencies[rank - 1]) / 1000.0
    }
}

/// A client's own state.
struct Client {
    connection: Option<Connection>,
    rng: u64,
    cursor: Option<String>,
}

/// What one request did.
struct Step {
    items: u64,
    error: Option<String>,
}

impl Client {
    fn next_random(&mut self) -> u64 {
        // xorshift64*: the clients' request order is reproducible.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    async fn step(&mut self, scenario: Scenario, context: &Context) -> Result<Step, std::io::Error> {
        let path = match scenario {
            Scenario::DossierRead => {
                let ids = &context.person_ids;
                if ids.is_empty() {
                    return Ok(Step { items: 0, error: Some("no person to read".into()) });
                }
                let index = (self.next_random() % ids.len() as u64) as usize;
                format!("/v1/persons/{}", ids[index])
            }
            Scenario::OrganizationsPaging => match &self.cursor {
                Some(cursor) => format!("/v1/organizations?limit=100&cursor={cursor}"),
                None => "/v1/organizations?limit=100".to_owned(),
            },
            Scenario::HealthLive => "/health/live".to_owned(),
            Scenario::TokenCheck => "/v1/referentials/communes/75056".to_owned(),
        };
        let connection = match &mut self.connection {
            Some(connection) => connection,
            None => self.connection.insert(Connection::open(context.address).await?),
        };
        let response = if scenario == Scenario::HealthLive {
            connection.get(&path, &[]).await?
        } else {
            connection.get(&path, &[("Authorization", &context.authorization)]).await?
        };
        if response.closing {
            self.connection = None;
        }
        if response.status != 200 {
            let body = String::from_utf8_lossy(&response.body);
            return Ok(Step { items: 0, error: Some(format!("GET {path}: {} {body}", response.status)) });
        }
        let items = match scenario {
            Scenario::DossierRead | Scenario::HealthLive | Scenario::TokenCheck => 1,
            Scenario::OrganizationsPaging => {
                let page: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
                self.cursor = page.get("next_cursor").and_then(|cursor| cursor.as_str()).map(str::to_owned);
                page.get("items").and_then(|items| items.as_array()).map_or(0, |items| items.len() as u64)
            }
        };
        Ok(Step { items, error: None })
    }
}

/// Runs `scenario` with `clients` clients: `warmup` unmeasured, then `duration` measured.
pub async fn run(
    scenario: Scenario,
    context: Arc<Context>,
    clients: usize,
    warmup: Duration,
    duration: Duration,
) -> Result<Measurement, BenchError> {
    let started = Instant::now();
    let measure_from = started + warmup;
    let end = measure_from + duration;
    let mut tasks = Vec::with_capacity(clients);
    for number in 0..clients {
        let context = context.clone();
        tasks.push(tokio::spawn(async move {
            let mut client =
                Client { connection: None, rng: 0x9E37_79B9_7F4A_7C15 ^ (number as u64 + 1), cursor: None };
            let mut latencies: Vec<u32> = Vec::with_capacity(1 << 16);
            let (mut requests, mut items, mut errors, mut all) = (0u64, 0u64, 0u64, 0u64);
            let mut first_error = None;
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let step = client.step(scenario, &context).await;
                let done = Instant::now();
                all += 1;
                let (read, error) = match step {
                    Ok(step) => (step.items, step.error),
                    Err(error) => {
                        client.connection = None;
                        (0, Some(format!("I/O: {error}")))
                    }
                };
                if sent < measure_from || done > end {
                    continue;
                }
                requests += 1;
                items += read;
                latencies.push(u32::try_from(done.duration_since(sent).as_micros()).unwrap_or(u32::MAX));
                if let Some(error) = error {
                    errors += 1;
                    first_error.get_or_insert(error);
                }
            }
            (latencies, requests, items, errors, first_error, all)
        }));
    }
    let mut measurement = Measurement {
        scenario,
        clients,
        duration,
        requests: 0,
        items: 0,
        errors: 0,
        first_error: None,
        latencies: Vec::new(),
        server_cpu: None,
        postgres_cpu: None,
        wall: Duration::ZERO,
        all_requests: 0,
    };
    for task in tasks {
        let (latencies, requests, items, errors, first_error, all) =
            task.await.map_err(|error| BenchError::new(format!("a client failed: {error}")))?;
        measurement.all_requests += all;
        measurement.latencies.extend(latencies);
        measurement.requests += requests;
        measurement.items += items;
        measurement.errors += errors;
        if measurement.first_error.is_none() {
            measurement.first_error = first_error;
        }
    }
    measurement.latencies.sort_unstable();
    measurement.wall = started.elapsed();
    Ok(measurement)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_read_from_sorted_latencies() {
        let measurement = Measurement {
            scenario: Scenario::DossierRead,
            clients: 1,
            duration: Duration::from_secs(2),
            requests: 100,
            items: 100,
            errors: 0,
            first_error: None,
            latencies: (1..=100).map(|ms| ms * 1000).collect(),
            server_cpu: Some(Duration::from_millis(50)),
            postgres_cpu: None,
            wall: Duration::from_secs(3),
            all_requests: 200,
        };
        assert_eq!(measurement.cpu_per_request_ms(measurement.server_cpu), Some(0.25));
        assert_eq!(measurement.cpu_per_request_ms(measurement.postgres_cpu), None);
        assert_eq!(measurement.percentile_ms(0.50), 50.0);
        assert_eq!(measurement.percentile_ms(0.95), 95.0);
        assert_eq!(measurement.percentile_ms(0.99), 99.0);
        assert_eq!(measurement.throughput(), 50.0);
        for scenario in Scenario::ALL {
            assert_eq!(Scenario::parse(scenario.name()), Some(scenario));
        }
    }
}
