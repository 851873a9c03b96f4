//! Demo data: one organization of each kind, and one OAuth client for each with a published
//! secret, so a newcomer can get a token and call every API within minutes. Seeding twice
//! changes nothing. Demo clients are refused by a server running with the production profile.

use plateforme_auth::clients::{self, Registration};
use plateforme_model::codes::{CommuneCode, DepartementCode, RegionCode, Siret};
use plateforme_model::organization::{OrganizationFields, OrganizationKind, Territory};
use plateforme_store::{Actor, Store, StoreError, WriteContext, organizations, write};

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
    (OrganizationKind::Employer, "Boulangerie des Pentes (démo)", "90000000600008", "84", &["69"], &["69266"]),
];

/// The scopes each kind's demo client gets: what its mission needs.
pub fn demo_scopes(kind: OrganizationKind) -> &'static [&'static str] {
    const ACCOMPANYING: &[&str] = &[
        "organizations:read",
        "organizations:write",
        "dossier:read",
        "dossier:write",
        "dossier.social:read",
        "dossier.social:write",
        "offers:read",
        "training:read",
        "indicators:read",
    ];
    match kind {
        OrganizationKind::FranceTravail => &[
            "organizations:read",
            "organizations:write",
            "dossier:read",
            "dossier:write",
            "dossier.social:read",
            "dossier.social:write",
            "offers:read",
            "offers:write",
            "profiles:read",
            "training:read",
            "training:write",
            "indicators:read",
            "changes:read",
        ],
        OrganizationKind::MissionLocale | OrganizationKind::CapEmploi | OrganizationKind::Departement => ACCOMPANYING,
        OrganizationKind::Region => &[
            "organizations:read",
            "organizations:write",
            "offers:read",
            "training:read",
            "training:write",
            "indicators:read",
        ],
        OrganizationKind::Partner => &[
            "organizations:read",
            "organizations:write",
            "offers:read",
            "offers:write",
            "training:read",
            "training:write",
        ],
        OrganizationKind::Employer => {
            &["organizations:read", "organizations:write", "offers:read", "offers:write", "profiles:read"]
        }
    }
}

/// The demo client of a kind: `demo-mission-locale` with secret `demo-mission-locale-secret`…
pub fn demo_client_id(kind: OrganizationKind) -> String {
    format!("demo-{}", kind.as_str().replace('_', "-"))
}

pub const DEMO_ADMIN_CLIENT: &str = "demo-admin";

pub fn demo_secret(client_id: &str) -> String {
    format!("{client_id}-secret")
}

/// What the seed created.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    pub organizations: usize,
    pub clients: usize,
}

pub fn seed_demo(store: &Store, default_rate_limit: u32) -> Result<Seeded, StoreError> {
    let context = WriteContext { actor: Actor { client_id: "seed".into(), organization_id: None }, request_id: None };
    let mut seeded = Seeded::default();
    for fields in demo_organizations()? {
        let kind = fields.kind;
        let siret = fields.siret.to_string();
        let existing = store.run_blocking(|conn| organizations::find_by_siret(conn, &siret))?;
        let organization = match existing {
            Some(organization) => organization,
            None => {
                seeded.organizations += 1;
                store.run_blocking(|conn| {
                    write::transaction(conn, |conn| organizations::create(conn, &context, fields))
                })?
            }
        };
        let mut demo_clients = vec![(demo_client_id(kind), demo_scopes(kind).to_vec())];
        if kind == OrganizationKind::FranceTravail {
            demo_clients.push((
                DEMO_ADMIN_CLIENT.to_owned(),
                vec!["admin", "journal:read", "organizations:read", "organizations:write"],
            ));
        }
        for (client_id, scopes) in demo_clients {
            if store.run_blocking(|conn| plateforme_store::clients::find(conn, &client_id))?.is_some() {
                continue;
            }
            let registration = Registration {
                secret: Some(demo_secret(&client_id)),
                client_id: Some(client_id),
                organization_id: organization.id,
                name: format!("{} — client de démo", organization.name),
                scopes: scopes.iter().map(|scope| (*scope).to_owned()).collect(),
                rate_limit_per_minute: None,
                demo: true,
            };
            clients::register(store, &context, registration, default_rate_limit)?;
            seeded.clients += 1;
        }
    }
    Ok(seeded)
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
    use plateforme_model::organization::OrganizationKind;

    #[test]
    fn demo_data_is_valid() {
        let organizations = super::demo_organizations().expect("demo codes parse");
        assert_eq!(organizations.len(), OrganizationKind::ALL.len());
        for organization in organizations {
            organization.validate().expect("demo organization validates");
        }
        for kind in OrganizationKind::ALL {
            for scope in super::demo_scopes(kind) {
                assert!(plateforme_auth::scopes::is_known(scope), "{scope}");
            }
        }
    }
}
