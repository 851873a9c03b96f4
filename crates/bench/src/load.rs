//! The load scenarios: C clients, each on its own keep-alive connection, sending requests back
//! to back for a warm-up then a measured duration; throughput and latency percentiles.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::BenchError;
use crate::http::Connection;
use plateforme_dataset::rng::Rng;
use plateforme_model::offer::BatchSummary;

use crate::offers::{self, ImportLines, OfferData};
use crate::postgres::Script;
use crate::trainings::FormationFacts;
use crate::writes::{Dates, Writer};

/// A scenario the benchmark measures. To add one (e.g. `indicators` once there is an endpoint):
/// a variant here, its name in [`Scenario::name`] and [`Scenario::ALL`], its request in
/// [`Client::step`], its row in `report.rs`; and remove it from [`PENDING`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `GET /v1/persons/{id}` of random persons with a France Travail token: authorized by the
    /// policy and journaled, like every read of a dossier.
    DossierRead,
    /// `GET /v1/organizations?limit=100`, following `next_cursor` to the end, then again.
    OrganizationsPaging,
    /// `GET /v1/organizations?near_commune=…&radius_km=10`, around a populous commune drawn by
    /// population, for any kind or for France Travail, missions locales or Cap emploi: "where is
    /// the nearest agency", over the generated network's reception sites.
    OrganizationsNearby,
    /// `GET /v1/offers` with a mix of French words, ROME codes, radius around populous
    /// communes, contract types and sorts (`offers.rs`); every answer counts its facets.
    OffersSearch,
    /// `GET /v1/offers/suggest?q=` with the first letters of a title's word: completions.
    OffersSuggest,
    /// `POST /v1/offers/batch`, NDJSON bodies of new publications, one in ten the same job as an
    /// earlier line from another source (merged).
    OffersImport,
    /// `POST /v1/persons` with an `Idempotency-Key`: a new person registered, journaled.
    Registration,
    /// `PATCH /v1/persons/{id}` (merge patch of the phone) with the ETag read last in
    /// `If-Match`; each client updates persons of its own.
    DossierUpdate,
    /// `POST /v1/persons/{id}/contracts/{contract_id}/reviews` with an `Idempotency-Key`: a
    /// review of a contract in force.
    ContractReview,
    /// `POST /v1/persons/batch` (inbound sync), NDJSON bodies of new references, each line a
    /// registration; records are the lines applied (lines/s).
    PersonsImport,
    /// `GET /v1/changes?limit=1000`, following the cursor to the end of the feed, then from the
    /// beginning again; one client (the target is per client), France Travail's token (it reads
    /// every event, so the policy reads nothing per page).
    ChangeFeed,
    /// Calibration: `GET /health/live`, no token, no database — the HTTP stack alone.
    HealthLive,
    /// Calibration: `GET /v1/referentials/communes/75056` with the token, no database — the
    /// HTTP stack and the token check (ES256 signature, scopes, rate limit).
    TokenCheck,
    /// `GET /v1/profiles` by a ROME code around a populous commune (`profiles.rs`), France
    /// Travail's token, over the profiles seeded for a share of the persons before it runs.
    ProfilesSearch,
    /// `GET /v1/offers/{id}/candidates` of open offers of the seeded dataset, France Travail's
    /// token (it ranks candidates for every offer), over the same seeded profiles.
    ProfilesCandidates,
    /// `GET /v1/trainings`: public searches drawn from formations of the catalogue
    /// `trainings-import` loads (`trainings.rs`), with the client's token (its own rate limit).
    TrainingsSearch,
}

/// Scenarios of the performance targets that cannot run yet, and why.
pub const PENDING: &[(&str, &str)] = &[("indicators", "pending: indicators API")];

