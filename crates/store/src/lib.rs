//! Storage of Plateforme: one diesel schema and one connection type over PostgreSQL and SQLite,
//! the pool, the embedded migrations, and the mechanisms every domain reuses (the write
//! transaction with its history row and change event, idempotency records, cursor pages).
//!
//! Domain queries live here too, one module per table or aggregate, so that handlers never
//! touch SQL.

pub mod access;
pub mod bulk;
pub mod changes;
pub mod connection;
pub mod dossier;
pub mod error;
pub mod health;
pub mod history;
pub mod idempotency;
mod migrations;
pub mod offers;
pub mod organizations;
pub mod pagination;
mod schema;
mod store;
mod timestamps;
pub mod write;

pub use connection::{Backend, DbConnection};
pub use error::StoreError;
pub use pagination::{Page, PageRequest};
pub use store::{Store, StoreOptions};
pub use write::{Action, Actor, WriteContext};
