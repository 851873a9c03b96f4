//! Storage of Plateforme: one diesel schema and one connection type over PostgreSQL and SQLite,
//! the pool, the embedded migrations, and the mechanisms every domain reuses (the write
//! transaction with its history row and change event, idempotency records, cursor pages).
//! Domain queries live here too, so that handlers never touch SQL.
//!
//! # Layout
//!
//! - Shared mechanisms, at the top: `connection`, `store` (pool and `Store`), `migrations`,
//!   `schema` (every table, private to the crate), `write` (the write transaction),
//!   `history`, `changes` (the change feed), `idempotency`, `pagination`, `bulk`, `error`,
//!   `timestamps`, `health`, `rate_limits` (the windows every replica counts in),
//!   `key_encryption` (the KEK's AES-256-GCM sealing) and `sensitive` (the fields sealed at rest).
//! - One folder per domain, one module per table or aggregate in it: `dossier` (persons,
//!   contracts, reviews, diagnostics, consents, access codes, and their erasure), `access` (clients, signing
//!   keys, journal), `offers`; `organizations` is a domain of one module. A new domain
//!   (profiles, training…) adds its folder the same way.
//!
//! # Conventions
//!
//! - **Lookups** are named `find` and answer `Result<Option<T>, StoreError>`: `Ok(None)` when
//!   there is no such record, `Err` only when the database failed. A caller for which absence
//!   is an error says so (`.ok_or(StoreError::NotFound)`, or its own 404).
//! - **Rows stay inside.** Each module declares its diesel row type privately (or
//!   `pub(crate)`) with a `row_of` builder and hands out typed records (`Stored…`,
//!   `HistoryVersion` (the model's), `ChangeEvent`): typed ids, `DateTime<Utc>`, enums; no `NaiveDateTime`
//!   nor table leaves the crate.
//! - **Writes** run in `write::transaction` and end with `write::record` (history row and
//!   change event).
//! - **Lists** page by key (`pagination`): a list in id order hands its boxed query to
//!   `page_by_key!`, which orders, limits and starts after the cursor; every list turns its
//!   rows into records with `Page::try_map`.

pub mod access;
pub mod bulk;
pub mod changes;
pub mod connection;
pub mod cursor;
pub mod delegations;
pub mod dossier;
pub mod error;
pub mod exports;
pub mod health;
pub mod history;
pub mod idempotency;
pub mod indicators;
pub mod key_encryption;
mod migrations;
pub mod offers;
pub mod organizations;
pub mod pagination;
pub mod profiles;
pub mod rate_limits;
mod schema;
pub mod sensitive;
pub mod sites;
mod store;
mod timestamps;
pub mod training;
pub mod upkeep;
pub mod webhooks;
pub mod write;

pub use connection::{Backend, DbConnection};
pub use error::StoreError;
pub use pagination::{Page, PageRequest};
pub use store::{PooledConnection, Store, StoreOptions};
pub use write::{Action, Actor, WriteContext};
