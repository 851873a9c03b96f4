//! Signed cursors: what a list hands out as `next_cursor` is its position (a key, an offset)
//! followed by an HMAC-SHA256 of it, in base64url. A cursor that does not carry a valid MAC
//! was not handed out by this deployment (forged, mangled, or issued before cursors were
//! signed) and is refused, never read as "the first page".
//!
//! The MAC key is process-wide: every replica derives the same one from the key-encryption
//! key they share ([`derive_key`]), and the server installs it once at start
//! ([`install_key`]). Without one installed (unit tests, tools), a fixed development key signs.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::StoreError;

type HmacSha256 = Hmac<Sha256>;

/// The length of the MAC at the end of a cursor.
const MAC_BYTES: usize = 32;

/// The label that separates the cursor key from every other use of the secret it derives from.
const KEY_LABEL: &[u8] = b"plateforme/cursor-mac/v1";

/// The key of a process where none was installed: not secret, like the development KEK.
const DEVELOPMENT_KEY: [u8; 32] = *b"plateforme-dev-cursor-not-secret";

static KEY: OnceLock<[u8; 32]> = OnceLock::new();

/// The cursor key derived from a secret every replica shares: HMAC-SHA256(secret, label), so
/// the cursor key reveals nothing of the secret and the secret's other uses are unaffected.
pub fn derive_key(secret: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(KEY_LABEL);
    mac.finalize().into_bytes().into()
}

/// Installs the process's cursor key; the first install wins (one server per process, and
/// test servers of one process then read each other's cursors). Answers whether this one did.
pub fn install_key(key: [u8; 32]) -> bool {
    KEY.set(key).is_ok()
}

fn key() -> &'static [u8; 32] {
    KEY.get().unwrap_or(&DEVELOPMENT_KEY)
}

fn mac_of(content: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key()).expect("HMAC takes a key of any length");
    mac.update(content);
    mac
}

/// The opaque cursor of a position.
pub fn seal(content: &str) -> String {
    let tag = mac_of(content.as_bytes()).finalize().into_bytes();
    let mut bytes = content.as_bytes().to_vec();
    bytes.extend_from_slice(&tag);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The position a cursor names, if this deployment handed it out: strict base64url without
/// padding, a valid MAC (compared in constant time), UTF-8 content.
pub fn open(cursor: &str) -> Result<String, StoreError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| StoreError::InvalidCursor)?;
    let split = bytes.len().checked_sub(MAC_BYTES).ok_or(StoreError::InvalidCursor)?;
    let (content, tag) = bytes.split_at(split);
    mac_of(content).verify_slice(tag).map_err(|_| StoreError::InvalidCursor)?;
    String::from_utf8(content.to_vec()).map_err(|_| StoreError::InvalidCursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_cursor_opens_to_its_content() {
        for content in ["k1:0190-abc", "o40", ""] {
            assert_eq!(open(&seal(content)).ok().as_deref(), Some(content));
        }
    }

    #[test]
    fn a_cursor_without_a_valid_mac_is_refused() {
        let forged_unsigned = URL_SAFE_NO_PAD.encode("k1:");
        let mut tampered = seal("o40").into_bytes();
        tampered[0] = if tampered[0] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        for bad in [forged_unsigned.as_str(), "o+5", "o5", "!!", "", "YWJj", tampered.as_str()] {
            assert!(matches!(open(bad), Err(StoreError::InvalidCursor)), "{bad}");
        }
    }

    #[test]
    fn garbage_around_a_valid_cursor_is_refused() {
        let valid = seal("o40");
        for bad in [format!("{valid}A"), format!("A{valid}"), format!(" {valid}"), format!("{valid}=")] {
            assert!(matches!(open(&bad), Err(StoreError::InvalidCursor)), "{bad}");
        }
    }

    #[test]
    fn a_cursor_signed_under_another_key_is_refused() {
        let other = derive_key(b"another deployment's key-encryption key");
        let mut mac = HmacSha256::new_from_slice(&other).expect("key");
        mac.update(b"o40");
        let mut bytes = b"o40".to_vec();
        bytes.extend_from_slice(&mac.finalize().into_bytes());
        assert!(open(&URL_SAFE_NO_PAD.encode(bytes)).is_err());
    }

    #[test]
    fn the_derived_key_depends_on_the_secret_and_is_not_it() {
        let a = derive_key(b"a secret of at least thirty-two bytes");
        assert_eq!(a, derive_key(b"a secret of at least thirty-two bytes"));
        assert_ne!(a, derive_key(b"another secret of thirty-two bytes"));
        assert_ne!(&a[..], &b"a secret of at least thirty-two b"[..32]);
    }
}
