//! The feed's cursor: a position in the feed and when it was handed out, sealed by the store's
//! cursor MAC like every cursor of the API, so that a forged or mangled one is refused and a
//! follower cannot ask for a position it was not given.

use chrono::{DateTime, Utc};
use plateforme_store::changes::FeedPosition;
use plateforme_store::exports::Snapshot;
use plateforme_store::{StoreError, cursor};

/// What a feed cursor says; opaque to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedCursor {
    /// The last event the caller was answered or passed over (not in its remit): it resumes after.
    pub position: FeedPosition,
    /// When it was handed out, in seconds since the epoch; 0 for the start of the feed, which
    /// never expires.
    pub issued_at: i64,
    /// A bulk export's cursor: the transactions at or above `position` whose events the export
    /// holds already, passed over until the feed is past them (`store::exports`).
    pub exported: Option<Snapshot>,
}

/// Tells a feed cursor from the other cursors of the API.
const LABEL: &str = "feed1";

impl FeedCursor {
    /// The cursor before every event.
    pub const START: FeedCursor = FeedCursor { position: FeedPosition::START, issued_at: 0, exported: None };

    /// A cursor at `position`, handed out at `now`.
    pub fn at(position: FeedPosition, now: DateTime<Utc>) -> FeedCursor {
        if position == FeedPosition::START {
            return FeedCursor::START;
        }
        FeedCursor { position, issued_at: now.timestamp(), exported: None }
    }

    /// The cursor of an export cut at `position`, whose snapshot saw `exported`.
    pub fn of_export(position: FeedPosition, exported: Option<Snapshot>, now: DateTime<Utc>) -> FeedCursor {
        FeedCursor { position, issued_at: now.timestamp(), exported }
    }

    /// The cursor after `position`, read on from this one: it keeps what the export saw until
    /// the feed is past every transaction of it.
    pub fn moved_to(&self, position: FeedPosition, now: DateTime<Utc>) -> FeedCursor {
        let exported = self.exported.clone().filter(|snapshot| position.transaction < snapshot.xmax);
        FeedCursor { exported, ..FeedCursor::at(position, now) }
    }

    /// Whether the follower has the events of transaction `xid` already, from the export.
    pub fn exported(&self, xid: i64) -> bool {
        self.exported.as_ref().is_some_and(|snapshot| snapshot.saw(xid))
    }

    /// The cursor as the caller receives it.
    pub fn seal(&self) -> String {
        let FeedPosition { transaction, seq } = self.position;
        let mut content = format!("{LABEL}:{transaction}.{seq}.{}", self.issued_at);
        if let Some(Snapshot { xmax, running }) = &self.exported {
            let running = running.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            content.push_str(&format!("~{xmax}~{running}"));
        }
        cursor::seal(&content)
    }

    /// The cursor the caller gave back, if this deployment handed it out.
    pub fn open(text: &str) -> Result<FeedCursor, StoreError> {
        let content = cursor::open(text)?;
        let numbers = content.strip_prefix(LABEL).and_then(|rest| rest.strip_prefix(':'));
        let numbers = numbers.ok_or(StoreError::InvalidCursor)?;
        let (numbers, exported) = match numbers.split_once('~') {
            None => (numbers, None),
            Some((numbers, snapshot)) => (numbers, Some(open_snapshot(snapshot)?)),
        };
        let mut parts = numbers.split('.').map(str::parse::<i64>);
        let mut next = || parts.next().and_then(Result::ok).ok_or(StoreError::InvalidCursor);
        let (transaction, seq, issued_at) = (next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(StoreError::InvalidCursor);
        }
        Ok(FeedCursor { position: FeedPosition { transaction, seq }, issued_at, exported })
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

/// `xmax~xid,xid…`: what an export's snapshot saw.
fn open_snapshot(text: &str) -> Result<Snapshot, StoreError> {
    let (xmax, running) = text.split_once('~').ok_or(StoreError::InvalidCursor)?;
    let number = |part: &str| part.parse::<i64>().map_err(|_| StoreError::InvalidCursor);
    let running = running.split(',').filter(|xid| !xid.is_empty()).map(number).collect::<Result<Vec<_>, _>>()?;
    Ok(Snapshot { xmax: number(xmax)?, running })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_opens_to_what_was_sealed() {
        let now = Utc::now();
        let cursor = FeedCursor::at(FeedPosition { transaction: 812, seq: 40 }, now);
        assert_eq!(FeedCursor::open(&cursor.seal()).ok(), Some(cursor.clone()));
        let snapshot = Snapshot { xmax: 820, running: vec![812, 815] };
        let export = FeedCursor::of_export(FeedPosition { transaction: 811, seq: i64::MAX }, Some(snapshot), now);
        assert_eq!(FeedCursor::open(&export.seal()).ok(), Some(export.clone()));
        assert!(export.exported(813) && !export.exported(812) && !export.exported(820));
        let moved = export.moved_to(FeedPosition { transaction: 819, seq: 5 }, now);
        assert!(moved.exported(813));
        assert!(!export.moved_to(FeedPosition { transaction: 820, seq: 6 }, now).exported(813));
        assert_eq!(FeedCursor::open(&FeedCursor::START.seal()).ok(), Some(FeedCursor::START));
        assert_eq!(FeedCursor::at(FeedPosition::START, now), FeedCursor::START);
    }

    #[test]
    fn other_cursors_and_forgeries_are_refused() {
        for content in
            ["k1:0190", "feed1:1.2", "feed1:1.2.3.4", "feed1:a.2.3", "feed2:1.2.3", "feed1:1.2.3~9", "feed1:1.2.3~x~"]
        {
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
