//! The report: the performance targets with what was measured, then the details.

use std::fmt::Write;
use std::time::Duration;

use crate::idle::IdleResult;
use crate::load::{Measurement, PENDING, Scenario};
use crate::offers::SHAPES;
use crate::postgres::{Numbering, PgbenchResult, Script};
use crate::server::Memory;

const MIB: f64 = 1024.0 * 1024.0;
/// Target: dossier reads at ≥ 40 % of pgbench's select-only TPS.
pub const DOSSIER_RATIO_TARGET: f64 = 0.40;
/// Target: dossier updates at ≥ 30 % of pgbench's simple-update TPS.
pub const UPDATE_RATIO_TARGET: f64 = 0.30;
/// Target: ≤ 200 MiB at 10,000 idle keep-alive connections.
pub const IDLE_MEMORY_TARGET: f64 = 200.0 * MIB;
/// Target: offers search p95 ≤ 20 ms (issue 13; 50 ms before) at 16 concurrent clients over 500,000 offers.
pub const SEARCH_P95_TARGET_MS: f64 = 20.0;
pub const SEARCH_CLIENTS: usize = 16;
pub const SEARCH_OFFERS: i64 = 500_000;
/// Target: profile search, candidate ranking and training search p95 ≤ 50 ms at 16 clients
/// (issues 14 and 15).
pub const PROFILES_TRAININGS_P95_TARGET_MS: f64 = 50.0;
/// Target: bulk offer import (NDJSON, with de-duplication) ≥ 20,000 offers/s.
pub const IMPORT_TARGET: f64 = 20_000.0;
/// The change feed's target, events per second for one client.
pub const FEED_TARGET: f64 = 50_000.0;

#[derive(Debug, Clone, Default)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub memory: String,
    pub postgres: String,
}

impl Machine {
    pub fn read(postgres: String) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|line| {
                line.strip_prefix("model name").and_then(|rest| rest.split_once(':')).map(|(_, v)| v.trim())
            })
            .unwrap_or("unknown CPU")
            .to_owned();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
            .map_or_else(|| "unknown".to_owned(), |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0));
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        Machine { cores, cpu, memory, postgres }
    }
}

/// Everything one run measured.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub command: String,
    pub machine: Machine,
    pub smoke: bool,
    pub persons: u64,
    pub persons_in_database: i64,
    pub offers: u64,
    /// Open offers in the database before the scenarios (what the search reads).
    pub offers_in_database: Option<i64>,
    /// Lines per offers-import body.
    pub import_lines: usize,
    pub seed: u64,
    pub clients: usize,
    pub warmup: Duration,
    pub duration: Duration,
    /// `None` when an existing database was reused.
    pub seeding: Option<Duration>,
    pub vacuum: Option<Duration>,
    /// pgbench's select-only run (`-S`), the reads' reference.
    pub pgbench: Option<Result<PgbenchResult, String>>,
    /// pgbench's simple-update run (`-N`), the writes' reference.
    pub pgbench_update: Option<Result<PgbenchResult, String>>,
    /// The platform's write transaction alone under pgbench, numbering its event each way.
    pub numbering: Vec<(Numbering, Result<PgbenchResult, String>)>,
    pub measurements: Vec<Measurement>,
    pub idle: Option<Result<IdleResult, String>>,
    pub peak: Option<Memory>,
    pub server_log: String,
    /// Webhooks (issue 12, item 3): the `webhook-fanout` scenario.
    pub webhook_fanout: Option<Result<crate::webhooks::FanoutResult, String>>,
    /// Indicators (issue 16): every table of the committees' counts of orientation decisions.
    pub committee_tables: Option<Result<crate::indicators::TablesResult, String>>,
    /// Indicators (issue 16, item 3): the full recomputation by `plateforme indicators compute`.
    pub indicators_compute: Option<Result<crate::indicators::ComputeResult, String>>,
    /// Indicators (issue 16, item 4): a vintage's indicator read under statistical secrecy.
    pub indicators_reads: Option<Result<crate::indicators::ReadsResult, String>>,
    /// Indicators (issue 16, item 3): the live figures' lag behind a burst of writes.
    pub indicators_lag: Option<Result<crate::indicators::LagResult, String>>,
    /// Training catalogue (issue 15, item 6): the LHEO import of the generated catalogue.
    pub trainings_import: Option<Result<crate::trainings::ImportResult, String>>,
}

