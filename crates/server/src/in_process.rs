//! The real server in-process on a free port, over a fresh SQLite database with the demo
//! organizations and clients (`seed::seed_demo`): what the client's tests and the conformance
//! suite run against, started the one way.

use std::error::Error;
use std::net::TcpListener;
use std::path::Path;

use plateforme_store::{Store, StoreOptions};

use crate::app;
use crate::config::Config;

/// The demo server, running: its base URL and its store.
pub struct DemoServer {
    pub base_url: String,
    pub store: Store,
}

/// Starts the server with `config` (its database, address, issuer and two workers are set
/// here) over a new SQLite database in `folder`, which the caller keeps as long as the server
/// runs, and seeds the demo data. Must be called within an actix system.
pub async fn start_demo(folder: &Path, config: Config) -> Result<DemoServer, Box<dyn Error>> {
    let database_url = format!("sqlite://{}", folder.join("plateforme.db").display());
    let store = Store::connect(&database_url, &StoreOptions { max_connections: 8, ..StoreOptions::default() })?;
    store.migrate()?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let config = Config {
        workers: Some(2),
        database_url,
        issuer: Some(base_url.clone()),
        search_index_dir: folder.join("search"),
        ..config
    };
    let services = app::Services::new(store.clone(), &config)?.with_sandbox(&config, crate::seed::demo_clients());
    actix_web::rt::spawn(app::serve(listener, services, &config)?);
    let seeding = store.clone();
    actix_web::rt::task::spawn_blocking(move || crate::seed::seed_demo(&seeding, 1000)).await??;
    Ok(DemoServer { base_url, store })
}