impl Scenario {
    /// In the order they run: the search before the import, which adds offers.
    pub const ALL: [Scenario; 16] = [
        Scenario::DossierRead,
        Scenario::OrganizationsPaging,
        Scenario::OrganizationsNearby,
        Scenario::OffersSearch,
        Scenario::OffersSuggest,
        Scenario::OffersImport,
        Scenario::Registration,
        Scenario::DossierUpdate,
        Scenario::ContractReview,
        Scenario::PersonsImport,
        Scenario::ChangeFeed,
        Scenario::HealthLive,
        Scenario::TokenCheck,
        Scenario::ProfilesSearch,
        Scenario::ProfilesCandidates,
        Scenario::TrainingsSearch,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::DossierRead => "dossier-read",
            Scenario::OrganizationsPaging => "organizations-paging",
            Scenario::OrganizationsNearby => "organizations-nearby",
            Scenario::OffersSearch => "offers-search",
            Scenario::OffersSuggest => "offers-suggest",
            Scenario::OffersImport => "offers-import",
            Scenario::Registration => "registration",
            Scenario::DossierUpdate => "dossier-update",
            Scenario::ContractReview => "contract-review",
            Scenario::PersonsImport => "persons-import",
            Scenario::ChangeFeed => "change-feed",
            Scenario::HealthLive => "calibration-health",
            Scenario::TokenCheck => "calibration-token",
            Scenario::ProfilesSearch => "profiles-search",
            Scenario::ProfilesCandidates => "profiles-candidates",
            Scenario::TrainingsSearch => crate::trainings::SEARCH,
        }
    }

    /// pgbench's script of the same kind of work, the same run's reference for this scenario's
    /// rate: writes against the simple update (`-N`), everything else against the select (`-S`).
    pub fn reference(self) -> Script {
        match self {
            Scenario::Registration
            | Scenario::DossierUpdate
            | Scenario::ContractReview
            | Scenario::OffersImport
            | Scenario::PersonsImport => Script::SimpleUpdate,
            _ => Script::SelectOnly,
        }
    }

    /// The status of a request that did what it was sent for.
    fn success(self) -> u16 {
        match self {
            Scenario::Registration | Scenario::ContractReview => 201,
            _ => 200,
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|scenario| scenario.name() == name)
    }
}

/// What every client of a run shares.
pub struct Context {
    pub address: SocketAddr,
    /// `Bearer …` of a France Travail token (sees every person, publishes offers).
    pub authorization: String,
    pub person_ids: Arc<Vec<String>>,
    /// The ETags of `person_ids` read from the database just before dossier-update (empty for
    /// the other scenarios): its clients write without reading first.
    pub person_etags: Arc<HashMap<String, String>>,
    /// What offer searches and imports are drawn from.
    pub offers: Arc<OfferData>,
    /// Makes this run's import references unique (they are upserts by source).
    pub nonce: String,
    /// Lines per import body.
    pub import_lines: usize,
    /// (person id, contract id) of contracts in force, for reviews.
    pub contracts: Arc<Vec<(String, String)>>,
    pub dates: Dates,
    /// Ids of open offers of the seeded dataset, for profiles-candidates.
    pub open_offer_ids: Arc<Vec<String>>,
    /// The formations trainings-search draws its searches from.
    pub formations: Arc<Vec<FormationFacts>>,
}

/// One scenario's figures.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub scenario: Scenario,
    pub clients: usize,
    pub duration: Duration,
    pub requests: u64,
    /// Records read or written (persons, organizations, offers found on the page, import lines
    /// published).
    pub items: u64,
    /// Failed requests, and for the import also each `rejected` line.
    pub errors: u64,
    pub first_error: Option<String>,
    /// Sorted, in microseconds.
    latencies: Vec<u32>,
    /// offers-search and trainings-search: each answer's `total` (every match); profiles-candidates:
    /// each answer's candidates. Sorted.
    pub totals: Vec<u64>,
    /// offers-search: per shape of query (`offers::SHAPES`), the latencies (sorted) and how many
    /// answers had matches.
    pub shapes: Vec<ShapeFigures>,
    /// offers-import: the summaries of the measured batches, added up.
    pub summary: BatchSummary,
    /// CPU time the server and PostgreSQL used over the scenario (warm-up included), when known.
    pub server_cpu: Option<Duration>,
    pub postgres_cpu: Option<Duration>,
    /// CPU time of the benchmark itself (the load driver) over the scenario.
    pub driver_cpu: Option<Duration>,
    /// Wall time of the scenario, warm-up included: what the CPU times are spread over.
    pub wall: Duration,
    /// Requests over the wall time, warm-up included.
    pub all_requests: u64,
}