/// The offers-search figures per kind of query.
fn search_shapes(out: &mut String, search: &Measurement) {
    let _ = writeln!(out, "\n  | offers-search query | share | with matches | p50 | p95 | p99 |");
    let _ = writeln!(out, "  | --- | --- | --- | --- | --- | --- |");
    for (shape, figures) in SHAPES.iter().zip(&search.shapes) {
        let count = figures.latencies.len();
        let _ = writeln!(
            out,
            "  | {} | {:.0} % | {:.0} % | {:.2} ms | {:.2} ms | {:.2} ms |",
            shape.name,
            count as f64 * 100.0 / search.totals.len().max(1) as f64,
            figures.found as f64 * 100.0 / count.max(1) as f64,
            figures.percentile_ms(0.50),
            figures.percentile_ms(0.95),
            figures.percentile_ms(0.99),
        );
    }
    let _ = writeln!(out);
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / MIB
}

fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

impl Run {
    fn measurement(&self, scenario: Scenario) -> Option<&Measurement> {
        self.measurements.iter().find(|measurement| measurement.scenario == scenario)
    }

    /// The TPS pgbench measured with `script` in this run.
    pub fn reference_tps(&self, script: Script) -> Option<f64> {
        let result = match script {
            Script::SelectOnly => &self.pgbench,
            Script::SimpleUpdate => &self.pgbench_update,
        };
        result.as_ref()?.as_ref().ok().map(|pgbench| pgbench.tps).filter(|tps| *tps > 0.0)
    }

    /// A scenario's requests/s over its reference's TPS in the same run: what stays comparable
    /// from one machine, or one load of the machine, to the next.
    pub fn ratio(&self, measurement: &Measurement) -> Option<f64> {
        Some(measurement.throughput() / self.reference_tps(measurement.scenario.reference())?)
    }

    /// Resident memory each idle connection added, in KiB.
    pub fn per_connection_kib(idle: &IdleResult) -> f64 {
        idle.during.resident.saturating_sub(idle.before.resident) as f64 / 1024.0 / idle.opened.max(1) as f64
    }

