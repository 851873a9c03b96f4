//! The server under test: the `plateforme` binary of the same build profile as the bench, run
//! as a child process (`seed`, then `serve` on a free port), and its memory read from /proc.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::BenchError;
use crate::http::Connection;

/// Rate limits high enough never to answer 429 during the benchmark (requests a minute).
const UNLIMITED: &str = "1000000000";

/// The `plateforme` binary beside this one, built first (a no-op when it is up to date) with the
/// same profile, unless `explicit` names one.
pub fn binary(explicit: Option<&Path>) -> Result<PathBuf, BenchError> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut command = Command::new(cargo);
    command.current_dir(&workspace).args(["build", "-p", "plateforme-server", "--bin", "plateforme"]);
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    eprintln!("bench: building the server ({} profile)", if cfg!(debug_assertions) { "dev" } else { "release" });
    let status = command.status()?;
    if !status.success() {
        return Err(BenchError::new("building the server failed"));
    }
    let folder = std::env::current_exe()?
        .parent()
        .map(Path::to_owned)
        .ok_or_else(|| BenchError::new("the bench's own folder is unknown"))?;
    let path = folder.join("plateforme");
    if !path.is_file() {
        return Err(BenchError::new(format!("no server binary at {}; pass --server-binary", path.display())));
    }
    Ok(path)
}

fn base_command(binary: &Path, database_url: &str) -> Command {
    let mut command = Command::new(binary);
    command
        .env("DATABASE_URL", database_url)
        .env("PLATEFORME_DEFAULT_RATE_LIMIT_PER_MINUTE", UNLIMITED)
        .env("PLATEFORME_ANONYMOUS_RATE_LIMIT_PER_MINUTE", UNLIMITED)
        // The dataset's dossiers date from the three years before its fixed reference date: the
        // longest retention keeps them all, so the server does not erase them while measured.
        .env("PLATEFORME_DOSSIER_RETENTION_DAYS", "7300")
        // The `webhook-fanout` scenario's receiver listens on this machine.
        .env("PLATEFORME_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1");
    command
}

