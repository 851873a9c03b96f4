//! The feed's cursor: a position in the feed and when it was handed out, sealed by the store's
//! cursor MAC like every cursor of the API, so that a forged or mangled one is refused and a
//! follower cannot ask for a position it was not given.

use chrono::{DateTime, Utc};
use plateforme_store::changes::FeedPosition;
use plateforme_store::{StoreError, cursor};

/// What a feed cursor says; opaque to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedCursor {
    /// The last event the caller was answered or passed over (not in its remit): it resumes after.
    pub position: FeedPosition,
    /// When it was handed out, in seconds since the epoch; 0 for the start of the feed, which
    /// never expires.
    pub issued_at: i64,
}

/// Tells a feed cursor from the other cursors of the API.
const LABEL: &str = "feed1";

impl FeedCursor {
    /// The cursor before every event.
    pub const START: FeedCursor = FeedCursor { position: FeedPosition::START, issued_at: 0 };

    /// A cursor at `position`, handed out at `now`.
    pub fn at(position: FeedPosition, now: DateTime<Utc>) -> FeedCursor {
        if position == FeedPosition::START {
            return FeedCursor::START;
        }
        FeedCursor { position, issued_at: now.timestamp() }
    }

    /// The cursor as the caller receives it.
    pub fn seal(&self) -> String {
        let FeedPosition { transaction, seq } = self.position;
        cursor::seal(&format!("{LABEL}:{transaction}.{seq}.{}", self.issued_at))
    }

    /// The cursor the caller gave back, if this deployment handed it out.
    pub fn open(text: &str) -> Result<FeedCursor, StoreError> {
        let content = cursor::open(text)?;
        let numbers = content.strip_prefix(LABEL).and_then(|rest| rest.strip_prefix(':'));
        let mut parts = numbers.ok_or(StoreError::InvalidCursor)?.split('.').map(str::parse::<i64>);
        let mut next = || parts.next().and_then(Result::ok).ok_or(StoreError::InvalidCursor);
        let (transaction, seq, issued_at) = (next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(StoreError::InvalidCursor);
        }
        Ok(FeedCursor { position: FeedPosition { transaction, seq }, issued_at })
    }

    /// Whether it was handed out longer ago than `retention`.
    pub fn expired(&self, now: DateTime<Utc>, retention: chrono::Duration) -> bool {
        self.issued_at != 0 && self.issued_at < (now - retention).timestamp()
    }

    /// Whether it is old enough to be handed out again though nothing moved: half the
    /// retention, so that a follower of a quiet feed never sees its cursor expire.
    pub fn stale(&self, now: DateTime<Utc>, retention: chrono::Duration) -> bool {
        self.issued_at != 0 && self.issued_at < (now - retention / 2).timestamp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_opens_to_what_was_sealed() {
        let now = Utc::now();
        let cursor = FeedCursor::at(FeedPosition { transaction: 812, seq: 40 }, now);
        assert_eq!(FeedCursor::open(&cursor.seal()).ok(), Some(cursor));
        assert_eq!(FeedCursor::open(&FeedCursor::START.seal()).ok(), Some(FeedCursor::START));
        assert_eq!(FeedCursor::at(FeedPosition::START, now), FeedCursor::START);
    }

    #[test]
    fn other_cursors_and_forgeries_are_refused() {
        for content in ["k1:0190", "feed1:1.2", "feed1:1.2.3.4", "feed1:a.2.3", "feed2:1.2.3"] {
            assert!(FeedCursor::open(&cursor::seal(content)).is_err(), "{content}");
        }
        let sealed = FeedCursor::at(FeedPosition { transaction: 1, seq: 2 }, Utc::now()).seal();
        let mut forged = sealed.clone();
        forged.replace_range(0..1, if sealed.starts_with('A') { "B" } else { "A" });
        assert!(FeedCursor::open(&forged).is_err());
    }

    #[test]
    fn a_cursor_expires_after_the_retention_but_the_start() {
        let now = Utc::now();
        let retention = chrono::Duration::days(30);
        let old = FeedCursor::at(FeedPosition { transaction: 0, seq: 9 }, now - chrono::Duration::days(31));
        assert!(old.expired(now, retention) && old.stale(now, retention));
        let recent = FeedCursor::at(FeedPosition { transaction: 0, seq: 9 }, now - chrono::Duration::days(1));
        assert!(!recent.expired(now, retention) && !recent.stale(now, retention));
        assert!(!FeedCursor::START.expired(now, retention));
    }
}