    /// Whether any scenario saw an error or could not run: the run proves nothing then.
    pub fn failed(&self) -> bool {
        self.measurements.iter().any(|measurement| measurement.errors > 0 || measurement.requests == 0)
            || matches!(&self.idle, Some(Err(_)))
            || matches!(&self.idle, Some(Ok(idle)) if idle.opened < idle.wanted)
            || matches!(&self.pgbench, Some(Err(_)))
            || matches!(&self.pgbench_update, Some(Err(_)))
            || matches!(&self.webhook_fanout, Some(Err(_)))
            || matches!(&self.committee_tables, Some(Err(_)))
            || matches!(&self.indicators_compute, Some(Err(_)))
            || matches!(&self.indicators_lag, Some(Err(_)))
            || matches!(&self.indicators_reads, Some(Err(_)))
            || matches!(&self.trainings_import, Some(Err(_)))
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let size = if self.smoke { " — smoke size: proves the benchmark runs, measures nothing" } else { "" };
        let _ = writeln!(out, "## Performance targets{size}\n");
        let _ = writeln!(
            out,
            "Machine: {} cores ({}), {} RAM, PostgreSQL {}. Dataset: {} persons in the database (seed {}), {} open \
             offers ({} requested). {} clients (offers-import: its own, below), {} s warm-up then {} s per scenario.\n",
            self.machine.cores,
            self.machine.cpu,
            self.machine.memory,
            self.machine.postgres,
            thousands(self.persons_in_database as f64),
            self.seed,
            self.offers_in_database.map_or_else(|| "?".to_owned(), |count| thousands(count as f64)),
            thousands(self.offers as f64),
            self.clients,
            self.warmup.as_secs_f64(),
            self.duration.as_secs_f64(),
        );
        let _ = writeln!(out, "Command: `{}`\n", self.command);
        let _ = writeln!(out, "| work | target | measured | ratio | result |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        let _ = writeln!(out, "{}", self.dossier_row());
        let _ = writeln!(out, "{}", self.update_row());
        let _ = writeln!(out, "{}", self.search_row());
        let _ = writeln!(out, "{}", self.p95_row("profile search (ROME + radius)", Scenario::ProfilesSearch));
        let _ = writeln!(out, "{}", self.p95_row("candidates ranked for an open offer", Scenario::ProfilesCandidates));
        let _ = writeln!(out, "{}", self.p95_row("training search (public)", Scenario::TrainingsSearch));
        let _ = writeln!(out, "{}", self.import_row());
        let _ = writeln!(out, "{}", self.feed_row());
        let _ = writeln!(out, "{}", self.numbering_row());
        let _ = writeln!(out, "{}", self.webhook_row());
        let _ = writeln!(out, "{}", self.committee_tables_row());
        let _ = writeln!(out, "{}", self.trainings_import_row());
        let _ = writeln!(out, "{}", self.indicators_compute_row());
        let _ = writeln!(out, "{}", self.indicators_reads_row());
        let _ = writeln!(out, "{}", self.indicators_lag_row());
        let _ = writeln!(out, "{}", self.idle_row());

        let _ = writeln!(out, "\n### Scenarios\n");
        let _ = writeln!(
            out,
            "| scenario | clients | requests | requests/s | of pgbench | records/s | p50 | p95 | p99 | errors | server \
             CPU/request | PostgreSQL CPU/request |"
        );
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        let cpu = |ms: Option<f64>| ms.map_or_else(|| "?".to_owned(), |ms| format!("{ms:.3} ms"));
        for measurement in &self.measurements {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {} | {} | {} |",
                measurement.scenario.name(),
                measurement.clients,
                thousands(measurement.requests as f64),
                thousands(measurement.throughput()),
                self.ratio(measurement).map_or_else(
                    || "?".to_owned(),
                    |ratio| format!("{:.1} % of {}", ratio * 100.0, measurement.scenario.reference().flag())
                ),
                thousands(measurement.items_per_second()),
                measurement.percentile_ms(0.50),
                measurement.percentile_ms(0.95),
                measurement.percentile_ms(0.99),
                measurement.errors,
                cpu(measurement.cpu_per_request_ms(measurement.server_cpu)),
                cpu(measurement.cpu_per_request_ms(measurement.postgres_cpu)),
            );
        }
        for (name, reason) in PENDING {
            let _ = writeln!(out, "| {name} | | | | | | | | | {reason} | | |");
        }
        let _ = writeln!(
            out,
            "\nRecords: persons or organizations read, offers on the first page of a search (at most 20), lines \
             published by an import, persons registered or updated, reviews recorded. Of pgbench: requests/s over \
             the TPS of pgbench's select-only run (`-S`) for reads, of its simple-update run (`-N`) for writes, \
             in the same run (what `--compare` compares). Errors: failed requests, and for the import each `rejected` line. CPU per \
             request: CPU time of the server process, and of every `postgres` process of the machine, over the \
             scenario (warm-up included) divided by the requests answered in it. {} cores give {} ms of CPU per \
             second.",
            self.machine.cores,
            self.machine.cores * 1000
        );

        let _ = writeln!(out, "\n### Other figures\n");
        match self.seeding {
            Some(seeding) => {
                let _ = writeln!(
                    out,
                    "- `plateforme seed --persons {} --offers {} --seed {}`: {:.1} s in all (organizations, persons with \
                     their history and change feed, then offers through the publication path; the seed's progress \
                     lines give each phase)",
                    self.persons,
                    self.offers,
                    self.seed,
                    seeding.as_secs_f64(),
                );
            }
            None => {
                let _ = writeln!(out, "- database reused (`--reuse-database`): not seeded by this run");
            }
        }
        if let Some(vacuum) = self.vacuum {
            let _ = writeln!(out, "- `VACUUM (ANALYZE)` after seeding: {:.1} s", vacuum.as_secs_f64());
        }
        for (scenario, answers, note) in [
            (Scenario::OffersSearch, "answers had matches; matches per query", " (facets count them all)"),
            (Scenario::ProfilesCandidates, "answers had candidates; candidates per answer", ""),
            (Scenario::TrainingsSearch, "answers had matches; matches per query", ""),
        ] {
            let Some(measurement) = self.measurement(scenario) else {
                continue;
            };
            let _ = writeln!(
                out,
                "- {}: {:.1} % of the {} {answers}: p10 {}, p50 {}, p90 {}, max {}{note}",
                scenario.name(),
                measurement.found_share() * 100.0,
                thousands(measurement.totals.len() as f64),
                thousands(measurement.total_percentile(0.10) as f64),
                thousands(measurement.total_percentile(0.50) as f64),
                thousands(measurement.total_percentile(0.90) as f64),
                thousands(measurement.total_percentile(1.0) as f64),
            );
            if scenario == Scenario::OffersSearch {
                search_shapes(&mut out, measurement);
            }
        }
        if let Some(import) = self.measurement(Scenario::OffersImport) {
            let summary = import.summary;
            let _ = writeln!(
                out,
                "- offers-import: {} clients, {} lines per body; {} lines answered: {} created, {} merged, {} updated, \
                 {} unchanged, {} rejected",
                import.clients,
                thousands(self.import_lines as f64),
                thousands(summary.lines as f64),
                thousands(summary.created as f64),
                thousands(summary.merged as f64),
                thousands(summary.updated as f64),
                thousands(summary.unchanged as f64),
                thousands(summary.rejected as f64),
            );
        }
        let driver: Vec<String> = self
            .measurements
            .iter()
            .filter_map(|measurement| {
                let cores = measurement.cores_used(measurement.driver_cpu)?;
                Some(format!(
                    "{} {:.1} %",
                    measurement.scenario.name(),
                    cores * 100.0 / self.machine.cores.max(1) as f64
                ))
            })
            .collect();
        if !driver.is_empty() {
            let _ =
                writeln!(out, "- CPU of the load driver (this benchmark), share of the machine: {}", driver.join(", "));
        }
        for pgbench in [&self.pgbench, &self.pgbench_update] {
            match pgbench {
                Some(Ok(pgbench)) => {
                    let latency =
                        pgbench.latency_ms.map_or(String::new(), |ms| format!(", latency average {ms:.3} ms"));
                    let cpu = pgbench
                        .postgres_cpu_ms
                        .map_or(String::new(), |ms| format!(", PostgreSQL CPU {ms:.3} ms per transaction"));
                    let _ = writeln!(
                        out,
                        "- `{}` on {} accounts: {} TPS{latency}{cpu}",
                        pgbench.command,
                        thousands((pgbench.scale * 100_000) as f64),
                        thousands(pgbench.tps)
                    );
                }
                Some(Err(error)) => {
                    let _ = writeln!(out, "- pgbench: {error}");
                }
                None => {}
            }
        }
        if let Some(Ok(idle)) = &self.idle {
            let _ = writeln!(
                out,
                "- idle connections: {} of {} opened in {:.1} s, then one `GET /health/live` on each in {:.1} s, {} \
                 still open when measured; server resident memory {:.1} MiB before, {:.1} MiB with them ({:.1} KiB \
                 per connection): {:.1} MiB anonymous (heap, allocator, stacks) and {:.1} MiB of mapped files (the \
                 server's executable and the search indexes' pages)",
                thousands(idle.opened as f64),
                thousands(idle.wanted as f64),
                idle.opening_time.as_secs_f64(),
                idle.requests_time.as_secs_f64(),
                thousands(idle.open_at_reading as f64),
                mib(idle.before.resident),
                mib(idle.during.resident),
                Run::per_connection_kib(idle),
                mib(idle.during.anonymous),
                mib(idle.during.file),
            );
            if let Some(error) = &idle.first_error {
                let _ = writeln!(out, "  - first connection error: {error}");
            }
        }
        if let Some(peak) = self.peak {
            let _ = writeln!(out, "- server peak resident memory over the run (VmHWM): {:.1} MiB", mib(peak.peak));
        }
        for measurement in &self.measurements {
            if let Some(error) = &measurement.first_error {
                let _ = writeln!(out, "- first error of {}: {error}", measurement.scenario.name());
            }
        }
        let _ = writeln!(out, "- server log: {}", self.server_log);
        out
    }

