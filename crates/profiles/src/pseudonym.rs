//! The pseudonymous id a recruiter organization sees for a profile: the person's id (16 bytes,
//! one AES block) enciphered with AES-256 under a key of that organization, derived from a
//! server key (HMAC-SHA256 of the organization's id). So it is stable for one organization
//! across searches, differs for every other organization (two recruiters cannot correlate what
//! they saw), and leads back to no one without the server's key; the server alone turns it back
//! into the person it stands for when the recruiter addresses a contact request to it, and only
//! under the recruiter's own key: another organization's pseudonym leads nowhere.

use aes::Aes256;
use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// The label that separates the pseudonyms' key from the other uses of its secret.
const KEY_LABEL: &[u8] = b"plateforme/profile-pseudonym/v1";

/// What every pseudonym starts with.
const PREFIX: &str = "pf_";

/// The server key of the pseudonyms, derived from a secret every replica shares.
pub struct PseudonymKey([u8; 32]);

impl PseudonymKey {
    /// HMAC-SHA256(secret, label): the secret's other uses (the NIR's keyed hash) are unaffected
    /// and this key reveals nothing of it.
    pub fn derived_from(secret: &[u8]) -> PseudonymKey {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(secret).expect("HMAC takes a key of any length");
        mac.update(KEY_LABEL);
        PseudonymKey(mac.finalize().into_bytes().into())
    }

    /// The pseudonym of this person's profile for this organization: `pf_` and 32 hex digits.
    pub fn pseudonym(&self, person_id: Uuid, organization_id: Uuid) -> String {
        self.of_organization(organization_id).pseudonym(person_id)
    }

    /// The pseudonyms of one organization, its key derived once: an answer that shows many
    /// profiles to the same organization derives it once, not once per profile.
    pub fn of_organization(&self, organization_id: Uuid) -> OrganizationPseudonyms {
        OrganizationPseudonyms(self.cipher_of(organization_id))
    }

    /// The person a pseudonym of this organization stands for; `None` when it is not a
    /// pseudonym's form. Any well-formed text leads to some id, which names no one unless the
    /// server gave it to this organization.
    pub fn person_of(&self, pseudonym: &str, organization_id: Uuid) -> Option<Uuid> {
        let hex = pseudonym.strip_prefix(PREFIX)?;
        if hex.len() != 32 || !hex.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let bytes: Vec<u8> = (0..16)
            .map(|index| u8::from_str_radix(&hex[2 * index..2 * index + 2], 16))
            .collect::<Result<_, _>>()
            .ok()?;
        let mut block = GenericArray::clone_from_slice(&bytes);
        self.cipher_of(organization_id).decrypt_block(&mut block);
        Some(Uuid::from_bytes(block.into()))
    }

    /// The organization's own key: HMAC-SHA256 of its id under the server key.
    fn cipher_of(&self, organization_id: Uuid) -> Aes256 {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(organization_id.as_bytes());
        Aes256::new(&mac.finalize().into_bytes())
    }
}

/// One organization's key of the pseudonyms (see [`PseudonymKey::of_organization`]).
pub struct OrganizationPseudonyms(Aes256);

impl OrganizationPseudonyms {
    /// The pseudonym of this person's profile for the organization: `pf_` and 32 hex digits.
    pub fn pseudonym(&self, person_id: Uuid) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut block = GenericArray::clone_from_slice(person_id.as_bytes());
        self.0.encrypt_block(&mut block);
        let mut pseudonym = String::with_capacity(PREFIX.len() + 32);
        pseudonym.push_str(PREFIX);
        for byte in block {
            pseudonym.push(char::from(DIGITS[usize::from(byte >> 4)]));
            pseudonym.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
        }
        pseudonym
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
        assert_eq!(key.of_organization(one).pseudonym(person), key.pseudonym(person, one));
    }

    #[test]
    fn the_hex_digits_are_the_enciphered_block() {
        // AES-256 under the organization's key, written out as lowercase hex, byte by byte.
        let key = PseudonymKey::derived_from(b"secret");
        let (person, organization) = (Uuid::from_u128(0x0123_4567_89ab_cdef), Uuid::from_u128(7));
        let mut block = GenericArray::clone_from_slice(person.as_bytes());
        key.cipher_of(organization).encrypt_block(&mut block);
        let expected: String = block.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(key.pseudonym(person, organization), format!("pf_{expected}"));
    }

    #[test]
    fn only_the_organization_it_was_given_to_leads_back_to_the_person() {
        let key = PseudonymKey::derived_from(b"secret");
        let (person, one, other) = (Uuid::now_v7(), Uuid::from_u128(2), Uuid::from_u128(3));
        let pseudonym = key.pseudonym(person, one);
        assert_eq!(key.person_of(&pseudonym, one), Some(person));
        assert_ne!(key.person_of(&pseudonym, other), Some(person));
        for malformed in
            ["", "pf_", "pf_00", "xx_00000000000000000000000000000000", "pf_0000000000000000000000000000000G"]
        {
            assert_eq!(key.person_of(malformed, one), None, "{malformed}");
        }
        assert_eq!(key.person_of(&pseudonym.to_uppercase().replace("PF_", "pf_"), one), None, "lowercase only");
    }
}
