//! Who holds, for one person, a power the law gives to one organization: deciding the orientation
//! of an RSA beneficiary ([`rsa_orientation`]) and deciding the measure after a breach of the
//! duties of the contract of engagement ([`sanctions`]). The record table says who may touch a
//! dossier; these say who decides — so that writing a dossier is never enough to decide.

use chrono::{Days, NaiveDate};
use plateforme_model::codes::CommuneCode;
use plateforme_model::delegation::{Delegation, DelegationKind};
use plateforme_model::organization::OrganizationKind;
use plateforme_model::person::{OrientationBasis, RSA_ORIENTATION_DELAY_DAYS};

use super::{PersonAccess, Principal};

/// What the orientation of an RSA beneficiary turns on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsaOrientationCase<'a> {
    /// The commune of residence, whose département decides.
    pub residence: Option<&'a CommuneCode>,
    /// Since when the person awaits the département's decision: since their RSA status holds.
    pub pending_since: NaiveDate,
    /// The date of the decision.
    pub decided_on: NaiveDate,
}

/// Why an organization may not decide the orientation of an RSA beneficiary, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoPower(pub String);

/// On what basis `principal` decides the orientation of this RSA beneficiary, given the
/// delegations its organization holds: the département of residence decides; France Travail by
/// a delegation of that département in force on the decision's day and covering the residence,
/// or by default once [`RSA_ORIENTATION_DELAY_DAYS`] have passed. Nobody else.
pub fn rsa_orientation<'d>(
    principal: &Principal,
    case: &RsaOrientationCase<'_>,
    held: &'d [Delegation],
) -> Result<(OrientationBasis, Option<&'d Delegation>), NoPower> {
    let departement = case.residence.map(CommuneCode::departement);
    if principal.kind == OrganizationKind::Departement
        && departement.as_ref().is_some_and(|code| principal.territory.departements.contains(code))
    {
        return Ok((OrientationBasis::Departement, None));
    }
    let receives = super::roles::receives(DelegationKind::RsaOrientation, principal.kind);
    let delegated = held.iter().find(|delegation| {
        receives
            && delegation.kind == DelegationKind::RsaOrientation
            && delegation.to_organization_id == principal.organization_id
            && delegation.active_on(case.decided_on)
            && departement.is_some()
            && delegation.scope.covers(case.residence)
    });
    if let Some(delegation) = delegated {
        return Ok((OrientationBasis::Delegation, Some(delegation)));
    }
    let delay_over = case.pending_since.checked_add_days(Days::new(RSA_ORIENTATION_DELAY_DAYS));
    if principal.kind == OrganizationKind::FranceTravail {
        if delay_over.is_some_and(|over| case.decided_on >= over) {
            return Ok((OrientationBasis::DefaultAfterDelay, None));
        }
        let by = delay_over.map_or_else(String::new, |over| format!(" (from {over})"));
        return Err(NoPower(format!(
            "the orientation of an RSA beneficiary is decided by the département of residence: France Travail decides \
             it by a delegation of that département in force on the decision's day and covering the residence, or by \
             default once {RSA_ORIENTATION_DELAY_DAYS} days have passed since the RSA status{by}"
        )));
    }
    Err(NoPower(
        "the orientation of an RSA beneficiary is decided by the département of residence, or France Travail by its \
         delegation"
            .into(),
    ))
}

