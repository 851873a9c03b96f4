//! The keys that sign access tokens: ES256 (P-256), created on first start and kept in the
//! database so that every replica signs and verifies with the same keys. The newest key
//! signs; rotated keys stay published until the tokens they signed have expired, then are
//! deleted. Private keys are stored sealed under the key-encryption key
//! ([`crate::key_encryption`]): the database alone cannot mint a token.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{DecodingKey, EncodingKey};
use p256::ecdsa::SigningKey;
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use plateforme_store::access::signing_keys::{self, SigningKeyRecord};
use plateforme_store::{DbConnection, Store, StoreError};
use rand_core::OsRng;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::key_encryption::{KeyEncryption, KeyEncryptionError};

pub const ALGORITHM: &str = "ES256";
/// How often a replica re-reads the keys, to pick up a rotation made elsewhere.
const REFRESH_EVERY: Duration = Duration::from_secs(60);
/// An unknown `kid` triggers a re-read, at most this often.
const UNKNOWN_KID_REFRESH_EVERY: Duration = Duration::from_secs(5);

/// A new key pair as stored, its private key sealed under the current KEK.
pub fn generate(encryption: &KeyEncryption) -> Result<SigningKeyRecord, StoreError> {
    let key = SigningKey::random(&mut OsRng);
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|error| StoreError::Config(format!("key encoding: {error}")))?;
    let point = key.verifying_key().to_encoded_point(false);
    let (Some(x), Some(y)) = (point.x(), point.y()) else {
        return Err(StoreError::Config("key encoding: no affine coordinates".into()));
    };
    let (x, y) = (URL_SAFE_NO_PAD.encode(x), URL_SAFE_NO_PAD.encode(y));
    let kid = thumbprint(&x, &y);
    let jwk = json!({"kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "alg": ALGORITHM, "use": "sig"});
    let sealed = encryption.seal(&kid, &pem).map_err(store_error)?;
    Ok(SigningKeyRecord {
        kid,
        algorithm: ALGORITHM.into(),
        private_key: sealed.private_key,
        kek_id: Some(sealed.kek_id),
        public_jwk: jwk.to_string(),
        created_at: plateforme_model::ids::now(),
        retired_at: None,
    })
}

/// The JWK thumbprint (RFC 7638), used as `kid`.
fn thumbprint(x: &str, y: &str) -> String {
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// The KEK's refusals as the store's errors: a KEK that is not the one of the stored keys is a
/// configuration error (the start stops, naming it); a key that does not open was altered.
fn store_error(error: KeyEncryptionError) -> StoreError {
    match error {
        KeyEncryptionError::Altered { .. } => StoreError::Corrupt(error.to_string()),
        _ => StoreError::Config(error.to_string()),
    }
}

/// The private key of a stored record, opened (or as it is, in a row from before sealing).
pub fn open_private_key(encryption: &KeyEncryption, record: &SigningKeyRecord) -> Result<String, StoreError> {
    match &record.kek_id {
        Some(kek_id) => encryption.open(&record.kid, kek_id, &record.private_key).map_err(store_error),
        None => Ok(record.private_key.clone()),
    }
}

/// Makes sure one key is active; returns whether one was created.
pub fn ensure_active_key(conn: &mut DbConnection, encryption: &KeyEncryption) -> Result<bool, StoreError> {
    plateforme_store::write::transaction(conn, |conn| {
        if signing_keys::count_active(conn)? > 0 {
            return Ok(false);
        }
        signing_keys::insert(conn, &generate(encryption)?)?;
        Ok(true)
    })
}

/// Creates a new key that signs from now on; returns its `kid`.
pub fn rotate(conn: &mut DbConnection, encryption: &KeyEncryption) -> Result<String, StoreError> {
    let key = generate(encryption)?;
    plateforme_store::write::transaction(conn, |conn| signing_keys::rotate_to(conn, &key))?;
    Ok(key.kid)
}

/// Which stored keys [`reseal`] seals anew under the current KEK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reseal {
    /// Only the keys in clear (rows from before sealing): what every start does.
    ClearOnly,
    /// Every key not sealed under the current KEK: `plateforme keys rewrap`, after a KEK change.
    NotUnderCurrent,
}

/// Opens every stored key first (so that a wrong KEK stops here, before anything is written or
/// created), then seals anew those `which` names; returns how many were sealed.
pub fn reseal(conn: &mut DbConnection, encryption: &KeyEncryption, which: Reseal) -> Result<usize, StoreError> {
    plateforme_store::write::transaction(conn, |conn| {
        let mut resealed = 0;
        for record in signing_keys::all(conn)? {
            let pem = open_private_key(encryption, &record)?;
            let due = match which {
                Reseal::ClearOnly => record.kek_id.is_none(),
                Reseal::NotUnderCurrent => record.kek_id.as_deref() != Some(encryption.current_id()),
            };
            if due {
                let sealed = encryption.seal(&record.kid, &pem).map_err(store_error)?;
                signing_keys::replace_private_key(conn, &record.kid, &sealed.private_key, Some(&sealed.kek_id))?;
                resealed += 1;
            }
        }
        Ok(resealed)
    })
}

/// The moment before which a retired key can have signed no token still valid: a token
/// lifetime, plus a minute of clock skew, before now.
fn retired_keys_expire_before(token_lifetime: chrono::Duration) -> chrono::DateTime<chrono::Utc> {
    plateforme_model::ids::now() - token_lifetime - chrono::Duration::minutes(1)
}

struct Loaded {
    signing: Option<(String, EncodingKey)>,
    verifying: HashMap<String, DecodingKey>,
    jwks: Value,
    at: Instant,
}

/// The keys in memory, re-read from the database now and then.
pub struct KeyRing {
    store: Store,
    token_lifetime: chrono::Duration,
    encryption: Arc<KeyEncryption>,
    loaded: RwLock<Loaded>,
}

impl KeyRing {
    /// Loads the keys: deletes the retired keys whose tokens have all expired (first, so that a
    /// KEK dropped since cannot be needed for them), fails when a stored key does not open under
    /// the configured KEKs (never replacing it with a new one), seals the keys still in clear
    /// and creates the first key when the database has none.
    pub fn open(
        store: Store,
        token_lifetime: chrono::Duration,
        encryption: Arc<KeyEncryption>,
    ) -> Result<KeyRing, StoreError> {
        delete_expired(&store, token_lifetime)?;
        let sealed = store.run_blocking(|conn| reseal(conn, &encryption, Reseal::ClearOnly))?;
        if sealed > 0 {
            tracing::info!(sealed, kek = encryption.current_id(), "signing keys stored in clear are now sealed");
        }
        store.run_blocking(|conn| ensure_active_key(conn, &encryption))?;
        let loaded = load(&store, token_lifetime, &encryption)?;
        Ok(KeyRing { store, token_lifetime, encryption, loaded: RwLock::new(loaded) })
    }

    /// The KEKs, to seal a new key (a rotation).
    pub fn encryption(&self) -> Arc<KeyEncryption> {
        self.encryption.clone()
    }

    /// The key that signs now, with its `kid`.
    pub fn signing_key(&self) -> Option<(String, EncodingKey)> {
        self.refresh_if_older_than(REFRESH_EVERY);
        self.loaded.read().ok().and_then(|loaded| loaded.signing.clone())
    }

    /// The published key with this `kid`, re-reading the keys once if it is unknown.
    pub fn verifying_key(&self, kid: &str) -> Option<DecodingKey> {
        let found = self.loaded.read().ok().and_then(|loaded| loaded.verifying.get(kid).cloned());
        if found.is_some() {
            return found;
        }
        self.refresh_if_older_than(UNKNOWN_KID_REFRESH_EVERY);
        self.loaded.read().ok().and_then(|loaded| loaded.verifying.get(kid).cloned())
    }

    /// The JWK Set to publish.
    pub fn jwks(&self) -> Value {
        self.refresh_if_older_than(REFRESH_EVERY);
        self.loaded.read().map(|loaded| loaded.jwks.clone()).unwrap_or_else(|_| json!({"keys": []}))
    }

    /// Re-reads the keys now (after a rotation in this process).
    pub fn refresh(&self) {
        match load(&self.store, self.token_lifetime, &self.encryption) {
            Ok(loaded) => {
                if let Ok(mut current) = self.loaded.write() {
                    *current = loaded;
                }
            }
            Err(error) => tracing::error!(%error, "reloading signing keys failed; keeping the previous ones"),
        }
    }

    fn refresh_if_older_than(&self, age: Duration) {
        let stale = self.loaded.read().map(|loaded| loaded.at.elapsed() > age).unwrap_or(true);
        if stale {
            self.refresh();
        }
    }
}

/// Deletes the retired keys no valid token can have been signed by; returns the moment before
/// which a retirement makes a key expired.
fn delete_expired(
    store: &Store,
    token_lifetime: chrono::Duration,
) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    let before = retired_keys_expire_before(token_lifetime);
    let deleted = store.run_blocking(|conn| signing_keys::delete_retired_before(conn, before))?;
    if deleted > 0 {
        tracing::info!(deleted, "retired signing keys deleted: every token they signed has expired");
    }
    Ok(before)
}

