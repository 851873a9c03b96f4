//! The de-duplication rule: two sources publish the same job when they name the same employer
//! (same SIRET, or same normalized name), the same normalized title, ROME code, commune and
//! contract type. Each offer carries up to two keys, one per way of naming the employer; a new
//! publication joins a live offer sharing either key.

use sha2::{Digest, Sha256};

use super::OfferFields;
use crate::person::names::normalize;

/// The keys under which an offer is found by the de-duplication rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DedupKeys {
    /// From the employer's SIRET.
    pub by_siret: Option<String>,
    /// From the employer's normalized name.
    pub by_name: Option<String>,
}

impl DedupKeys {
    /// An offer with no employer named has no key: anonymous offers are never merged.
    pub fn of(fields: &OfferFields) -> DedupKeys {
        let job = [
            normalize(&fields.title),
            fields.rome_code.to_string(),
            fields.workplace.commune.to_string(),
            fields.contract_type.as_str().to_owned(),
        ]
        .join("|");
        let by_siret = fields.employer.siret.as_ref().map(|siret| key(&format!("siret:{siret}|{job}")));
        let by_name = fields
            .employer
            .name
            .as_deref()
            .map(normalize)
            .filter(|name| !name.is_empty())
            .map(|name| key(&format!("name:{name}|{job}")));
        DedupKeys { by_siret, by_name }
    }

    /// The key under which the offer is unique among live offers (a unique index holds it): by
    /// SIRET when the employer's SIRET is given, else by name; none for an anonymous offer.
    pub fn fingerprint(&self) -> Option<&String> {
        self.by_siret.as_ref().or(self.by_name.as_ref())
    }
}

/// A short digest: keys are compared, never read.
fn key(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(16).map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offer::fields::tests::example;

    #[test]
    fn spellings_of_one_job_share_keys() {
        let first = example();
        let mut second = example();
        second.title = "DEVELOPPEUR  Web".into();
        second.description = "Une autre description".into();
        second.employer.name = Some("atelier numérique".into());
        assert_eq!(DedupKeys::of(&first), DedupKeys::of(&second));
        second.employer.siret = None;
        let keys = DedupKeys::of(&second);
        assert_eq!(keys.by_siret, None);
        assert_eq!(keys.by_name, DedupKeys::of(&first).by_name);
        assert_eq!(keys.fingerprint(), keys.by_name.as_ref(), "without a SIRET, the name key");
        let first = DedupKeys::of(&first);
        assert_eq!(first.fingerprint(), first.by_siret.as_ref(), "the SIRET key first");
    }

    #[test]
    fn another_job_has_other_keys() {
        let first = DedupKeys::of(&example());
        let mut other = example();
        other.contract_type = crate::offer::ContractType::Interim;
        let other = DedupKeys::of(&other);
        assert_ne!(first.by_siret, other.by_siret);
        assert_ne!(first.by_name, other.by_name);
        let mut anonymous = example();
        anonymous.employer = Default::default();
        assert_eq!(DedupKeys::of(&anonymous), DedupKeys::default());
    }
}
