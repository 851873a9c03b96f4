//! The expiry sweep: marks offers expired once their expiry passed, with a change event each.
//! Searches leave them out from their expiry time without waiting for it.

use std::time::Duration;

use plateforme_store::offers::lifecycle::expire_due;
use plateforme_store::{Store, upkeep};

/// Offers expired per transaction.
const BATCH: i64 = 500;

/// Expires what is due now; answers how many offers expired.
pub async fn sweep(store: &Store) -> Result<usize, plateforme_store::StoreError> {
    let mut total = 0;
    loop {
        let expired = store.run(|conn| expire_due(conn, plateforme_model::ids::now(), BATCH)).await?;
        total += expired;
        if expired < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(total);
        }
    }
}

/// Sweeps every `period`, for as long as the server runs. Replicas may sweep at the same time:
/// each offer's version check lets one of them write it, and the other's batch fails and is
/// retried at the next period.
pub async fn run(store: Store, period: Duration) {
    upkeep::every(period, "offers expired", || sweep(&store)).await;
}
