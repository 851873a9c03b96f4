//! Revoked tokens: disabling a client or rotating its secret records, in the clients table,
//! the instant before which its tokens are refused (`tokens_valid_after`). Each replica keeps
//! the recent revocations in memory and re-reads them when they are older than the refresh
//! period (`token_revocation_refresh_secs`, 5 s by default): a token revoked on one replica is
//! refused on every replica within that period (plus one database read). The replica where the
//! revocation is made refuses at once.
//!
//! The check comes after the verified-token cache, so a cached token is refused too.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use plateforme_store::Store;
use plateforme_store::access::clients;

/// Tokens are accepted this long past their expiry (the verification's leeway), and replicas'
/// clocks may differ by as much: revocations older than a token lifetime and this margin only
/// concern expired tokens.
const MARGIN: chrono::Duration = chrono::Duration::seconds(90);

struct Loaded {
    /// Client id → the first second (since the epoch) of a valid `iat`.
    valid_after: HashMap<String, i64>,
    at: Option<Instant>,
}

pub struct Revocations {
    refresh_every: Duration,
    token_lifetime: chrono::Duration,
    loaded: RwLock<Loaded>,
    /// One request re-reads at a time; the others use the set being replaced.
    refreshing: AtomicBool,
}

impl Revocations {
    /// An empty set, read from the database at the first check.
    pub fn new(refresh_every: Duration, token_lifetime: chrono::Duration) -> Revocations {
        Revocations {
            refresh_every,
            token_lifetime,
            loaded: RwLock::new(Loaded { valid_after: HashMap::new(), at: None }),
            refreshing: AtomicBool::new(false),
        }
    }

    /// Whether a token of `client_id` issued at `iat` (seconds since the epoch) is revoked.
    pub fn refuses(&self, client_id: &str, iat: i64) -> bool {
        let Ok(loaded) = self.loaded.read() else { return false };
        loaded.valid_after.get(client_id).is_some_and(|valid_after| iat < *valid_after)
    }

    /// Records a revocation made by this replica, so that it holds here at once.
    pub fn revoke(&self, client_id: &str, valid_after: DateTime<Utc>) {
        if let Ok(mut loaded) = self.loaded.write() {
            let entry = loaded.valid_after.entry(client_id.to_owned()).or_insert(i64::MIN);
            *entry = (*entry).max(valid_after.timestamp());
        }
    }

    /// Re-reads the revocations when they are older than the refresh period. A failed read
    /// keeps the previous set (and is logged): tokens are not all refused because the
    /// database is briefly unreachable.
    pub async fn keep_fresh(&self, store: &Store) {
        let stale = self.loaded.read().map(|loaded| loaded.at.is_none_or(|at| at.elapsed() >= self.refresh_every));
        if !stale.unwrap_or(true) || self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        // Released even when the request is dropped during the read.
        let _refreshing = Release(&self.refreshing);
        let since = plateforme_model::ids::now() - self.token_lifetime - MARGIN;
        let read = store.run(move |conn| clients::revoked_since(conn, since)).await;
        match read {
            Ok(revoked) => self.replace(revoked),
            Err(error) => tracing::error!(%error, "reading revoked tokens failed; keeping the previous set"),
        }
    }

    fn replace(&self, revoked: Vec<(String, DateTime<Utc>)>) {
        let valid_after = revoked.into_iter().map(|(client_id, after)| (client_id, after.timestamp())).collect();
        if let Ok(mut loaded) = self.loaded.write() {
            *loaded = Loaded { valid_after, at: Some(Instant::now()) };
        }
    }
}

struct Release<'a>(&'a AtomicBool);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revocations() -> Revocations {
        Revocations::new(Duration::from_secs(5), chrono::Duration::minutes(10))
    }

    #[test]
    fn a_token_issued_before_the_revocation_is_refused() {
        let revocations = revocations();
        let revoked_at = DateTime::from_timestamp(1_000, 0).expect("instant");
        revocations.revoke("cl_a", revoked_at);
        assert!(revocations.refuses("cl_a", 999));
        assert!(!revocations.refuses("cl_a", 1_000), "issued from the instant on");
        assert!(!revocations.refuses("cl_b", 999), "another client");
    }

    #[test]
    fn a_reload_replaces_the_set_and_an_older_revocation_does_not_win() {
        let revocations = revocations();
        let at = |seconds| DateTime::from_timestamp(seconds, 0).expect("instant");
        revocations.revoke("cl_a", at(2_000));
        revocations.revoke("cl_a", at(1_000));
        assert!(revocations.refuses("cl_a", 1_500), "the later revocation holds");
        revocations.replace(vec![("cl_b".into(), at(3_000))]);
        assert!(!revocations.refuses("cl_a", 1_500));
        assert!(revocations.refuses("cl_b", 2_999));
    }
}
