//! `plateforme`: serve the API, migrate the database, seed demo data, print the contract.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plateforme_auth::Profile;
use plateforme_dataset::{self as dataset, DatasetOptions};
use plateforme_server::commands::{self, ClientsCommand, IndicatorsCommand, KeysCommand};
use plateforme_server::config::{CONFIG_FILE_ENV, Config};
use plateforme_server::{app, openapi, probe, seed, telemetry};
use plateforme_store::{Store, StoreOptions};

/// The server's allocator for everything written in Rust: mimalloc (v3, its defaults: freed
/// pages given back to the system after 1 s). With glibc's malloc, the memory freed after the
/// index rebuild, the imports and the searches stayed in its heap, fragmented: 432 MiB at rest
/// after a reduced mix against 251 MiB with mimalloc, and no search got slower
/// (docs/performance.md, "Memory at rest: what it is made of, and the allocator"). The C
/// libraries (libpq, SQLite) keep glibc's malloc, set below.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// glibc's malloc setting of the server: two arenas. By default glibc gives each thread of the
/// blocking pool (one per concurrent database call) an arena of its own, up to 8 per core, and
/// keeps what is freed in them: a server grew to 350 MiB at rest after a load unless the operator
/// remembered `MALLOC_ARENA_MAX=2` (docs/performance.md, memory at rest).
const MALLOC_TUNABLE: &str = "glibc.malloc.arena_max=2";

/// mimalloc's setting of the server: no transparent huge pages. mimalloc asks the kernel for
/// them by default (`madvise`), and a huge page is resident as a whole once any byte of it is
/// touched: each thread's first allocations and each connection's buffers then held 2 MiB pages
/// mostly empty — 342 MiB at 10,000 idle connections (18.9 KiB each) against 228 MiB (12.1 KiB
/// each) without them, and the dossier reads no slower (docs/performance.md, "Dossier writes and
/// memory at rest").
const MIMALLOC_THP: (&str, &str) = ("MIMALLOC_ALLOW_THP", "0");

/// Replaces this process with itself under the allocators' settings above, which both
/// allocators read once, before `main` — setting them from inside (`mallopt`, `mi_option_set`)
/// would take `unsafe` code, which the workspace forbids. Each setting the operator chose
/// otherwise is left as it is. Returns only when nothing is to set, or when the process cannot
/// start itself again (started through the loader, or the executable cannot be run again).
fn restart_with_malloc_settings() {
    use std::os::unix::process::CommandExt;
    let mut settings = Vec::new();
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() && !tunables.contains("glibc.malloc.arena_max") {
        let tunables =
            if tunables.is_empty() { MALLOC_TUNABLE.to_owned() } else { format!("{tunables}:{MALLOC_TUNABLE}") };
        settings.push(("GLIBC_TUNABLES", tunables));
    }
    if std::env::var_os(MIMALLOC_THP.0).is_none() {
        settings.push((MIMALLOC_THP.0, MIMALLOC_THP.1.to_owned()));
    }
    if settings.is_empty() {
        return;
    }
    let Ok(executable) = std::env::current_exe() else { return };
    // Started through the dynamic loader (`ld-linux… plateforme`, as deploy/check-image runs the
    // image's binary): the executable is the loader, which would not be given the program again.
    if executable.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.starts_with("ld-")) {
        return;
    }
    let error = std::process::Command::new(executable).args(std::env::args_os().skip(1)).envs(settings).exec();
    // Still here: the server runs with the allocators' defaults, as before these settings existed.
    eprintln!("plateforme: could not restart with the allocators' settings ({error}); going on with their defaults");
}

#[derive(Parser)]
#[command(name = "plateforme", version, about = "The shared data platform of the public employment network")]
struct Cli {
    /// TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = CONFIG_FILE_ENV)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the API.
    Serve {
        /// Also load the demo organizations (never in production).
        #[arg(long)]
        demo: bool,
    },
    /// Run the pending database migrations.
    Migrate,
    /// Load the demo organizations and clients (idempotent); with `--persons` or `--offers`,
    /// also a generated dataset at national scale, into a database that has none yet.
    Seed {
        /// Persons to generate, with their registrations, orientations, diagnostics and
        /// contracts (0: the demo data only).
        #[arg(long, default_value_t = 0)]
        persons: u64,
        /// Job offers to generate, published as partners publish them (de-duplication included).
        #[arg(long, default_value_t = 0)]
        offers: u64,
        /// The seed of the generated dataset: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Persons written per transaction.
        #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        batch_size: u64,
    },
    /// Manage the OAuth clients of partner information systems.
    Clients {
        #[command(subcommand)]
        command: ClientsCommand,
    },
    /// Manage the keys that sign access tokens.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Compute the indicators for the employment committees and open data.
    Indicators {
        #[command(subcommand)]
        command: IndicatorsCommand,
    },
    /// Exit 0 when the server of this configuration answers `/health/live` on this host (the
    /// container image's health check: it holds no shell and no curl).
    Probe,
    /// Print the OpenAPI contract.
    Openapi {
        /// Write it to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Instead, compare the contract with an earlier version of it (a file) and fail when a
        /// change breaks its clients without a deprecation first (docs/versions.md).
        #[arg(long, conflicts_with = "output")]
        check_against: Option<PathBuf>,
    },
}

