//! `plateforme-bench`: the load benchmark of the performance targets (docs/performance.md), in one command.
//!
//! ```sh
//! cargo run --release -p plateforme-bench -- \
//!     --database-url postgres://postgres@127.0.0.1:5432/plateforme_bench \
//!     --persons 1000000 --offers 500000 --report bench.md
//! ```
//!
//! 1. builds the `plateforme` binary with the bench's profile, drops and creates the database,
//!    and runs `plateforme seed --persons N --offers M --seed S` on it (with an `ANALYZE` of the
//!    offers tables every 30 s meanwhile, for PostgreSQL servers without autovacuum), then
//!    `VACUUM (ANALYZE)`;
//! 2. runs `pgbench -i -s K` (K × 100,000 accounts ≥ N) in a database of its own beside it, then
//!    `pgbench -S -c 16 -j 2 -T D`, the raw primary-key select rate of this PostgreSQL (the
//!    reads' reference), and `pgbench -N` likewise, its simple-update rate (the writes');
//! 3. starts `plateforme serve` on a free port, gets a token of the demo France Travail client,
//!    and drives each scenario with C keep-alive clients (offers-import: its own number) for D
//!    seconds after a warm-up;
//! 4. opens 10,000 idle keep-alive connections and reads the server's resident memory, and its
//!    peak over the run;
//! 5. prints the table of targets (and writes it to `--report`, its figures as JSON to `--json`).
//!    It exits with an error when a request failed, not when a target is missed: a benchmark
//!    reports, it does not judge — unless `--compare BASELINE` is given: then also when a
//!    scenario's share of pgbench's rate fell more than 20 % below the baseline's.
//!
//! `--smoke` runs it all at a tiny size in seconds, for CI.

mod compare;
mod http;
mod idle;
// Indicators (issue 16).
mod indicators;
mod load;
mod offers;
mod postgres;
mod report;
mod server;
// Training catalogue (issue 15): the `trainings-import` scenario, and `trainings-search`'s data.
mod trainings;
// Webhooks (issue 12, item 3): the `webhook-fanout` scenario.
mod webhooks;
mod writes;
// The profile bank (issue 14): the data of the `profiles-search` and `profiles-candidates` scenarios.
mod profiles;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Parser;

use crate::compare::Results;
use crate::load::{Context, Scenario};
use crate::postgres::{DatabaseUrl, Numbering, Script};
use crate::report::{Machine, Run};
use crate::server::Server;

