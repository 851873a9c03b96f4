//! One connection type over both backends, and the r2d2 manager that opens it.
//!
//! diesel's derived `establish` tries each backend in turn and hides the real error; this
//! manager picks the backend from the URL scheme instead, so a wrong URL fails at once with
//! the driver's own message.

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::StoreError;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite://PATH` or `sqlite:PATH` is SQLite.
    pub fn of_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(StoreError::Config("DATABASE_URL must start with postgres://, postgresql:// or sqlite:".into()))
        }
    }
}

/// The file path of a `sqlite:` URL (`:memory:` stays as is).
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// WAL lets readers run beside the one writer; the busy timeout makes a second writer wait for
/// the lock instead of failing at once.
/// The timeout comes first: switching to WAL takes a lock that the pool's other new
/// connections would otherwise fail on.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    backend: Backend,
}

impl Manager {
    pub fn new(url: &str) -> Result<Manager, StoreError> {
        let backend = Backend::of_url(url)?;
        if backend == Backend::Postgres {
            keep_tls_alive_until_exit();
        }
        Ok(Manager { url: url.to_owned(), backend })
    }

    pub fn establish(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Postgres => {
                PgConnection::establish(&self.url).map(DbConnection::Postgres).map_err(r2d2::Error::ConnectionError)
            }
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(sqlite_path(&self.url)).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Initializes OpenSSL before libpq does, without its exit handler.
///
/// libpq negotiates TLS with the bundled OpenSSL, which by default frees its state from an
/// `atexit` handler. Threads the process does not join — the pool's, a server's workers, the
/// revocation refresher — may still be inside OpenSSL when `main` returns, and then read freed
/// memory: the test binaries crashed with SIGSEGV after every test had passed. Initializing
/// first with `OPENSSL_INIT_NO_ATEXIT` (what `openssl_sys::init` asks for) leaves the memory to
/// the operating system. Idempotent; the first initialization decides.
pub fn keep_tls_alive_until_exit() {
    openssl_sys::init();
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.establish()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}
