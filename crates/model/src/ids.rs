//! Identifiers and timestamps as the API conventions define them.

use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

/// A new UUIDv7: time-ordered, so keyset pagination by id follows creation order.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// The current time, truncated to microseconds: PostgreSQL keeps microseconds and SQLite
/// nanoseconds, and a value must read back the same from both.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