#[derive(Parser, Debug)]
#[command(name = "plateforme-bench", about = "Benchmarks Plateforme on PostgreSQL against its performance targets")]
struct Args {
    /// The benchmark's database: dropped and created again (its name must contain `bench`).
    /// pgbench's tables go to a database of the same name followed by `_pgbench`.
    #[arg(long, env = "BENCH_DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/plateforme_bench")]
    database_url: String,
    /// Persons to generate [default: 1000000; 200 with --smoke].
    #[arg(long)]
    persons: Option<u64>,
    /// Offers to generate (published through the offers' publication path by `plateforme seed`)
    /// [default: 500000; 300 with --smoke].
    #[arg(long)]
    offers: Option<u64>,
    /// The dataset's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Measured seconds per scenario, and pgbench's duration [default: 30; 3 with --smoke].
    #[arg(long)]
    duration: Option<u64>,
    /// Unmeasured seconds before each scenario [default: 5; 1 with --smoke].
    #[arg(long)]
    warmup: Option<u64>,
    /// Concurrent HTTP clients, each on its own keep-alive connection (every scenario but
    /// offers-import).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Concurrent clients of offers-import and persons-import, each sending one batch at a time.
    #[arg(long, default_value_t = 4)]
    import_concurrency: usize,
    /// Lines per offers-import and persons-import body [default: 1000; 20 with --smoke, so that a
    /// debug build on a busy machine answers a few within the smoke run's 3 s].
    #[arg(long)]
    import_lines: Option<usize>,
    /// Idle keep-alive connections for the memory reading [default: 10000; 200 with --smoke].
    #[arg(long)]
    idle_connections: Option<usize>,
    /// pgbench's clients (-c).
    #[arg(long, default_value_t = 16)]
    pgbench_clients: u32,
    /// pgbench's threads (-j).
    #[arg(long, default_value_t = 2)]
    pgbench_threads: u32,
    /// The server's HTTP workers [default: the server's own default, one per core].
    #[arg(long)]
    workers: Option<usize>,
    /// Only these scenarios (dossier-read, organizations-paging, organizations-nearby,
    /// offers-search, offers-import, registration, dossier-update, contract-review, persons-import, change-feed,
    /// calibration-health, calibration-token, webhook-fanout, orientation-decisions, indicators-compute, trainings-import,
    /// profiles-search, profiles-candidates, trainings-search);
    /// all by default.
    #[arg(long = "scenario")]
    scenarios: Vec<String>,
    /// Also write the report (markdown) to this file.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Also write the run's figures as JSON to this file (what `--compare` reads).
    #[arg(long)]
    json: Option<PathBuf>,
    /// Compare the run with this baseline (JSON of an earlier run, e.g. crates/bench/baseline.json)
    /// and exit with an error when a scenario's share of pgbench's rate fell more than 20 %.
    #[arg(long)]
    compare: Option<PathBuf>,
    /// With `--compare`: compare this JSON of a run already made instead of running.
    #[arg(long, requires = "compare")]
    current: Option<PathBuf>,
    /// Tiny sizes and durations: proves the benchmark runs (CI), measures nothing.
    #[arg(long)]
    smoke: bool,
    /// Keep the database when it holds persons already (skips the seeding, minutes at full size).
    #[arg(long)]
    reuse_database: bool,
    /// Subscriptions of the `webhook-fanout` scenario.
    #[arg(long, default_value_t = 100)]
    webhook_subscriptions: usize,
    /// Events written in the `webhook-fanout` scenario [default: 50; 3 with --smoke].
    #[arg(long)]
    webhook_events: Option<usize>,
    /// Formations of the `trainings-import` catalogue (about 10 sessions each)
    /// [default: 101000, about 1,008,000 sessions (100,000 give 998,162, under a million); 20
    /// with --smoke].
    #[arg(long)]
    training_formations: Option<u64>,
    /// Formations per LHEO document of `trainings-import` [default: 10000; 10 with --smoke].
    #[arg(long)]
    training_part: Option<u64>,
    /// The `plateforme` binary to run [default: built by cargo with this bench's profile].
    #[arg(long)]
    server_binary: Option<PathBuf>,
}

/// An error that stops the benchmark, with what to do about it.
#[derive(Debug)]
pub struct BenchError(String);

impl BenchError {
    pub fn new(message: impl Into<String>) -> BenchError {
        BenchError(message.into())
    }
}

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BenchError {}

impl From<std::io::Error> for BenchError {
    fn from(error: std::io::Error) -> BenchError {
        BenchError(error.to_string())
    }
}

impl From<diesel::result::Error> for BenchError {
    fn from(error: diesel::result::Error) -> BenchError {
        BenchError(format!("PostgreSQL: {error}"))
    }
}