    fn dossier_row(&self) -> String {
        let target = "≥ 40 % of raw `pgbench` primary-key select TPS (`-S`)";
        self.ratio_row(
            "dossier read by id, authorized and journaled",
            target,
            Scenario::DossierRead,
            "reads",
            DOSSIER_RATIO_TARGET,
        )
    }

    fn update_row(&self) -> String {
        let target = "≥ 30 % of raw `pgbench` simple-update TPS (`-N`)";
        self.ratio_row(
            "dossier update (merge patch, If-Match), journaled",
            target,
            Scenario::DossierUpdate,
            "updates",
            UPDATE_RATIO_TARGET,
        )
    }

    /// The row of a target stated as a share of pgbench's rate in the same run.
    fn ratio_row(&self, work: &str, target: &str, scenario: Scenario, unit: &str, wanted: f64) -> String {
        let Some(measurement) = self.measurement(scenario) else {
            return format!("| {work} | {target} | not run | | skipped |");
        };
        let measured = format!(
            "{} {unit}/s (p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms)",
            thousands(measurement.throughput()),
            measurement.percentile_ms(0.50),
            measurement.percentile_ms(0.95),
            measurement.percentile_ms(0.99)
        );
        let reference = self.reference_tps(scenario.reference());
        match self.ratio(measurement).zip(reference) {
            Some((ratio, tps)) => {
                let result = if self.smoke {
                    "smoke"
                } else if measurement.errors > 0 || measurement.requests == 0 {
                    "FAIL (errors)"
                } else if ratio >= wanted {
                    "PASS"
                } else {
                    "FAIL"
                };
                format!(
                    "| {work} | {target} | {measured} | {:.1} % of {} TPS | {result} |",
                    ratio * 100.0,
                    thousands(tps)
                )
            }
            None => format!("| {work} | {target} | {measured} | no pgbench figure | skipped |"),
        }
    }

