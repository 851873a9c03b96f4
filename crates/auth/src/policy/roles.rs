//! The network's roles as the report sets them, beside the record table: who registers only under
//! a mandate ([`registration_needs_mandate`]), who records the RSA status
//! ([`RSA_STATUS_RECORDERS`]), who co-accompanies in which role ([`CO_ACCOMPANIMENT`]), which
//! organization delegates what to which ([`delegation`]). Like the table, each is data a reader can check against the report, and each
//! refusal says which side is wrong.

use plateforme_model::delegation::DelegationKind;
use plateforme_model::organization::OrganizationKind;
use plateforme_model::person::co_accompaniment::CoAccompanimentRole;

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

/// Which kinds of organization co-accompany a person in which role, beside the référent: a
/// département's or an association's social workers (#16), a mandated operator (#14, #20), the
/// specialised networks and France Travail's facilitator (#21), the région or a partner running
/// a training. Employers co-accompany nobody.
#[rustfmt::skip]
pub const CO_ACCOMPANIMENT: &[(CoAccompanimentRole, &[OrganizationKind])] = &[
    (CoAccompanimentRole::Social,      &[OrganizationKind::Departement, OrganizationKind::Partner]),
    (CoAccompanimentRole::Delegated,   &[OrganizationKind::Partner]),
    (CoAccompanimentRole::Specialised,
        &[OrganizationKind::FranceTravail, OrganizationKind::MissionLocale, OrganizationKind::CapEmploi, OrganizationKind::Partner]),
    (CoAccompanimentRole::Training,
        &[OrganizationKind::Region, OrganizationKind::Partner, OrganizationKind::TrainingProvider]),
];

/// The kinds that take a co-accompaniment role.
pub fn co_accompanying_kinds(role: CoAccompanimentRole) -> &'static [OrganizationKind] {
    CO_ACCOMPANIMENT.iter().find(|(listed, _)| *listed == role).map_or(&[], |(_, kinds)| kinds)
}

/// Whether a co-accompaniment in this role opens the dossier's sensitive parts (with
/// `dossier.social:read`): social and specialised support work on them; a delegated operator or a
/// training organization reads the dossier without them.
pub fn co_accompaniment_opens_sensitive_parts(role: CoAccompanimentRole) -> bool {
    matches!(role, CoAccompanimentRole::Social | CoAccompanimentRole::Specialised)
}

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
