//! The external issuer's JWK Set: fetched over HTTP, kept for `jwks_cache_secs`, and fetched
//! again early when a token names a key it does not hold (the issuer rotated its keys).
//!
//! Fetches are throttled so that the issuer is never hammered: a flood of tokens with made-up
//! `kid`s triggers at most one fetch per [`MIN_REFETCH`], and so does an issuer that is down.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde::Deserialize;
use serde_json::Value;

/// At most one fetch in this interval for a given reason (see [`Reason`]).
pub(super) const MIN_REFETCH: Duration = Duration::from_secs(10);
/// A JWKS endpoint that does not answer within this is treated as down.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Far more than any real JWK Set; a bigger answer is a misconfigured URL, not keys.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A verification key from the set, with the algorithms it may verify.
#[derive(Clone)]
pub(super) struct PublishedKey {
    pub key: DecodingKey,
    /// Its family's algorithms, narrowed by the JWK's curve and `alg` when it has them: a
    /// token may not pick an algorithm its key was not published for.
    pub algorithms: Vec<Algorithm>,
}

/// Why a key could not be found.
#[derive(Debug)]
pub(super) enum KeyError {
    /// The set was fetched and does not hold the key.
    Unknown,
    /// The set could not be fetched (and the key is not in the copy held, if any).
    Unavailable(String),
}

/// Why a fetch is wanted; each reason has its own throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    /// No copy of the set yet, or the copy is older than the cache lifetime.
    Refresh,
    /// The copy is fresh but does not hold the token's key: the issuer may have rotated.
    UnknownKid,
}

#[derive(Default)]
struct Cached {
    keys: HashMap<String, PublishedKey>,
    /// The last successful fetch.
    fetched_at: Option<Instant>,
    /// The last fetch started for [`Reason::Refresh`], successful or not.
    attempted_at: Option<Instant>,
    /// The last fetch started for [`Reason::UnknownKid`].
    unknown_kid_at: Option<Instant>,
    /// Why the last fetch failed, cleared by a successful one.
    last_error: Option<String>,
}

pub(super) struct Jwks {
    url: String,
    /// Built once; building fails only when the TLS backend cannot start, which every fetch
    /// then reports.
    client: Result<reqwest::Client, String>,
    max_age: Duration,
    /// A std lock: it is never held across an await.
    cached: RwLock<Cached>,
    /// Serializes fetches, so that concurrent requests for a new key wait for one fetch
    /// rather than each starting their own.
    fetching: tokio::sync::Mutex<()>,
}

impl Jwks {
    pub fn new(url: String, max_age: Duration) -> Jwks {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .build()
            .map_err(|error| format!("the HTTP client could not be built: {}", chain(&error)));
        Jwks { url, client, max_age, cached: RwLock::new(Cached::default()), fetching: tokio::sync::Mutex::new(()) }
    }

    /// The key with this `kid`, fetching the set when it is missing, stale, or does not hold
    /// the key (each at most once per [`MIN_REFETCH`]).
    pub async fn key(&self, kid: &str) -> Result<PublishedKey, KeyError> {
        let (held, fresh) = self.held(kid);
        if let Some(key) = held {
            if fresh {
                return Ok(key);
            }
            // Stale but known: one request refreshes while the others go on with the key held;
            // a failed refresh keeps the copy held rather than refusing every token.
            let Ok(_guard) = self.fetching.try_lock() else { return Ok(key) };
            if self.claim(Reason::Refresh) {
                let _ = self.fetch().await;
            }
            // After a successful fetch, a key the issuer no longer publishes is refused.
            return self.held(kid).0.ok_or(KeyError::Unknown);
        }
        let _guard = self.fetching.lock().await;
        // Another request may have fetched the key while this one waited.
        let (held, fresh) = self.held(kid);
        if let Some(key) = held {
            return Ok(key);
        }
        let reason = if fresh { Reason::UnknownKid } else { Reason::Refresh };
        if self.claim(reason) {
            let _ = self.fetch().await;
        }
        if let Some(key) = self.held(kid).0 {
            return Ok(key);
        }
        match self.cached.read().ok().and_then(|cached| cached.last_error.clone()) {
            Some(error) => Err(KeyError::Unavailable(error)),
            None => Err(KeyError::Unknown),
        }
    }

    /// The key held for `kid`, and whether the copy of the set is fresh.
    fn held(&self, kid: &str) -> (Option<PublishedKey>, bool) {
        match self.cached.read() {
            Ok(cached) => {
                let fresh = cached.fetched_at.is_some_and(|at| at.elapsed() < self.max_age);
                (cached.keys.get(kid).cloned(), fresh)
            }
            Err(_) => (None, false),
        }
    }

    /// Whether a fetch for `reason` may start now; if so, records that it starts.
    fn claim(&self, reason: Reason) -> bool {
        let Ok(mut cached) = self.cached.write() else { return false };
        let last = match reason {
            Reason::Refresh => &mut cached.attempted_at,
            Reason::UnknownKid => &mut cached.unknown_kid_at,
        };
        if last.is_some_and(|at| at.elapsed() < MIN_REFETCH) {
            tracing::debug!(?reason, "not fetching the external issuer's JWK Set again so soon");
            return false;
        }
        *last = Some(Instant::now());
        true
    }

