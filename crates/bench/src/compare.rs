//! The run's table as JSON (`--json`), and the regression guard (`--compare BASELINE`): a
//! scenario whose rate, as a share of pgbench's in the same run, fell more than 20 % below the
//! baseline's is flagged. Ratios, not rates: the machine's speed and load change from one run to
//! the next, pgbench's rate with them.

use std::fmt::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::BenchError;
use crate::report::Run;

/// How much lower a ratio may be than the baseline's before it is flagged.
pub const TOLERANCE: f64 = 0.20;

/// One run's figures, as written by `--json` and read by `--compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Where the figures come from (a run's command, or what a hand-made baseline transcribes).
    pub label: String,
    pub smoke: bool,
    pub persons: i64,
    /// pgbench's TPS in the same run: select-only (`-S`) and simple update (`-N`).
    pub pgbench_select_tps: Option<f64>,
    /// Absent from the figures of a run made before the write scenarios.
    #[serde(default)]
    pub pgbench_update_tps: Option<f64>,
    pub scenarios: Vec<ScenarioResult>,
    /// Absent from the figures of a run that measured no idle server.
    #[serde(default)]
    pub idle: Option<IdleResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    pub name: String,
    pub clients: usize,
    pub requests_per_second: f64,
    pub records_per_second: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    pub server_cpu_ms_per_request: Option<f64>,
    pub postgres_cpu_ms_per_request: Option<f64>,
    /// The pgbench script the ratio divides by: `-S` or `-N`.
    pub reference: String,
    /// requests/s over the reference's TPS in the same run.
    pub ratio: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdleResult {
    pub connections: usize,
    pub open_at_reading: usize,
    pub resident_mib_before: f64,
    pub resident_mib: f64,
    /// The anonymous and the file-backed parts of `resident_mib` (absent from older runs).
    #[serde(default)]
    pub anonymous_mib: f64,
    #[serde(default)]
    pub file_mib: f64,
    pub kib_per_connection: f64,
}

const MIB: f64 = 1024.0 * 1024.0;

impl Results {
    pub fn of(run: &Run) -> Results {
        let scenarios = run
            .measurements
            .iter()
            .map(|measurement| ScenarioResult {
                name: measurement.scenario.name().to_owned(),
                clients: measurement.clients,
                requests_per_second: measurement.throughput(),
                records_per_second: measurement.items_per_second(),
                p50_ms: measurement.percentile_ms(0.50),
                p95_ms: measurement.percentile_ms(0.95),
                p99_ms: measurement.percentile_ms(0.99),
                errors: measurement.errors,
                server_cpu_ms_per_request: measurement.cpu_per_request_ms(measurement.server_cpu),
                postgres_cpu_ms_per_request: measurement.cpu_per_request_ms(measurement.postgres_cpu),
                reference: measurement.scenario.reference().flag().to_owned(),
                ratio: run.ratio(measurement),
            })
            .collect();
        let idle = run.idle.as_ref().and_then(|idle| idle.as_ref().ok()).map(|idle| IdleResult {
            connections: idle.opened,
            open_at_reading: idle.open_at_reading,
            resident_mib_before: idle.before.resident as f64 / MIB,
            resident_mib: idle.during.resident as f64 / MIB,
            anonymous_mib: idle.during.anonymous as f64 / MIB,
            file_mib: idle.during.file as f64 / MIB,
            kib_per_connection: Run::per_connection_kib(idle),
        });
        Results {
            label: run.command.clone(),
            smoke: run.smoke,
            persons: run.persons_in_database,
            pgbench_select_tps: run.reference_tps(crate::postgres::Script::SelectOnly),
            pgbench_update_tps: run.reference_tps(crate::postgres::Script::SimpleUpdate),
            scenarios,
            idle,
        }
    }

    pub fn read(path: &Path) -> Result<Results, BenchError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| BenchError::new(format!("cannot read {}: {error}", path.display())))?;
        serde_json::from_str(&text)
            .map_err(|error| BenchError::new(format!("{} is not a benchmark's JSON: {error}", path.display())))
    }

    pub fn write(&self, path: &Path) -> Result<(), BenchError> {
        let json = serde_json::to_string_pretty(self).map_err(|error| BenchError::new(error.to_string()))?;
        std::fs::write(path, json + "\n")
            .map_err(|error| BenchError::new(format!("cannot write {}: {error}", path.display())))
    }
}

/// What became of one baseline scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Within the tolerance, or faster; the change of the ratio (−0.1 is 10 % lower).
    Holds(f64),
    /// More than [`TOLERANCE`] lower.
    Slower(f64),
    /// Not run this time, or without a pgbench figure on either side: nothing to compare.
    NotCompared(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub scenario: String,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub verdict: Verdict,
}

/// Each baseline scenario against the same scenario of `current`.
pub fn compare(baseline: &Results, current: &Results) -> Vec<Comparison> {
    baseline
        .scenarios
        .iter()
        .map(|before| {
            let now = current.scenarios.iter().find(|scenario| scenario.name == before.name);
            let current_ratio = now.and_then(|scenario| scenario.ratio);
            let verdict = match (now, before.ratio, current_ratio) {
                (None, _, _) => Verdict::NotCompared("not run"),
                (_, Some(before), Some(now)) if before > 0.0 => {
                    let change = now / before - 1.0;
                    if change < -TOLERANCE { Verdict::Slower(change) } else { Verdict::Holds(change) }
                }
                _ => Verdict::NotCompared("no pgbench figure"),
            };
            Comparison { scenario: before.name.clone(), baseline: before.ratio, current: current_ratio, verdict }
        })
        .collect()
}

