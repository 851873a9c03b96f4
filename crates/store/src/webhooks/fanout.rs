//! The fan-out's position in the change feed: one row, which the replica fanning out holds
//! locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's one writer holds the write lock) for
//! the transaction that writes the deliveries and moves the position: no event is fanned out
//! twice, none is lost, and one replica fans out at a time.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::quiet_transaction;
use crate::changes::FeedPosition;
use crate::schema::webhook_fanout;
use crate::{DbConnection, StoreError};

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = BigInt)]
    xid: i64,
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

/// Runs `work` from the fan-out's position, and moves it where `work` answers, in one
/// transaction; `None` when another replica is fanning out.
pub fn from_position<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection, FeedPosition) -> Result<(T, FeedPosition), StoreError>,
) -> Result<Option<T>, StoreError> {
    quiet_transaction(conn, |conn| {
        let sql = "SELECT xid, seq FROM webhook_fanout WHERE id = 1";
        let held: Option<Position> = match conn {
            DbConnection::Postgres(pg) => {
                diesel::sql_query(format!("{sql} FOR UPDATE SKIP LOCKED")).get_result(pg).optional()?
            }
            DbConnection::Sqlite(sqlite) => diesel::sql_query(sql).get_result(sqlite).optional()?,
        };
        let Some(held) = held else { return Ok(None) };
        let from = FeedPosition { transaction: held.xid, seq: held.seq };
        let (answer, to) = work(conn, from)?;
        if to != from {
            diesel::update(webhook_fanout::table.find(1))
                .set((webhook_fanout::xid.eq(to.transaction), webhook_fanout::seq.eq(to.seq)))
                .execute(conn)?;
        }
        Ok(Some(answer))
    })
}

/// Where the fan-out stands, read without a lock: whether there is anything new to fan out.
pub fn position(conn: &mut DbConnection) -> Result<FeedPosition, StoreError> {
    let (xid, seq): (i64, i64) =
        webhook_fanout::table.find(1).select((webhook_fanout::xid, webhook_fanout::seq)).first(conn)?;
    Ok(FeedPosition { transaction: xid, seq })
}
