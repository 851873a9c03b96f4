//! The `orientation-decisions` scenario (issue 16): the committees' tables over every decision.
//! The dataset writes its orientations into the dossiers, not the statistical records, so the
//! scenario first derives one record per oriented person in one `INSERT … SELECT` (PostgreSQL),
//! then asks the server for every table of `GET /v1/orientation-decisions` — 3 levels × 9
//! breakdowns over 60 months — one after the other, and reports the total time: the full
//! recomputation of the committees' counts, each a set-based `GROUP BY`, and their statistical
//! secrecy; then all of them again, as a committee reading them once more would.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use plateforme_model::codes::{DepartementCode, RegionCode};

use crate::BenchError;
use crate::http::Connection;
use crate::postgres::DatabaseUrl;

pub const NAME: &str = "orientation-decisions";

/// The `indicators-compute` scenario: the full recomputation of every indicator as of today by
/// the command line (`plateforme indicators compute`), over the dossiers, contracts, reviews,
/// offers and the statistical records `orientation-decisions` derived; then once more, which
/// must find the same hash and publish nothing. Then the live figures' lag (`run_lag`).
pub const COMPUTE: &str = "indicators-compute";

/// What `indicators-compute` measured.
#[derive(Debug, Clone)]
pub struct ComputeResult {
    /// Dossiers in the database.
    pub dossiers: usize,
    /// The first computation (a new vintage, its cells written).
    pub elapsed: Duration,
    /// What the first computation printed (its vintage).
    pub first: String,
}

pub fn run_compute(database: &DatabaseUrl, binary: &std::path::Path) -> Result<ComputeResult, BenchError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        count: i64,
    }
    let mut conn = database.connect()?;
    let dossiers: Count = diesel::sql_query("SELECT COUNT(*) AS count FROM persons").get_result(&mut conn)?;
    let as_of = chrono::Utc::now().date_naive().to_string();
    let (elapsed, first) = crate::server::compute_indicators(binary, &database.url(), &as_of)?;
    let (_, second) = crate::server::compute_indicators(binary, &database.url(), &as_of)?;
    if !second.contains("unchanged") {
        return Err(BenchError::new(format!("the second computation published again: {second}")));
    }
    Ok(ComputeResult { dossiers: dossiers.count as usize, elapsed, first })
}

/// Rewrites the statistical records' table without its dead rows (`VACUUM FULL`).
pub fn compact_decisions(database: &DatabaseUrl) -> Result<(), BenchError> {
    diesel::sql_query("VACUUM (FULL, ANALYZE) orientation_decisions").execute(&mut database.connect()?)?;
    Ok(())
}

/// What the live figures' lag measured (issue 16, item 3): a burst of registrations through the
/// API, then the time until `/health/ready` reports that the live figures hold them all.
#[derive(Debug, Clone)]
pub struct LagResult {
    /// How long the live figures took to count what waited before the recomputation: the
    /// decisions `orientation-decisions` derived (their first build is done at the server's start).
    pub backlog_counted_after: Duration,
    /// Registrations written in the burst, one after the other.
    pub writes: usize,
    /// How long the burst took.
    pub burst: Duration,
    /// From the burst's last answer until the live figures held every change.
    pub caught_up_after: Duration,
}

/// How long the live figures may take to be built, and to catch up.
const LAG_DEADLINE: Duration = Duration::from_secs(600);

pub async fn run_lag(
    address: SocketAddr,
    authorization: &str,
    writes: usize,
    nonce: &str,
    backlog_counted_after: Duration,
) -> Result<LagResult, BenchError> {
    wait_until_caught_up(address).await?;
    let mut connection = Connection::open(address).await.map_err(|error| BenchError::new(error.to_string()))?;
    let mut writer = crate::writes::Writer::new(&[], 0, 1);
    let dates = crate::writes::Dates::now();
    let burst = Instant::now();
    for _ in 0..writes {
        let (key, body) = writer.registration(&format!("live-{nonce}"), dates);
        let headers =
            [("Authorization", authorization), ("Content-Type", "application/json"), ("Idempotency-Key", key.as_str())];
        let response = connection
            .send("POST", "/v1/persons", &headers, &body)
            .await
            .map_err(|error| BenchError::new(error.to_string()))?;
        if response.status != 201 {
            return Err(BenchError::new(format!("registering answered {}", response.status)));
        }
    }
    let burst_done = Instant::now();
    wait_until_caught_up(address).await?;
    Ok(LagResult { backlog_counted_after, writes, burst: burst_done - burst, caught_up_after: burst_done.elapsed() })
}