    /// Fetches the set and replaces the copy held; on failure keeps the copy and logs why.
    async fn fetch(&self) -> Result<(), String> {
        let outcome = self.download().await;
        let Ok(mut cached) = self.cached.write() else { return Err("the JWK Set cache is poisoned".into()) };
        match outcome {
            Ok(keys) => {
                tracing::info!(url = %self.url, keys = keys.len(), "fetched the external issuer's JWK Set");
                cached.keys = keys;
                cached.fetched_at = Some(Instant::now());
                cached.last_error = None;
                Ok(())
            }
            Err(error) => {
                tracing::warn!(url = %self.url, %error, "fetching the external issuer's JWK Set failed");
                cached.last_error = Some(error.clone());
                Err(error)
            }
        }
    }

    async fn download(&self) -> Result<HashMap<String, PublishedKey>, String> {
        let client = self.client.as_ref().map_err(Clone::clone)?;
        let mut response = client
            .get(&self.url)
            .header(reqwest::header::ACCEPT, "application/jwk-set+json, application/json")
            .send()
            .await
            .map_err(|error| format!("{} did not answer: {}", self.url, chain(&error)))?;
        if !response.status().is_success() {
            return Err(format!("{} answered {}", self.url, response.status()));
        }
        let too_big = || format!("{} answered more than {MAX_BODY_BYTES} bytes", self.url);
        if response.content_length().is_some_and(|length| length > MAX_BODY_BYTES as u64) {
            return Err(too_big());
        }
        let mut body = Vec::new();
        while let Some(chunk) =
            response.chunk().await.map_err(|error| format!("reading {}: {}", self.url, chain(&error)))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BODY_BYTES {
                return Err(too_big());
            }
        }
        parse(&body).map_err(|error| format!("{}: {error}", self.url))
    }
}

/// The usable keys of a JWK Set document. Keys that cannot verify tokens (no `kid`, meant for
/// encryption, symmetric, of an unsupported type) are skipped, not fatal: an issuer may
/// publish keys for other uses beside its signing keys.
pub(super) fn parse(body: &[u8]) -> Result<HashMap<String, PublishedKey>, String> {
    #[derive(Deserialize)]
    struct Set {
        keys: Vec<Value>,
    }
    let set: Set = serde_json::from_slice(body).map_err(|error| format!("not a JWK Set: {error}"))?;
    let mut keys = HashMap::new();
    for value in set.keys {
        match usable(value) {
            Ok((kid, key)) => {
                keys.insert(kid, key);
            }
            Err(reason) => tracing::debug!(%reason, "skipping a key of the external issuer's JWK Set"),
        }
    }
    Ok(keys)
}

fn usable(value: Value) -> Result<(String, PublishedKey), String> {
    let jwk: Jwk = serde_json::from_value(value).map_err(|error| format!("not a JWK: {error}"))?;
    let kid = jwk.common.key_id.clone().ok_or("no kid")?;
    if jwk.common.public_key_use.as_ref().is_some_and(|usage| *usage != PublicKeyUse::Signature) {
        return Err(format!("{kid}: not a signature key"));
    }
    let mut algorithms = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(params) => match params.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            _ => return Err(format!("{kid}: unsupported curve")),
        },
        AlgorithmParameters::RSA(_) => AlgorithmFamily::Rsa.algorithms().to_vec(),
        AlgorithmParameters::OctetKeyPair(params) if params.curve == EllipticCurve::Ed25519 => vec![Algorithm::EdDSA],
        // A symmetric key in a public set would let anyone who read it forge tokens.
        AlgorithmParameters::OctetKey(_) => return Err(format!("{kid}: symmetric keys are not accepted")),
        _ => return Err(format!("{kid}: unsupported key type")),
    };
    if let Some(declared) = jwk.common.key_algorithm {
        let declared = Algorithm::try_from(declared).map_err(|_| format!("{kid}: unsupported alg {declared}"))?;
        if !algorithms.contains(&declared) {
            return Err(format!("{kid}: alg {declared:?} does not fit the key type"));
        }
        algorithms = vec![declared];
    }
    let key = DecodingKey::from_jwk(&jwk).map_err(|error| format!("{kid}: {error}"))?;
    Ok((kid, PublishedKey { key, algorithms }))
}

/// An error with its causes: reqwest's own message hides why a connection failed.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // A P-256 public point (the example key of RFC 7515 appendix A.3).
    const X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    const Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

    #[test]
    fn signature_keys_are_kept_and_others_skipped() {
        let body = json!({"keys": [
            {"kty": "EC", "crv": "P-256", "x": X, "y": Y, "kid": "ec", "use": "sig"},
            {"kty": "EC", "crv": "P-256", "x": X, "y": Y, "kid": "declared", "alg": "ES256"},
            {"kty": "EC", "crv": "P-256", "x": X, "y": Y, "kid": "enc", "use": "enc"},
            {"kty": "EC", "crv": "P-256", "x": X, "y": Y},
            {"kty": "EC", "crv": "P-256", "x": X, "y": Y, "kid": "wrong-alg", "alg": "RS256"},
            {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
            {"kty": "XYZ", "kid": "strange"},
        ]});
        let keys = parse(body.to_string().as_bytes()).expect("a JWK Set");
        let mut kids: Vec<&str> = keys.keys().map(String::as_str).collect();
        kids.sort_unstable();
        assert_eq!(kids, ["declared", "ec"]);
        assert_eq!(keys["ec"].algorithms, [Algorithm::ES256]);
    }

    #[test]
    fn a_document_without_keys_is_an_error() {
        assert!(parse(b"{\"issuer\": \"x\"}").is_err());
        assert!(parse(b"<html>").is_err());
    }
}
