//! Demo data: one organization of each kind, and one OAuth client for each with a published
//! secret, so a newcomer can get a token and call every API within minutes. Seeding twice
//! changes nothing. Demo clients are refused by a server running with the production profile.

use plateforme_auth::clients::{self, Registration};
use plateforme_model::codes::{CommuneCode, DepartementCode, PostalCode, RegionCode, Siret};
use plateforme_model::delegation::{Delegation, DelegationKind, DelegationScope};
use plateforme_model::offer::Publication;
use plateforme_model::organization::{OrganizationFields, OrganizationKind, Territory};
use plateforme_model::person::Address;
use plateforme_model::site::{Accessibility, OpeningSlot, Position, SiteFields, Weekday};
use plateforme_store::delegations::{self, DelegationFilter};
use plateforme_store::offers::publish::{self, Outcome, Submission};
use plateforme_store::{Actor, DbConnection, Store, StoreError, WriteContext, organizations, sites, write};
use serde::Deserialize;
use uuid::Uuid;

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
    (OrganizationKind::StateService, "DREETS Auvergne-Rhône-Alpes (démo)", "90000000700006", "84", &[], &[]),
    (
        OrganizationKind::TrainingProvider,
        "Organisme de formation Lyon Sud (démo)",
        "90000000800004",
        "84",
        &["69"],
        &[],
    ),
];

/// (kind, site name, address line, postal code, commune, latitude, longitude): where people meet
/// the demo organizations that receive them, around Lyon.
type DemoSite = (OrganizationKind, &'static str, &'static str, &'static str, &'static str, f64, f64);

const DEMO_SITES: &[DemoSite] = &[
    (
        OrganizationKind::FranceTravail,
        "France Travail Lyon Part-Dieu (démo)",
        "12 rue Garibaldi",
        "69003",
        "69123",
        45.7597,
        4.8522,
    ),
    (
        OrganizationKind::MissionLocale,
        "Mission locale — antenne Guillotière (démo)",
        "12 rue de Marseille",
        "69007",
        "69123",
        45.7514,
        4.8427,
    ),
    (
        OrganizationKind::CapEmploi,
        "Cap emploi Rhône — Villeurbanne (démo)",
        "3 avenue Henri Barbusse",
        "69100",
        "69266",
        45.7667,
        4.8800,
    ),
    (
        OrganizationKind::Departement,
        "Maison de la métropole Lyon 2e (démo)",
        "8 place Bellecour",
        "69002",
        "69123",
        45.7578,
        4.8320,
    ),
    (
        OrganizationKind::TrainingProvider,
        "Organisme de formation — Vénissieux (démo)",
        "5 avenue Jean Jaurès",
        "69200",
        "69259",
        45.6970,
        4.8860,
    ),
];

/// The scopes each kind's demo client gets: what its mission needs. Every kind manages
/// organizations (and its delegations); the accompanying kinds share the dossier's scopes, the
/// rights and duties' among them, and publish the offers their employer-relations teams collect.
pub fn demo_scopes(kind: OrganizationKind) -> Vec<&'static str> {
    const ORGANIZATIONS: &[&str] = &["organizations:read", "organizations:write"];
    const ACCOMPANYING: &[&str] = &[
        "dossier:read",
        "dossier:write",
        "dossier.social:read",
        "dossier.social:write",
        "dossier.sanctions:read",
        "dossier.sanctions:write",
        "offers:read",
        "offers:write",
        "training:read",
        "indicators:read",
    ];
    let mission: &[&[&str]] = match kind {
        OrganizationKind::FranceTravail => &[ACCOMPANYING, &["profiles:read", "training:write", "changes:read"]],
        // Every partner system may follow the change feed: it serves each what the policy lets
        // it read (the demo organizations and offers at least).
        OrganizationKind::MissionLocale | OrganizationKind::CapEmploi | OrganizationKind::Departement => {
            &[ACCOMPANYING, &["changes:read"]]
        }
        OrganizationKind::Region => &[&[
            "dossier:read",
            "offers:read",
            "offers:write",
            "training:read",
            "training:write",
            "indicators:read",
            "changes:read",
        ]],
        OrganizationKind::Partner => &[&[
            "dossier:read",
            "dossier:write",
            "offers:read",
            "offers:write",
            "training:read",
            "training:write",
            "changes:read",
        ]],
        OrganizationKind::Employer => &[&["offers:read", "offers:write", "profiles:read", "changes:read"]],
        OrganizationKind::StateService => &[&["offers:read", "training:read", "indicators:read", "changes:read"]],
        OrganizationKind::TrainingProvider => {
            &[&["dossier:read", "offers:read", "training:read", "training:write", "changes:read"]]
        }
    };
    // Webhooks (issue 12, item 3): every demo client follows the feed, so it may subscribe.
    const WEBHOOKS: &[&str] = &["webhooks:write"];
    std::iter::once(ORGANIZATIONS).chain(mission.iter().copied()).chain([WEBHOOKS]).flatten().copied().collect()
}