impl Measurement {
    fn empty(scenario: Scenario, clients: usize, duration: Duration) -> Measurement {
        Measurement {
            scenario,
            clients,
            duration,
            requests: 0,
            items: 0,
            errors: 0,
            first_error: None,
            latencies: Vec::new(),
            totals: Vec::new(),
            shapes: vec![ShapeFigures::default(); offers::SHAPES.len()],
            summary: BatchSummary::default(),
            server_cpu: None,
            postgres_cpu: None,
            driver_cpu: None,
            wall: Duration::ZERO,
            all_requests: 0,
        }
    }

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

    /// Share of the wall time (warm-up included) a CPU time is, in cores.
    pub fn cores_used(&self, cpu: Option<Duration>) -> Option<f64> {
        let cpu = cpu?;
        (self.wall > Duration::ZERO).then(|| cpu.as_secs_f64() / self.wall.as_secs_f64())
    }

    /// The latency under which `quantile` of the requests answered, in milliseconds.
    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        latency_percentile_ms(&self.latencies, quantile)
    }

    /// The search total under which `quantile` of the answers are.
    pub fn total_percentile(&self, quantile: f64) -> u64 {
        percentile(&self.totals, quantile)
    }

    /// Share of the search answers with at least one match.
    pub fn found_share(&self) -> f64 {
        if self.totals.is_empty() {
            return 0.0;
        }
        self.totals.iter().filter(|total| **total > 0).count() as f64 / self.totals.len() as f64
    }
}

/// The figures of one shape of search query.
#[derive(Debug, Clone, Default)]
pub struct ShapeFigures {
    /// Sorted, in microseconds.
    pub latencies: Vec<u32>,
    pub found: u64,
}

impl ShapeFigures {
    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        latency_percentile_ms(&self.latencies, quantile)
    }
}

