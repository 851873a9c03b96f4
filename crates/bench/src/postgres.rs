//! The PostgreSQL side: (re)creating the benchmark's databases, sampling person ids, VACUUM, and
//! the raw baseline measured with `pgbench`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

use crate::BenchError;

/// A PostgreSQL URL split into its server part and its database name.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    /// `postgres://user@host:port`, no database, no query.
    server: String,
    query: String,
    pub name: String,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<DatabaseUrl, BenchError> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(BenchError::new(format!("--database-url must be a postgres:// URL; got {url:?}")));
        }
        let (base, query) = match url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (url, String::new()),
        };
        let scheme_end = base.find("://").map_or(0, |index| index + 3);
        let Some(slash) = base[scheme_end..].find('/') else {
            return Err(BenchError::new(format!("--database-url names no database: {url:?}")));
        };
        let server = base[..scheme_end + slash].to_owned();
        let name = base[scheme_end + slash + 1..].to_owned();
        let valid = !name.is_empty()
            && name.len() <= 50
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(BenchError::new(format!(
                "the benchmark database name must be 1 to 50 of a-z, 0-9 and _ (it is dropped and created): {name:?}"
            )));
        }
        Ok(DatabaseUrl { server, query, name })
    }

    pub fn url(&self) -> String {
        self.with_name(&self.name)
    }

    pub fn with_name(&self, name: &str) -> String {
        format!("{}/{name}{}", self.server, self.query)
    }

    /// The database next to this one where pgbench's tables live.
    pub fn pgbench(&self) -> DatabaseUrl {
        DatabaseUrl { name: format!("{}_pgbench", self.name), ..self.clone() }
    }

    fn admin(&self) -> Result<PgConnection, BenchError> {
        let url = self.with_name("postgres");
        PgConnection::establish(&url)
            .map_err(|error| BenchError::new(format!("cannot connect to PostgreSQL at {url}: {error}")))
    }

    pub fn connect(&self) -> Result<PgConnection, BenchError> {
        PgConnection::establish(&self.url())
            .map_err(|error| BenchError::new(format!("cannot connect to {}: {error}", self.url())))
    }

    /// Drops the database if it exists and creates it empty.
    pub fn recreate(&self) -> Result<(), BenchError> {
        let mut admin = self.admin()?;
        diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name)).execute(&mut admin)?;
        diesel::sql_query(format!("CREATE DATABASE \"{}\"", self.name)).execute(&mut admin)?;
        Ok(())
    }

    /// How many persons the database holds; `None` when it or its `persons` table is missing.
    pub fn persons(&self) -> Option<i64> {
        let mut conn = PgConnection::establish(&self.url()).ok()?;
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            count: i64,
        }
        let count: Count = diesel::sql_query("SELECT count(*) AS count FROM persons").get_result(&mut conn).ok()?;
        Some(count.count)
    }

    /// `count` person ids in an order that depends on `seed`, spread over the whole table.
    pub fn sample_person_ids(&self, count: usize, seed: u64) -> Result<Vec<String>, BenchError> {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = Text)]
            id: String,
        }
        let mut conn = self.connect()?;
        let ids: Vec<Id> =
            diesel::sql_query(format!("SELECT id FROM persons ORDER BY md5(id || '{seed}') LIMIT {count}"))
                .load(&mut conn)?;
        Ok(ids.into_iter().map(|row| row.id).collect())
    }

    /// The ETag of each of these persons' current version (`"3"`), read from the database: what
    /// a partner that keeps its mirror in step holds before it updates (the change feed tells it
    /// each new version), so the update scenario sends no read before its first write.
    pub fn person_etags(&self, ids: &[String]) -> Result<HashMap<String, String>, BenchError> {
        #[derive(QueryableByName)]
        struct Version {
            #[diesel(sql_type = Text)]
            id: String,
            #[diesel(sql_type = BigInt)]
            version: i64,
        }
        let versions: Vec<Version> = diesel::sql_query("SELECT id, version FROM persons WHERE id = ANY($1)")
            .bind::<Array<Text>, _>(ids)
            .load(&mut self.connect()?)?;
        Ok(versions.into_iter().map(|row| (row.id, format!("\"{}\"", row.version))).collect())
    }

    /// (person id, contract id) of up to `count` contracts in force (not closed: they take
    /// reviews), in an order that depends on `seed`.
    pub fn sample_contracts(&self, count: usize, seed: u64) -> Result<Vec<(String, String)>, BenchError> {
        #[derive(QueryableByName)]
        struct Contract {
            #[diesel(sql_type = Text)]
            person_id: String,
            #[diesel(sql_type = Text)]
            id: String,
        }
        let contracts: Vec<Contract> = diesel::sql_query(format!(
            "SELECT person_id, id FROM contracts WHERE status <> 'closed' ORDER BY md5(id || '{seed}') LIMIT {count}"
        ))
        .load(&mut self.connect()?)?;
        Ok(contracts.into_iter().map(|contract| (contract.person_id, contract.id)).collect())
    }

    /// Up to `count` ids of open offers, in an order that depends on `seed`.
    pub fn sample_open_offer_ids(&self, count: usize, seed: u64) -> Result<Vec<String>, BenchError> {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = Text)]
            id: String,
        }
        let ids: Vec<Id> = diesel::sql_query(format!(
            "SELECT id FROM offers WHERE status = 'open' ORDER BY md5(id || '{seed}') LIMIT {count}"
        ))
        .load(&mut self.connect()?)?;
        Ok(ids.into_iter().map(|row| row.id).collect())
    }

    /// Open offers in the database (what a search reads); `None` when there is no offers table.
    pub fn open_offers(&self) -> Option<i64> {
        let mut conn = PgConnection::establish(&self.url()).ok()?;
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            count: i64,
        }
        let count: Count = diesel::sql_query("SELECT count(*) AS count FROM offers WHERE status = 'open'")
            .get_result(&mut conn)
            .ok()?;
        Some(count.count)
    }

    /// `ANALYZE` of these tables, those that exist (errors are ignored: statistics only help the
    /// planner, and a table may not be created yet).
    pub fn analyze(&self, tables: &[&str]) {
        let Ok(mut conn) = PgConnection::establish(&self.url()) else { return };
        for table in tables {
            let _ = diesel::sql_query(format!("ANALYZE \"{table}\"")).execute(&mut conn);
        }
    }

    pub fn vacuum_analyze(&self) -> Result<(), BenchError> {
        diesel::sql_query("VACUUM (ANALYZE)").execute(&mut self.connect()?)?;
        Ok(())
    }

    /// The server's version, e.g. `15.20`.
    pub fn server_version(&self) -> Result<String, BenchError> {
        #[derive(QueryableByName)]
        struct Version {
            #[diesel(sql_type = Text)]
            server_version: String,
        }
        let version: Version = diesel::sql_query("SHOW server_version").get_result(&mut self.admin()?)?;
        Ok(version.server_version)
    }
}

