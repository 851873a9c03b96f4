//! The key-encryption key (KEK): private signing keys and sensitive fields (the diagnostic's
//! social part, the disability recognition; see [`crate::sensitive`]) are sealed with it
//! (AES-256-GCM) before they reach the database, so that reading the tables is not enough to
//! mint a token or read them. Each use has its own key derived from the KEK secret (HMAC-SHA256
//! of the secret and the use's label), so one secret serves both and neither key reveals the
//! other. Each sealed value is stored beside the KEK's fingerprint, so that the KEK can rotate:
//! the current KEK seals, previous ones still open what they sealed until every value is
//! re-sealed under the current one (`plateforme keys rewrap`).
//!
//! The module lives in the store, below auth, because the store seals the sensitive fields
//! itself: one home for the primitive, which auth re-exports for the signing keys.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

/// The KEK of a development server that sets none, and of a store no server configured (tools,
/// tests): not secret, documented in docs/operations.md so that a database moved to production
/// can name it as a previous KEK.
pub const DEVELOPMENT_KEY_ENCRYPTION_KEY: &str = "plateforme-development-key-encryption-key-not-secret";

/// The shortest secret accepted as a KEK, in bytes (as for the NIR hash key).
pub const MIN_SECRET_BYTES: usize = 32;

/// Labels of the keys derived from a KEK secret: one seals signing keys, one seals sensitive
/// fields, one names the KEK.
const SEALING_LABEL: &[u8] = b"plateforme signing-key sealing v1";
const FIELD_SEALING_LABEL: &[u8] = b"plateforme sensitive-field sealing v1";
const FINGERPRINT_LABEL: &[u8] = b"plateforme key-encryption key fingerprint v1";

#[derive(Debug, thiserror::Error)]
pub enum KeyEncryptionError {
    #[error("a key-encryption key must be at least {MIN_SECRET_BYTES} bytes")]
    TooShort,
    /// The value was sealed under a KEK the configuration does not hold: the wrong KEK is set.
    /// `subject` names the value (`signing key …`, `diagnostic.social of …`).
    #[error(
        "{subject} is sealed under the key-encryption key {kek_id}, which is neither the current one \
         ({current}, PLATEFORME_KEY_ENCRYPTION_KEY) nor a previous one (PLATEFORME_PREVIOUS_KEY_ENCRYPTION_KEYS)"
    )]
    UnknownKek { subject: String, kek_id: String, current: String },
    /// The KEK is the right one but the sealed value does not open: it was altered or moved.
    #[error("{subject} does not open under its key-encryption key {kek_id}: the stored value was altered")]
    Altered { subject: String, kek_id: String },
    #[error("no random numbers for a nonce")]
    NoRandom,
}

/// What a sealed value is: each use seals under its own derived key.
#[derive(Debug, Clone, Copy)]
enum Use {
    SigningKey,
    Field,
}

/// One KEK, derived from its secret.
struct Kek {
    fingerprint: String,
    sealing: LessSafeKey,
    field_sealing: LessSafeKey,
}

impl Kek {
    fn derive(secret: &[u8]) -> Result<Kek, KeyEncryptionError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(KeyEncryptionError::TooShort);
        }
        let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
        let fingerprint = hmac::sign(&key, FINGERPRINT_LABEL);
        let fingerprint: String = fingerprint.as_ref()[..8].iter().map(|byte| format!("{byte:02x}")).collect();
        let derived = |label: &[u8]| {
            UnboundKey::new(&AES_256_GCM, hmac::sign(&key, label).as_ref())
                .map(LessSafeKey::new)
                .map_err(|_| KeyEncryptionError::TooShort)
        };
        Ok(Kek { fingerprint, sealing: derived(SEALING_LABEL)?, field_sealing: derived(FIELD_SEALING_LABEL)? })
    }

    fn key_for(&self, usage: Use) -> &LessSafeKey {
        match usage {
            Use::SigningKey => &self.sealing,
            Use::Field => &self.field_sealing,
        }
    }
}

