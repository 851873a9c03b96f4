//! Client secrets: random, shown once, stored as argon2 hashes.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{OsRng, RngCore};

/// A new secret: 32 random bytes, base64url.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The argon2id hash of a secret, as a PHC string. Slow on purpose: call it off the async
/// threads.
pub fn hash(secret: &str) -> Result<String, String> {
    Argon2::default().hash_password(secret.as_bytes()).map(|hash| hash.to_string()).map_err(|error| error.to_string())
}

/// Whether `secret` matches the stored hash. A malformed hash matches nothing.
pub fn verify(secret: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|hash| Argon2::default().verify_password(secret.as_bytes(), &hash).is_ok())
}

/// A hash of a random secret, to verify against when the client does not exist, so that an
/// unknown client and a wrong secret take the same time.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&generate()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_verifies_against_its_hash_only() {
        let secret = generate();
        let stored = hash(&secret).expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(&secret, &stored));
        assert!(!verify("wrong", &stored));
        assert!(!verify(&secret, "not a hash"));
    }
}