    fn search_row(&self) -> String {
        let work = "offers search (text + ROME + radius) over 500,000 offers";
        let target = "p95 ≤ 20 ms at 16 concurrent clients";
        let Some(search) = self.measurement(Scenario::OffersSearch) else {
            return format!("| {work} | {target} | not run | | skipped |");
        };
        let p95 = search.percentile_ms(0.95);
        let offers = self.offers_in_database.unwrap_or(0);
        let measured = format!(
            "p95 {p95:.2} ms (p50 {:.2} ms, p99 {:.2} ms), {} searches/s at {} clients over {} open offers, {:.1} % \
             with matches",
            search.percentile_ms(0.50),
            search.percentile_ms(0.99),
            thousands(search.throughput()),
            search.clients,
            thousands(offers as f64),
            search.found_share() * 100.0
        );
        let result = if self.smoke {
            "smoke".to_owned()
        } else if search.errors > 0 || search.requests == 0 {
            "FAIL (errors)".to_owned()
        } else {
            let verdict = if p95 <= SEARCH_P95_TARGET_MS { "PASS" } else { "FAIL" };
            // The generator's random collisions merge a few hundred of its 500,000 offers.
            if search.clients != SEARCH_CLIENTS || offers < SEARCH_OFFERS * 99 / 100 {
                format!("{verdict} (not the target's conditions)")
            } else {
                verdict.to_owned()
            }
        };
        format!("| {work} | {target} | {measured} | {:.0} % of target | {result} |", p95 / SEARCH_P95_TARGET_MS * 100.0)
    }

    /// The row of a p95 target of [`PROFILES_TRAININGS_P95_TARGET_MS`] at [`SEARCH_CLIENTS`]
    /// clients, for the datasets the run had.
    fn p95_row(&self, work: &str, scenario: Scenario) -> String {
        let target = format!("p95 ≤ {PROFILES_TRAININGS_P95_TARGET_MS:.0} ms at {SEARCH_CLIENTS} concurrent clients");
        let Some(measurement) = self.measurement(scenario) else {
            return format!("| {work} ({}) | {target} | not run | | skipped |", scenario.name());
        };
        let p95 = measurement.percentile_ms(0.95);
        let measured = format!(
            "p95 {p95:.2} ms (p50 {:.2} ms, p99 {:.2} ms), {} requests/s at {} clients",
            measurement.percentile_ms(0.50),
            measurement.percentile_ms(0.99),
            thousands(measurement.throughput()),
            measurement.clients,
        );
        let result = if self.smoke {
            "smoke".to_owned()
        } else if measurement.errors > 0 || measurement.requests == 0 {
            "FAIL (errors)".to_owned()
        } else {
            let verdict = if p95 <= PROFILES_TRAININGS_P95_TARGET_MS { "PASS" } else { "FAIL" };
            if measurement.clients == SEARCH_CLIENTS {
                verdict.to_owned()
            } else {
                format!("{verdict} (not the target's conditions)")
            }
        };
        format!(
            "| {work} ({}) | {target} | {measured} | {:.0} % of target | {result} |",
            scenario.name(),
            p95 / PROFILES_TRAININGS_P95_TARGET_MS * 100.0
        )
    }

