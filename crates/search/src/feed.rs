//! The indexer's one reading of the change feed. Everything the indexer knows of the feed's
//! numbering is here: it keeps its position as opaque text (in the index's commit payload).
//!
//! It reads through `store::changes::read`, the one reading function of every follower, which
//! never serves an event behind which a transaction is still open: following the positions it
//! answers never skips an event that commits later.

use plateforme_store::changes::{self, FeedPosition};
use plateforme_store::{DbConnection, StoreError};
use uuid::Uuid;

/// A change the indexer reacts to: which record changed, to which version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    pub resource_type: String,
    pub resource_id: Uuid,
    pub version: i64,
}

/// The position before the first event.
pub fn start() -> String {
    FeedPosition::START.sequence()
}

/// The position a reader may be served up to now: a rebuild that reads every record afterwards
/// then follows the feed from here, missing nothing (an event of a transaction still open is
/// after it, and applying a change again is harmless: the indexer upserts the record as it is).
pub fn head(conn: &mut DbConnection) -> Result<String, StoreError> {
    Ok(changes::latest(conn)?.sequence())
}

/// Up to `limit` events after `position`, in feed order, and the position after them.
pub fn read(conn: &mut DbConnection, position: &str, limit: i64) -> Result<(Vec<FeedEvent>, String), StoreError> {
    let after = FeedPosition::parse_sequence(position).ok_or(StoreError::InvalidCursor)?;
    let events = changes::read(conn, after, limit)?;
    let next = events.last().map_or(after, |event| event.position);
    let events = events.into_iter().map(|event| FeedEvent {
        resource_type: event.resource_type,
        resource_id: event.resource_id,
        version: event.version,
    });
    Ok((events.collect(), next.sequence()))
}