/// Polls `/health/ready` until the live figures are built and nothing waits for them.
pub async fn wait_until_caught_up(address: SocketAddr) -> Result<(), BenchError> {
    let started = Instant::now();
    let mut connection = Connection::open(address).await.map_err(|error| BenchError::new(error.to_string()))?;
    loop {
        let response =
            connection.get("/health/ready", &[]).await.map_err(|error| BenchError::new(error.to_string()))?;
        let ready: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
        let figures = &ready["indicators"];
        if figures["built"] == true && figures["events_behind"] == 0 && figures["decisions_behind"] == 0 {
            return Ok(());
        }
        if started.elapsed() > LAG_DEADLINE {
            return Err(BenchError::new(format!("the live figures did not catch up in 10 min: {figures}")));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

const LEVELS: [&str; 3] = ["national", "region", "departement"];
const BREAKDOWNS: [&str; 9] = [
    "path_type",
    "deciding_kind",
    "referent_kind",
    "basis",
    "employment_situation",
    "qualification",
    "aspiration",
    "difficulty",
    "within_30_days",
];

/// The indicator the reads under secrecy are timed on: broken down by path, so protected with
/// its totals first, at every level down to the communes.
const READ: &str = "orientations_par_parcours";

/// What the reads of the latest vintage under statistical secrecy measured (`indicators-compute`).
#[derive(Debug, Clone)]
pub struct ReadsResult {
    /// Cells of the indicator in the vintage (every level, month and quarter, category).
    pub cells: usize,
    /// The committees' first read (`GET /v1/indicators/{code}`, threshold 5): the pattern worked
    /// out over every cell; and the same read again, the pattern kept.
    pub first: Duration,
    pub again: Duration,
    /// The open-data file's first read (the public's pattern, on top of the committees').
    pub open_data_first: Duration,
}

/// Reads one indicator of the latest vintage as France Travail, twice, then its open-data file.
pub async fn run_reads(address: SocketAddr, authorization: &str) -> Result<ReadsResult, BenchError> {
    let mut connection = Connection::open(address).await.map_err(|error| BenchError::new(error.to_string()))?;
    let mut timed = async |path: &str, headers: &[(&str, &str)]| -> Result<(Duration, Vec<u8>), BenchError> {
        let started = Instant::now();
        let response =
            connection.get(path, headers).await.map_err(|error| BenchError::new(format!("{path}: {error}")))?;
        if response.status != 200 {
            return Err(BenchError::new(format!("{path} answered {}", response.status)));
        }
        Ok((started.elapsed(), response.body))
    };
    let read = format!("/v1/indicators/{READ}?level=national");
    let (first, _) = timed(&read, &[("authorization", authorization)]).await?;
    let (again, _) = timed(&read, &[("authorization", authorization)]).await?;
    let (open_data_first, body) = timed(&format!("/v1/open-data/indicators/{READ}.json"), &[]).await?;
    let file: serde_json::Value = serde_json::from_slice(&body).map_err(|error| BenchError::new(error.to_string()))?;
    let cells = file["data"].as_array().map_or(0, Vec::len);
    Ok(ReadsResult { cells, first, again, open_data_first })
}

/// What the scenario measured.
#[derive(Debug, Clone)]
pub struct TablesResult {
    /// Statistical records counted.
    pub decisions: usize,
    /// How long deriving them from the dossiers took (not part of the recomputation).
    pub derive: Duration,
    /// Tables asked for, and how long all of them took.
    pub tables: usize,
    pub elapsed: Duration,
    /// All of them read again at once (no decision recorded meanwhile: every quarter's secrecy
    /// pattern is kept).
    pub again: Duration,
}

pub async fn run(database: &DatabaseUrl, address: SocketAddr) -> Result<TablesResult, BenchError> {
    let started = Instant::now();
    let decisions = derive(database)?;
    let derive = started.elapsed();
    // Taken after the derivation, which at full size outlasts a token.
    let authorization = format!("Bearer {}", crate::token(address).await?);
    let authorization = authorization.as_str();
    let mut connection = Connection::open(address).await.map_err(|error| BenchError::new(error.to_string()))?;
    let (tables, elapsed) = read_tables(&mut connection, authorization).await?;
    let (_, again) = read_tables(&mut connection, authorization).await?;
    Ok(TablesResult { decisions, derive, tables, elapsed, again })
}

/// Reads every table one after the other; answers how many, and how long they took.
async fn read_tables(connection: &mut Connection, authorization: &str) -> Result<(usize, Duration), BenchError> {
    let (from, to) = months();
    let started = Instant::now();
    let mut tables = 0;
    for level in LEVELS {
        for by in BREAKDOWNS {
            let path = format!("/v1/orientation-decisions?from={from}&to={to}&level={level}&by={by}");
            let response = connection
                .get(&path, &[("authorization", authorization)])
                .await
                .map_err(|error| BenchError::new(format!("{path}: {error}")))?;
            if response.status != 200 {
                return Err(BenchError::new(format!("{path} answered {}", response.status)));
            }
            tables += 1;
        }
    }
    Ok((tables, started.elapsed()))
}

/// The 60 months up to this one.
fn months() -> (String, String) {
    use chrono::{Datelike, Utc};
    let today = Utc::now().date_naive();
    let to = format!("{:04}-{:02}", today.year(), today.month());
    let first = today.year() * 12 + today.month0() as i32 - 59;
    (format!("{:04}-{:02}", first.div_euclid(12), first.rem_euclid(12) + 1), to)
}

/// One statistical record per oriented person of the dataset (the bench's own, replaced at each
/// run), with the département's région from the model's table.
fn derive(database: &DatabaseUrl) -> Result<usize, BenchError> {
    let regions: Vec<String> = DepartementCode::all()
        .map(|departement| {
            format!("('{}', '{}')", departement.as_str(), RegionCode::of_departement(&departement).as_str())
        })
        .collect();
    let mut conn = database.connect()?;
    diesel::sql_query("DELETE FROM orientation_decisions WHERE id LIKE 'bench-%'").execute(&mut conn)?;
    let insert = format!(
        "INSERT INTO orientation_decisions (id, decided_on, decided_month, requested_on, days_to_decision, \
         days_from_registration, first_orientation, path_type, intensive, deciding_kind, referent_kind, basis, delegated, \
         rsa_beneficiary, commune, departement, region, employment_situation, qualification, aspiration, \
         difficulty_health, difficulty_housing, difficulty_mobility, difficulty_childcare, difficulty_carer, \
         difficulty_other, recorded_at) \
         SELECT 'bench-' || p.id, o->>'decided_on', substr(o->>'decided_on', 1, 7), p.registered_on, \
         (o->>'decided_on')::date - p.registered_on::date, (o->>'decided_on')::date - p.registered_on::date, true, \
         o->>'path_type', (o->>'intensive')::boolean, COALESCE(d.kind, 'france_travail'), COALESCE(r.kind, 'france_travail'), \
         COALESCE(o->>'basis', 'remit'), COALESCE(o->>'basis', '') = 'delegation', p.rsa_beneficiary, \
         p.record::jsonb->'contact'->'address'->>'commune', p.residence_departement, m.region, NULL, NULL, NULL, \
         false, false, false, false, false, false, now() \
         FROM persons p CROSS JOIN LATERAL (SELECT p.record::jsonb->'orientation' AS o) x \
         LEFT JOIN organizations d ON d.id = o->>'decided_by' \
         LEFT JOIN organizations r ON r.id = o->>'referent_organization_id' \
         LEFT JOIN (VALUES {}) m(departement, region) ON m.departement = p.residence_departement \
         WHERE jsonb_typeof(o) = 'object'",
        regions.join(", ")
    );
    let written = diesel::sql_query(insert).execute(&mut conn)?;
    diesel::sql_query("ANALYZE orientation_decisions").execute(&mut conn)?;
    Ok(written)
}