fn main() -> ExitCode {
    // Before libpq initializes OpenSSL: without its exit handler, a connection still open on
    // another thread when main returns cannot crash the process (see the store's `connection`).
    openssl_sys::init();
    let args = Args::parse();
    if let (Some(baseline), Some(current)) = (&args.compare, &args.current) {
        return match compare_files(baseline, current) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(error) => {
                eprintln!("plateforme-bench: {error}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("plateforme-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok((run, _)) if run.failed() => {
            eprintln!("plateforme-bench: some requests failed (see the report)");
            ExitCode::FAILURE
        }
        Ok((_, false)) => {
            eprintln!("plateforme-bench: slower than the baseline (see the comparison)");
            ExitCode::FAILURE
        }
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("plateforme-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The scenario of the webhooks' fan-out lag (not a load scenario: it runs after them).
const WEBHOOK_FANOUT: &str = "webhook-fanout";

/// The demo client of France Travail: its token reads every dossier.
const CLIENT: &str = "demo-france-travail";

/// Prints the comparison of two runs' JSON; whether the current one holds.
fn compare_files(baseline: &Path, current: &Path) -> Result<bool, BenchError> {
    let (baseline, current) = (Results::read(baseline)?, Results::read(current)?);
    let comparisons = compare::compare(&baseline, &current);
    println!("{}", compare::markdown(&baseline, &current, &comparisons));
    Ok(!compare::regressed(&comparisons))
}

/// Runs the benchmark; the run, and whether it holds against `--compare`'s baseline (true
/// without one).
async fn run(args: Args) -> Result<(Run, bool), BenchError> {
    // Read first: a baseline that cannot be read should not cost a whole run.
    let baseline = args.compare.as_deref().map(Results::read).transpose()?;
    let smoke = args.smoke;
    let persons = args.persons.unwrap_or(if smoke { 200 } else { 1_000_000 });
    let offers = args.offers.unwrap_or(if smoke { 300 } else { 500_000 });
    let import_lines = args.import_lines.unwrap_or(if smoke { 20 } else { 1_000 }).max(1);
    let duration = Duration::from_secs(args.duration.unwrap_or(if smoke { 3 } else { 30 }));
    let warmup = Duration::from_secs(args.warmup.unwrap_or(if smoke { 1 } else { 5 }));
    let idle_connections = args.idle_connections.unwrap_or(if smoke { 200 } else { 10_000 });
    // Webhooks (issue 12, item 3): `webhook-fanout` runs apart from the load scenarios.
    let webhook_fanout = args.scenarios.is_empty() || args.scenarios.iter().any(|name| name == WEBHOOK_FANOUT);
    // Indicators (issue 16): `orientation-decisions` runs apart from the load scenarios too.
    let committee_tables = args.scenarios.is_empty() || args.scenarios.iter().any(|name| name == indicators::NAME);
    // Training catalogue (issue 15, item 6): `trainings-import` runs apart as well.
    let training_import = args.scenarios.is_empty() || args.scenarios.iter().any(|name| name == trainings::NAME);
    let indicators_compute = args.scenarios.is_empty() || args.scenarios.iter().any(|name| name == indicators::COMPUTE);
    let apart = |name: &String| {
        name == WEBHOOK_FANOUT || name == indicators::NAME || name == indicators::COMPUTE || name == trainings::NAME
    };
    let only_webhooks = !args.scenarios.is_empty() && args.scenarios.iter().all(apart);
    let scenarios: Vec<Scenario> = if args.scenarios.is_empty() {
        Scenario::ALL.to_vec()
    } else if only_webhooks {
        Vec::new()
    } else {
        args.scenarios
            .iter()
            .filter(|name| !apart(name))
            .map(|name| {
                Scenario::parse(name).ok_or_else(|| {
                    let known: Vec<&str> = Scenario::ALL.iter().map(|scenario| scenario.name()).collect();
                    BenchError::new(format!("unknown scenario {name:?}; known: {}", known.join(", ")))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let database = DatabaseUrl::parse(&args.database_url)?;
    let mut run = Run {
        command: format!(
            "cargo run{} -p plateforme-bench -- {}",
            if cfg!(debug_assertions) { "" } else { " --release" },
            std::env::args().skip(1).collect::<Vec<_>>().join(" ")
        ),
        smoke,
        persons,
        offers,
        seed: args.seed,
        clients: args.concurrency,
        warmup,
        duration,
        ..Run::default()
    };
    run.machine = Machine::read(database.server_version()?);

    let binary = server::binary(args.server_binary.as_deref())?;
    let existing = if args.reuse_database { database.persons().filter(|count| *count > 0) } else { None };
    match existing {
        Some(count) => eprintln!("bench: reusing {} with {count} persons", database.name),
        None => {
            if !database.name.contains("bench") {
                return Err(BenchError::new(format!(
                    "the benchmark drops and creates its database: name one whose name contains `bench`, not {:?}",
                    database.name
                )));
            }
            eprintln!("bench: creating {} and seeding {persons} persons (seed {})", database.name, args.seed);
            database.recreate()?;
            // This machine's PostgreSQL runs without autovacuum (CI settings): the bench stands in
            // for its auto-analyze while the seed publishes offers, else the planner, left with
            // no statistics, reads every live offer for each batch's de-duplication lookups.
            let mut analyze = || database.analyze(&["offers", "offer_sources"]);
            run.seeding = Some(server::seed(&binary, &database.url(), persons, offers, args.seed, &mut analyze)?);
        }
    }
    let started = Instant::now();
    database.vacuum_analyze()?;
    run.vacuum = Some(started.elapsed());
    run.persons_in_database = database.persons().unwrap_or(0);
    run.offers_in_database = database.open_offers();

    (run.pgbench, run.pgbench_update) = match postgres::find_pgbench() {
        None => {
            let missing = || Some(Err("pgbench not found (Debian: apt-get install postgresql-client)".to_owned()));
            (missing(), missing())
        }
        Some(program) => {
            let scale = postgres::pgbench_scale(run.persons_in_database.max(0) as u64);
            eprintln!("bench: pgbench at scale {scale}, -S then -N, {} s each", duration.as_secs());
            let pgbench = database.pgbench();
            match postgres::pgbench_init(&program, &pgbench, scale) {
                Err(error) => (Some(Err(error.to_string())), Some(Err(error.to_string()))),
                Ok(()) => {
                    let measure = |script| {
                        let (clients, threads) = (args.pgbench_clients, args.pgbench_threads);
                        let result =
                            postgres::pgbench(&program, &pgbench, script, scale, clients, threads, duration.as_secs());
                        Some(result.map_err(|error| error.to_string()))
                    };
                    let references = (measure(Script::SelectOnly), measure(Script::SimpleUpdate));
                    // The platform's write transaction alone, numbering its event each way:
                    // what the lock that every write took before issue 12 cost.
                    for numbering in [Numbering::CounterRow, Numbering::SequenceAndTransaction] {
                        eprintln!("bench: pgbench writes numbered by {}, {} s", numbering.name(), duration.as_secs());
                        let (clients, threads) = (args.pgbench_clients, args.pgbench_threads);
                        let result = postgres::pgbench_numbering(
                            &program,
                            &pgbench,
                            numbering,
                            scale,
                            clients,
                            threads,
                            duration.as_secs(),
                        );
                        run.numbering.push((numbering, result.map_err(|error| error.to_string())));
                    }
                    references
                }
            }
        }
    };

    let server = Server::start(&binary, &database.url(), args.workers).await?;
    run.server_log = server.log.display().to_string();
    eprintln!("bench: server {} on {} (log {})", binary.display(), server.address, server.log.display());
    // The server builds the indicators' live figures from the dataset at its start: the
    // scenarios measure once that is done, not beside it.
    let built = std::time::Instant::now();
    indicators::wait_until_caught_up(server.address).await?;
    eprintln!("bench: the indicators' live figures built in {:.1} s", built.elapsed().as_secs_f64());
    let person_ids = Arc::new(database.sample_person_ids(100_000, args.seed)?);
    let contracts = Arc::new(database.sample_contracts(100_000, args.seed)?);
    let dates = writes::Dates::now();
    let offer_data = Arc::new(offers::OfferData::new().map_err(|error| BenchError::new(error.to_string()))?);
    // Import references are upserts by source: each run sends new ones.
    let nonce = format!(
        "{:x}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_millis())
    );
    run.import_lines = import_lines;
    // profiles-candidates ranks the profiles profiles-search searches.
    if scenarios.contains(&Scenario::ProfilesSearch) || scenarios.contains(&Scenario::ProfilesCandidates) {
        // One person of the database in SHARE (200,000 of the full size's million).
        let share = usize::try_from(run.persons_in_database).unwrap_or(0) / profiles::SHARE;
        let with_profiles = database.sample_person_ids(share, args.seed.wrapping_add(1))?;
        let written = profiles::seed(server.address, &with_profiles, &offer_data).await;
        let written = written.map_err(|error| BenchError::new(format!("profiles-search's profiles: {error}")))?;
        eprintln!("bench: profiles-search — {written} profiles (one person in {})", profiles::SHARE);
    }
    let open_offer_ids = Arc::new(if scenarios.contains(&Scenario::ProfilesCandidates) {
        database.sample_open_offer_ids(100_000, args.seed)?
    } else {
        Vec::new()
    });
    let training_formations = args.training_formations.unwrap_or(if smoke { 20 } else { 101_000 });
    let training_part = args.training_part.unwrap_or(if smoke { 10 } else { 10_000 });
    // trainings-search reads the catalogue trainings-import loads: the import runs first then.
    let trainings_search = scenarios.contains(&Scenario::TrainingsSearch);
    let mut formations = Vec::new();
    if trainings_search {
        let imported = import_trainings(&server, args.seed, training_formations, training_part).await?;
        run.trainings_import = Some(imported);
        formations = trainings::searched_formations(args.seed, training_formations)?;
    }
    let formations = Arc::new(formations);
    for scenario in scenarios {
        let context = Arc::new(Context {
            address: server.address,
            authorization: format!("Bearer {}", token(server.address).await?),
            person_ids: person_ids.clone(),
            person_etags: match scenario {
                Scenario::DossierUpdate => Arc::new(database.person_etags(&person_ids)?),
                _ => Arc::default(),
            },
            offers: offer_data.clone(),
            nonce: nonce.clone(),
            import_lines,
            contracts: contracts.clone(),
            dates,
            open_offer_ids: open_offer_ids.clone(),
            formations: formations.clone(),
        });
        let clients = match scenario {
            Scenario::OffersImport | Scenario::PersonsImport => args.import_concurrency,
            // The target is per client: one follower reading the feed as fast as it can.
            Scenario::ChangeFeed => 1,
            _ => args.concurrency,
        };
        eprintln!("bench: {} — {clients} clients, {} s + {} s", scenario.name(), warmup.as_secs(), duration.as_secs());
        let myself = std::process::id();
        let (server_before, postgres_before, driver_before) =
            (server::cpu_time(server.pid()), server::postgres_cpu_time(), server::cpu_time(myself));
        let mut measurement = load::run(scenario, context, clients, warmup, duration).await?;
        let since = |after: Option<Duration>, before: Option<Duration>| {
            after.zip(before).map(|(after, before)| after.saturating_sub(before))
        };
        measurement.server_cpu = since(server::cpu_time(server.pid()), server_before);
        measurement.postgres_cpu = Some(server::postgres_cpu_time().saturating_sub(postgres_before));
        measurement.driver_cpu = since(server::cpu_time(myself), driver_before);
        eprintln!(
            "bench: {}: {:.0} requests/s, {:.0} records/s, p95 {:.2} ms, {} errors",
            scenario.name(),
            measurement.throughput(),
            measurement.items_per_second(),
            measurement.percentile_ms(0.95),
            measurement.errors
        );
        run.measurements.push(measurement);
    }

    if webhook_fanout {
        let events = args.webhook_events.unwrap_or(if smoke { 3 } else { 50 });
        eprintln!("bench: {WEBHOOK_FANOUT} — {} subscriptions, {events} events", args.webhook_subscriptions);
        let authorization = format!("Bearer {}", token(server.address).await?);
        let fanout = webhooks::run(server.address, &authorization, args.webhook_subscriptions, events, &nonce).await;
        if let Ok(fanout) = &fanout {
            eprintln!("bench: {WEBHOOK_FANOUT}: lag p99 {:.0} ms, p50 {:.0} ms", fanout.p99_ms, fanout.p50_ms);
        }
        run.webhook_fanout = Some(fanout);
    }

    if committee_tables {
        eprintln!("bench: {} — every table of the committees' counts", indicators::NAME);
        let tables = indicators::run(&database, server.address).await;
        if let Ok(tables) = &tables {
            eprintln!("bench: {}: {} tables in {:.2} s", indicators::NAME, tables.tables, tables.elapsed.as_secs_f64());
        }
        run.committee_tables = Some(tables.map_err(|error| error.to_string()));
    }

    if indicators_compute {
        // The decisions orientation-decisions derived wait for the server's follower: counted
        // before the recomputation is timed, not beside it.
        let counting = std::time::Instant::now();
        let backlog = indicators::wait_until_caught_up(server.address).await.map(|()| counting.elapsed());
        if let Ok(counted) = &backlog {
            eprintln!("bench: {}: the live figures caught up in {:.1} s", indicators::COMPUTE, counted.as_secs_f64());
        }
        if committee_tables {
            // Deriving the decisions replaced every one of them and the follower then marked each
            // counted: three versions of each row (a table 4 times its size after a reused run),
            // which a table that received its decisions one by one, under autovacuum, does not
            // carry. Compacted, untimed, so that the recomputation reads the records as they are.
            indicators::compact_decisions(&database)?;
        }
        eprintln!("bench: {} — every indicator recomputed as of today", indicators::COMPUTE);
        let computed = indicators::run_compute(&database, &binary);
        if let Ok(computed) = &computed {
            eprintln!("bench: {}: {:.2} s ({})", indicators::COMPUTE, computed.elapsed.as_secs_f64(), computed.first);
        }
        run.indicators_compute = Some(computed.map_err(|error| error.to_string()));
        eprintln!("bench: {} — the vintage read under statistical secrecy", indicators::COMPUTE);
        let authorization = format!("Bearer {}", token(server.address).await?);
        let reads = indicators::run_reads(server.address, &authorization).await;
        if let Ok(reads) = &reads {
            eprintln!(
                "bench: {}: first read {:.2} s, again {:.1} ms ({} cells)",
                indicators::COMPUTE,
                reads.first.as_secs_f64(),
                reads.again.as_secs_f64() * 1000.0,
                reads.cells
            );
        }
        run.indicators_reads = Some(reads.map_err(|error| error.to_string()));
        let writes = if smoke { 20 } else { 1_000 };
        eprintln!("bench: {} — the live figures' lag after {writes} registrations", indicators::COMPUTE);
        let authorization = format!("Bearer {}", token(server.address).await?);
        let lag = match backlog {
            Ok(backlog) => indicators::run_lag(server.address, &authorization, writes, &nonce, backlog).await,
            Err(error) => Err(error),
        };
        if let Ok(lag) = &lag {
            eprintln!(
                "bench: {}: live figures caught up {:.0} ms after the burst",
                indicators::COMPUTE,
                lag.caught_up_after.as_secs_f64() * 1000.0
            );
        }
        run.indicators_lag = Some(lag.map_err(|error| error.to_string()));
    }

    if training_import && !trainings_search {
        run.trainings_import = Some(import_trainings(&server, args.seed, training_formations, training_part).await?);
    }

    let needed = idle_connections as u64 + 256;
    run.idle = Some(match server::open_files_limit() {
        Some(limit) if limit < needed => Err(format!(
            "skipped: the open-file limit is {limit}, {needed} are needed; run `ulimit -n {}` first",
            needed.max(20_000)
        )),
        _ => {
            eprintln!("bench: {idle_connections} idle keep-alive connections");
            idle::measure(server.address, idle_connections, server.pid()).await.map_err(|error| error.to_string())
        }
    });
    run.peak = Some(server.memory()?);
    drop(server);

    let mut markdown = run.markdown();
    let results = Results::of(&run);
    let mut holds = true;
    if let Some(baseline) = &baseline {
        let comparisons = compare::compare(baseline, &results);
        holds = !compare::regressed(&comparisons);
        markdown.push('\n');
        markdown.push_str(&compare::markdown(baseline, &results, &comparisons));
    }
    println!("{markdown}");
    if let Some(path) = &args.report {
        std::fs::write(path, &markdown)
            .map_err(|error| BenchError::new(format!("cannot write {}: {error}", path.display())))?;
        eprintln!("bench: report written to {}", path.display());
    }
    if let Some(path) = &args.json {
        results.write(path)?;
        eprintln!("bench: figures written to {}", path.display());
    }
    Ok((run, holds))
}

/// The `trainings-import` scenario: the generated catalogue of `formations` imported in parts of
/// `part`.
async fn import_trainings(
    server: &Server,
    seed: u64,
    formations: u64,
    part: u64,
) -> Result<Result<trainings::ImportResult, String>, BenchError> {
    eprintln!("bench: {} — {formations} formations, {part} per document", trainings::NAME);
    let imported = trainings::run(server.address, server.pid(), seed, formations, part).await;
    if let Ok(imported) = &imported {
        eprintln!(
            "bench: {}: {:.0} formations/s, {:.0} sessions/s, peak {} MiB",
            trainings::NAME,
            imported.formations_per_second(),
            imported.sessions_per_second(),
            imported.peak_resident / (1024 * 1024)
        );
    }
    Ok(imported.map_err(|error| error.to_string()))
}

/// An access token of the demo France Travail client (client credentials, HTTP Basic).
pub(crate) async fn token(address: std::net::SocketAddr) -> Result<String, BenchError> {
    let mut connection = http::Connection::open(address).await?;
    let credentials = STANDARD.encode(format!("{CLIENT}:{CLIENT}-secret"));
    let response = connection
        .send(
            "POST",
            "/oauth/token",
            &[
                ("Authorization", &format!("Basic {credentials}")),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            b"grant_type=client_credentials",
        )
        .await?;
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
    body.get("access_token").and_then(|token| token.as_str()).map(str::to_owned).ok_or_else(|| {
        BenchError::new(format!(
            "no token for {CLIENT} ({}): {}",
            response.status,
            String::from_utf8_lossy(&response.body)
        ))
    })
}