/// Prints what changed since the contract in `base` and fails on a breaking change.
fn check_contract_against(base: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let before: serde_json::Value = serde_json::from_slice(&std::fs::read(base)?)?;
    let after = serde_json::to_value(openapi::document())?;
    let today = chrono::Utc::now().date_naive().to_string();
    let changes = plateforme_portal::changes::compare(&before, &after, &today);
    for (label, items) in
        [("added", &changes.added), ("deprecated", &changes.deprecated), ("removed", &changes.removed)]
    {
        items.iter().for_each(|item| println!("{label}: {item}"));
    }
    if changes.breaking.is_empty() {
        println!("the contract keeps every promise of {}", base.display());
        return Ok(());
    }
    changes.breaking.iter().for_each(|item| eprintln!("breaking: {item}"));
    Err(format!(
        "{} breaking change(s) without deprecation: deprecate first (docs/versions.md)",
        changes.breaking.len()
    )
    .into())
}

fn main() -> ExitCode {
    restart_with_malloc_settings();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("plateforme: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    if let Command::Openapi { check_against: Some(base), .. } = &cli.command {
        return check_contract_against(base);
    }
    if let Command::Openapi { output, .. } = &cli.command {
        let json = openapi::to_json(&openapi::document())?;
        match output {
            Some(path) => std::fs::write(path, json)?,
            None => print!("{json}"),
        }
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref(), std::env::vars())?;
    if let Command::Probe = cli.command {
        return Ok(probe::live(probe::local_address(&config)?)?);
    }
    telemetry::init(config.log_format);
    let store = open_store(&config)?;
    match cli.command {
        Command::Serve { demo } => {
            if demo {
                seed_demo(&store, &config)?;
            }
            serve(store, &config, demo)
        }
        Command::Migrate => Ok(()),
        Command::Seed { persons, offers, seed, batch_size } => {
            seed_demo(&store, &config)?;
            if persons > 0 || offers > 0 {
                let options = DatasetOptions { persons, offers, seed, batch_size: batch_size as usize };
                seed_dataset(&store, &config, &options)?;
            }
            Ok(())
        }
        Command::Clients { command } => commands::run_clients(&store, &config, command),
        Command::Keys { command } => commands::run_keys(&store, &config, command),
        Command::Indicators { command } => commands::run_indicators(&store, command),
        Command::Openapi { .. } | Command::Probe => Ok(()),
    }
}

/// Opens the database named by the configuration and brings its schema up to date.
fn open_store(config: &Config) -> Result<Store, Box<dyn std::error::Error>> {
    let options = StoreOptions { max_connections: config.database_pool_size, ..StoreOptions::default() };
    let store = app::connect_store(config, &options)?;
    let applied = store.migrate()?;
    tracing::info!(
        database = %config.redacted_database_url(),
        read_database = config.redacted_read_database_url().as_deref().unwrap_or("none"),
        migrations_applied = applied,
        "database ready"
    );
    Ok(store)
}

fn seed_demo(store: &Store, config: &Config) -> Result<(), Box<dyn std::error::Error>> {
    if config.profile == Profile::Production {
        return Err("demo data is refused under the production profile".into());
    }
    let seeded = seed::seed_demo(store, config.default_rate_limit_per_minute)?;
    tracing::info!(
        organizations = seeded.organizations,
        clients = seeded.clients,
        sites = seeded.sites,
        trainings = seeded.trainings,
        indicator_vintage = seeded.indicator_vintage.as_deref().unwrap_or("none"),
        positionings = seeded.positionings,
        "demo data loaded"
    );
    Ok(())
}

/// Generates the dataset, with a progress line on standard error.
fn seed_dataset(store: &Store, config: &Config, options: &DatasetOptions) -> Result<(), Box<dyn std::error::Error>> {
    let mut progress = |progress: dataset::Progress| {
        let seconds = progress.elapsed.as_secs_f64();
        let end = if progress.done >= progress.total { "\n" } else { "" };
        if progress.total > 1 {
            let rate = if seconds > 0.0 { progress.done as f64 / seconds } else { 0.0 };
            eprint!("\r{}: {}/{} in {seconds:.1} s ({rate:.0}/s){end}", progress.phase, progress.done, progress.total);
        } else if progress.done >= progress.total {
            eprintln!("{}: {seconds:.1} s", progress.phase);
        }
    };
    let summary = dataset::generate(store, options, &config.nir_key(), &mut progress)?;
    let counts = summary.counts;
    eprintln!(
        "dataset (seed {}): {} organizations ({} reception sites), {} persons, {} diagnostics, {} contracts, {} offers, {} history rows, \
         {} change events in {:.1} s",
        options.seed,
        counts.organizations,
        counts.sites,
        counts.persons,
        counts.diagnostics,
        counts.contracts,
        summary.offers,
        counts.history,
        counts.changes,
        summary.elapsed.as_secs_f64()
    );
    Ok(())
}

fn serve(store: Store, config: &Config, demo: bool) -> Result<(), Box<dyn std::error::Error>> {
    let mut services = app::Services::new(store, config)?;
    if demo {
        services = services.with_sandbox(config, seed::demo_clients());
    }
    let listener = TcpListener::bind(&config.listen)?;
    tracing::info!(address = %listener.local_addr()?, "serving; the contract is at /openapi.json");
    let system = actix_web::rt::System::new();
    // `app::serve` spawns the offer expiry sweep: it must run inside the system.
    system.block_on(async { app::serve(listener, services, config)?.await })?;
    Ok(())
}
