//! Which of our organizations an external token speaks for, remembered for a while so that
//! external callers do not cost a database read per request (our own tokens carry the
//! organization in their claims; an external issuer's do not).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use plateforme_model::codes::Siret;
use plateforme_store::{Store, StoreError, organizations};
use uuid::Uuid;

use crate::policy::Principal;

/// How long a found organization is remembered: a change of its kind or territory reaches
/// external callers within this.
const FOUND_FOR: Duration = Duration::from_secs(60);
/// How long an unknown one is remembered: short, so that an organization registered after a
/// refused call is admitted soon, yet a misconfigured client retrying in a loop costs one
/// query per interval rather than one per request.
const UNKNOWN_FOR: Duration = Duration::from_secs(10);
/// Beyond this many entries, expired ones are dropped on the next insertion.
const PRUNE_ABOVE: usize = 4096;

/// How a token names its organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum OrganizationRef {
    Id(Uuid),
    Siret(Siret),
}

impl OrganizationRef {
    /// A UUID is one of our organization ids; anything else must be a SIRET.
    pub fn parse(value: &str) -> Option<OrganizationRef> {
        let value = value.trim();
        if let Ok(id) = Uuid::parse_str(value) {
            return Some(OrganizationRef::Id(id));
        }
        Siret::parse(value).ok().map(OrganizationRef::Siret)
    }

    /// The normalized form, as cache key.
    fn key(&self) -> String {
        match self {
            OrganizationRef::Id(id) => id.to_string(),
            OrganizationRef::Siret(siret) => siret.as_str().to_owned(),
        }
    }
}

#[derive(Default)]
pub(super) struct Organizations {
    /// A std lock: it is never held across an await.
    entries: Mutex<HashMap<String, (Instant, Option<Principal>)>>,
}

impl Organizations {
    /// The principal of the organization, or `None` when the platform does not know it.
    pub async fn principal(&self, reference: &OrganizationRef, store: &Store) -> Result<Option<Principal>, StoreError> {
        let key = reference.key();
        if let Some(known) = self.remembered(&key) {
            return Ok(known);
        }
        let reference = reference.clone();
        let found = store
            .run(move |conn| match reference {
                OrganizationRef::Id(id) => organizations::find(conn, id),
                OrganizationRef::Siret(siret) => organizations::find_by_siret(conn, siret.as_str()),
            })
            .await?;
        let principal = found.map(|organization| Principal {
            organization_id: organization.id,
            kind: organization.kind,
            territory: organization.territory,
        });
        self.remember(key, principal.clone());
        Ok(principal)
    }

    fn remembered(&self, key: &str) -> Option<Option<Principal>> {
        let entries = self.entries.lock().ok()?;
        let (at, principal) = entries.get(key)?;
        (at.elapsed() < lifetime(principal)).then(|| principal.clone())
    }

    fn remember(&self, key: String, principal: Option<Principal>) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= PRUNE_ABOVE {
            entries.retain(|_, (at, principal)| at.elapsed() < lifetime(principal));
        }
        entries.insert(key, (Instant::now(), principal));
    }
}

fn lifetime(principal: &Option<Principal>) -> Duration {
    if principal.is_some() { FOUND_FOR } else { UNKNOWN_FOR }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_ids_or_sirets() {
        let id = Uuid::now_v7();
        assert_eq!(OrganizationRef::parse(&id.to_string()), Some(OrganizationRef::Id(id)));
        let spaced = OrganizationRef::parse(" 732 829 320 00074 ").map(|reference| reference.key());
        assert_eq!(spaced.as_deref(), Some("73282932000074"));
        assert_eq!(OrganizationRef::parse("73282932000075"), None, "the Luhn check fails");
        assert_eq!(OrganizationRef::parse("acme"), None);
    }
}
