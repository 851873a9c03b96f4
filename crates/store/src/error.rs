//! The one error type of the store. The API layer maps each variant to an HTTP problem.

use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no such record")]
    NotFound,
    /// A record with the same business key exists already.
    #[error("{detail}")]
    Conflict { detail: String, existing_id: Option<Uuid> },
    /// The record changed since the version the caller based its write on.
    #[error("the record is at version {current}")]
    VersionMismatch { current: i64 },
    /// Another request with the same idempotency key committed first.
    #[error("a request with the same idempotency key committed first")]
    IdempotencyRace,
    /// The processing of the person's dossier is limited (RGPD article 18); the person is at
    /// version `current`, which lifting the limitation or the erasure names in `If-Match`.
    #[error("the processing of the dossier is limited")]
    ProcessingLimited { current: i64 },
    #[error("invalid cursor")]
    InvalidCursor,
    #[error("configuration: {0}")]
    Config(String),
    /// A stored value that does not read back as the model says (a bug or a manual edit).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("migrations: {0}")]
    Migration(String),
    #[error("blocking task failed: {0}")]
    Task(String),
    /// The access journal could not be written: the access it records must not be answered.
    #[error("the access journal could not be written: {0}")]
    JournalUnavailable(String),
}

impl StoreError {
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Database(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }

    pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt(what.to_string())
    }
}