/// Reads the published keys. A retired key stays published for a token lifetime (plus a
/// minute of clock skew) after its retirement, then is deleted: no token it signed is valid.
fn load(store: &Store, token_lifetime: chrono::Duration, encryption: &KeyEncryption) -> Result<Loaded, StoreError> {
    let since = delete_expired(store, token_lifetime)?;
    let records = store.run_blocking(|conn| signing_keys::published(conn, since))?;
    let mut verifying = HashMap::new();
    let mut jwks = Vec::new();
    let mut signing = None;
    for record in &records {
        let jwk: Value = serde_json::from_str(&record.public_jwk).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (Some(x), Some(y)) = (jwk["x"].as_str(), jwk["y"].as_str()) else {
            return Err(StoreError::Corrupt(format!("signing key {} has no coordinates", record.kid)));
        };
        let decoding = DecodingKey::from_ec_components(x, y).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        verifying.insert(record.kid.clone(), decoding);
        jwks.push(jwk);
        if signing.is_none() && record.retired_at.is_none() {
            let pem = open_private_key(encryption, record)?;
            let encoding = EncodingKey::from_ec_pem(pem.as_bytes()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            signing = Some((record.kid.clone(), encoding));
        }
    }
    Ok(Loaded { signing, verifying, jwks: json!({"keys": jwks}), at: Instant::now() })
}
