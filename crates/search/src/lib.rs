//! One embedded search engine for the searchable domains (offers now; the training catalogue
//! and the profile bank next): Tantivy — BM25 ranking with top-k pruning, fast fields for
//! filters, sorts and facets, an mmap'd index — behind a small interface that knows no domain.
//!
//! - A domain registers a [`Kind`] (its fields: French text with a weight, keywords and facets,
//!   numbers, flags, completions) and turns each record into a [`Document`];
//! - [`Engine`] answers a [`Query`] (text + filters + sort + page, the total and facet counts
//!   from the same pass) and completions ([`Engine::suggest`]);
//! - [`indexer`] keeps each replica's index in step with the database by following the change
//!   feed, catching up on start and rebuilding when the index is missing or of another schema.
//!
//! The database stays the source of truth: an index is derived, and can always be rebuilt.
//! Both backends feed the same engine, so they answer the same results in the same order.

pub mod analysis;
mod collect;
pub mod engine;
pub mod feed;
pub mod indexer;
pub mod query;
pub mod schema;

use std::path::{Path, PathBuf};

pub use engine::{Engine, Opened, Writer};
pub use indexer::{Indexer, Progress, Source};
pub use query::{Circle, Completion, Filter, Hit, Query, Results, Sort, ValueTest};
pub use schema::{Document, FieldKind, Kind, Value};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Engine(#[from] tantivy::TantivyError),
    #[error("search index folder {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("search index folder {0} is in use by another process: give each replica its own search_index_dir")]
    Busy(PathBuf),
    #[error("search index: no field {0:?} in this kind")]
    UnknownField(String),
    #[error("search index: {0}")]
    Corrupt(&'static str),
    #[error(transparent)]
    Store(#[from] plateforme_store::StoreError),
}

impl SearchError {
    fn io(folder: &Path, error: std::io::Error) -> SearchError {
        SearchError::Io(folder.to_owned(), error)
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(error: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Engine(error.into())
    }
}

impl From<tantivy::directory::error::OpenReadError> for SearchError {
    fn from(error: tantivy::directory::error::OpenReadError) -> Self {
        SearchError::Engine(error.into())
    }
}

impl From<std::io::Error> for SearchError {
    fn from(error: std::io::Error) -> Self {
        SearchError::Engine(error.into())
    }
}
