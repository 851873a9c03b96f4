//! The pseudonymous id a recruiter organization sees for a profile: a keyed hash of the person's
//! id and the organization's id (HMAC-SHA256 under a server key), so it is stable for one
//! organization across searches, differs for every other organization (two recruiters cannot
//! correlate what they saw), and leads back to no one without the server's key.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// The label that separates the pseudonyms' key from the other uses of its secret.
const KEY_LABEL: &[u8] = b"plateforme/profile-pseudonym/v1";

/// The server key of the pseudonyms, derived from a secret every replica shares.
pub struct PseudonymKey([u8; 32]);

impl PseudonymKey {
    /// HMAC-SHA256(secret, label): the secret's other uses (the NIR's keyed hash) are unaffected
    /// and this key reveals nothing of it.
    pub fn derived_from(secret: &[u8]) -> PseudonymKey {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes a key of any length");
        mac.update(KEY_LABEL);
        PseudonymKey(mac.finalize().into_bytes().into())
    }

    /// The pseudonym of this person's profile for this organization: `pf_` and 32 hex digits.
    pub fn pseudonym(&self, person_id: Uuid, organization_id: Uuid) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(person_id.as_bytes());
        mac.update(organization_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        let hex: String = digest[..16].iter().map(|byte| format!("{byte:02x}")).collect();
        format!("pf_{hex}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_for_one_organization_distinct_between_two() {
        let key = PseudonymKey::derived_from(b"secret");
        let (person, one, other) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        assert_eq!(key.pseudonym(person, one), key.pseudonym(person, one));
        assert_ne!(key.pseudonym(person, one), key.pseudonym(person, other));
        assert_ne!(key.pseudonym(person, one), PseudonymKey::derived_from(b"other").pseudonym(person, one));
        assert_eq!(key.pseudonym(person, one).len(), 35);
    }
}
