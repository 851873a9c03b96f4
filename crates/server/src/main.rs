//! `plateforme`: serve the API, migrate the database, seed demo data, print the contract.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plateforme_auth::Profile;
use plateforme_server::commands::{self, ClientsCommand, KeysCommand};
use plateforme_server::config::{CONFIG_FILE_ENV, Config};
use plateforme_server::{app, openapi, seed, telemetry};
use plateforme_store::{Store, StoreOptions};

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
    /// Load the demo organizations (idempotent).
    Seed,
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
    /// Print the OpenAPI contract.
    Openapi {
        /// Write it to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
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
    if let Command::Openapi { output } = &cli.command {
        let json = openapi::to_json(&openapi::document())?;
        match output {
            Some(path) => std::fs::write(path, json)?,
            None => print!("{json}"),
        }
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref(), std::env::vars())?;
    telemetry::init(config.log_format);
    let store = open_store(&config)?;
    match cli.command {
        Command::Serve { demo } => {
            if demo {
                seed_demo(&store, &config)?;
            }
            serve(store, &config)
        }
        Command::Migrate => Ok(()),
        Command::Seed => seed_demo(&store, &config),
        Command::Clients { command } => commands::run_clients(&store, &config, command),
        Command::Keys { command } => commands::run_keys(&store, command),
        Command::Openapi { .. } => Ok(()),
    }
}

/// Opens the database named by the configuration and brings its schema up to date.
fn open_store(config: &Config) -> Result<Store, Box<dyn std::error::Error>> {
    let options = StoreOptions { max_connections: config.database_pool_size, ..StoreOptions::default() };
    let store = Store::connect(&config.database_url, &options)?;
    let applied = store.migrate()?;
    tracing::info!(database = %config.redacted_database_url(), migrations_applied = applied, "database ready");
    Ok(store)
}

fn seed_demo(store: &Store, config: &Config) -> Result<(), Box<dyn std::error::Error>> {
    if config.profile == Profile::Production {
        return Err("demo data is refused under the production profile".into());
    }
    let seeded = seed::seed_demo(store, config.default_rate_limit_per_minute)?;
    tracing::info!(organizations = seeded.organizations, clients = seeded.clients, "demo data loaded");
    Ok(())
}

fn serve(store: Store, config: &Config) -> Result<(), Box<dyn std::error::Error>> {
    let services = app::Services::new(store, config)?;
    let listener = TcpListener::bind(&config.listen)?;
    tracing::info!(address = %listener.local_addr()?, "serving; the contract is at /openapi.json");
    let system = actix_web::rt::System::new();
    system.block_on(app::serve(listener, services, config)?)?;
    Ok(())
}