    fn import_row(&self) -> String {
        let work = "bulk offer import (NDJSON, with de-duplication)";
        let target = "≥ 20,000 offers/s";
        let Some(import) = self.measurement(Scenario::OffersImport) else {
            return format!("| {work} | {target} | not run | | skipped |");
        };
        let rate = import.items_per_second();
        let measured = format!(
            "{} offers/s ({:.1} batches/s of {} lines at {} clients, batch p50 {:.0} ms, p95 {:.0} ms; {:.1} % merged)",
            thousands(rate),
            import.throughput(),
            thousands(self.import_lines as f64),
            import.clients,
            import.percentile_ms(0.50),
            import.percentile_ms(0.95),
            import.summary.merged as f64 * 100.0 / import.summary.lines.max(1) as f64,
        );
        self.rate_row(work, target, &measured, import, rate, IMPORT_TARGET)
    }

    /// The row of a target stated as a rate to reach: smoke, failed by errors, PASS or FAIL.
    fn rate_row(&self, work: &str, target: &str, measured: &str, run: &Measurement, rate: f64, wanted: f64) -> String {
        let result = if self.smoke {
            "smoke"
        } else if run.errors > 0 || run.requests == 0 {
            "FAIL (errors)"
        } else if rate >= wanted {
            "PASS"
        } else {
            "FAIL"
        };
        format!("| {work} | {target} | {measured} | {:.1} % of target | {result} |", rate / wanted * 100.0)
    }

    fn feed_row(&self) -> String {
        let work = "change feed read";
        let target = "≥ 50,000 events/s per client";
        let Some(feed) = self.measurement(Scenario::ChangeFeed) else {
            return format!("| {work} | {target} | not run | | skipped |");
        };
        let rate = feed.items_per_second();
        let measured = format!(
            "{} events/s ({:.1} pages/s of up to 1,000 at {} client, page p50 {:.1} ms, p95 {:.1} ms)",
            thousands(rate),
            feed.throughput(),
            feed.clients,
            feed.percentile_ms(0.50),
            feed.percentile_ms(0.95),
        );
        self.rate_row(work, target, &measured, feed, rate, FEED_TARGET)
    }

    /// The platform's write transaction under pgbench at 16 clients, its event numbered by the
    /// counter row every write locked before issue 12, then by a sequence and the transaction id.
    fn numbering_row(&self) -> String {
        let work = "concurrent writes (update + history + event), pgbench";
        let target = "no platform-wide lock: faster than the counter row";
        let tps = |wanted: Numbering| {
            self.numbering.iter().find(|(numbering, _)| *numbering == wanted).map(|(_, result)| result.clone())
        };
        match (tps(Numbering::CounterRow), tps(Numbering::SequenceAndTransaction)) {
            (Some(Ok(before)), Some(Ok(after))) => {
                let ratio = after.tps / before.tps.max(f64::MIN_POSITIVE);
                let result = if self.smoke {
                    "smoke"
                } else if ratio > 1.0 {
                    "PASS"
                } else {
                    "FAIL"
                };
                format!(
                    "| {work} | {target} | {} TPS with the counter row, {} TPS with a sequence and the transaction id \
                     ({}) | ×{ratio:.2} | {result} |",
                    thousands(before.tps),
                    thousands(after.tps),
                    after.command,
                )
            }
            (Some(Err(reason)), _) | (_, Some(Err(reason))) => format!("| {work} | {target} | {reason} | | skipped |"),
            _ => format!("| {work} | {target} | not run | | skipped |"),
        }
    }