/// Which organization decides the measures after a breach of a person's duties: the département
/// of residence for an RSA beneficiary (it pays the allowance: "la décision finale restera à la
/// main des opérateurs ou collectivités responsables du paiement"), France Travail for anyone
/// else (principle 3, propositions #65–#68).
pub fn sanctions(principal: &Principal, person: &PersonAccess) -> Result<(), NoPower> {
    let holds = if person.rsa_beneficiary {
        principal.kind == OrganizationKind::Departement
            && person.residence_departement.as_ref().is_some_and(|code| principal.territory.departements.contains(code))
    } else {
        principal.kind == OrganizationKind::FranceTravail
    };
    if holds {
        return Ok(());
    }
    Err(NoPower(if person.rsa_beneficiary {
        "the measures after a breach of an RSA beneficiary's duties are decided by the département of residence".into()
    } else {
        "the measures after a breach of a person's duties are decided by France Travail".into()
    }))
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use plateforme_model::codes::DepartementCode;
    use plateforme_model::delegation::DelegationScope;
    use plateforme_model::organization::Territory;
    use uuid::Uuid;

    use super::*;

    const ME: Uuid = Uuid::from_u128(1);
    const RHONE: Uuid = Uuid::from_u128(2);

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn principal(kind: OrganizationKind, departements: &[&str]) -> Principal {
        let departements = departements.iter().map(|code| DepartementCode::parse(code).expect("code")).collect();
        Principal { organization_id: ME, kind, territory: Territory { departements, ..Territory::default() } }
    }

    fn delegation(since: &str, communes: &[&str]) -> Delegation {
        Delegation {
            id: Uuid::from_u128(9),
            kind: DelegationKind::RsaOrientation,
            from_organization_id: RHONE,
            to_organization_id: ME,
            since: date(since),
            until: None,
            scope: DelegationScope {
                departements: vec![DepartementCode::parse("69").expect("code")],
                communes: communes.iter().map(|code| CommuneCode::parse(code).expect("commune")).collect(),
            },
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_departement_of_residence_decides_france_travail_by_delegation_or_after_the_delay() {
        let lyon = CommuneCode::parse("69123").expect("commune");
        let case = RsaOrientationCase {
            residence: Some(&lyon),
            pending_since: date("2026-11-01"),
            decided_on: date("2026-11-10"),
        };
        let rhone = principal(OrganizationKind::Departement, &["69"]);
        assert_eq!(rsa_orientation(&rhone, &case, &[]), Ok((OrientationBasis::Departement, None)));
        let ain = principal(OrganizationKind::Departement, &["01"]);
        assert!(rsa_orientation(&ain, &case, &[]).is_err(), "another département");

        let ft = principal(OrganizationKind::FranceTravail, &[]);
        assert!(rsa_orientation(&ft, &case, &[]).is_err(), "France Travail's right is not unconditional");
        let held = [delegation("2026-11-01", &[])];
        let (basis, by) = rsa_orientation(&ft, &case, &held).expect("delegated");
        assert_eq!(
            (basis, by.map(|delegation| delegation.from_organization_id)),
            (OrientationBasis::Delegation, Some(RHONE))
        );
        assert!(rsa_orientation(&ft, &case, &[delegation("2026-11-11", &[])]).is_err(), "not yet in force");
        assert!(rsa_orientation(&ft, &case, &[delegation("2026-11-01", &["69266"])]).is_err(), "another commune");
        let late = RsaOrientationCase { decided_on: date("2026-12-01"), ..case.clone() };
        assert_eq!(rsa_orientation(&ft, &late, &[]), Ok((OrientationBasis::DefaultAfterDelay, None)));
        let ml = principal(OrganizationKind::MissionLocale, &["69"]);
        assert!(
            rsa_orientation(&ml, &late, &[delegation("2026-11-01", &[])]).is_err(),
            "a mission locale receives none"
        );
    }

    #[test]
    fn the_payer_of_the_allowance_decides_the_measures() {
        let rsa = PersonAccess {
            rsa_beneficiary: true,
            residence_departement: DepartementCode::parse("69").ok(),
            ..PersonAccess::default()
        };
        let other = PersonAccess { rsa_beneficiary: false, ..rsa.clone() };
        assert!(sanctions(&principal(OrganizationKind::Departement, &["69"]), &rsa).is_ok());
        assert!(sanctions(&principal(OrganizationKind::Departement, &["01"]), &rsa).is_err());
        assert!(sanctions(&principal(OrganizationKind::FranceTravail, &[]), &rsa).is_err());
        assert!(sanctions(&principal(OrganizationKind::FranceTravail, &[]), &other).is_ok());
        assert!(sanctions(&principal(OrganizationKind::MissionLocale, &["69"]), &other).is_err());
    }
}