/// The demo client of a kind: `demo-mission-locale` with secret `demo-mission-locale-secret`…
pub fn demo_client_id(kind: OrganizationKind) -> String {
    format!("demo-{}", kind.as_str().replace('_', "-"))
}

pub const DEMO_ADMIN_CLIENT: &str = "demo-admin";

/// The demo clients the portal's sandbox offers, one per organization kind.
pub fn demo_clients() -> Vec<plateforme_portal::DemoClient> {
    OrganizationKind::ALL
        .iter()
        .map(|kind| {
            let id = demo_client_id(*kind);
            plateforme_portal::DemoClient { kind: kind.as_str().to_owned(), secret: demo_secret(&id), id }
        })
        .collect()
}

pub fn demo_secret(client_id: &str) -> String {
    format!("{client_id}-secret")
}

/// What the seed created.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    pub organizations: usize,
    pub clients: usize,
    /// Offer publications that wrote something (a new offer, or a source joining one).
    pub offers: usize,
    /// Reception sites recorded (an organization that has one already gets none).
    pub sites: usize,
    /// Delegations granted (a delegator that granted one already grants none).
    pub delegations: usize,
    /// Demo formations created or updated (the demo training provider's LHEO catalogue).
    pub trainings: usize,
    /// The demo's statistical orientation decisions (seeded once).
    pub orientation_decisions: usize,
    /// Demo persons registered with a `profile_bank` consent and a profile (each once).
    pub profiles: usize,
    /// The indicators' vintage computed as of today at every start (a new revision only when
    /// the figures changed), so that open data answers at once.
    pub indicator_vintage: Option<String>,
    /// Demo persons positioned on a demo training session (each once).
    pub positionings: usize,
}

