//! The feed's query, checked before the database is touched.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use plateforme_api::{ApiError, ErrorCode};
use plateforme_model::FieldError;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::FeedSettings;
use crate::cursor::FeedCursor;
use crate::event_type::EventType;

/// Events per answer by default, and at most.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;
/// The longest long-poll, in seconds.
pub const MAX_WAIT_SECS: u64 = 30;

/// What an event may carry besides its thin data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Embed {
    /// The record's current representation, where the caller may read it.
    Resource,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `cursor` of the previous answer, as it was handed out: the answer starts after it.
    /// Absent: from the beginning of the feed. Any other value is refused (rule
    /// `cursor.invalid`); a cursor handed out longer ago than the feed's retention (30 days by
    /// default) answers 410 `cursor_expired` (rule `cursor.expired`).
    after: Option<String>,
    /// Only events of these types, comma-separated, e.g.
    /// `fr.plateforme.person.updated,fr.plateforme.person.left_remit`: `fr.plateforme.` then a
    /// resource type (`person`, `diagnostic`, `contract`, `review`, `consent`, `offer`,
    /// `organization`) and `.created`, `.updated` or `.deleted`, or
    /// `fr.plateforme.person.left_remit`. A type the feed does not serve is refused (rule
    /// `changes.type.unknown`). All types when absent.
    types: Option<String>,
    /// Events per answer, 1 to 1000 (100 by default) (rule `limit.range`).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Long-poll: when no event is there for the caller, wait up to this many seconds, 0 to 30
    /// (0 by default), and answer as soon as one comes (rule `changes.wait.range`).
    #[param(minimum = 0, maximum = 30)]
    wait: Option<u64>,
    /// `resource`: each event carries the record's current representation in `data.resource`,
    /// where the caller may read it (a dossier's part, its sensitive parts with
    /// `dossier.social:read`; an offer with `offers:read`; an organization with
    /// `organizations:read`); embedding a dossier's part is journaled for the person. Thin
    /// events by default.
    #[param(inline)]
    embed: Option<Embed>,
}

/// The request the query asks for, checked.
#[derive(Debug, Clone)]
pub struct FeedRequest {
    /// Where to start, and the cursor as given (handed back unchanged when nothing moved).
    pub after: FeedCursor,
    pub given_cursor: Option<String>,
    /// `None`: every type.
    pub types: Option<BTreeSet<EventType>>,
    pub limit: usize,
    pub wait: Duration,
    pub embed: bool,
}

fn invalid(field: &str, rule: &str, message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidQuery, format!("{field}: {message}"))
        .with_errors(vec![FieldError::new(field, rule, message)])
}

impl ChangesQuery {
    /// The request, or the problem of the first fault.
    pub fn check(self, settings: &FeedSettings, now: DateTime<Utc>) -> Result<FeedRequest, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        let Some(limit) = usize::try_from(limit).ok().filter(|_| (1..=MAX_LIMIT).contains(&limit)) else {
            return Err(invalid(
                "limit",
                "limit.range",
                format!("limit must be between 1 and {MAX_LIMIT}; got {limit}"),
            ));
        };
        let wait = self.wait.unwrap_or(0);
        if wait > MAX_WAIT_SECS {
            return Err(invalid(
                "wait",
                "changes.wait.range",
                format!("wait must be between 0 and {MAX_WAIT_SECS} seconds; got {wait}"),
            ));
        }
        let types = self.types.as_deref().map(parse_types).transpose()?;
        let after = match self.after.as_deref() {
            None => FeedCursor::START,
            Some(text) => opened(text, settings, now)?,
        };
        Ok(FeedRequest {
            after,
            given_cursor: self.after,
            types,
            limit,
            wait: Duration::from_secs(wait),
            embed: self.embed == Some(Embed::Resource),
        })
    }
}

fn parse_types(text: &str) -> Result<BTreeSet<EventType>, ApiError> {
    text.split(',')
        .map(|name| {
            EventType::parse(name).ok_or_else(|| {
                invalid(
                    "types",
                    "changes.type.unknown",
                    format!("{name:?} is not an event type of the feed (e.g. fr.plateforme.person.updated)"),
                )
            })
        })
        .collect()
}

fn opened(text: &str, settings: &FeedSettings, now: DateTime<Utc>) -> Result<FeedCursor, ApiError> {
    let cursor = FeedCursor::open(text).map_err(|_| {
        invalid("after", "cursor.invalid", "not a cursor of the change feed handed out by this API".into())
    })?;
    if cursor.expired(now, settings.retention) {
        let days = settings.retention.num_days();
        let message = format!(
            "this cursor is older than the feed's retention ({days} days): events after it may be forgotten. \
             Load the records again from a bulk export (POST /v1/exports) and follow the feed from its \
             cursor, or read the feed again from the beginning (no `after`)"
        );
        return Err(ApiError::new(ErrorCode::CursorExpired, message.clone()).with_errors(vec![FieldError::new(
            "after",
            "cursor.expired",
            message,
        )]));
    }
    Ok(cursor)
}
