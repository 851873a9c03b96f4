use actix_web::{HttpResponse, post, web};
use plateforme_api::openapi::WebhookWriteProblems;
use plateforme_api::{ApiError, ValidJson};
use plateforme_auth::Caller;
use plateforme_model::{FieldError, Validate, ValidationErrors};
use plateforme_store::changes::FeedPosition;
use plateforme_store::webhooks::deliveries::{self, Delivery, NewDelivery};
use plateforme_store::webhooks::subscriptions;
use plateforme_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::not_found;
use crate::cursor::FeedCursor;

/// The most events one replay sends.
const MAX_REPLAY: usize = 10_000;
const MAX_IDS: usize = 1000;

/// What to send again: the events named, or those of a range of the feed — one or the other
/// (rule `webhook.replay.one_of`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"event_ids": ["4182", "4190.left_remit"]}))]
pub struct ReplayRequest {
    /// The ids of events delivered to this subscription (its log's `event_id`), 1 to 1000 (rule
    /// `webhook.replay.event_ids`); an id never delivered to it is refused (rule
    /// `webhook.replay.unknown_event`).
    #[serde(default)]
    pub event_ids: Option<Vec<String>>,
    /// A change-feed cursor, as `GET /v1/changes` hands them out (rule `cursor.invalid`): the
    /// events after it, at most 10 000 (rule `webhook.replay.too_many`).
    #[serde(default)]
    pub after: Option<String>,
    /// A change-feed cursor: the events up to it, included; the end of the log when absent.
    #[serde(default)]
    pub until: Option<String>,
}

impl Validate for ReplayRequest {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        match (&self.event_ids, &self.after) {
            (Some(ids), None) if self.until.is_none() => {
                if ids.is_empty() || ids.len() > MAX_IDS {
                    errors.push(FieldError::new(
                        "event_ids",
                        "webhook.replay.event_ids",
                        format!("name 1 to {MAX_IDS} event ids"),
                    ));
                }
            }
            (None, Some(after)) => {
                if FeedCursor::open(after).is_err() {
                    errors.push(cursor_error("after"));
                }
                if self.until.as_deref().is_some_and(|until| FeedCursor::open(until).is_err()) {
                    errors.push(cursor_error("until"));
                }
            }
            _ => errors.push(FieldError::new(
                "body",
                "webhook.replay.one_of",
                "give either event_ids, or after (and optionally until), not both",
            )),
        }
        errors.into_result()
    }
}

fn cursor_error(field: &str) -> FieldError {
    FieldError::new(field, "cursor.invalid", "not a cursor of the change feed handed out by this API")
}

/// What a replay queued.
#[derive(Debug, Serialize, ToSchema)]
pub struct Replayed {
    /// Deliveries queued, due at once.
    pub replayed: usize,
}

/// Replay events
///
/// Sends again, as new deliveries due at once, the events this subscription was delivered in
/// the last 30 days (whatever came of it): those named by `event_ids`, or those after the feed
/// cursor `after` up to `until`. Each keeps its original `webhook-id` (the event's id) and body,
/// so a receiver that kept it recognises it. An id never delivered to this subscription is
/// refused (rule `webhook.replay.unknown_event`); at most 10 000 events per replay.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read", "webhooks:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the subscription")),
    request_body = ReplayRequest,
    responses(
        (status = 202, description = "The deliveries are queued.", body = Replayed),
        WebhookWriteProblems
    )
)]
#[post("/subscriptions/{id}/replay")]
pub async fn replay_subscription(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
    ValidJson(request): ValidJson<ReplayRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, client_id) = (id.into_inner(), caller.client_id().to_owned());
    let originals = store
        .run(move |conn| {
            if subscriptions::find(conn, &client_id, id)?.is_none() {
                return Err(StoreError::NotFound);
            }
            let originals = match (&request.event_ids, &request.after) {
                (Some(ids), _) => Ok(deliveries::originals_of_events(conn, id, ids)?),
                (None, Some(after)) => {
                    let position = |text: &str| FeedCursor::open(text).map(|cursor| cursor.position);
                    let after = position(after)?;
                    let until = request.until.as_deref().map(position).transpose()?;
                    let until = until.unwrap_or(FeedPosition { transaction: i64::MAX, seq: i64::MAX });
                    let limit = i64::try_from(MAX_REPLAY + 1).unwrap_or(i64::MAX);
                    Ok(deliveries::originals_between(conn, id, after, until, limit)?)
                }
                (None, None) => Err(StoreError::InvalidCursor),
            }?;
            let missing = request.event_ids.as_ref().map(|ids| unknown(ids, &originals)).unwrap_or_default();
            if missing.is_empty() && originals.len() <= MAX_REPLAY {
                deliveries::insert_all(conn, &originals.iter().map(again).collect::<Vec<_>>())?;
            }
            Ok((originals.len(), missing))
        })
        .await
        .map_err(|error| match error {
            StoreError::NotFound => not_found(id),
            other => other.into(),
        })?;
    match originals {
        (_, missing) if !missing.is_empty() => Err(ApiError::validation(
            missing
                .into_iter()
                .map(|event_id| {
                    FieldError::new(
                        "event_ids",
                        "webhook.replay.unknown_event",
                        format!("event {event_id} was not delivered to this subscription in the last 30 days"),
                    )
                })
                .collect(),
        )),
        (count, _) if count > MAX_REPLAY => Err(ApiError::validation(vec![FieldError::new(
            "after",
            "webhook.replay.too_many",
            format!("the range holds more than {MAX_REPLAY} events: replay it in smaller ranges"),
        )])),
        (replayed, _) => Ok(HttpResponse::Accepted().json(Replayed { replayed })),
    }
}

/// The ids named that have no delivery to replay.
fn unknown(ids: &[String], originals: &[Delivery]) -> Vec<String> {
    ids.iter().filter(|id| !originals.iter().any(|original| original.event_id == **id)).cloned().collect()
}

fn again(original: &Delivery) -> NewDelivery {
    NewDelivery {
        subscription_id: original.subscription_id,
        event_id: original.event_id.clone(),
        position: original.position,
        event_time: original.event_time,
        payload: original.payload.clone(),
        replay: true,
    }
}