/// Whether any scenario got slower than the tolerance allows.
pub fn regressed(comparisons: &[Comparison]) -> bool {
    comparisons.iter().any(|comparison| matches!(comparison.verdict, Verdict::Slower(_)))
}

/// The comparison as a markdown table, with what the two runs were.
pub fn markdown(baseline: &Results, current: &Results, comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Against the baseline\n");
    let _ = writeln!(out, "Baseline: {} ({} persons)  ", baseline.label, baseline.persons);
    let _ = writeln!(out, "This run: {} ({} persons)\n", current.label, current.persons);
    if baseline.smoke != current.smoke || baseline.persons != current.persons {
        let _ = writeln!(out, "The two runs are not of the same size: their ratios are not comparable.\n");
    }
    let _ = writeln!(out, "| scenario | baseline | this run | change | result |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
    let percent = |ratio: Option<f64>| ratio.map_or_else(|| "?".to_owned(), |ratio| format!("{:.1} %", ratio * 100.0));
    for comparison in comparisons {
        let (change, result) = match &comparison.verdict {
            Verdict::Holds(change) => (format!("{:+.0} %", change * 100.0), "ok".to_owned()),
            Verdict::Slower(change) => {
                (format!("{:+.0} %", change * 100.0), format!("SLOWER (more than {:.0} %)", TOLERANCE * 100.0))
            }
            Verdict::NotCompared(why) => (String::new(), (*why).to_owned()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {change} | {result} |",
            comparison.scenario,
            percent(comparison.baseline),
            percent(comparison.current)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn testdata(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
    }

    #[test]
    fn the_committed_baseline_reads_and_holds_against_itself() {
        let baseline = Results::read(&testdata("baseline.json")).expect("the committed baseline");
        assert!(!baseline.smoke);
        let dossier = baseline.scenarios.iter().find(|scenario| scenario.name == "dossier-read").expect("dossier-read");
        assert_eq!(dossier.reference, "-S");
        let comparisons = compare(&baseline, &baseline);
        assert!(!regressed(&comparisons));
        // Measured with pgbench -S and -N: every scenario of it has its ratio, the writes too.
        assert!(
            baseline.scenarios.iter().any(|scenario| scenario.name == "dossier-update" && scenario.reference == "-N")
        );
        for comparison in comparisons {
            assert_eq!(comparison.verdict, Verdict::Holds(0.0), "{}", comparison.scenario);
        }
    }

    #[test]
    fn a_ratio_more_than_a_fifth_lower_is_flagged_and_only_it() {
        // The baseline committed before the first measured one, kept as the test's fixture.
        let baseline = Results::read(&testdata("testdata/transcribed-baseline.json")).expect("the test's baseline");
        let current = Results::read(&testdata("testdata/slower-dossier-read.json")).expect("the test's run");
        let comparisons = compare(&baseline, &current);
        let verdict = |name: &str| {
            comparisons.iter().find(|comparison| comparison.scenario == name).map(|comparison| &comparison.verdict)
        };
        // 12.3 % → 9.0 % of pgbench -S: 27 % lower.
        assert!(matches!(verdict("dossier-read"), Some(Verdict::Slower(change)) if (*change + 0.27).abs() < 0.01));
        // 2.1 % → 1.8 %: 14 % lower, within the tolerance; a rate that fell with pgbench's holds.
        assert!(matches!(verdict("organizations-paging"), Some(Verdict::Holds(change)) if *change < -0.1));
        assert!(matches!(verdict("calibration-health"), Some(Verdict::Holds(_))));
        assert_eq!(verdict("offers-import"), Some(&Verdict::NotCompared("not run")));
        assert!(regressed(&comparisons));
        let table = markdown(&baseline, &current, &comparisons);
        assert!(table.contains("| dossier-read | 12.3 % | 9.0 % | -27 % | SLOWER (more than 20 %) |"), "{table}");
        assert!(!table.contains("not of the same size"), "{table}");
    }

    #[test]
    fn a_run_written_as_json_reads_back_the_same() {
        let results = Results::of(&Run { command: "bench --smoke".into(), smoke: true, ..Run::default() });
        let path = std::env::temp_dir().join(format!("plateforme-bench-results-{}.json", std::process::id()));
        results.write(&path).expect("written");
        let read = Results::read(&path).expect("read back");
        let _ = std::fs::remove_file(&path);
        assert_eq!(read, results);
        assert!(Results::read(&testdata("Cargo.toml")).is_err());
    }

    #[test]
    fn scenarios_without_a_pgbench_figure_are_not_judged() {
        let mut baseline = Results::read(&testdata("testdata/transcribed-baseline.json")).expect("the test's baseline");
        let mut current = baseline.clone();
        current.smoke = true;
        for scenario in &mut current.scenarios {
            scenario.ratio = None;
        }
        baseline.scenarios.truncate(1);
        let comparisons = compare(&baseline, &current);
        assert_eq!(comparisons.len(), 1);
        assert_eq!(comparisons[0].verdict, Verdict::NotCompared("no pgbench figure"));
        assert!(!regressed(&comparisons));
        assert!(markdown(&baseline, &current, &comparisons).contains("not of the same size"));
    }
}