    /// Webhooks (issue 12, item 3): the lag from a write to its delivery, over every
    /// (subscription, event). No target is set yet: the row reports.
    fn webhook_row(&self) -> String {
        let work = "webhook fan-out lag (write → receiver)";
        match &self.webhook_fanout {
            None => format!("| {work} | reported | not run | | skipped |"),
            Some(Err(reason)) => format!("| {work} | reported | {reason} | | FAIL (errors) |"),
            Some(Ok(fanout)) => format!(
                "| {work} | reported | p99 {:.0} ms (p50 {:.0} ms, max {:.0} ms) over {} deliveries: {} subscriptions × {} \
                 events written one after another | | {} |",
                fanout.p99_ms,
                fanout.p50_ms,
                fanout.max_ms,
                thousands(fanout.received as f64),
                fanout.subscriptions,
                fanout.events,
                if self.smoke { "smoke" } else { "reported" },
            ),
        }
    }

    /// Indicators (issue 16): all 27 tables of `GET /v1/orientation-decisions` over 60 months,
    /// one after the other: the committees' part of the indicators' recomputation (the target
    /// covers every indicator, most of them not built yet).
    fn committee_tables_row(&self) -> String {
        let work = "committees' orientation-decision tables recomputed (27 tables, 60 months)";
        let target = "≤ 10 s (all indicators)";
        match &self.committee_tables {
            None => format!("| {work} | {target} | not run | | skipped |"),
            Some(Err(reason)) => format!("| {work} | {target} | {reason} | | FAIL (errors) |"),
            Some(Ok(tables)) => {
                let seconds = tables.elapsed.as_secs_f64();
                let result = if self.smoke {
                    "smoke"
                } else if seconds <= 10.0 {
                    "PASS (this part)"
                } else {
                    "FAIL"
                };
                format!(
                    "| {work} | {target} | {seconds:.2} s over {} decisions ({} tables; derived from the dossiers in {:.1} s \
                     beforehand; all read again: {:.2} s) | | {result} |",
                    thousands(tables.decisions as f64),
                    tables.tables,
                    tables.derive.as_secs_f64(),
                    tables.again.as_secs_f64(),
                )
            }
        }
    }

    /// Indicators (issue 16, item 3): every indicator recomputed as of today and published as a
    /// vintage, by the command line; the second run must find the same hash.
    fn indicators_compute_row(&self) -> String {
        let work = "indicators recomputed over 1,000,000 dossiers (plateforme indicators compute)";
        let target = "≤ 10 s";
        match &self.indicators_compute {
            None => format!("| {work} | {target} | not run | | skipped |"),
            Some(Err(reason)) => format!("| {work} | {target} | {reason} | | FAIL (errors) |"),
            Some(Ok(computed)) => {
                let seconds = computed.elapsed.as_secs_f64();
                let result = if self.smoke {
                    "smoke"
                } else if computed.dossiers < 1_000_000 {
                    "reported (fewer dossiers than the target's)"
                } else if seconds <= 10.0 {
                    "PASS"
                } else {
                    "FAIL"
                };
                format!(
                    "| {work} | {target} | {seconds:.2} s over {} dossiers ({}; recomputed again: unchanged) | | {result} |",
                    thousands(computed.dossiers as f64),
                    computed.first,
                )
            }
        }
    }

    /// Indicators (issue 16, item 4): one indicator of the vintage read under statistical
    /// secrecy, the first time (its pattern worked out over every level, period and category)
    /// and again (the pattern kept). No target is set: the row reports.
    fn indicators_reads_row(&self) -> String {
        let work = "a vintage's indicator read under statistical secrecy (orientations_par_parcours)";
        match &self.indicators_reads {
            None => format!("| {work} | — | not run | | skipped |"),
            Some(Err(reason)) => format!("| {work} | — | {reason} | | FAIL (errors) |"),
            Some(Ok(reads)) => format!(
                "| {work} | — | first read {:.2} s over {} cells (the committees' pattern worked out), again {:.1} ms \
                 (kept); the open-data file first {:.2} s (the public's, on top) | | {} |",
                reads.first.as_secs_f64(),
                thousands(reads.cells as f64),
                reads.again.as_secs_f64() * 1000.0,
                reads.open_data_first.as_secs_f64(),
                if self.smoke { "smoke" } else { "reported" },
            ),
        }
    }

