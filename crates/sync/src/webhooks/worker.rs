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

pub async fn run(store: Store, settings: WebhookSettings) {
    let client = match deliver::http_client(&settings) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "the webhooks' HTTP client cannot be built; no webhook is delivered");
            return;
        }
    };
    let mut purged = None::<Instant>;
    loop {
        if purged.is_none_or(|at| at.elapsed() >= PURGE_PERIOD) {
            let before = plateforme_model::ids::now() - settings.log_retention;
            if let Err(error) = store.run(move |conn| deliveries::purge_before(conn, before)).await {
                tracing::warn!(%error, "forgetting the webhook log past its retention failed");
            }
            purged = Some(Instant::now());
        }
        match round(&store, &client, &settings).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "webhooks: a round failed; trying again"),
        }
        changes::wait_for_appended(settings.poll_interval).await;
    }
}

/// One round; answers whether there was work (then another round follows at once).
async fn round(store: &Store, client: &reqwest::Client, settings: &WebhookSettings) -> Result<bool, StoreError> {
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
    Ok(read > 0 || tried > 0)
}
