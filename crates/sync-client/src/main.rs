//! `plateforme-sync`: keeps a local SQLite or PostgreSQL database a mirror of what a partner
//! system may see (docs/integration.md#staying-in-sync). A first run loads a bulk export, then
//! every run follows the change feed from the cursor it keeps. Each page of events is applied in
//! one local transaction with the cursor, so a stop at any moment (`kill -9` included) loses
//! nothing and applies nothing twice: the next run resumes after the last page committed.

mod mirror;
mod progress;
mod sync;

use std::process::ExitCode;

use clap::Parser;

/// Mirror what your client may see of the Plateforme into a local database.
#[derive(Debug, Parser)]
#[command(name = "plateforme-sync", version)]
pub struct Args {
    /// The API's base URL, e.g. https://plateforme.example.fr
    #[arg(long, env = "PLATEFORME_BASE_URL")]
    pub base_url: String,
    /// Your OAuth2 client id (client credentials, scope `changes:read`).
    #[arg(long, env = "PLATEFORME_CLIENT_ID")]
    pub client_id: String,
    /// Your OAuth2 client secret.
    #[arg(long, env = "PLATEFORME_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
    /// The resource types to mirror, comma-separated (person, contract, offer…); all when absent.
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,
    /// The mirror: `sqlite:path/to/mirror.db` or `postgres://user@host/db`.
    #[arg(long, env = "PLATEFORME_SYNC_DATABASE")]
    pub database: String,
    /// Stop once caught up with the feed, instead of following it for ever.
    #[arg(long)]
    pub once: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    match sync::run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("plateforme-sync: {error}");
            ExitCode::FAILURE
        }
    }
}
