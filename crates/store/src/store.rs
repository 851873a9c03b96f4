//! The store handle shared by all handlers: a connection pool and the backend it serves, and
//! optionally a second pool on a PostgreSQL standby for the reads that tolerate staleness.

use std::sync::Arc;
use std::time::Duration;

use diesel::r2d2::Pool;

use crate::access::journal::GroupCommit;
use crate::connection::{Manager, sqlite_path};
use crate::key_encryption::KeyEncryption;
use crate::sensitive::{self, Sealing};
use crate::{Backend, DbConnection, StoreError, migrations};

/// A connection of the store's pool, back in the pool when dropped.
pub type PooledConnection = diesel::r2d2::PooledConnection<Manager>;

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections kept in the pool.
    pub max_connections: u32,
    /// How long a request waits for a free connection before failing.
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(5) }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: Pool<Manager>,
    /// The standby's pool (`PLATEFORME_READ_DATABASE_URL`), for [`Store::run_stale`].
    stale_reads: Option<Pool<Manager>>,
    backend: Backend,
    /// The access journal's group commit of reads (`access::journal::append_durably`).
    journal: Arc<GroupCommit>,
    /// The KEKs the sensitive fields are sealed under, in scope of every unit of work.
    sealing: Sealing,
}

impl Store {
    /// Opens the pool. For SQLite the file's folder is created, so a fresh machine just works.
    pub fn connect(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        let backend = Backend::of_url(url)?;
        if backend == Backend::Sqlite {
            create_parent_folder(sqlite_path(url))?;
        }
        let pool = open_pool(url, options)?;
        let journal = Arc::new(GroupCommit::new(pool.clone()));
        Ok(Store { pool, stale_reads: None, backend, journal, sealing: Sealing::default() })
    }

    /// The same store, whose reads that tolerate staleness ([`Store::run_stale`]) go to the
    /// PostgreSQL standby at `url`. Every other read, and every write, stays on the primary.
    pub fn with_stale_reads_from(self, url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        if self.backend != Backend::Postgres || Backend::of_url(url)? != Backend::Postgres {
            return Err(StoreError::Config(
                "a read database (PLATEFORME_READ_DATABASE_URL) needs PostgreSQL for it and for DATABASE_URL".into(),
            ));
        }
        Ok(Store { stale_reads: Some(open_pool(url, options)?), ..self })
    }

    /// Seals and opens the sensitive fields with these KEKs from now on, in this handle and
    /// its clones (a store no server configured uses the development KEK).
    pub fn install_key_encryption(&self, encryption: Arc<KeyEncryption>) {
        self.sealing.install(encryption);
    }

    /// Runs `work`, which builds rows apart from a connection (a bulk batch), with this store's
    /// KEKs in scope, so that the sensitive values it seals are sealed as the store would.
    pub fn with_key_encryption_in_scope<T>(&self, work: impl FnOnce() -> T) -> T {
        sensitive::in_scope(self.sealing.current(), work)
    }

    pub(crate) fn journal(&self) -> &GroupCommit {
        &self.journal
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs the pending migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, StoreError> {
        migrations::run_pending(&mut *self.pool.get()?)
    }

    /// Runs blocking database work on the blocking thread pool, with a pooled connection.
    pub async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let encryption = self.sealing.current();
        tokio::task::spawn_blocking(move || sensitive::in_scope(encryption, || work(&mut *pool.get()?)))
            .await
            .map_err(|error| StoreError::Task(error.to_string()))?
    }

    /// Runs read-only work whose answer may lag the last writes by the standby's replay delay
    /// (a list): on the standby when one is set, on the primary otherwise. A read
    /// that must see a write just made (read-after-write) uses [`Store::run`]. When no standby
    /// connection can be had within the acquire timeout, the work runs on the primary: a
    /// standby down slows these reads, it does not fail them.
    pub async fn run_stale<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let Some(standby) = self.stale_reads.clone() else { return self.run(work).await };
        let primary = self.pool.clone();
        let encryption = self.sealing.current();
        tokio::task::spawn_blocking(move || {
            sensitive::in_scope(encryption, || match standby.get() {
                Ok(mut conn) => work(&mut conn),
                Err(error) => {
                    tracing::warn!(%error, "no connection to the read database; reading from the primary");
                    work(&mut *primary.get()?)
                }
            })
        })
        .await
        .map_err(|error| StoreError::Task(error.to_string()))?
    }

    /// A connection of the pool, held by the caller until dropped: for blocking work that reads
    /// on a second connection beside the one it runs on (the full recomputation of the
    /// indicators counts on two at once on PostgreSQL).
    pub fn connection(&self) -> Result<PooledConnection, StoreError> {
        Ok(self.pool.get()?)
    }

    /// The same work, synchronously (CLI commands, seeding).
    pub fn run_blocking<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        sensitive::in_scope(self.sealing.current(), || work(&mut *self.pool.get()?))
    }
}

fn open_pool(url: &str, options: &StoreOptions) -> Result<Pool<Manager>, StoreError> {
    Pool::builder()
        .max_size(options.max_connections)
        // Connections open only when asked for: a server that starts while the database is
        // down fails once with the driver's message instead of retrying a whole pool.
        .min_idle(Some(0))
        .connection_timeout(options.acquire_timeout)
        // A broken connection is detected by `has_broken`; a ping on every checkout would
        // add a round trip to every request.
        .test_on_check_out(false)
        .build(Manager::new(url)?)
        .map_err(StoreError::Pool)
}

fn create_parent_folder(path: &str) -> Result<(), StoreError> {
    if path == ":memory:" || path.starts_with("file:") {
        return Ok(());
    }
    match std::path::Path::new(path).parent() {
        Some(folder) if !folder.as_os_str().is_empty() => std::fs::create_dir_all(folder)
            .map_err(|error| StoreError::Config(format!("cannot create {}: {error}", folder.display()))),
        _ => Ok(()),
    }
}