/// pgbench's scale for `rows` rows in `pgbench_accounts` (100,000 per unit of scale).
pub fn pgbench_scale(rows: u64) -> u64 {
    rows.div_ceil(100_000).max(1)
}

/// The `pgbench` program: on the PATH, or in Debian's PostgreSQL folders.
pub fn find_pgbench() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|folder| folder.join("pgbench"))
        .find(|candidate| candidate.is_file());
    on_path.or_else(|| {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin/pgbench")))
            .filter(|path| path.is_file())
            .collect();
        found.sort();
        found.pop()
    })
}

/// pgbench's built-in scripts the benchmark measures against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// `-S`: one primary-key SELECT per transaction (the reads' reference).
    SelectOnly,
    /// `-N`: one UPDATE of an account, a SELECT and an INSERT into the history per
    /// transaction, committed (the writes' reference).
    SimpleUpdate,
}

impl Script {
    pub fn flag(self) -> &'static str {
        match self {
            Script::SelectOnly => "-S",
            Script::SimpleUpdate => "-N",
        }
    }
}

/// What pgbench measured.
#[derive(Debug, Clone)]
pub struct PgbenchResult {
    pub scale: u64,
    pub tps: f64,
    pub latency_ms: Option<f64>,
    pub command: String,
    /// CPU time of the `postgres` processes per transaction, in milliseconds.
    pub postgres_cpu_ms: Option<f64>,
}