/// `plateforme indicators compute --as-of DATE`: its time and what it printed (the vintage).
pub fn compute_indicators(binary: &Path, database_url: &str, as_of: &str) -> Result<(Duration, String), BenchError> {
    let started = Instant::now();
    let output = base_command(binary, database_url)
        .env("RUST_LOG", "warn")
        .args(["indicators", "compute", "--as-of", as_of])
        .output()?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(BenchError::new(format!(
            "indicators compute failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok((elapsed, String::from_utf8_lossy(&output.stdout).trim().to_owned()))
}

/// How often `seed` calls its `tick` while the seeding runs.
const SEED_TICK: Duration = Duration::from_secs(30);

/// `plateforme seed --persons N --offers M --seed S`, its progress shown on standard error;
/// `tick` is called every 30 s meanwhile.
pub fn seed(
    binary: &Path,
    database_url: &str,
    persons: u64,
    offers: u64,
    seed: u64,
    tick: &mut dyn FnMut(),
) -> Result<Duration, BenchError> {
    let started = Instant::now();
    let mut child = base_command(binary, database_url)
        .env("RUST_LOG", "warn")
        .args(["seed", "--persons", &persons.to_string(), "--offers", &offers.to_string(), "--seed", &seed.to_string()])
        .spawn()?;
    let mut next_tick = started + SEED_TICK;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= next_tick {
            tick();
            next_tick = Instant::now() + SEED_TICK;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if !status.success() {
        return Err(BenchError::new("plateforme seed failed"));
    }
    Ok(started.elapsed())
}

/// A running `plateforme serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
    pub log: PathBuf,
    /// The folder of its search index.
    pub search: PathBuf,
    /// From its start to its first ready answer (the search index rebuilt).
    pub ready_after: Duration,
}

/// The size of the files under `folder`, in bytes.
fn folder_size(folder: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(folder) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => folder_size(&entry.path()),
            _ => entry.metadata().map(|meta| meta.len()).unwrap_or(0),
        })
        .sum()
}

impl Server {
    /// Starts the server on a free port and waits until it is ready (at most ten minutes: a new
    /// search index is first rebuilt from the database, which the time to ready measures). Its
    /// logs (one line per request, as in production) go to a file; its search index to a new
    /// folder of its own.
    pub async fn start(binary: &Path, database_url: &str, workers: Option<usize>) -> Result<Server, BenchError> {
        let address = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let log = std::env::temp_dir().join(format!("plateforme-bench-{}.log", std::process::id()));
        let file = std::fs::File::create(&log)?;
        let search = std::env::temp_dir().join(format!("plateforme-bench-search-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&search);
        let mut command = base_command(binary, database_url);
        command
            .env("PLATEFORME_LISTEN", address.to_string())
            .env("PLATEFORME_SEARCH_INDEX_DIR", &search)
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file);
        if let Some(workers) = workers {
            command.env("PLATEFORME_WORKERS", workers.to_string());
        }
        let started = Instant::now();
        let child = command.spawn()?;
        let mut server = Server { child, address, log, search, ready_after: Duration::ZERO };
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            if let Some(status) = server.child.try_wait()? {
                return Err(BenchError::new(format!(
                    "the server stopped ({status}); its log: {}",
                    server.log.display()
                )));
            }
            if let Ok(mut connection) = Connection::open(address).await
                && let Ok(response) = connection.get("/health/ready", &[]).await
                && response.status == 200
            {
                server.ready_after = started.elapsed();
                eprintln!(
                    "bench: the server is ready after {:.1} s (search index rebuilt from the database: {:.1} MiB)",
                    server.ready_after.as_secs_f64(),
                    folder_size(&server.search) as f64 / (1024.0 * 1024.0)
                );
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(BenchError::new(format!(
                    "the server is not ready after 600 s; its log: {}",
                    server.log.display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// (resident now, peak resident) in bytes, from /proc/<pid>/status.
    pub fn memory(&self) -> Result<Memory, BenchError> {
        Memory::of(self.pid())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The index is rebuilt at each start: its folder is of no use once the server stops.
        let _ = std::fs::remove_dir_all(&self.search);
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// VmRSS: resident now.
    pub resident: u64,
    /// RssAnon, the part of `resident` that is the process's own (heap, allocator arenas,
    /// stacks): what the allocator holds.
    pub anonymous: u64,
    /// RssFile + RssShmem, the part that is mapped files (the server's executable, about 32 MiB
    /// of it, and the search indexes): page cache the kernel shares with other processes and can
    /// take back under pressure.
    pub file: u64,
    /// VmHWM: the peak resident size since the process started.
    pub peak: u64,
}

impl Memory {
    pub fn of(pid: u32) -> Result<Memory, BenchError> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
                .map(|kib| kib * 1024)
                .ok_or_else(|| BenchError::new(format!("no {name} in /proc/{pid}/status")))
        };
        Ok(Memory {
            resident: field("VmRSS:")?,
            anonymous: field("RssAnon:")?,
            file: field("RssFile:")? + field("RssShmem:")?,
            peak: field("VmHWM:")?,
        })
    }
}

/// The soft limit on open files of this process (children inherit it), from /proc.
pub fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    let soft = line.trim_start_matches("Max open files").split_whitespace().next()?;
    if soft == "unlimited" { Some(u64::MAX) } else { soft.parse().ok() }
}

/// CPU time (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 1/100 s,
/// Linux's USER_HZ).
pub fn cpu_time(pid: u32) -> Option<Duration> {
    ticks(pid, 11..=12)
}

/// The sum of the fields `fields` of `/proc/<pid>/stat` (counted from the one after the
/// command's name: 11 and 12 are the process's user and system time, 13 and 14 those of its
/// children it waited for), in Linux's USER_HZ of 10 ms.
fn ticks(pid: u32, fields: std::ops::RangeInclusive<usize>) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: the fields follow the last one.
    let values: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.map(|field| values.get(field)?.parse::<u64>().ok()).sum::<Option<u64>>()?;
    Some(Duration::from_millis(ticks * 10))
}

/// CPU time used by every `postgres` process of this machine (the server's own connections
/// included), and by those that exited: the postmaster waits for each backend that ends and its
/// children's time keeps theirs — pgbench's connections end with its run, and without it the
/// run's CPU read as nothing.
pub fn postgres_cpu_time() -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Duration::ZERO };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| comm.trim() == "postgres"))
        .filter_map(|pid| ticks(pid, 11..=14))
        .sum()
}