    /// Indicators (issue 16, item 3): how far the live figures trail a burst of writes. No target
    /// is set: the row reports.
    fn indicators_lag_row(&self) -> String {
        let work = "indicators' live figures: lag after a burst of registrations (change feed follower)";
        match &self.indicators_lag {
            None => format!("| {work} | — | not run | | skipped |"),
            Some(Err(reason)) => format!("| {work} | — | {reason} | | FAIL (errors) |"),
            Some(Ok(lag)) => format!(
                "| {work} | — | caught up {:.0} ms after the last of {} registrations (written in {:.2} s); the backlog \
                 before the recomputation (the decisions orientation-decisions derived) counted in {:.2} s | | {} |",
                lag.caught_up_after.as_secs_f64() * 1000.0,
                lag.writes,
                lag.burst.as_secs_f64(),
                lag.backlog_counted_after.as_secs_f64(),
                if self.smoke { "smoke" } else { "reported" },
            ),
        }
    }

    /// Training catalogue (issue 15, item 6): the LHEO import's throughput and the server's
    /// peak memory meanwhile. No target is set: the row reports.
    fn trainings_import_row(&self) -> String {
        let work = "LHEO catalogue import (POST /v1/trainings/lheo)";
        match &self.trainings_import {
            None => format!("| {work} | reported | not run | | skipped |"),
            Some(Err(reason)) => format!("| {work} | reported | {reason} | | FAIL (errors) |"),
            Some(Ok(import)) => format!(
                "| {work} | reported | {} formations/s, {} sessions/s: {} formations, {} actions, {} sessions in {} \
                 documents of up to {:.1} MiB, {:.1} s ({} created); server peak resident {:.0} MiB ({:.0} MiB before) \
                 | | {} |",
                thousands(import.formations_per_second()),
                thousands(import.sessions_per_second()),
                thousands(import.counts.formations as f64),
                thousands(import.counts.actions as f64),
                thousands(import.counts.sessions as f64),
                import.imports,
                mib(import.largest_document),
                import.elapsed.as_secs_f64(),
                thousands(import.created as f64),
                mib(import.peak_resident),
                mib(import.resident_before),
                if self.smoke { "smoke" } else { "reported" },
            ),
        }
    }

    fn idle_row(&self) -> String {
        let work = "server memory at 10,000 idle keep-alive connections";
        let target = "≤ 200 MiB";
        match &self.idle {
            Some(Ok(idle)) => {
                let resident = idle.during.resident as f64;
                let result = if idle.opened < idle.wanted {
                    "FAIL (connections refused)"
                } else if self.smoke {
                    "smoke"
                } else if idle.open_at_reading < idle.wanted {
                    "FAIL (connections closed before the reading)"
                } else if resident <= IDLE_MEMORY_TARGET {
                    "PASS"
                } else {
                    "FAIL"
                };
                format!(
                    "| {work} | {target} | {:.1} MiB resident at {} connections ({:.1} MiB anonymous, {:.1} MiB of \
                     mapped files; {:.1} MiB before them, {:.1} KiB per connection) | {:.0} % of target | {result} |",
                    resident / MIB,
                    thousands(idle.open_at_reading as f64),
                    mib(idle.during.anonymous),
                    mib(idle.during.file),
                    mib(idle.before.resident),
                    Run::per_connection_kib(idle),
                    resident / IDLE_MEMORY_TARGET * 100.0
                )
            }
            Some(Err(reason)) => format!("| {work} | {target} | {reason} | | skipped |"),
            None => format!("| {work} | {target} | not run | | skipped |"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1_000.0), "1,000");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }

    #[test]
    fn every_target_has_a_row_even_when_nothing_ran() {
        let table = Run::default().markdown();
        for work in [
            "dossier read",
            "dossier update",
            "offers search",
            "profile search",
            "candidates ranked",
            "training search",
            "bulk offer import",
            "change feed",
            "concurrent writes",
            "indicators",
            "idle keep-alive",
        ] {
            assert!(table.contains(work), "{work}: {table}");
        }
        assert!(!table.contains("pending: change feed API"));
        assert!(!table.contains("pending: offers API"));
    }
}
