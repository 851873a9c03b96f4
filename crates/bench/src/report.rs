//! The report: the performance targets of DESIGN.md with what was measured, then the details.

use std::fmt::Write;
use std::time::Duration;

use crate::idle::IdleResult;
use crate::load::{Measurement, PENDING, Scenario};
use crate::postgres::PgbenchResult;
use crate::server::Memory;

const MIB: f64 = 1024.0 * 1024.0;
/// DESIGN.md: dossier reads at ≥ 40 % of pgbench's select-only TPS.
pub const DOSSIER_RATIO_TARGET: f64 = 0.40;
/// DESIGN.md: ≤ 200 MiB at 10,000 idle keep-alive connections.
pub const IDLE_MEMORY_TARGET: f64 = 200.0 * MIB;

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
    pub seed: u64,
    pub clients: usize,
    pub warmup: Duration,
    pub duration: Duration,
    /// `None` when an existing database was reused.
    pub seeding: Option<Duration>,
    pub vacuum: Option<Duration>,
    pub pgbench: Option<Result<PgbenchResult, String>>,
    pub measurements: Vec<Measurement>,
    pub idle: Option<Result<IdleResult, String>>,
    pub peak: Option<Memory>,
    pub server_log: String,
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

    /// Whether any scenario saw an error or could not run: the run proves nothing then.
    pub fn failed(&self) -> bool {
        self.measurements.iter().any(|measurement| measurement.errors > 0 || measurement.requests == 0)
            || matches!(&self.idle, Some(Err(_)))
            || matches!(&self.idle, Some(Ok(idle)) if idle.opened < idle.wanted)
            || matches!(&self.pgbench, Some(Err(_)))
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let size = if self.smoke { " — smoke size: proves the benchmark runs, measures nothing" } else { "" };
        let _ = writeln!(out, "## Performance targets{size}\n");
        let _ = writeln!(
            out,
            "Machine: {} cores ({}), {} RAM, PostgreSQL {}. Dataset: {} persons in the database (seed {}), {} offers \
             requested. {} clients, {} s warm-up then {} s per scenario.\n",
            self.machine.cores,
            self.machine.cpu,
            self.machine.memory,
            self.machine.postgres,
            thousands(self.persons_in_database as f64),
            self.seed,
            thousands(self.offers as f64),
            self.clients,
            self.warmup.as_secs_f64(),
            self.duration.as_secs_f64(),
        );
        let _ = writeln!(out, "Command: `{}`\n", self.command);
        let _ = writeln!(out, "| work | target | measured | ratio | result |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        let _ = writeln!(out, "{}", self.dossier_row());
        let pending =
            |name: &str| PENDING.iter().find(|(pending, _)| *pending == name).map_or("pending", |(_, reason)| *reason);
        let _ = writeln!(
            out,
            "| offers search (text + ROME + radius) over 500,000 offers | p95 ≤ 50 ms at 16 concurrent clients | {} | | pending |",
            pending("offers-search")
        );
        let _ = writeln!(
            out,
            "| bulk offer import (NDJSON, with de-duplication) | ≥ 20,000 offers/s | {} | | pending |",
            pending("offers-import")
        );
        let _ = writeln!(
            out,
            "| change feed read | ≥ 50,000 events/s per client | {} | | pending |",
            pending("change-feed")
        );
        let _ = writeln!(
            out,
            "| indicators recomputed over 1,000,000 dossiers | ≤ 10 s | {} | | pending |",
            pending("indicators")
        );
        let _ = writeln!(out, "{}", self.idle_row());

        let _ = writeln!(out, "\n### Scenarios\n");
        let _ = writeln!(
            out,
            "| scenario | clients | requests | requests/s | records/s | p50 | p95 | p99 | errors | server CPU/request \
             | PostgreSQL CPU/request |"
        );
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        let cpu = |ms: Option<f64>| ms.map_or_else(|| "?".to_owned(), |ms| format!("{ms:.3} ms"));
        for measurement in &self.measurements {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {} | {} | {} |",
                measurement.scenario.name(),
                measurement.clients,
                thousands(measurement.requests as f64),
                thousands(measurement.throughput()),
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
            let _ = writeln!(out, "| {name} | | | | | | | | {reason} | | |");
        }
        let _ = writeln!(
            out,
            "\nCPU per request: CPU time of the server process, and of every `postgres` process of the machine, over \
             the scenario (warm-up included) divided by the requests answered in it. {} cores give {} ms of CPU per \
             second.",
            self.machine.cores,
            self.machine.cores * 1000
        );

        let _ = writeln!(out, "\n### Other figures\n");
        match self.seeding {
            Some(seeding) => {
                let rate = self.persons as f64 / seeding.as_secs_f64().max(0.001);
                let _ = writeln!(
                    out,
                    "- `plateforme seed --persons {} --offers {} --seed {}`: {:.1} s ({} persons/s, organizations, \
                     history and change feed included)",
                    self.persons,
                    self.offers,
                    self.seed,
                    seeding.as_secs_f64(),
                    thousands(rate)
                );
            }
            None => {
                let _ = writeln!(out, "- database reused (`--reuse-database`): not seeded by this run");
            }
        }
        if let Some(vacuum) = self.vacuum {
            let _ = writeln!(out, "- `VACUUM (ANALYZE)` after seeding: {:.1} s", vacuum.as_secs_f64());
        }
        match &self.pgbench {
            Some(Ok(pgbench)) => {
                let latency = pgbench.latency_ms.map_or(String::new(), |ms| format!(", latency average {ms:.3} ms"));
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
        if let Some(Ok(idle)) = &self.idle {
            let _ = writeln!(
                out,
                "- idle connections: {} of {} opened in {:.1} s, then one `GET /health/live` on each in {:.1} s, {} \
                 still open when measured; server resident memory {:.1} MiB before, {:.1} MiB with them ({:.1} KiB \
                 per connection)",
                thousands(idle.opened as f64),
                thousands(idle.wanted as f64),
                idle.opening_time.as_secs_f64(),
                idle.requests_time.as_secs_f64(),
                thousands(idle.open_at_reading as f64),
                mib(idle.before.resident),
                mib(idle.during.resident),
                (idle.during.resident.saturating_sub(idle.before.resident)) as f64 / 1024.0 / idle.opened.max(1) as f64,
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
        let work = "dossier read by id, authorized and journaled";
        let target = "≥ 40 % of raw `pgbench` primary-key select TPS";
        let Some(measurement) = self.measurement(Scenario::DossierRead) else {
            return format!("| {work} | {target} | not run | | skipped |");
        };
        let measured = format!(
            "{} reads/s (p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms)",
            thousands(measurement.throughput()),
            measurement.percentile_ms(0.50),
            measurement.percentile_ms(0.95),
            measurement.percentile_ms(0.99)
        );
        match &self.pgbench {
            Some(Ok(pgbench)) if pgbench.tps > 0.0 => {
                let ratio = measurement.throughput() / pgbench.tps;
                let result = if self.smoke {
                    "smoke"
                } else if ratio >= DOSSIER_RATIO_TARGET {
                    "PASS"
                } else {
                    "FAIL"
                };
                format!(
                    "| {work} | {target} | {measured} | {:.1} % of {} TPS | {result} |",
                    ratio * 100.0,
                    thousands(pgbench.tps)
                )
            }
            _ => format!("| {work} | {target} | {measured} | no pgbench figure | skipped |"),
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
                    "| {work} | {target} | {:.1} MiB resident at {} connections | {:.0} % of target | {result} |",
                    resident / MIB,
                    thousands(idle.open_at_reading as f64),
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
        for work in
            ["dossier read", "offers search", "bulk offer import", "change feed", "indicators", "idle keep-alive"]
        {
            assert!(table.contains(work), "{work}: {table}");
        }
        assert!(table.contains("pending: offers API"));
    }
}
