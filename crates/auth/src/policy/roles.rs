//! The network's roles as the report sets them, beside the record table: who registers only under
//! a mandate ([`registration_needs_mandate`]), who records the RSA status
//! ([`RSA_STATUS_RECORDERS`]), which organization delegates what to which ([`delegation`]). Like the table, each is data a reader can check against the report, and each
//! refusal says which side is wrong.

use plateforme_model::delegation::DelegationKind;
use plateforme_model::organization::OrganizationKind;

/// Whether an organization of this kind registers persons only under an accompaniment mandate
/// (a delegation `accompaniment` it holds, covering the person's residence), for its mandating
/// organization. Principle 1 opens registration at every operator's desk "voire de ses
/// partenaires": France Travail, missions locales and Cap emploi register at their own desk (a
/// département its RSA beneficiaries, by its person rule); a partner — a PLIE, a private placement
/// operator under a France Travail contract — registers for the organization that mandates it.
pub fn registration_needs_mandate(kind: OrganizationKind) -> bool {
    kind == OrganizationKind::Partner
}

/// Who changes a person's RSA status once registered: the département, which grants and pays the
/// RSA, and France Travail, which receives the CAF's and the MSA's feeds. The status decides who
/// orients the person and what a département sees, so no other writer of the dossier may set it.
pub const RSA_STATUS_RECORDERS: &[OrganizationKind] = &[OrganizationKind::FranceTravail, OrganizationKind::Departement];

/// Why a delegation between two kinds of organization is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelegationRefusal {
    /// The delegating organization has nothing of the kind to delegate (a 403: its role).
    Delegator,
    /// The delegate cannot receive it (a 422: the request names the wrong organization).
    Delegate,
}

/// Who delegates what to whom: the orientation of RSA beneficiaries goes from a département to
/// France Travail (principle 1: "avec la possibilité de déléguer cette orientation à l'opérateur
/// France Travail"); an accompaniment is mandated by France Travail or a département to a partner
/// operator — a PLIE, a private placement operator (propositions #14 and #20).
#[rustfmt::skip]
pub const DELEGATIONS: &[(DelegationKind, &[OrganizationKind], &[OrganizationKind])] = &[
    (DelegationKind::RsaOrientation, &[OrganizationKind::Departement], &[OrganizationKind::FranceTravail]),
    (DelegationKind::Accompaniment,
        &[OrganizationKind::FranceTravail, OrganizationKind::Departement], &[OrganizationKind::Partner]),
];

/// Whether an organization of kind `from` may delegate `kind` to one of kind `to`.
pub fn delegation(kind: DelegationKind, from: OrganizationKind, to: OrganizationKind) -> Result<(), DelegationRefusal> {
    let (_, delegators, delegates) =
        DELEGATIONS.iter().find(|(delegated, _, _)| *delegated == kind).ok_or(DelegationRefusal::Delegator)?;
    if !delegators.contains(&from) {
        return Err(DelegationRefusal::Delegator);
    }
    if !delegates.contains(&to) {
        return Err(DelegationRefusal::Delegate);
    }
    Ok(())
}

/// Whether an organization of kind `to` may hold a delegation of `kind`.
pub fn receives(kind: DelegationKind, to: OrganizationKind) -> bool {
    DELEGATIONS.iter().any(|(delegated, _, delegates)| *delegated == kind && delegates.contains(&to))
}

/// The kinds named in a list, for a refusal's message: `France Travail or a département`.
pub fn kinds_in_words(kinds: &[OrganizationKind]) -> String {
    let words: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
    words.join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrganizationKind::*;

    #[test]
    fn each_kind_of_delegation_goes_from_its_holders_to_its_delegates() {
        use DelegationKind::{Accompaniment, RsaOrientation};
        assert_eq!(delegation(RsaOrientation, Departement, FranceTravail), Ok(()));
        assert_eq!(delegation(RsaOrientation, FranceTravail, FranceTravail), Err(DelegationRefusal::Delegator));
        assert_eq!(delegation(RsaOrientation, Departement, Partner), Err(DelegationRefusal::Delegate));
        assert_eq!(delegation(Accompaniment, FranceTravail, Partner), Ok(()));
        assert_eq!(delegation(Accompaniment, Departement, Partner), Ok(()));
        assert_eq!(delegation(Accompaniment, MissionLocale, Partner), Err(DelegationRefusal::Delegator));
        assert_eq!(delegation(Accompaniment, FranceTravail, Employer), Err(DelegationRefusal::Delegate));
        for kind in DelegationKind::ALL {
            assert!(DELEGATIONS.iter().any(|(delegated, _, _)| *delegated == kind), "{kind:?} has its row");
        }
    }
}
