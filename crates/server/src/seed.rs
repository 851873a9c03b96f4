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
    /// Offer publications that wrote something (a new offer, or a source joining one).
    pub offers: usize,
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
    Ok(seeded)
}

/// About twenty open offers in a few cities, published by the demo employer and the demo
/// partner — the bakery's baker job by both: one offer with two sources. Publishing is an
/// upsert by source, so seeding again answers `unchanged` everywhere and writes nothing.
/// Returns how many publications wrote something.
fn seed_demo_offers(store: &Store) -> Result<usize, StoreError> {
    use plateforme_model::offer::Publication;
    use plateforme_store::offers::publish::{self, Outcome};
    use serde_json::json;

    let invalid = |what: String| StoreError::Config(format!("demo offers: {what}"));
    // Made-up employers: the SIRETs pass the Luhn check, the NAF codes exist.
    let bakery = json!({"name": "Boulangerie des Pentes", "siret": "90000000600008", "naf": "10.71C",
        "size_band": "1-9"});
    let employer = |name: &str, siret: &str, naf: &str, size_band: &str| {
        json!({"name": name, "siret": siret, "naf": naf,
            "size_band": size_band})
    };
    let digital = employer("Atelier Numérique Lumière", "91000000010009", "62.01Z", "10-49");
    // Each offer with its reference in the publisher's system.
    let by_the_employer = json!([
        {"reference": "BDP-2026-001", "title": "Boulanger / Boulangère", "rome_code": "D1102",
            "contract_type": "cdi", "weekly_hours": 35.0,
            "description": "Au fournil de notre boulangerie artisanale de Villeurbanne, vous préparez chaque nuit \
                le pain de la journée : pétrissage, façonnage, pointage et cuisson au four à sole. Vous travaillez \
                au levain naturel et avec des farines bio de meuniers de la région. Horaires de nuit (3 h – 10 h) \
                du mardi au samedi, deux jours de repos consécutifs. Vous transmettez votre savoir-faire à notre \
                apprenti et participez à la création de pains spéciaux pour les marchés du week-end.",
            "salary": {"min": 1950.0, "max": 2250.0, "period": "month"},
            "workplace": {"commune": "69266", "latitude": 45.7665, "longitude": 4.8795}, "employer": bakery,
            "skills": ["Pétrissage et façonnage", "Cuisson au four à sole", "Travail au levain", "Hygiène HACCP"],
            "qualification_level": 3, "experience": {"level": "desired", "months": 12},
            "inclusive_hiring": {"disability_committed": true}},
        {"reference": "BDP-2026-002", "title": "Vendeur / Vendeuse en boulangerie", "rome_code": "D1106",
            "contract_type": "cdd", "contract_months": 6, "weekly_hours": 28.0,
            "description": "Vous accueillez nos clients, les conseillez sur nos pains et viennoiseries, tenez la \
                caisse et mettez en valeur la vitrine. Recrutement par simulation, sans CV : débutants bienvenus.",
            "salary": {"min": 11.88, "max": 12.5, "period": "hour"}, "workplace": {"commune": "69266"},
            "employer": bakery, "skills": ["Accueil de la clientèle", "Encaissement"],
            "experience": {"level": "beginner_accepted"}, "inclusive_hiring": {"without_cv": true}},
        {"reference": "BDP-2026-003", "title": "Apprenti pâtissier / Apprentie pâtissière", "rome_code": "D1104",
            "contract_type": "apprenticeship", "contract_months": 24, "weekly_hours": 35.0,
            "description": "Dans notre boutique des pentes de la Croix-Rousse, vous préparez un CAP pâtissier en \
                alternance : pâtes de base, crèmes, entremets et tartes du jour, aux côtés de notre chef.",
            "salary": {"min": 960.0, "max": 1400.0, "period": "month"}, "workplace": {"commune": "69123"},
            "employer": bakery, "skills": ["Pâtes de base", "Crèmes pâtissières", "Décoration"],
            "qualification_level": 3, "experience": {"level": "beginner_accepted"}},
        {"reference": "BDP-2026-004", "title": "Livreur / Livreuse de pain", "rome_code": "N4105",
            "contract_type": "cdi", "weekly_hours": 20.0,
            "description": "Tôt le matin, vous livrez le pain à nos clients restaurateurs de Lyon en véhicule \
                utilitaire. Permis B exigé. Poste ouvert aux personnes en parcours d'insertion (IAE).",
            "salary": {"min": 12.0, "period": "hour"}, "workplace": {"commune": "69123"}, "employer": bakery,
            "skills": ["Permis B", "Ponctualité"], "inclusive_hiring": {"open_to_iae": true}}
    ]);
    let by_the_partner = json!([
        // The bakery's baker job, as the job board received it: the same job, so one offer.
        {"reference": "AFPA-LYON-7101", "title": "BOULANGER / BOULANGERE", "rome_code": "D1102",
            "contract_type": "cdi", "workplace": {"commune": "69266"},
            "description": "Boulangerie artisanale de Villeurbanne recherche un boulanger ou une boulangère de nuit.",
            "employer": {"name": "Boulangerie des Pentes", "siret": "90000000600008"}},
        {"reference": "AFPA-LYON-7102", "title": "Développeur / Développeuse web", "rome_code": "M1805",
            "contract_type": "cdi", "weekly_hours": 35.0, "remote_work": "partial",
            "description": "Au sein d'une équipe de cinq personnes, vous concevez et développez les services en \
                ligne de nos clients publics et associatifs : API REST, interfaces accessibles (RGAA), bases de \
                données. Vous participez aux revues de code, aux choix d'architecture et à l'accueil des nouveaux \
                arrivants. Deux jours de télétravail par semaine, locaux à deux pas de la Part-Dieu, plan de \
                formation annuel et accompagnement des salariés en situation de handicap.",
            "salary": {"min": 38000.0, "max": 45000.0, "period": "year"}, "workplace": {"commune": "69123"},
            "employer": digital, "skills": ["Rust", "PostgreSQL", "Accessibilité numérique", "Git"],
            "qualification_level": 6, "experience": {"level": "desired", "months": 24},
            "inclusive_hiring": {"disability_committed": true}},
        {"reference": "AFPA-LYON-7103", "title": "Technicien / Technicienne d'exploitation informatique",
            "rome_code": "M1810", "contract_type": "cdd", "contract_months": 12, "weekly_hours": 35.0,
            "description": "Vous assurez le bon fonctionnement des serveurs et des postes de travail, le suivi des \
                sauvegardes et le support aux utilisateurs de nos clients.",
            "salary": {"min": 2300.0, "max": 2600.0, "period": "month"}, "workplace": {"commune": "69266"},
            "employer": digital, "skills": ["Linux", "Supervision", "Support utilisateurs"],
            "qualification_level": 5},
        {"reference": "AFPA-LYON-7104", "title": "Aide-soignant / Aide-soignante de nuit", "rome_code": "J1501",
            "contract_type": "cdi", "weekly_hours": 35.0,
            "description": "Dans notre EHPAD de 80 résidents, vous accompagnez les personnes âgées la nuit : soins \
                d'hygiène et de confort, surveillance, aide au coucher. Diplôme d'État d'aide-soignant exigé. \
                Planning en 12 heures, un week-end sur deux, prime de nuit et mutuelle prise en charge à 60 %. \
                Notre résidence accueille et accompagne les salariés en situation de handicap.",
            "salary": {"min": 2000.0, "max": 2300.0, "period": "month"}, "workplace": {"commune": "13055"},
            "employer": employer("Résidence Les Calanques", "91000000020008", "87.10A", "50-249"),
            "skills": ["Soins d'hygiène et de confort", "Transmissions ciblées", "Bientraitance"],
            "qualification_level": 4, "experience": {"level": "desired", "months": 6},
            "inclusive_hiring": {"disability_committed": true}},
        {"reference": "AFPA-LYON-7105", "title": "Infirmier / Infirmière en soins généraux", "rome_code": "J1506",
            "contract_type": "cdi", "weekly_hours": 35.0,
            "description": "Service de chirurgie ambulatoire : accueil des patients, préparation pré-opératoire, \
                surveillance post-opératoire et éducation thérapeutique. Diplôme d'État infirmier exigé.",
            "salary": {"min": 2400.0, "max": 2900.0, "period": "month"}, "workplace": {"commune": "13055"},
            "employer": employer("Clinique du Vieux-Port", "91000000030007", "86.10Z", "250-4999"),
            "skills": ["Soins infirmiers", "Chirurgie ambulatoire", "Éducation thérapeutique"],
            "qualification_level": 6},
        {"reference": "AFPA-LYON-7106", "title": "Serveur / Serveuse en restauration", "rome_code": "G1803",
            "contract_type": "seasonal", "contract_months": 4, "weekly_hours": 39.0, "positions": 3,
            "description": "Pour la saison d'été, brasserie de bord de mer cherche serveurs et serveuses : service \
                en salle et en terrasse, prise de commande, encaissement. Débutants acceptés, recrutement sans CV.",
            "salary": {"min": 11.88, "max": 13.0, "period": "hour"}, "workplace": {"commune": "13055"},
            "employer": employer("Brasserie de l'Estaque", "91000000040006", "56.10A", "10-49"),
            "skills": ["Service en salle", "Prise de commande"], "experience": {"level": "beginner_accepted"},
            "inclusive_hiring": {"without_cv": true}},
        {"reference": "AFPA-LYON-7107", "title": "Commis / Commise de cuisine", "rome_code": "G1602",
            "contract_type": "cdd", "contract_months": 6, "weekly_hours": 35.0,
            "description": "Vous préparez les légumes, les garnitures et les entrées sous la responsabilité du \
                chef, dans un bistrot de quartier qui cuisine des produits frais. Poste ouvert aux parcours IAE.",
            "salary": {"min": 1850.0, "max": 2000.0, "period": "month"}, "workplace": {"commune": "75056"},
            "employer": employer("Bistrot des Batignolles", "91000000050005", "56.10A", "1-9"),
            "skills": ["Mise en place", "Hygiène HACCP", "Taillage des légumes"],
            "experience": {"level": "beginner_accepted"},
            "inclusive_hiring": {"without_cv": true, "open_to_iae": true}},
        {"reference": "AFPA-LYON-7108", "title": "Employé / Employée de rayon libre-service", "rome_code": "D1507",
            "contract_type": "cdd", "contract_months": 3, "weekly_hours": 30.0,
            "description": "Mise en rayon, étiquetage, rotation des produits frais et renseignement des clients \
                dans un supermarché de proximité.",
            "salary": {"min": 1800.0, "period": "month"}, "workplace": {"commune": "75056"},
            "employer": employer("Supermarché de la Goutte d'Or", "91000000060004", "47.11D", "10-49"),
            "skills": ["Mise en rayon", "Rotation des produits frais"], "experience": {"level": "beginner_accepted"},
            "inclusive_hiring": {"open_to_iae": true}},
        {"reference": "AFPA-LYON-7109", "title": "Maçon / Maçonne", "rome_code": "F1703",
            "contract_type": "interim", "contract_months": 2, "weekly_hours": 35.0, "positions": 2,
            "description": "Mission d'intérim sur un chantier de maisons individuelles : fondations, élévation de \
                murs en parpaings, chapes. Équipements de protection fournis.",
            "salary": {"min": 14.0, "max": 16.0, "period": "hour"}, "workplace": {"commune": "75056"},
            "employer": employer("Bâtiments d'Île-de-France", "91000000070003", "41.20A", "50-249"),
            "skills": ["Maçonnerie", "Lecture de plans", "Coffrage"],
            "experience": {"level": "required", "months": 24}},
        {"reference": "AFPA-LYON-7110", "title": "Préparateur / Préparatrice de commandes", "rome_code": "N1103",
            "contract_type": "interim", "contract_months": 3, "weekly_hours": 35.0, "positions": 5,
            "description": "Dans un entrepôt de la métropole lilloise, vous préparez les commandes à l'aide d'un \
                terminal à commande vocale et chargez les camions. CACES 1 apprécié ; recrutement sans CV.",
            "salary": {"min": 11.88, "max": 12.5, "period": "hour"}, "workplace": {"commune": "59350"},
            "employer": employer("Logistique des Flandres", "91000000080002", "52.10B", "250-4999"),
            "skills": ["Préparation de commandes", "CACES 1"], "experience": {"level": "beginner_accepted"},
            "inclusive_hiring": {"without_cv": true, "open_to_iae": true}},
        {"reference": "AFPA-LYON-7111", "title": "Conducteur / Conductrice de poids lourd", "rome_code": "N4101",
            "contract_type": "cdi", "weekly_hours": 39.0,
            "description": "Transport régional de marchandises au départ de Lille, retour à domicile chaque soir. \
                Permis C et FIMO à jour exigés. Véhicules récents, prime de fin d'année.",
            "salary": {"min": 2300.0, "max": 2700.0, "period": "month"}, "workplace": {"commune": "59350"},
            "employer": employer("Transports du Nord", "91000000090001", "49.41A", "50-249"),
            "skills": ["Permis C", "FIMO", "Arrimage des charges"],
            "experience": {"level": "required", "months": 12}},
        {"reference": "AFPA-LYON-7112", "title": "Secrétaire médical / Secrétaire médicale", "rome_code": "M1607",
            "contract_type": "cdd", "contract_months": 6, "weekly_hours": 24.0,
            "description": "Accueil physique et téléphonique des patients, prise de rendez-vous et frappe des \
                comptes rendus dans un cabinet de radiologie.",
            "salary": {"min": 1900.0, "max": 2100.0, "period": "month"}, "workplace": {"commune": "59350"},
            "employer": employer("Cabinet de radiologie de la Citadelle", "91000000100008", "86.22A", "10-49"),
            "skills": ["Accueil téléphonique", "Terminologie médicale"], "qualification_level": 4},
        {"reference": "AFPA-LYON-7113", "title": "Agent / Agente d'entretien des espaces verts",
            "rome_code": "A1203", "contract_type": "professionalisation", "contract_months": 12,
            "weekly_hours": 35.0, "positions": 4,
            "description": "Chantier d'insertion : tonte, taille des haies, plantations et entretien des parcs de \
                la ville, avec un encadrant technique et un accompagnement vers l'emploi durable.",
            "salary": {"min": 1426.0, "period": "month"}, "workplace": {"commune": "33063"},
            "employer": employer("Jardins de la Garonne", "91000000110007", "81.30Z", "10-49"),
            "skills": ["Tonte", "Taille des haies", "Plantations"], "experience": {"level": "beginner_accepted"},
            "inclusive_hiring": {"without_cv": true, "open_to_iae": true}},
        {"reference": "AFPA-LYON-7114", "title": "Comptable", "rome_code": "M1203", "contract_type": "cdi",
            "weekly_hours": 37.0, "remote_work": "partial",
            "description": "Vous tenez un portefeuille de dossiers de TPE et d'artisans, de la saisie au bilan, et \
                préparez les déclarations fiscales. Un jour de télétravail par semaine.",
            "salary": {"min": 2600.0, "max": 3100.0, "period": "month"}, "workplace": {"commune": "33063"},
            "employer": employer("Cabinet comptable des Chartrons", "91000000120006", "69.20Z", "10-49"),
            "skills": ["Tenue comptable", "Bilan", "Déclarations fiscales"], "qualification_level": 5,
            "experience": {"level": "required", "months": 36}},
        {"reference": "AFPA-LYON-7115", "title": "Plombier / Plombière sanitaire", "rome_code": "F1603",
            "contract_type": "cdi", "weekly_hours": 35.0,
            "description": "Installation et dépannage de sanitaires et de chauffe-eau chez des particuliers de la \
                métropole rennaise. Véhicule de service et outillage fournis.",
            "salary": {"min": 2200.0, "max": 2700.0, "period": "month"}, "workplace": {"commune": "35238"},
            "employer": employer("Plomberie rennaise", "91000000130005", "43.22A", "1-9"),
            "skills": ["Installation sanitaire", "Soudure cuivre", "Dépannage"], "qualification_level": 3,
            "experience": {"level": "desired", "months": 12}},
        {"reference": "AFPA-LYON-7116", "title": "Assistant / Assistante de vie", "rome_code": "K1302",
            "contract_type": "cdi", "weekly_hours": 24.0, "positions": 2,
            "description": "Vous accompagnez à domicile des personnes âgées ou en situation de handicap : aide au \
                lever, préparation des repas, courses, présence. Recrutement sans CV, employeur handi-engagé.",
            "salary": {"min": 12.2, "max": 13.0, "period": "hour"}, "workplace": {"commune": "35238"},
            "employer": employer("Aide à domicile d'Ille-et-Vilaine", "91000000140004", "88.10A", "50-249"),
            "skills": ["Aide à la personne", "Préparation des repas", "Écoute"],
            "experience": {"level": "beginner_accepted"},
            "inclusive_hiring": {"disability_committed": true, "without_cv": true}},
        {"reference": "AFPA-LYON-7117", "title": "Agent / Agente de nettoyage", "rome_code": "K2204",
            "contract_type": "cdi", "weekly_hours": 25.0,
            "description": "Entretien de bureaux dans le quartier de la Part-Dieu, tôt le matin. Matériel fourni, \
                formation aux produits écologiques. Poste ouvert aux parcours IAE, sans CV.",
            "salary": {"min": 11.88, "period": "hour"}, "workplace": {"commune": "69123"},
            "employer": employer("Net Services Rhône", "91000000150003", "81.21Z", "50-249"),
            "skills": ["Entretien des locaux"], "experience": {"level": "beginner_accepted"},
            "inclusive_hiring": {"without_cv": true, "open_to_iae": true}},
        {"reference": "AFPA-LYON-7118", "title": "Technicien / Technicienne de maintenance industrielle",
            "rome_code": "I1304", "contract_type": "apprenticeship", "contract_months": 24, "weekly_hours": 35.0,
            "description": "En alternance avec un BTS maintenance des systèmes, vous assurez la maintenance \
                préventive et curative de nos machines d'usinage, aux côtés d'un tuteur expérimenté.",
            "salary": {"min": 1100.0, "max": 1500.0, "period": "month"},
            "workplace": {"commune": "69266", "latitude": 45.7602, "longitude": 4.9027},
            "employer": employer("Mécanique de précision du Rhône", "91000000160002", "33.12Z", "50-249"),
            "skills": ["Électrotechnique", "Mécanique", "Automatismes"], "qualification_level": 5,
            "inclusive_hiring": {"disability_committed": true}}
    ]);
    let mut written = 0;
    for (kind, system, offers) in [
        (OrganizationKind::Employer, "site-boulangerie-des-pentes", by_the_employer),
        (OrganizationKind::Partner, "afpa-lyon-emploi", by_the_partner),
    ] {
        let siret = DEMO_ORGANIZATIONS.iter().find(|demo| demo.0 == kind).map(|demo| demo.2).unwrap_or_default();
        let organization = store
            .run_blocking(|conn| organizations::find_by_siret(conn, siret))?
            .ok_or_else(|| invalid(format!("no demo {} organization", kind.as_str())))?;
        let mut submissions = Vec::new();
        for mut offer in offers.as_array().cloned().unwrap_or_default() {
            let reference = offer.as_object_mut().and_then(|fields| fields.remove("reference")).unwrap_or_default();
            let publication: Publication =
                serde_json::from_value(json!({"source": {"system": system, "reference": reference}, "offer": offer}))
                    .map_err(|error| invalid(format!("{reference}: {error}")))?;
            let submission = plateforme_offers::prepare(publication).map_err(|errors| {
                let rules: Vec<String> = errors.iter().map(|error| format!("{} {}", error.field, error.rule)).collect();
                invalid(format!("{reference}: {}", rules.join(", ")))
            })?;
            submissions.push(submission);
        }
        let context = WriteContext {
            actor: Actor { client_id: "seed".into(), organization_id: Some(organization.id) },
            request_id: None,
        };
        let answers = store.run_blocking(|conn| publish::publish(conn, &context, organization.id, submissions))?;
        // A demo offer someone marked filled or cancelled refuses changes: it stays as it is.
        let wrote = |answer: &publish::Answer| answer.as_ref().is_ok_and(|done| done.outcome != Outcome::Unchanged);
        written += answers.iter().filter(|answer| wrote(answer)).count();
    }
    Ok(written)
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
