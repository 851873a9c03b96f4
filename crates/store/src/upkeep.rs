//! Upkeep: store work no request triggers (offers past their expiry, idempotency keys past their
//! retention), run on a period beside the server.

use std::future::Future;
use std::time::Duration;

use crate::StoreError;

/// Runs `job` every `period` for as long as the server runs, logging what it did under `what`.
/// A failure is logged and the job retried at the next period: upkeep never stops the server.
/// Replicas may run the same job at once; each job is written so that doing it twice is harmless.
pub async fn every<F, Fut>(period: Duration, what: &'static str, job: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<usize, StoreError>>,
{
    let mut interval = tokio::time::interval(period);
    loop {
        interval.tick().await;
        match job().await {
            Ok(0) => {}
            Ok(done) => tracing::info!(done, what, "upkeep"),
            Err(error) => tracing::warn!(%error, what, "upkeep failed; retrying at the next period"),
        }
    }
}
