//! The indexer's one reading of the change feed. Everything the indexer knows of the feed's
//! numbering is here: it keeps its position as opaque text (in the index's commit payload),
//! so another numbering of the feed takes the place of this one by changing this file alone.
//!
//! Today the feed is numbered by `changes.seq`, in commit order (`store::changes`): reading
//! the events after the last one applied never skips one that commits later.

use plateforme_store::{DbConnection, StoreError, changes};
use uuid::Uuid;

/// A change the indexer reacts to: which record changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    pub resource_type: String,
    pub resource_id: Uuid,
}

/// The position before the first event.
pub fn start() -> String {
    "0".to_owned()
}

/// The position at the feed's end now: a rebuild that reads every record afterwards then
/// follows the feed from here, missing nothing.
pub fn head(conn: &mut DbConnection) -> Result<String, StoreError> {
    Ok(changes::last_seq(conn)?.to_string())
}

/// Up to `limit` events after `position`, in feed order, and the position after them.
pub fn read(conn: &mut DbConnection, position: &str, limit: i64) -> Result<(Vec<FeedEvent>, String), StoreError> {
    let after: i64 = position.parse().map_err(|_| StoreError::InvalidCursor)?;
    let events = changes::after(conn, after, limit)?;
    let next = events.last().map_or(after, |event| event.seq);
    let events = events
        .into_iter()
        .map(|event| FeedEvent { resource_type: event.resource_type, resource_id: event.resource_id });
    Ok((events.collect(), next.to_string()))
}