/// The value under which `quantile` of `sorted` are (nearest rank); 0 for none.
fn percentile<T: Copy + Default>(sorted: &[T], quantile: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let rank = ((sorted.len() as f64 * quantile).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// [`percentile`] of latencies in microseconds, in milliseconds.
fn latency_percentile_ms(sorted: &[u32], quantile: f64) -> f64 {
    f64::from(percentile(sorted, quantile)) / 1000.0
}

/// A client's own state.
struct Client {
    connection: Option<Connection>,
    random: Rng,
    cursor: Option<String>,
    import: ImportLines,
    writer: Writer,
}

/// What one request did.
#[derive(Default)]
struct Step {
    items: u64,
    error: Option<String>,
    /// Errors beyond the request's own (rejected lines of a batch that was answered).
    more_errors: u64,
    total: Option<u64>,
    /// The shape of a search query.
    shape: Option<usize>,
    summary: Option<BatchSummary>,
    /// A read that only primes the client (an update's ETag): not measured.
    priming: bool,
}

impl Client {
    fn failed(error: String) -> Step {
        Step { error: Some(error), ..Step::default() }
    }

    async fn step(&mut self, scenario: Scenario, context: &Context) -> Result<Step, std::io::Error> {
        let authorization = ("Authorization", context.authorization.as_str());
        let mut body = Vec::new();
        let mut shape = None;
        let (mut idempotency_key, mut if_match, mut updated, mut priming) = (String::new(), String::new(), None, false);
        let path = match scenario {
            Scenario::DossierRead => {
                let ids = &context.person_ids;
                if ids.is_empty() {
                    return Ok(Client::failed("no person to read".into()));
                }
                let index = self.random.below(ids.len() as u64) as usize;
                format!("/v1/persons/{}", ids[index])
            }
            Scenario::OrganizationsPaging => match &self.cursor {
                Some(cursor) => format!("/v1/organizations?limit=100&cursor={cursor}"),
                None => "/v1/organizations?limit=100".to_owned(),
            },
            Scenario::OrganizationsNearby => {
                let commune = context.offers.centre(&mut self.random);
                let kind = ["", "&kind=france_travail", "&kind=mission_locale", "&kind=cap_emploi"]
                    [self.random.below(4) as usize];
                format!("/v1/organizations?near_commune={}&radius_km=10{kind}", commune.code)
            }
            Scenario::OffersSearch => {
                let (drawn, path) = context.offers.search_path(&mut self.random);
                shape = Some(drawn);
                path
            }
            Scenario::OffersSuggest => context.offers.suggest_path(&mut self.random),
            Scenario::OffersImport => {
                body = self.import.body(&context.offers, context.import_lines);
                "/v1/offers/batch".to_owned()
            }
            Scenario::Registration => {
                let (key, written) = self.writer.registration(&context.nonce, context.dates);
                (idempotency_key, body) = (key, written);
                "/v1/persons".to_owned()
            }
            Scenario::DossierUpdate => {
                let Some((person, etag)) = self.writer.next_person() else {
                    return Ok(Client::failed("no person to update".into()));
                };
                match etag {
                    Some(etag) => {
                        (if_match, body) = (etag, self.writer.update_body(&context.nonce));
                    }
                    None => priming = true,
                }
                updated = Some(person.clone());
                format!("/v1/persons/{person}")
            }
            Scenario::ContractReview => {
                let contracts = &context.contracts;
                if contracts.is_empty() {
                    return Ok(Client::failed("no contract in force to review".into()));
                }
                let (person, contract) = &contracts[self.random.below(contracts.len() as u64) as usize];
                let (key, written) = self.writer.review(&context.nonce, context.dates);
                (idempotency_key, body) = (key, written);
                format!("/v1/persons/{person}/contracts/{contract}/reviews")
            }
            Scenario::PersonsImport => {
                body = self.writer.push_lines(&context.nonce, context.dates, context.import_lines);
                "/v1/persons/batch".to_owned()
            }
            Scenario::ChangeFeed => match &self.cursor {
                Some(cursor) => format!("/v1/changes?limit=1000&after={cursor}"),
                None => "/v1/changes?limit=1000".to_owned(),
            },
            Scenario::HealthLive => "/health/live".to_owned(),
            Scenario::TokenCheck => "/v1/referentials/communes/75056".to_owned(),
            Scenario::ProfilesSearch => crate::profiles::search_path(&context.offers, &mut self.random),
            Scenario::ProfilesCandidates => {
                let ids = &context.open_offer_ids;
                if ids.is_empty() {
                    return Ok(Client::failed("no open offer to rank candidates for".into()));
                }
                format!("/v1/offers/{}/candidates", ids[self.random.index(ids.len())])
            }
            Scenario::TrainingsSearch => {
                if context.formations.is_empty() {
                    return Ok(Client::failed("no formation to search".into()));
                }
                crate::trainings::search_path(&context.formations, &mut self.random)
            }
        };
        let connection = match &mut self.connection {
            Some(connection) => connection,
            None => self.connection.insert(Connection::open(context.address).await?),
        };
        let (method, response) = match scenario {
            Scenario::HealthLive => ("GET", connection.get(&path, &[]).await?),
            Scenario::OffersImport | Scenario::PersonsImport => (
                "POST",
                connection
                    .send("POST", &path, &[authorization, ("Content-Type", "application/x-ndjson")], &body)
                    .await?,
            ),
            Scenario::Registration | Scenario::ContractReview => {
                let headers =
                    [authorization, ("Content-Type", "application/json"), ("Idempotency-Key", &idempotency_key)];
                ("POST", connection.send("POST", &path, &headers, &body).await?)
            }
            Scenario::DossierUpdate if !priming => {
                let headers =
                    [authorization, ("Content-Type", "application/merge-patch+json"), ("If-Match", &if_match)];
                ("PATCH", connection.send("PATCH", &path, &headers, &body).await?)
            }
            _ => ("GET", connection.get(&path, &[authorization]).await?),
        };
        if response.closing {
            self.connection = None;
        }
        if let Some(person) = &updated {
            // The version this client writes next; forgotten on a failure, read again then.
            let etag = if response.status == 200 { response.etag.clone() } else { None };
            self.writer.remember(person, etag);
        }
        if response.status != scenario.success() {
            let body = String::from_utf8_lossy(&response.body);
            return Ok(Client::failed(format!("{method} {path}: {} {body}", response.status)));
        }
        let step = match scenario {
            Scenario::DossierUpdate if priming => Step { priming, ..Step::default() },
            Scenario::DossierRead
            | Scenario::HealthLive
            | Scenario::TokenCheck
            | Scenario::OffersSuggest
            | Scenario::Registration
            | Scenario::DossierUpdate
            | Scenario::ContractReview => Step { items: 1, ..Step::default() },
            Scenario::OrganizationsPaging => {
                let page: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
                self.cursor = page.get("next_cursor").and_then(|cursor| cursor.as_str()).map(str::to_owned);
                let items = page.get("items").and_then(|items| items.as_array()).map_or(0, |items| items.len() as u64);
                Step { items, ..Step::default() }
            }
            Scenario::ChangeFeed => {
                let page: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
                let events = page.get("events").and_then(|events| events.as_array()).map_or(0, |events| events.len());
                // At the end of the feed, from the beginning again.
                self.cursor =
                    page.get("cursor").and_then(|cursor| cursor.as_str()).map(str::to_owned).filter(|_| events > 0);
                Step { items: events as u64, ..Step::default() }
            }
            Scenario::OrganizationsNearby | Scenario::ProfilesSearch => {
                let page: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
                let items = page.get("items").and_then(|items| items.as_array()).map_or(0, |items| items.len() as u64);
                Step { items, ..Step::default() }
            }
            // The share of answers with a candidate is reported like a search's with matches.
            Scenario::ProfilesCandidates => {
                let page: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
                let items = page.get("items").and_then(|items| items.as_array()).map_or(0, |items| items.len() as u64);
                Step { items, total: Some(items), ..Step::default() }
            }
            Scenario::TrainingsSearch => match offers::search_total(&response.body) {
                // The first page (20 formations by default) of every match.
                Some(total) => Step { items: total.min(20), total: Some(total), ..Step::default() },
                None => Client::failed(format!("GET {path}: no total in the answer")),
            },
            Scenario::OffersSearch => match offers::search_total(&response.body) {
                // The first page (20 offers by default) of every match.
                Some(total) => Step { items: total.min(20), total: Some(total), shape, ..Step::default() },
                None => Client::failed(format!("GET {path}: no total in the answer")),
            },
            Scenario::PersonsImport => persons_import_step(&path, &response.body),
            Scenario::OffersImport => match offers::read_summary(&response.body) {
                Some(summary) => Step {
                    items: summary.published(),
                    more_errors: summary.rejected,
                    error: (summary.rejected > 0).then(|| {
                        let line = offers::first_rejection(&response.body).unwrap_or_default();
                        format!("POST {path}: {} lines rejected, the first: {line}", summary.rejected)
                    }),
                    summary: Some(summary),
                    ..Step::default()
                },
                None => Client::failed(format!("POST {path}: no summary in the answer")),
            },
        };
        Ok(step)
    }
}

/// The step of an inbound batch: its lines applied are the records, each other line an error.
fn persons_import_step(path: &str, body: &[u8]) -> Step {
    let answer: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let summary = &answer["summary"];
    let count = |status: &str| summary[status].as_u64().unwrap_or(0);
    let Some(applied) = summary["created"].as_u64() else {
        return Client::failed(format!("POST {path}: no summary in the answer"));
    };
    let refused = count("conflict") + count("invalid") + count("forbidden");
    Step {
        items: applied + count("updated") + count("unchanged"),
        more_errors: refused,
        error: (refused > 0).then(|| format!("POST {path}: {refused} lines refused: {summary}")),
        ..Step::default()
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
            let mut client = Client {
                connection: None,
                random: Rng::new(number as u64 + 1, "requests"),
                cursor: None,
                import: ImportLines::new(&context.nonce, number),
                writer: Writer::new(&context.person_ids, number, clients).knowing(&context.person_etags),
            };
            let mut measured = Measurement::empty(scenario, clients, duration);
            measured.latencies.reserve(1 << 16);
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let step = client.step(scenario, &context).await;
                let done = Instant::now();
                measured.all_requests += 1;
                let step = step.unwrap_or_else(|error| {
                    client.connection = None;
                    Client::failed(format!("I/O: {error}"))
                });
                if sent < measure_from || done > end || step.priming {
                    continue;
                }
                measured.requests += 1;
                measured.items += step.items;
                let latency = u32::try_from(done.duration_since(sent).as_micros()).unwrap_or(u32::MAX);
                measured.latencies.push(latency);
                if let Some(total) = step.total {
                    measured.totals.push(total);
                    if let Some(figures) = step.shape.and_then(|shape| measured.shapes.get_mut(shape)) {
                        figures.latencies.push(latency);
                        figures.found += u64::from(total > 0);
                    }
                }
                if let Some(summary) = step.summary {
                    measured.summary.add(summary);
                }
                measured.errors += step.more_errors;
                if let Some(error) = step.error {
                    if step.more_errors == 0 {
                        measured.errors += 1;
                    }
                    measured.first_error.get_or_insert(error);
                }
            }
            measured
        }));
    }
    let mut measurement = Measurement::empty(scenario, clients, duration);
    for task in tasks {
        let measured = task.await.map_err(|error| BenchError::new(format!("a client failed: {error}")))?;
        measurement.all_requests += measured.all_requests;
        measurement.latencies.extend(measured.latencies);
        measurement.totals.extend(measured.totals);
        for (all, one) in measurement.shapes.iter_mut().zip(measured.shapes) {
            all.latencies.extend(one.latencies);
            all.found += one.found;
        }
        measurement.summary.add(measured.summary);
        measurement.requests += measured.requests;
        measurement.items += measured.items;
        measurement.errors += measured.errors;
        if measurement.first_error.is_none() {
            measurement.first_error = measured.first_error;
        }
    }
    measurement.latencies.sort_unstable();
    measurement.totals.sort_unstable();
    for figures in &mut measurement.shapes {
        figures.latencies.sort_unstable();
    }
    measurement.wall = started.elapsed();
    Ok(measurement)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_read_from_sorted_latencies() {
        let measurement = Measurement {
            requests: 100,
            items: 100,
            latencies: (1..=100).map(|ms| ms * 1000).collect(),
            totals: vec![0, 0, 3, 10, 200],
            server_cpu: Some(Duration::from_millis(50)),
            wall: Duration::from_secs(3),
            all_requests: 200,
            ..Measurement::empty(Scenario::DossierRead, 1, Duration::from_secs(2))
        };
        assert_eq!(measurement.cpu_per_request_ms(measurement.server_cpu), Some(0.25));
        assert_eq!(measurement.cpu_per_request_ms(measurement.postgres_cpu), None);
        assert_eq!(measurement.percentile_ms(0.50), 50.0);
        assert_eq!(measurement.percentile_ms(0.95), 95.0);
        assert_eq!(measurement.percentile_ms(0.99), 99.0);
        assert_eq!(measurement.throughput(), 50.0);
        assert_eq!(measurement.found_share(), 0.6);
        assert_eq!(measurement.total_percentile(0.5), 3);
        assert_eq!(measurement.cores_used(measurement.server_cpu), Some(0.05 / 3.0));
        for scenario in Scenario::ALL {
            assert_eq!(Scenario::parse(scenario.name()), Some(scenario));
        }
    }
}
