//! The records the suite creates. It runs against real deployments and cannot delete (the
//! API has no delete operations), so everything it writes says where it comes from: names start
//! with "conformance" and the run's id, idempotency keys with `conformance-`.

use plateforme_client::{NewOrganization, OrganizationKind, Territory};
use plateforme_model::codes::Siret;
use serde_json::{Value, json};
use uuid::Uuid;

/// Eight hex digits, the random end of a UUIDv7: tells this run's records from other runs'.
pub fn run_id() -> String {
    let simple = Uuid::now_v7().simple().to_string();
    simple[simple.len() - 8..].to_owned()
}

/// An id no record has: time-ordered like real ones, random otherwise.
pub fn unknown_id() -> Uuid {
    Uuid::now_v7()
}

pub fn idempotency_key(run: &str, label: &str) -> String {
    format!("conformance-{run}-{label}-{}", Uuid::now_v7().simple())
}

/// A SIRET that passes the Luhn check (its SIREN too), random enough not to collide with a
/// real one: SIREN `99` + 6 random digits, NIC 4 random digits, with their keys.
pub fn siret() -> String {
    let random = (Uuid::now_v7().as_u128() as u64) % 10_000_000_000;
    let (unit, establishment) = (random / 10_000, random % 10_000);
    // Eight and four digits, not all zeros, always make a SIRET: the fallback is never taken.
    Siret::with_keys(&format!("99{unit:06}"), &format!("{establishment:04}")).map(String::from).unwrap_or_default()
}

/// An organization in Auvergne-Rhône-Alpes: a région covers exactly its région, the other
/// kinds the Rhône too.
pub fn organization(run: &str, label: &str, kind: OrganizationKind) -> NewOrganization {
    let departements = if kind == OrganizationKind::Region { Vec::new() } else { vec!["69".to_owned()] };
    NewOrganization {
        kind,
        name: format!("conformance {run} {label}"),
        siret: siret(),
        territory: Territory { regions: vec!["84".to_owned()], departements, communes: Vec::new() },
    }
}

/// A person born and living in Lyon (so in the Rhône, département 69), registered in January
/// 2025; the family name makes the identity unique to the run and the label.
pub fn person(run: &str, label: &str, rsa_beneficiary: bool) -> Value {
    json!({
        "identity": {"family_name": family_name(run, label), "given_names": "Camille", "birth_date": "2001-03-14",
            "birth_commune": "69123"},
        "contact": {"address": {"line": "1 rue de la Conformité", "postal_code": "69002", "commune": "69123"}},
        "statuses": {"rsa_beneficiary": rsa_beneficiary, "rqth": false},
        "registration": {"registered_on": "2025-01-06", "channel": "counter"}
    })
}

pub fn family_name(run: &str, label: &str) -> String {
    format!("Conformance {run} {label}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sirets_pass_the_luhn_check() {
        for _ in 0..20 {
            let siret = siret();
            assert!(Siret::parse(&siret).is_ok() && siret.starts_with("99"), "{siret}");
        }
        assert_eq!(run_id().len(), 8);
    }
}
