//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): each delivery carries
//! `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
//! "id.timestamp.body">`, one `v1,` signature per secret in force, space-separated (two during a
//! secret rotation). A secret is `whsec_` then the base64 of its key bytes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;

const PREFIX: &str = "whsec_";

/// Bytes of a new secret's key: 24, as the specification's examples.
const KEY_BYTES: usize = 24;

/// A new secret, `whsec_…`.
pub fn new_secret() -> String {
    let mut key = [0u8; KEY_BYTES];
    OsRng.fill_bytes(&mut key);
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// The key of a `whsec_…` secret; `None` when it is not one.
fn key(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix(PREFIX)?).ok()
}

/// The `v1,<base64>` signature of the message with one secret; `None` when the secret is not a
/// `whsec_…` one.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key(secret)?).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

/// The `webhook-signature` header: the signatures of every secret in force, space-separated.
pub fn header(secrets: &[String], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets.iter().filter_map(|secret| sign(secret, id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's published test vector.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1_614_265_330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;

    #[test]
    fn the_published_test_vector_signs_as_specified() {
        assert_eq!(
            sign(SECRET, ID, TIMESTAMP, BODY).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn two_secrets_sign_twice_and_a_changed_message_signs_otherwise() {
        let other = new_secret();
        let both = header(&[SECRET.to_owned(), other.clone()], ID, TIMESTAMP, BODY);
        let parts: Vec<&str> = both.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(Some(parts[0].to_owned()), sign(SECRET, ID, TIMESTAMP, BODY));
        assert_eq!(Some(parts[1].to_owned()), sign(&other, ID, TIMESTAMP, BODY));
        assert_ne!(sign(SECRET, ID, TIMESTAMP + 1, BODY), sign(SECRET, ID, TIMESTAMP, BODY));
        assert_eq!(sign("not a secret", ID, TIMESTAMP, BODY), None);
        assert!(new_secret().starts_with("whsec_") && new_secret() != new_secret());
    }
}