/// A private key sealed under a KEK, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Base64 of the nonce followed by the ciphertext and its tag.
    pub private_key: String,
    /// The fingerprint of the KEK that sealed it.
    pub kek_id: String,
}

/// The current KEK, which seals, and the previous ones, which still open.
pub struct KeyEncryption {
    current: Kek,
    previous: Vec<Kek>,
    random: SystemRandom,
}

impl KeyEncryption {
    pub fn new(current: &[u8], previous: &[&[u8]]) -> Result<KeyEncryption, KeyEncryptionError> {
        let previous = previous.iter().map(|secret| Kek::derive(secret)).collect::<Result<_, _>>()?;
        Ok(KeyEncryption { current: Kek::derive(current)?, previous, random: SystemRandom::new() })
    }

    /// The fingerprint of the current KEK (what `kek_id` holds for the keys it sealed).
    pub fn current_id(&self) -> &str {
        &self.current.fingerprint
    }

    /// Seals a private key under the current KEK. The key's `kid` is the associated data: a
    /// sealed key copied onto another row does not open.
    pub fn seal(&self, kid: &str, private_key_pem: &str) -> Result<Sealed, KeyEncryptionError> {
        let private_key = self.seal_as(Use::SigningKey, kid.as_bytes(), private_key_pem.as_bytes())?;
        Ok(Sealed { private_key, kek_id: self.current.fingerprint.clone() })
    }

    /// Opens a private key sealed under the KEK `kek_id`, current or previous.
    pub fn open(&self, kid: &str, kek_id: &str, sealed: &str) -> Result<String, KeyEncryptionError> {
        let opened = self.open_as(Use::SigningKey, &format!("signing key {kid}"), kid.as_bytes(), kek_id, sealed)?;
        String::from_utf8(opened).map_err(|_| KeyEncryptionError::Altered {
            subject: format!("signing key {kid}"),
            kek_id: kek_id.to_owned(),
        })
    }

    /// Seals a sensitive field's bytes under the current KEK's field key, bound to `binding`
    /// (what the value belongs to: a copy elsewhere does not open). Answers the base64 of the
    /// nonce, ciphertext and tag; the KEK's fingerprint is [`KeyEncryption::current_id`].
    pub fn seal_field(&self, binding: &str, clear: &[u8]) -> Result<String, KeyEncryptionError> {
        self.seal_as(Use::Field, binding.as_bytes(), clear)
    }

    /// Opens a sensitive field sealed under the KEK `kek_id` and bound to `binding`.
    pub fn open_field(&self, binding: &str, kek_id: &str, sealed: &str) -> Result<Vec<u8>, KeyEncryptionError> {
        self.open_as(Use::Field, binding, binding.as_bytes(), kek_id, sealed)
    }

    /// Whether `kek_id` names the current KEK or a previous one.
    pub fn knows(&self, kek_id: &str) -> bool {
        self.kek(kek_id).is_some()
    }

    fn kek(&self, kek_id: &str) -> Option<&Kek> {
        std::iter::once(&self.current).chain(&self.previous).find(|kek| kek.fingerprint == kek_id)
    }

