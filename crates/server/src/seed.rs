//! Demo data: one organization of each kind, so a newcomer has something to read at once.
//! Seeding twice changes nothing.

use plateforme_model::codes::{CommuneCode, DepartementCode, RegionCode, Siret};
use plateforme_model::organization::{OrganizationFields, OrganizationKind, Territory};
use plateforme_store::{Actor, DbConnection, StoreError, WriteContext, organizations, write};

/// (kind, name, SIRET, région, départements, communes).
type DemoOrganization =
    (OrganizationKind, &'static str, &'static str, &'static str, &'static [&'static str], &'static [&'static str]);

/// The SIRETs are made up but pass the Luhn check.
const DEMO_ORGANIZATIONS: &[DemoOrganization] = &[
    (OrganizationKind::FranceTravail, "France Travail Auvergne-Rhône-Alpes (démo)", "90000000000001", "84", &[], &[]),
    (OrganizationKind::MissionLocale, "Mission locale de Lyon (démo)", "90000000100009", "84", &["69"], &["69123"]),
    (OrganizationKind::CapEmploi, "Cap emploi Rhône (démo)", "90000000200007", "84", &["69"], &[]),
    (OrganizationKind::Departement, "Département du Rhône (démo)", "90000000300005", "84", &["69"], &[]),
    (OrganizationKind::Region, "Région Auvergne-Rhône-Alpes (démo)", "90000000400003", "84", &[], &[]),
    (OrganizationKind::Partner, "Afpa Lyon (démo)", "90000000500000", "84", &["69"], &[]),
    (OrganizationKind::Employer, "Boulangerie des Pentes (démo)", "90000000600008", "84", &["69"], &["69381"]),
];

/// How many organizations the seed created (0 when they all existed).
pub fn seed_demo(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let context = WriteContext { actor: Actor { client_id: "seed".into(), organization_id: None }, request_id: None };
    let mut created = 0;
    for fields in demo_organizations()? {
        if organizations::find_by_siret(conn, fields.siret.as_str())?.is_some() {
            continue;
        }
        write::transaction(conn, |conn| organizations::create(conn, &context, fields))?;
        created += 1;
    }
    Ok(created)
}

fn demo_organizations() -> Result<Vec<OrganizationFields>, StoreError> {
    let invalid = |error: plateforme_model::CodeError| StoreError::Config(format!("demo data: {error}"));
    DEMO_ORGANIZATIONS
        .iter()
        .map(|(kind, name, siret, region, departements, communes)| {
            Ok(OrganizationFields {
                kind: *kind,
                name: (*name).to_owned(),
                siret: Siret::parse(siret).map_err(invalid)?,
                territory: Territory {
                    regions: vec![RegionCode::parse(region).map_err(invalid)?],
                    departements: departements
                        .iter()
                        .map(|code| DepartementCode::parse(code))
                        .collect::<Result<_, _>>()
                        .map_err(invalid)?,
                    communes: communes
                        .iter()
                        .map(|code| CommuneCode::parse(code))
                        .collect::<Result<_, _>>()
                        .map_err(invalid)?,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use plateforme_model::Validate;

    #[test]
    fn demo_data_is_valid() {
        let organizations = super::demo_organizations().expect("demo codes parse");
        assert_eq!(organizations.len(), plateforme_model::organization::OrganizationKind::ALL.len());
        for organization in organizations {
            organization.validate().expect("demo organization validates");
        }
    }
}