/// Creates pgbench's database again and initializes its tables at `scale`.
pub fn pgbench_init(program: &PathBuf, database: &DatabaseUrl, scale: u64) -> Result<(), BenchError> {
    database.recreate()?;
    let init = Command::new(program).args(["-i", "-q", "-s", &scale.to_string(), &database.url()]).output()?;
    if !init.status.success() {
        return Err(BenchError::new(format!("pgbench -i failed: {}", String::from_utf8_lossy(&init.stderr))));
    }
    Ok(())
}

/// Runs one of pgbench's scripts on tables made by [`pgbench_init`] at `scale`.
pub fn pgbench(
    program: &PathBuf,
    database: &DatabaseUrl,
    script: Script,
    scale: u64,
    clients: u32,
    threads: u32,
    seconds: u64,
) -> Result<PgbenchResult, BenchError> {
    run_pgbench(program, database, &[script.flag().to_owned()], script.flag(), scale, (clients, threads, seconds))
}

/// How a write transaction numbers its change event, as pgbench measures it alone: the
/// platform's write (an update, a history row, an event) with each way of taking the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// Before issue 12: one counter row updated by every transaction, locked until its commit.
    CounterRow,
    /// Since: a plain sequence, and the transaction's id recorded by the column's default.
    SequenceAndTransaction,
}

impl Numbering {
    pub fn name(self) -> &'static str {
        match self {
            Numbering::CounterRow => "counter row (before)",
            Numbering::SequenceAndTransaction => "sequence + transaction id (now)",
        }
    }

    /// The statements that write the event, in pgbench's script language.
    fn event(self) -> &'static str {
        match self {
            Numbering::CounterRow => concat!(
                "UPDATE bench_change_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq AS seq \\gset\n",
                "INSERT INTO bench_changes_counted (seq, resource_id, version, occurred_at) VALUES (:seq, :aid, 1, now());\n",
            ),
            Numbering::SequenceAndTransaction => concat!(
                "INSERT INTO bench_changes_sequenced (seq, resource_id, version, occurred_at) ",
                "VALUES (nextval('bench_changes_seq'), :aid, 1, now());\n",
            ),
        }
    }

    /// The pgbench script of one write transaction over `accounts` rows.
    fn script(self, accounts: u64) -> String {
        format!(
            "\\set aid random(1, {accounts})\nBEGIN;\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n\
             INSERT INTO bench_history VALUES (:aid, 1, now(), '{{\"contact\": {{\"phone\": \"+33611223344\"}}}}');\n{}END;\n",
            self.event()
        )
    }
}

/// The tables both numberings write, beside pgbench's own: a history row and an event per
/// transaction, as `write::record` writes them.
const WRITE_TABLES: &str = "
DROP TABLE IF EXISTS bench_history, bench_change_counter, bench_changes_counted, bench_changes_sequenced;
DROP SEQUENCE IF EXISTS bench_changes_seq;
CREATE TABLE bench_history (aid INT NOT NULL, version BIGINT NOT NULL, changed_at TIMESTAMP NOT NULL, changes TEXT NOT NULL);
CREATE TABLE bench_change_counter (id INT PRIMARY KEY, last_seq BIGINT NOT NULL);
INSERT INTO bench_change_counter VALUES (1, 0);
CREATE TABLE bench_changes_counted (seq BIGINT PRIMARY KEY, resource_id INT NOT NULL, version BIGINT NOT NULL, occurred_at TIMESTAMP NOT NULL);
CREATE SEQUENCE bench_changes_seq;
CREATE TABLE bench_changes_sequenced (seq BIGINT PRIMARY KEY, xid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    resource_id INT NOT NULL, version BIGINT NOT NULL, occurred_at TIMESTAMP NOT NULL);
CREATE INDEX bench_changes_position ON bench_changes_sequenced (xid, seq);
";

