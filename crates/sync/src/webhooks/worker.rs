//! The webhooks' background task of a replica: fans out the new events, then tries the due
//! deliveries, concurrently; waits for a write of this replica (or the poll interval) when
//! there was nothing to do; forgets the log past its retention once an hour. Every replica may
//! run it: the fan-out is held by one at a time, and each delivery is claimed by one.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use plateforme_store::changes;
use plateforme_store::webhooks::deliveries;
use plateforme_store::{Store, StoreError};

use super::{WebhookSettings, deliver, fan_out_once};

/// Deliveries claimed at a time, and tried at once.
const CLAIM: i64 = 200;
const CONCURRENT: usize = 32;

/// How often the log past its retention is forgotten.
const PURGE_PERIOD: Duration = Duration::from_secs(3600);

/// The shortest time from one round to the next, unless a round found a full batch waiting. A
/// round is about ten statements and, when the feed moved, a write transaction of its own (the
/// fan-out's position) with its commit; woken by every commit of a busy server, the worker made
/// one round per write — even with no subscription at all, moving its position —, 7 to 10 % of a
/// dossier update's CPU at national size (docs/performance.md, "One unit of work per dossier
/// update").
/// Spacing the rounds bounds them to twenty a second under any load, each taking every event of
/// the interval at once, and delays a delivery by this much at most.
pub const ROUND_SPACING: Duration = Duration::from_millis(50);

/// What a round found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Round {
    /// Nothing to fan out or to try: wait for a write.
    Idle,
    /// Some work: another round follows, spaced.
    Worked,
    /// A full batch of events or of deliveries: more waits, another round follows at once.
    Full,
}

pub async fn run(store: Store, settings: WebhookSettings) {
    let client = match deliver::http_client(&settings) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "the webhooks' HTTP client cannot be built; no webhook is delivered");
            return;
        }
    };
    let mut purged = None::<Instant>;
    let mut next_round = Instant::now();
    loop {
        actix_web::rt::time::sleep_until(next_round.into()).await;
        next_round = Instant::now() + ROUND_SPACING;
        if purged.is_none_or(|at| at.elapsed() >= PURGE_PERIOD) {
            let before = plateforme_model::ids::now() - settings.log_retention;
            if let Err(error) = store.run(move |conn| deliveries::purge_before(conn, before)).await {
                tracing::warn!(%error, "forgetting the webhook log past its retention failed");
            }
            purged = Some(Instant::now());
        }
        match round(&store, &client, &settings).await {
            Ok(Round::Full) => {
                next_round = Instant::now();
                continue;
            }
            Ok(Round::Worked) => continue,
            Ok(Round::Idle) => {}
            Err(error) => tracing::warn!(%error, "webhooks: a round failed; trying again"),
        }
        changes::wait_for_appended(settings.poll_interval).await;
    }
}

/// One round: the new events fanned out, then the due deliveries tried.
async fn round(store: &Store, client: &reqwest::Client, settings: &WebhookSettings) -> Result<Round, StoreError> {
    let read = store.run(fan_out_once).await?;
    let lease = chrono::Duration::from_std(settings.timeout * 3).unwrap_or(chrono::Duration::minutes(1));
    let due = store
        .run(move |conn| {
            let now = plateforme_model::ids::now();
            // Read first, without a lock: an idle worker takes none.
            if !deliveries::any_due(conn, now)? {
                return Ok(Vec::new());
            }
            deliveries::claim_due(conn, now, lease, CLAIM)
        })
        .await?;
    let tried = due.len();
    futures_util::stream::iter(due)
        .for_each_concurrent(CONCURRENT, |delivery| async move {
            if let Err(error) = deliver::attempt(store, client, settings, delivery).await {
                tracing::warn!(%error, "webhooks: recording an attempt failed; the delivery is tried again");
            }
        })
        .await;
    Ok(Round::of(read, tried))
}

impl Round {
    /// The round that fanned out `read` events and tried `tried` deliveries.
    fn of(read: usize, tried: usize) -> Round {
        let full = |count: usize, batch: i64| usize::try_from(batch).is_ok_and(|batch| count >= batch);
        if full(read, super::fanout::BATCH) || full(tried, CLAIM) {
            Round::Full
        } else if read > 0 || tried > 0 {
            Round::Worked
        } else {
            Round::Idle
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_full_batch_skips_the_spacing_and_only_an_empty_round_waits_for_a_write() {
        let batch = usize::try_from(super::super::fanout::BATCH).expect("a batch size");
        let claim = usize::try_from(CLAIM).expect("a claim size");
        assert_eq!(Round::of(0, 0), Round::Idle);
        assert_eq!(Round::of(1, 0), Round::Worked);
        assert_eq!(Round::of(0, claim - 1), Round::Worked);
        assert_eq!(Round::of(batch - 1, claim - 1), Round::Worked);
        assert_eq!(Round::of(batch, 0), Round::Full);
        assert_eq!(Round::of(0, claim), Round::Full);
    }
}
