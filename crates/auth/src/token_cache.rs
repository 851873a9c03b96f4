//! Tokens already verified, until they expire. Checking an ES256 signature costs about a third
//! of a millisecond of CPU, more than the rest of a simple read: a partner's system sends the
//! same token with every request for its whole lifetime (10 minutes by default), so the
//! signature is checked once per token and process.
//!
//! The cache is keyed by the token's SHA-256 digest (the token itself is not kept) and holds
//! what verification answered, with the token's expiry; an entry is never used past it. What
//! this changes: a token stays accepted until its expiry even if its signing key is retired
//! meanwhile. A revoked client's token is not: the revocations are checked after this cache,
//! on every request (see `revocations`).

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::tokens::Verified;

/// Entries kept at most: well above the tokens alive at once (one per client and lifetime).
const CAPACITY: usize = 100_000;

#[derive(Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<[u8; 32], (Verified, i64)>>,
}

impl TokenCache {
    /// What verifying `token` answered, if it did so before and the token has not expired.
    pub fn get(&self, token: &str, now: i64) -> Option<Verified> {
        let key = digest(token);
        let entries = self.entries.lock().ok()?;
        entries.get(&key).filter(|(_, expires)| *expires > now).map(|(verified, _)| verified.clone())
    }

    /// Remembers a verified token until `expires` (seconds since the epoch).
    pub fn insert(&self, token: &str, verified: Verified, expires: i64, now: i64) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, expires)| *expires > now);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(digest(token), (verified, expires));
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::PersonClaims;

    fn verified() -> Verified {
        Verified::Person(PersonClaims {
            iss: "i".into(),
            sub: "person:x".into(),
            aud: "a".into(),
            exp: 200,
            iat: 100,
            jti: "j".into(),
            scope: "me".into(),
            person_id: uuid::Uuid::nil(),
        })
    }

    #[test]
    fn an_entry_lives_until_the_token_expires() {
        let cache = TokenCache::default();
        cache.insert("token", verified(), 200, 100);
        assert_eq!(cache.get("token", 150), Some(verified()));
        assert_eq!(cache.get("token", 200), None, "expired");
        assert_eq!(cache.get("other", 150), None);
    }
}
