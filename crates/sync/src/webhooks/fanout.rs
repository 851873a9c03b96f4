//! The fan-out: follows the change feed from the position kept in the database and writes one
//! delivery per (subscription, event) the subscription's owner may read — judged by the feed's
//! own rules (`judge`) for the owner as it stands now — in the transaction that moves the
//! position (`webhooks::fanout::from_position`): no event lost, none fanned out twice, one
//! replica at a time.

use std::collections::BTreeMap;

use plateforme_store::changes::{self, ChangeEvent};
use plateforme_store::webhooks::deliveries::{self, NewDelivery};
use plateforme_store::webhooks::fanout;
use plateforme_store::webhooks::subscriptions::{self, Subscription};
use plateforme_store::{DbConnection, StoreError};

use super::owner::caller_of;
use super::subscription::SubscriptionFilter;
use crate::event::CloudEvent;
use crate::event_type::EventType;
use crate::judge;

/// Events read from the feed per fan-out transaction.
pub const BATCH: i64 = 500;

/// Fans out the next batch of events; answers how many events were read (0: the fan-out is at
/// the end of the feed, or another replica is fanning out).
pub fn fan_out_once(conn: &mut DbConnection) -> Result<usize, StoreError> {
    // Read first, without a lock: an idle worker takes none.
    if fanout::position(conn)? >= changes::latest(conn)? {
        return Ok(0);
    }
    let read = fanout::from_position(conn, |conn, position| {
        let active = subscriptions::active(conn)?;
        if active.is_empty() {
            // Nobody listens: nothing to judge; a subscription made later receives the events
            // written from its creation on.
            return Ok((0, changes::latest(conn)?.max(position)));
        }
        let events = changes::read(conn, position, BATCH)?;
        let Some(last) = events.last().map(|event| event.position) else { return Ok((0, position)) };
        let mut by_owner: BTreeMap<&str, Vec<&Subscription>> = BTreeMap::new();
        for subscription in &active {
            by_owner.entry(subscription.client_id.as_str()).or_default().push(subscription);
        }
        let mut new = Vec::new();
        for (owner, subscriptions) in by_owner {
            let Some(caller) = caller_of(conn, owner)? else { continue };
            let judged = judge::judge(conn, &caller, &events)?;
            for (event, event_type) in events.iter().zip(judged) {
                let Some(event_type) = event_type else { continue };
                for subscription in &subscriptions {
                    if wants(subscription, event, event_type) {
                        new.push(delivery(subscription, event, event_type)?);
                    }
                }
            }
        }
        deliveries::insert_all(conn, &new)?;
        Ok((events.len(), last))
    })?;
    Ok(read.unwrap_or(0))
}

/// Whether the subscription receives this event of this type (as its owner receives it).
fn wants(subscription: &Subscription, event: &ChangeEvent, event_type: EventType) -> bool {
    // A subscription receives what is written from its creation on; earlier events are read
    // from the feed (or replayed).
    if event.occurred_at < subscription.created_at {
        return false;
    }
    let name = event_type.to_string();
    if !subscription.event_types.contains(&name) {
        return false;
    }
    let filter: SubscriptionFilter =
        subscription.filter.clone().and_then(|filter| serde_json::from_value(filter).ok()).unwrap_or_default();
    if filter.exclude_own_writes == Some(true) && event.actor == subscription.client_id {
        return false;
    }
    filter.subjects.as_ref().is_none_or(|subjects| {
        subjects.contains(&event.resource_id) || event.subject_id.is_some_and(|person| subjects.contains(&person))
    })
}

fn delivery(
    subscription: &Subscription,
    event: &ChangeEvent,
    event_type: EventType,
) -> Result<NewDelivery, StoreError> {
    let cloud_event = CloudEvent::of(event, event_type);
    Ok(NewDelivery {
        subscription_id: subscription.id,
        event_id: cloud_event.id.clone(),
        position: event.position,
        event_time: event.occurred_at,
        payload: serde_json::to_string(&cloud_event).map_err(|error| StoreError::Corrupt(error.to_string()))?,
        replay: false,
    })
}
