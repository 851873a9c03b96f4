//! Webhooks (issue 12, item 3): the subscriptions of the clients, one delivery row per
//! (subscription, event) with its attempts (the delivery log), and the fan-out's position in the
//! change feed. Deliveries are rows, not memory: they survive a restart, and a replica claims a
//! due one with a lease (`claimed_until`), under `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite
//! has one writer at a time), so that each attempt is made by one replica.

pub mod deliveries;
pub mod fanout;
pub mod subscriptions;

use diesel::prelude::*;

use crate::{DbConnection, StoreError};

/// A transaction of the webhooks' worker. Unlike `write::transaction` it does not wake the
/// change feed's followers when it commits (it writes no event: waking them would make every
/// replica's worker wake the others' in turn, round after round). On SQLite it takes the write
/// lock first, on the fan-out's row, for the reason `write::transaction` does: a transaction
/// that reads then writes would otherwise fail when another writer got in between.
pub(crate) fn quiet_transaction<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.transaction(|conn| {
        if let DbConnection::Sqlite(_) = conn {
            diesel::sql_query("UPDATE webhook_fanout SET id = id WHERE id = 1").execute(conn)?;
        }
        work(conn)
    })
}