pub fn seed_demo(store: &Store, default_rate_limit: u32) -> Result<Seeded, StoreError> {
    let context = WriteContext::of(Actor { client_id: "seed".into(), organization_id: None });
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
        let mut demo_clients = vec![(demo_client_id(kind), demo_scopes(kind))];
        if kind == OrganizationKind::FranceTravail {
            demo_clients.push((
                DEMO_ADMIN_CLIENT.to_owned(),
                vec!["admin", "journal:read", "organizations:read", "organizations:write"],
            ));
        }
        for (client_id, scopes) in demo_clients {
            if store.run_blocking(|conn| plateforme_store::access::clients::find(conn, &client_id))?.is_some() {
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
    seeded.offers = seed_demo_offers(store)?;
    seeded.sites = seed_demo_sites(store)?;
    seeded.delegations = seed_demo_delegations(store)?;
    seeded.trainings = seed_demo_trainings(store)?;
    seeded.orientation_decisions = seed_demo_orientation_decisions(store)?;
    seeded.profiles = seed_demo_profiles(store)?;
    seeded.positionings = seed_demo_positionings(store)?;
    let today = plateforme_model::ids::now().date_naive();
    let (vintage, _) = plateforme_indicators::compute::compute_vintage(store, today)?;
    seeded.indicator_vintage = Some(vintage.id);
    Ok(seeded)
}

/// The demo's orientation decisions for the committees' counts: no person, only the statistical
/// records, over the last six months in the Rhône, the Isère and Paris (each path, kind of
/// referent and some criteria), so that `GET /v1/orientation-decisions` shows published and
/// hidden cells. Seeded once.
fn seed_demo_orientation_decisions(store: &Store) -> Result<usize, StoreError> {
    use plateforme_model::codes::CommuneCode;
    use plateforme_model::person::{
        Aspiration, Difficulty, EmploymentSituation, OrientationBasis, OrientationCriteria, PathType,
        diagnostic::QualificationLevel,
    };
    use plateforme_store::indicators::orientation_decisions::{self, DecisionFacts};
    if store.run_blocking(orientation_decisions::any)? {
        return Ok(0);
    }
    let today = plateforme_model::ids::now().date_naive();
    let paths = [PathType::Emploi, PathType::SocioProfessionnel, PathType::Social];
    let referents = [OrganizationKind::FranceTravail, OrganizationKind::MissionLocale, OrganizationKind::CapEmploi];
    let mut written = 0;
    // (commune, decisions a month): Lyon many, Grenoble some, Paris few (hidden cells), and
    // Bordeaux, in a third région, which secrecy hides with Paris: with two régions only, the
    // nation less the Rhône's would give Paris away, and the Rhône would be hidden instead.
    for (commune, per_month) in [("69123", 40_u64), ("38185", 30), ("33063", 20), ("75056", 4)] {
        let commune = CommuneCode::parse(commune).map_err(|error| StoreError::Config(format!("demo data: {error}")))?;
        for n in 0..per_month * 6 {
            let decided_on = today.checked_sub_days(chrono::Days::new(n * 180 / (per_month * 6))).unwrap_or(today);
            let registered_on = decided_on.checked_sub_days(chrono::Days::new(5 + n % 50)).unwrap_or(decided_on);
            let criteria = (n % 3 != 0).then(|| OrientationCriteria {
                employment_situation: [
                    EmploymentSituation::UnemployedUnder12Months,
                    EmploymentSituation::UnemployedOver12Months,
                ][(n % 2) as usize],
                qualification: [QualificationLevel::CapBep, QualificationLevel::Bac][(n % 2) as usize],
                aspiration: Aspiration::Employment,
                difficulties: [vec![], vec![Difficulty::Mobility], vec![Difficulty::Housing, Difficulty::Health]]
                    [(n % 3) as usize]
                    .clone(),
            });
            let facts = DecisionFacts {
                decided_on,
                requested_on: registered_on,
                registered_on,
                first_orientation: true,
                path_type: paths[(n % 5).min(2) as usize],
                intensive: n % 4 == 0,
                deciding_kind: OrganizationKind::FranceTravail,
                referent_kind: referents[(n % 7).min(2) as usize],
                basis: OrientationBasis::Remit,
                rsa_beneficiary: false,
                commune: Some(commune.clone()),
                criteria,
            };
            store.run_blocking(|conn| orientation_decisions::record(conn, &facts))?;
            written += 1;
        }
    }
    Ok(written)
}

/// The demo département delegates the orientation of its RSA beneficiaries to France Travail,
/// and France Travail mandates the demo partner to accompany for it, both from the day of the
/// seed, open-ended: who acts for whom, to try the roles with (docs/dossier.md).
fn seed_demo_delegations(store: &Store) -> Result<usize, StoreError> {
    let find = |kind: OrganizationKind| -> Result<_, StoreError> {
        let siret = DEMO_ORGANIZATIONS.iter().find(|demo| demo.0 == kind).map(|demo| demo.2).unwrap_or_default();
        store.run_blocking(|conn| organizations::find_by_siret(conn, siret))
    };
    let grants = [
        (DelegationKind::RsaOrientation, OrganizationKind::Departement, OrganizationKind::FranceTravail),
        (DelegationKind::Accompaniment, OrganizationKind::FranceTravail, OrganizationKind::Partner),
    ];
    let mut written = 0;
    for (kind, from, to) in grants {
        let (Some(from), Some(to)) = (find(from)?, find(to)?) else { continue };
        let filter = DelegationFilter { kind: Some(kind), from_organization_id: Some(from.id), ..Default::default() };
        let first = plateforme_store::PageRequest::first(1);
        if !store.run_blocking(|conn| delegations::list(conn, &filter, &first))?.items.is_empty() {
            continue;
        }
        let time = plateforme_model::ids::now();
        let delegation = Delegation {
            id: plateforme_model::ids::new_id(),
            kind,
            from_organization_id: from.id,
            to_organization_id: to.id,
            since: time.date_naive(),
            until: None,
            scope: DelegationScope { departements: from.territory.departements.clone(), communes: Vec::new() },
            version: 1,
            created_at: time,
            updated_at: time,
        };
        let context = WriteContext::of(Actor { client_id: "seed".into(), organization_id: Some(from.id) });
        store.run_blocking(|conn| write::transaction(conn, |conn| delegations::create(conn, &context, delegation)))?;
        written += 1;
    }
    Ok(written)
}

/// A reception site for each demo organization that receives people and has none yet.
fn seed_demo_sites(store: &Store) -> Result<usize, StoreError> {
    let invalid = |error: plateforme_model::CodeError| StoreError::Config(format!("demo data: {error}"));
    let mut written = 0;
    for (kind, name, line, postal_code, commune, latitude, longitude) in DEMO_SITES {
        let siret = DEMO_ORGANIZATIONS.iter().find(|demo| demo.0 == *kind).map(|demo| demo.2).unwrap_or_default();
        let Some(organization) = store.run_blocking(|conn| organizations::find_by_siret(conn, siret))? else {
            continue;
        };
        let first = plateforme_store::PageRequest::first(1);
        if !store.run_blocking(|conn| sites::list(conn, organization.id, &first))?.items.is_empty() {
            continue;
        }
        let position = Position { latitude: *latitude, longitude: *longitude };
        let fields = SiteFields {
            name: (*name).to_owned(),
            address: Address {
                line: (*line).to_owned(),
                postal_code: PostalCode::parse(postal_code).map_err(invalid)?,
                commune: CommuneCode::parse(commune).map_err(invalid)?,
            },
            position: Some(position),
            opening_hours: [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday]
                .into_iter()
                .map(|day| OpeningSlot { day, opens: "09:00".into(), closes: "17:00".into() })
                .collect(),
            accessibility: Accessibility { wheelchair: true, hearing_loop: true, sign_language: false },
        };
        let context = WriteContext::of(Actor { client_id: "seed".into(), organization_id: Some(organization.id) });
        store.run_blocking(|conn| {
            write::transaction(conn, |conn| sites::create(conn, &context, organization.id, fields, position))
        })?;
        written += 1;
    }
    Ok(written)
}

/// About twenty open offers in a few cities, published by the demo employer and the demo
/// partner — the bakery's baker job by both (the partner's copy is the job as a job board
/// received it): one offer with two sources. Each publication is the body of `POST /v1/offers`,
/// as the publisher would send it.
const DEMO_OFFERS: &str = include_str!("../demo/offers.json");

/// The publications of one demo organization, in `demo/offers.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPublisher {
    /// The kind of the demo organization that publishes them.
    publisher: OrganizationKind,
    publications: Vec<Publication>,
}

/// The demo offers, by publisher.
fn demo_publishers() -> Result<Vec<DemoPublisher>, StoreError> {
    serde_json::from_str(DEMO_OFFERS).map_err(|error| StoreError::Config(format!("demo offers: {error}")))
}

/// Publishes the demo offers through the publication path of the API (checked and prepared
/// as `POST /v1/offers` does). Publishing is an upsert by source, so seeding again answers
/// `unchanged` everywhere and writes nothing. Returns how many publications wrote something.
fn seed_demo_offers(store: &Store) -> Result<usize, StoreError> {
    let invalid = |what: String| StoreError::Config(format!("demo offers: {what}"));
    let mut written = 0;
    for DemoPublisher { publisher, publications } in demo_publishers()? {
        let siret = DEMO_ORGANIZATIONS.iter().find(|demo| demo.0 == publisher).map(|demo| demo.2).unwrap_or_default();
        let organization = store
            .run_blocking(|conn| organizations::find_by_siret(conn, siret))?
            .ok_or_else(|| invalid(format!("no demo {} organization", publisher.as_str())))?;
        let submissions = publications.into_iter().map(prepare).collect::<Result<Vec<_>, _>>().map_err(invalid)?;
        let context = WriteContext::of(Actor { client_id: "seed".into(), organization_id: Some(organization.id) });
        let answers = store.run_blocking(|conn| publish::publish(conn, &context, organization.id, submissions))?;
        // A demo offer someone marked filled or cancelled refuses changes: it stays as it is.
        let wrote = |answer: &publish::Answer| answer.as_ref().is_ok_and(|done| done.outcome != Outcome::Unchanged);
        written += answers.iter().filter(|answer| wrote(answer)).count();
    }
    Ok(written)
}

/// The demo training provider's LHEO catalogue (`demo/trainings.xml`), imported through the
/// import of `POST /v1/trainings/lheo`: seeding again answers `unchanged` and writes nothing.
fn seed_demo_trainings(store: &Store) -> Result<usize, StoreError> {
    const DEMO_TRAININGS: &str = include_str!("../demo/trainings.xml");
    let kind = OrganizationKind::TrainingProvider;
    let siret = DEMO_ORGANIZATIONS.iter().find(|demo| demo.0 == kind).map(|demo| demo.2).unwrap_or_default();
    let Some(organization) = store.run_blocking(|conn| organizations::find_by_siret(conn, siret))? else {
        return Err(StoreError::Config("demo trainings: no demo training provider".into()));
    };
    let context = WriteContext::of(Actor { client_id: "seed".into(), organization_id: Some(organization.id) });
    let anywhere = |_: Option<&str>| true;
    let publisher = plateforme_training::import::Publisher {
        organization_id: organization.id,
        fallback_region: organization.territory.regions.first().map(ToString::to_string).unwrap_or_default(),
        may_place: &anywhere,
    };
    let imported = store.run_blocking(|conn| {
        plateforme_training::import::import(conn, &context, &publisher, DEMO_TRAININGS.as_bytes(), true)
    })?;
    let report = imported
        .map_err(|(error, _)| StoreError::Config(format!("demo trainings: line {}: {}", error.line, error.message)))?;
    let formations = &report.summary.formations;
    Ok(usize::try_from(formations.created + formations.updated).unwrap_or(usize::MAX))
}

/// A few persons the demo mission locale registered, each with a `profile_bank` consent and a
/// profile — bakers near the demo bakery among them — so that a demo recruiter finds profiles
/// with `GET /v1/profiles` (issue 14). Each entry is the body of `POST /v1/persons` and of
/// `PUT /v1/persons/{id}/profile`, as the counsellor would send them.
const DEMO_PROFILES: &str = include_str!("../demo/profiles.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoProfile {
    person: plateforme_model::person::NewPerson,
    profile: plateforme_model::profile::ProfileInput,
}

fn demo_profiles() -> Result<Vec<DemoProfile>, StoreError> {
    serde_json::from_str(DEMO_PROFILES).map_err(|error| StoreError::Config(format!("demo profiles: {error}")))
}

/// Registers each demo person not registered yet (known by their identity key), gives their
/// `profile_bank` consent and writes their profile, in one transaction per person through the
/// store's write paths (so the change feed, and with it the search index, sees them).
fn seed_demo_profiles(store: &Store) -> Result<usize, StoreError> {
    use plateforme_model::person::consent::{ConsentKind, NewConsent};
    use plateforme_model::person::{PersonRecord, Provenance, Registration};
    use plateforme_model::profile::{ProfileRecord, changed_fields};
    use plateforme_store::dossier::{consents, persons};
    let kind = OrganizationKind::MissionLocale;
    let Some(organization_id) = demo_organization_id(store, kind)? else {
        return Err(StoreError::Config("demo profiles: no demo mission locale".into()));
    };
    let client_id = demo_client_id(kind);
    let context = WriteContext::of(Actor { client_id: client_id.clone(), organization_id: Some(organization_id) });
    let employer = demo_organization_id(store, OrganizationKind::Employer)?;
    let mut written = 0;
    for (index, DemoProfile { person, profile }) in demo_profiles()?.into_iter().enumerate() {
        let identity_key = person.identity.identity_key();
        let known = store.run_blocking(|conn| persons::matching(conn, None, "", Some(&identity_key)))?;
        if !known.is_empty() {
            continue;
        }
        let stamp = Provenance {
            organization_id: Some(organization_id),
            client_id: client_id.clone(),
            at: plateforme_model::ids::now(),
            system: None,
        };
        let record = PersonRecord {
            identity: person.identity,
            contact: person.contact,
            statuses: person.statuses,
            registration: Registration {
                registered_on: person.registration.registered_on,
                channel: person.registration.channel,
                registered_by: organization_id,
                on_behalf_of: None,
            },
            orientation: None,
            provenance: Default::default(),
            rsa_status: None,
        };
        let provenance = changed_fields(None, &profile).into_iter().map(|field| (field, stamp.clone())).collect();
        let profile = ProfileRecord { fields: profile, provenance };
        let consent = NewConsent { kind: ConsentKind::ProfileBank, partner_organization_id: None };
        store.run_blocking(|conn| {
            write::transaction(conn, |conn| {
                let person = persons::create(conn, &context, record, None)?;
                consents::give(conn, &context, person.id, &consent)?;
                plateforme_store::profiles::create(conn, &context, person.id, profile)?;
                match employer {
                    Some(employer) if index == 0 => seed_demo_contact_request(conn, person.id, employer),
                    _ => Ok(()),
                }
            })
        })?;
        written += 1;
    }
    Ok(written)
}

/// The demo mission locale's first two demo persons positioned on the demo bakery's open session
/// funded by the région (`DEMO-1-S1`), waiting for the demo training provider's answer, through
/// the API's maker of positionings. Seeded once per person; none once the session is over.
fn seed_demo_positionings(store: &Store) -> Result<usize, StoreError> {
    use plateforme_store::dossier::persons;
    use plateforme_store::training::positionings;
    use plateforme_training::positionings::position_person::{SessionRead, new_positioning};
    let organization_of = |kind: OrganizationKind| {
        let siret = DEMO_ORGANIZATIONS.iter().find(|demo| demo.0 == kind).map(|demo| demo.2).unwrap_or_default();
        store.run_blocking(|conn| organizations::find_by_siret(conn, siret))
    };
    let (Some(provider), Some(counsellor)) =
        (organization_of(OrganizationKind::TrainingProvider)?, organization_of(OrganizationKind::MissionLocale)?)
    else {
        return Err(StoreError::Config("demo positionings: no demo training provider or mission locale".into()));
    };
    let numero = "DEMO-1".to_owned();
    let training = store
        .run_blocking(|conn| {
            plateforme_store::training::import::existing(conn, provider.id, std::slice::from_ref(&numero))
        })?
        .remove(&numero)
        .ok_or_else(|| StoreError::Config("demo positionings: no demo training DEMO-1".into()))?;
    let formation: plateforme_training::model::Formation =
        serde_json::from_value(training.record.clone()).map_err(|error| StoreError::Config(error.to_string()))?;
    let Some(session_id) = formation
        .actions
        .iter()
        .flat_map(|action| &action.sessions)
        .find(|session| session.numero == "DEMO-1-S1")
        .map(|session| session.id)
    else {
        return Err(StoreError::Config("demo positionings: no session DEMO-1-S1".into()));
    };
    let context = WriteContext::of(Actor {
        client_id: demo_client_id(OrganizationKind::MissionLocale),
        organization_id: Some(counsellor.id),
    });
    let today = plateforme_model::ids::now().date_naive();
    let mut written = 0;
    for demo in demo_profiles()?.into_iter().take(2) {
        let identity_key = demo.person.identity.identity_key();
        let Some(person) = store.run_blocking(|conn| persons::matching(conn, None, "", Some(&identity_key)))?.pop()
        else {
            continue;
        };
        let person_id = person.0.id;
        let on_it = store.run_blocking(|conn| positionings::under_way(conn, person_id, session_id))?;
        if on_it.is_some() {
            continue;
        }
        let taken = store.run_blocking(|conn| positionings::places_taken(conn, session_id))?;
        let on = SessionRead { training: Some(training.clone()), session_id, places_taken: taken };
        let comment = Some("Projet de reconversion validé en entretien (démo).".to_owned());
        // A session over, closed or full takes no positioning: the demo then has none.
        let Ok(positioning) = new_positioning(on, person_id, counsellor.id, comment, today) else { continue };
        store
            .run_blocking(|conn| write::transaction(conn, |conn| positionings::create(conn, &context, &positioning)))?;
        written += 1;
    }
    Ok(written)
}

/// The demo bakery asked the first demo baker to meet, and she accepted sharing her email: the
/// demo employer reads it with `GET /v1/contact-requests/{id}`, and she sees the request in
/// `/v1/me/contact-requests`.
fn seed_demo_contact_request(conn: &mut DbConnection, person_id: Uuid, employer: Uuid) -> Result<(), StoreError> {
    use plateforme_model::contact_request::ContactRequestStatus;
    use plateforme_store::profiles::contact_requests::{self, NewContactRequest};
    let request = contact_requests::create(
        conn,
        NewContactRequest {
            person_id,
            organization_id: employer,
            client_id: demo_client_id(OrganizationKind::Employer),
            offer_id: None,
            message: Some(
                "Bonjour, notre boulangerie recrute un boulanger en CDI : seriez-vous disponible pour un entretien ?"
                    .into(),
            ),
        },
    )?;
    contact_requests::decide(conn, &request, ContactRequestStatus::Accepted, true, false)?;
    Ok(())
}

/// The id of the demo organization of this kind, once seeded.
fn demo_organization_id(store: &Store, kind: OrganizationKind) -> Result<Option<Uuid>, StoreError> {
    let siret = DEMO_ORGANIZATIONS.iter().find(|demo| demo.0 == kind).map(|demo| demo.2).unwrap_or_default();
    Ok(store.run_blocking(|conn| organizations::find_by_siret(conn, siret))?.map(|organization| organization.id))
}

/// A demo publication checked and prepared as the API does; the broken rules, named, if any.
fn prepare(publication: Publication) -> Result<Submission, String> {
    let reference = publication.source.reference.clone();
    plateforme_offers::prepare(publication).map_err(|errors| {
        let rules: Vec<String> = errors.iter().map(|error| format!("{} {}", error.field, error.rule)).collect();
        format!("{reference}: {}", rules.join(", "))
    })
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

    #[test]
    fn demo_offers_are_publications_the_api_accepts() {
        let publishers = super::demo_publishers().expect("demo/offers.json reads");
        let kinds: Vec<OrganizationKind> = publishers.iter().map(|publisher| publisher.publisher).collect();
        assert_eq!(kinds, [OrganizationKind::Employer, OrganizationKind::Partner]);
        let mut references = std::collections::HashSet::new();
        for publication in publishers.into_iter().flat_map(|publisher| publisher.publications) {
            let source = publication.source.clone();
            assert!(references.insert((source.system, source.reference)), "one publication per source");
            super::prepare(publication).expect("the API accepts every demo offer");
        }
        assert_eq!(references.len(), 22);
    }

    #[test]
    fn demo_profiles_are_registrations_and_profiles_the_api_accepts() {
        let today = plateforme_model::ids::now().date_naive();
        let demo = super::demo_profiles().expect("demo/profiles.json reads");
        assert!(demo.len() >= 5);
        for super::DemoProfile { person, profile } in demo {
            person.check(today).expect("the API accepts every demo person");
            profile.validate().expect("the API accepts every demo profile");
            plateforme_profiles::check_references(&profile).expect("demo profile codes exist");
        }
    }
}