/// Measures the write transaction with each numbering at `clients` clients: what the counter
/// row cost the platform's writes, and what they do without it.
pub fn pgbench_numbering(
    program: &PathBuf,
    database: &DatabaseUrl,
    numbering: Numbering,
    scale: u64,
    clients: u32,
    threads: u32,
    seconds: u64,
) -> Result<PgbenchResult, BenchError> {
    let mut conn = database.connect()?;
    for statement in WRITE_TABLES.split(';').map(str::trim).filter(|statement| !statement.is_empty()) {
        diesel::sql_query(statement).execute(&mut conn)?;
    }
    let script = numbering.script(scale * 100_000);
    let path = std::env::temp_dir().join(format!("plateforme-bench-{}-{:?}.sql", std::process::id(), numbering));
    std::fs::write(&path, script)?;
    let file = path.display().to_string();
    let result = run_pgbench(
        program,
        database,
        &["-n".to_owned(), "-f".to_owned(), file],
        numbering.name(),
        scale,
        (clients, threads, seconds),
    );
    let _ = std::fs::remove_file(&path);
    result
}

/// Runs pgbench with `script_arguments` (a built-in's flag, or `-f FILE`) for `load`
/// (clients, threads, seconds); `label` names the script in the result's command.
fn run_pgbench(
    program: &PathBuf,
    database: &DatabaseUrl,
    script_arguments: &[String],
    label: &str,
    scale: u64,
    (clients, threads, seconds): (u32, u32, u64),
) -> Result<PgbenchResult, BenchError> {
    let mut arguments = script_arguments.to_vec();
    arguments.extend([
        "-c".to_owned(),
        clients.to_string(),
        "-j".to_owned(),
        threads.to_string(),
        "-T".to_owned(),
        seconds.to_string(),
        database.url(),
    ]);
    let cpu_before = crate::server::postgres_cpu_time();
    let run = Command::new(program).args(&arguments).output()?;
    let cpu = crate::server::postgres_cpu_time().saturating_sub(cpu_before);
    let stdout = String::from_utf8_lossy(&run.stdout);
    if !run.status.success() {
        return Err(BenchError::new(format!("pgbench failed: {}{stdout}", String::from_utf8_lossy(&run.stderr))));
    }
    let number_after = |prefix: &str| {
        stdout.lines().find_map(|line| {
            line.trim().strip_prefix(prefix).and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        })
    };
    let tps = number_after("tps = ").ok_or_else(|| BenchError::new(format!("no tps in pgbench's output: {stdout}")))?;
    let transactions = stdout.lines().find_map(|line| {
        line.trim().strip_prefix("number of transactions actually processed: ")?.split('/').next()?.parse::<f64>().ok()
    });
    Ok(PgbenchResult {
        scale,
        tps,
        latency_ms: number_after("latency average = "),
        postgres_cpu_ms: transactions.filter(|n| *n > 0.0).map(|n| cpu.as_secs_f64() * 1000.0 / n),
        command: format!("pgbench {label} -c {clients} -j {threads} -T {seconds} (scale {scale})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_split_and_names_checked() {
        let url = DatabaseUrl::parse("postgres://postgres@127.0.0.1:5432/plateforme_bench?sslmode=disable")
            .expect("a valid URL");
        assert_eq!(url.name, "plateforme_bench");
        assert_eq!(url.with_name("postgres"), "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable");
        assert_eq!(url.pgbench().url(), "postgres://postgres@127.0.0.1:5432/plateforme_bench_pgbench?sslmode=disable");
        assert!(DatabaseUrl::parse("postgres://postgres@127.0.0.1:5432").is_err());
        assert!(DatabaseUrl::parse("postgres://h/bad\"name").is_err());
        assert!(DatabaseUrl::parse("sqlite://x.db").is_err());
        assert_eq!(pgbench_scale(200), 1);
        assert_eq!(pgbench_scale(1_000_000), 10);
        assert_eq!(pgbench_scale(1_000_001), 11);
    }
}
