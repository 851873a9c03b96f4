//! The administration commands: `clients …` and `keys rotate|rewrap`. They share their logic with
//! the admin API (`plateforme_auth::clients`, `plateforme_auth::keys`).

use clap::Subcommand;
use plateforme_auth::clients::{self, Registration};
use plateforme_auth::keys;
use plateforme_store::{Actor, Store, StoreError, WriteContext};
use uuid::Uuid;

use crate::config::Config;

#[derive(Subcommand)]
pub enum ClientsCommand {
    /// Register a client for an organization; prints its id and secret (shown once).
    Add {
        /// The organization's id or SIRET.
        #[arg(long)]
        organization: String,
        #[arg(long)]
        name: String,
        /// Space-separated scopes, e.g. "dossier:read dossier:write".
        #[arg(long)]
        scopes: String,
        /// A chosen client id (generated when absent).
        #[arg(long)]
        client_id: Option<String>,
        /// Requests a minute (the server's default when absent).
        #[arg(long)]
        rate_limit: Option<u32>,
    },
    /// List the clients.
    List,
    /// Give a client a new secret; the old one stops working at once.
    RotateSecret { client_id: String },
    /// Refuse new tokens to a client.
    Disable { client_id: String },
    /// Let a disabled client get tokens again.
    Enable { client_id: String },
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a new signing key; older keys stay published until their tokens expire.
    Rotate,
    /// Seal every signing key and every sensitive value (diagnostics' social parts, RQTH, in
    /// their rows and history) under the current key-encryption key (after changing it, with
    /// the former one among the previous keys; values still in clear are sealed too); then
    /// the former one can be dropped.
    Rewrap,
}

#[derive(Subcommand)]
pub enum IndicatorsCommand {
    /// Recompute every indicator as of a date and publish the vintage: a new revision when the
    /// figures differ from the last one of that date, none when they are the same (same hash).
    Compute {
        /// The date the data are taken as of (`YYYY-MM-DD`, today when absent).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
}

type CommandResult = Result<(), Box<dyn std::error::Error>>;

fn operator() -> WriteContext {
    let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
    WriteContext::of(Actor { client_id: format!("cli:{user}"), organization_id: None })
}

pub fn run_clients(store: &Store, config: &Config, command: ClientsCommand) -> CommandResult {
    let context = operator();
    match command {
        ClientsCommand::Add { organization, name, scopes, client_id, rate_limit } => {
            let organization_id = resolve_organization(store, &organization)?;
            let registration = Registration {
                client_id,
                organization_id,
                name,
                scopes: plateforme_auth::scopes::parse_list(&scopes),
                rate_limit_per_minute: rate_limit,
                demo: false,
                secret: None,
            };
            if let Err(errors) = clients::check(&registration) {
                let lines: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
                return Err(lines.join("; ").into());
            }
            let (client, secret) =
                clients::register(store, &context, registration, config.default_rate_limit_per_minute)?;
            println!("client_id={}\nclient_secret={secret}", client.client_id);
        }
        ClientsCommand::List => {
            let clients = store.run_blocking(|conn| {
                plateforme_store::pagination::every_page(|page| {
                    plateforme_store::access::clients::list(conn, None, page)
                })
            })?;
            for client in &clients {
                let state = if client.enabled { "enabled" } else { "disabled" };
                println!(
                    "{}\t{}\t{state}\t{}\t{}",
                    client.client_id,
                    client.organization_id,
                    client.scopes.join(" "),
                    client.name
                );
            }
        }
        ClientsCommand::RotateSecret { client_id } => {
            let (client, secret) = clients::rotate_secret(store, &context, &client_id)?;
            println!("client_id={}\nclient_secret={secret}", client.client_id);
        }
        ClientsCommand::Disable { client_id } => {
            clients::set_enabled(store, &context, &client_id, false)?;
            println!("{client_id} disabled");
        }
        ClientsCommand::Enable { client_id } => {
            clients::set_enabled(store, &context, &client_id, true)?;
            println!("{client_id} enabled");
        }
    }
    Ok(())
}

pub fn run_keys(store: &Store, config: &Config, command: KeysCommand) -> CommandResult {
    let encryption = config.key_encryption()?;
    match command {
        KeysCommand::Rotate => {
            let kid = store.run_blocking(|conn| keys::rotate(conn, &encryption))?;
            println!("signing key {kid} is active; running servers use it within a minute");
        }
        KeysCommand::Rewrap => {
            let resealed = store.run_blocking(|conn| keys::reseal(conn, &encryption, keys::Reseal::NotUnderCurrent))?;
            // The store seals under the same KEKs: `connect_store` installed them.
            let fields = store.run_blocking(plateforme_store::sensitive::reseal_all)?;
            println!(
                "{resealed} signing keys and {fields} sensitive values sealed anew; every one is under the \
                 key-encryption key {}",
                encryption.current_id()
            );
        }
    }
    Ok(())
}

fn resolve_organization(store: &Store, id_or_siret: &str) -> Result<Uuid, Box<dyn std::error::Error>> {
    if let Ok(id) = id_or_siret.parse::<Uuid>() {
        let found = store.run_blocking(|conn| plateforme_store::organizations::find(conn, id))?;
        return Ok(found.ok_or(StoreError::NotFound)?.id);
    }
    let found = store.run_blocking(|conn| plateforme_store::organizations::find_by_siret(conn, id_or_siret))?;
    found
        .map(|organization| organization.id)
        .ok_or_else(|| format!("no organization has id or SIRET {id_or_siret}").into())
}

pub fn run_indicators(store: &Store, command: IndicatorsCommand) -> CommandResult {
    match command {
        IndicatorsCommand::Compute { as_of } => {
            let as_of = as_of.unwrap_or_else(|| plateforme_model::ids::now().date_naive());
            let started = std::time::Instant::now();
            let (vintage, published) = plateforme_indicators::compute::compute_vintage(store, as_of)?;
            let outcome = match published {
                plateforme_store::indicators::vintages::Published::New => "published",
                plateforme_store::indicators::vintages::Published::Unchanged => "unchanged, already published",
            };
            println!(
                "vintage {} ({outcome}): {} cells, hash {}, computed in {} ms",
                vintage.id,
                vintage.cell_count,
                vintage.content_hash,
                started.elapsed().as_millis()
            );
        }
    }
    Ok(())
}