    fn seal_as(&self, usage: Use, binding: &[u8], clear: &[u8]) -> Result<String, KeyEncryptionError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.random.fill(&mut nonce).map_err(|_| KeyEncryptionError::NoRandom)?;
        let mut sealed = clear.to_vec();
        self.current
            .key_for(usage)
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(binding), &mut sealed)
            .map_err(|_| KeyEncryptionError::NoRandom)?;
        let mut stored = nonce.to_vec();
        stored.extend_from_slice(&sealed);
        Ok(STANDARD.encode(stored))
    }

    fn open_as(
        &self,
        usage: Use,
        subject: &str,
        binding: &[u8],
        kek_id: &str,
        sealed: &str,
    ) -> Result<Vec<u8>, KeyEncryptionError> {
        let kek = self.kek(kek_id).ok_or_else(|| KeyEncryptionError::UnknownKek {
            subject: subject.to_owned(),
            kek_id: kek_id.to_owned(),
            current: self.current.fingerprint.clone(),
        })?;
        let altered = || KeyEncryptionError::Altered { subject: subject.to_owned(), kek_id: kek_id.to_owned() };
        let mut bytes = STANDARD.decode(sealed).map_err(|_| altered())?;
        if bytes.len() < NONCE_LEN {
            return Err(altered());
        }
        let mut ciphertext = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| altered())?;
        let opened =
            kek.key_for(usage).open_in_place(nonce, Aad::from(binding), &mut ciphertext).map_err(|_| altered())?;
        Ok(opened.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: &[u8] = b"a first key-encryption key of 32+ bytes";
    const SECOND: &[u8] = b"a second key-encryption key of 32+ bytes";

    #[test]
    fn a_sealed_key_opens_under_its_kek_only() -> Result<(), KeyEncryptionError> {
        let first = KeyEncryption::new(FIRST, &[])?;
        let sealed = first.seal("kid-1", "-----BEGIN PRIVATE KEY-----")?;
        assert!(!sealed.private_key.contains("PRIVATE KEY"));
        assert_eq!(first.open("kid-1", &sealed.kek_id, &sealed.private_key)?, "-----BEGIN PRIVATE KEY-----");
        assert_ne!(first.seal("kid-1", "-----BEGIN PRIVATE KEY-----")?, sealed, "a fresh nonce each time");

        let rotated = KeyEncryption::new(SECOND, &[FIRST])?;
        assert_ne!(rotated.current_id(), first.current_id());
        assert_eq!(rotated.open("kid-1", &sealed.kek_id, &sealed.private_key)?, "-----BEGIN PRIVATE KEY-----");
        let wrong = KeyEncryption::new(SECOND, &[])?;
        let unknown = wrong.open("kid-1", &sealed.kek_id, &sealed.private_key);
        assert!(matches!(unknown, Err(KeyEncryptionError::UnknownKek { .. })));
        Ok(())
    }

    #[test]
    fn a_field_opens_bound_to_its_place_and_not_as_a_signing_key() -> Result<(), KeyEncryptionError> {
        let encryption = KeyEncryption::new(FIRST, &[])?;
        let sealed = encryption.seal_field("diagnostic.social of p1", b"{\"housing\":{}}")?;
        let kek = encryption.current_id();
        assert_eq!(encryption.open_field("diagnostic.social of p1", kek, &sealed)?, b"{\"housing\":{}}");
        let moved = encryption.open_field("diagnostic.social of p2", kek, &sealed);
        assert!(matches!(moved, Err(KeyEncryptionError::Altered { .. })));
        let as_key = encryption.open("diagnostic.social of p1", kek, &sealed);
        assert!(matches!(as_key, Err(KeyEncryptionError::Altered { .. })), "each use has its own key");
        Ok(())
    }

    #[test]
    fn a_sealed_key_moved_or_altered_does_not_open() -> Result<(), KeyEncryptionError> {
        let encryption = KeyEncryption::new(FIRST, &[])?;
        let sealed = encryption.seal("kid-1", "pem")?;
        let moved = encryption.open("kid-2", &sealed.kek_id, &sealed.private_key);
        assert!(matches!(moved, Err(KeyEncryptionError::Altered { .. })));
        let mut bytes = STANDARD.decode(&sealed.private_key).map_err(|_| KeyEncryptionError::NoRandom)?;
        bytes[NONCE_LEN] ^= 1;
        let altered = encryption.open("kid-1", &sealed.kek_id, &STANDARD.encode(bytes));
        assert!(matches!(altered, Err(KeyEncryptionError::Altered { .. })));
        assert!(matches!(KeyEncryption::new(b"short", &[]), Err(KeyEncryptionError::TooShort)));
        Ok(())
    }
}
