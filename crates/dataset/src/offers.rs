//! Job offers of the dataset, published through the real publication path
//! (`plateforme_store::offers::publish`) in batches, de-duplication included: about one offer in
//! ten is sent again by a second source (a partner job board of the same agency), which merges
//! into the first.
//!
//! Distributions: workplaces drawn by commune population; ROME codes skewed (a few jobs are
//! common, most are rare); contract types as France Travail's offers roughly go (CDI 40 %,
//! CDD 30 %, interim 15 %…); pay stated for 70 %. Fields depend only on the seed; offer ids and
//! write times are the publication's own, and dates are relative to the generation day so that
//! the offers stay open (published in the last 50 days, for 60 to 90 days).

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use plateforme_model::codes::{CommuneCode, RomeCode};
use plateforme_model::offer::{
    ContractType, Employer, Experience, ExperienceLevel, InclusiveHiring, OfferFields, OfferLocation, RemoteWork,
    Salary, SalaryPeriod, SizeBand, SourceRef, Workplace,
};
use plateforme_model::organization::OrganizationKind;
use plateforme_reference_data::{Commune, Rome, communes, rome_codes};
use plateforme_store::offers::publish::{Submission, publish};
use plateforme_store::{Actor, Store, WriteContext};

use super::network::{DATASET_SIRENS, Network, siret};
use super::rng::{Rng, WeightedTable, fnv1a};
use super::{DATASET_CLIENT, DatasetError, DatasetOptions, Progress};

/// Offers generated per round; each publisher's share is one transaction.
const BATCH: u64 = 4_000;
/// Publishing organizations (France Travail agencies standing for national systems).
const PUBLISHERS: usize = 8;

/// Contract types with their weights, as France Travail's offers roughly go.
pub const CONTRACTS: &[(ContractType, u32)] = &[
    (ContractType::Cdi, 40),
    (ContractType::Cdd, 30),
    (ContractType::Interim, 15),
    (ContractType::Seasonal, 5),
    (ContractType::Apprenticeship, 5),
    (ContractType::Professionalisation, 3),
    (ContractType::Other, 2),
];

/// Skills an offer asks for (0 to 5 of them).
pub const SKILLS: &[&str] = &[
    "Travail en équipe",
    "Accueil du public",
    "Respect des règles d'hygiène",
    "Gestion des stocks",
    "Relation client",
    "Utilisation d'outils bureautiques",
    "Conduite de véhicule",
    "Lecture de plans",
    "Encaissement",
    "Maintenance préventive",
    "Rédaction de comptes rendus",
    "Planification",
    "Port de charges",
    "Respect des consignes de sécurité",
    "Autonomie",
    "Anglais professionnel",
    "Soudure",
    "Caces R489",
    "Permis B",
    "Soins d'hygiène et de confort",
    "Préparation de commandes",
    "Tableur",
    "Développement web",
    "Comptabilité générale",
    "Cuisine traditionnelle",
];

/// Trades an employer's name starts with (`Boulangerie du Centre`).
pub const TRADES: &[&str] = &[
    "Boulangerie",
    "Transports",
    "Clinique",
    "Atelier",
    "Garage",
    "Restaurant",
    "Bâtiment",
    "Logistique",
    "Services à la personne",
    "Informatique",
    "Hôtel",
    "Supermarché",
    "Menuiserie",
    "Cabinet",
    "Pharmacie",
];

const TOWNS_OF_NAMES: &[&str] = &["du Centre", "des Lilas", "Martin", "Bernard", "du Val", "Moreau", "de la Gare"];

/// How often offers of this ROME code are drawn: skewed (a few jobs are common, most are
/// rare), a code's weight being the square of a number from 1 to 20 drawn from the code.
pub fn rome_weight(code: &str) -> u64 {
    (fnv1a(code.as_bytes()) % 20 + 1).pow(2)
}

/// The ROME codes weighted by [`rome_weight`], in the order of `rome_codes()`.
pub fn rome_table() -> Result<WeightedTable, DatasetError> {
    WeightedTable::new(rome_codes().iter().map(|rome| rome_weight(&rome.code)))
        .ok_or_else(|| DatasetError::Invalid("no ROME code".into()))
}

/// The title of an offer of this ROME code: its label up to the first ` / `
/// (`Conducteur / Conductrice d'engins agricoles` gives `Conducteur`).
pub fn job_title(rome: &Rome) -> &str {
    rome.label.split(" / ").next().unwrap_or(&rome.label)
}

/// An offer's description: who recruits, for what and where, a team size and, for half of
/// them, what the job offers (words the searches look for).
pub fn description(rng: &mut Rng, employer: &str, title: &str, commune: &Commune) -> String {
    format!(
        "{employer} recrute un(e) {title} à {town} ({departement}). Vous rejoignez une équipe de {team} personnes et \
         participez aux missions du poste : accueil, organisation du travail, suivi de la qualité. {extra}",
        town = commune.name,
        departement = commune.departement,
        team = rng.between(2, 40),
        extra = if rng.chance(0.5) {
            "Formation assurée à la prise de poste ; les débutants motivés sont les bienvenus. Horaires de journée, du \
             lundi au vendredi, avec une mutuelle d'entreprise et des titres-restaurant."
        } else {
            "Expérience appréciée."
        },
    )
}

/// Generates `options.offers` offers; answers how many were published (merged ones included).
pub fn generate(
    store: &Store,
    network: &Network,
    options: &DatasetOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<u64, DatasetError> {
    if options.offers == 0 {
        return Ok(0);
    }
    let started = Instant::now();
    let mut generator = OfferGenerator::new(network, options.seed)?;
    let context = WriteContext::of(Actor { client_id: DATASET_CLIENT.to_owned(), organization_id: None });
    let mut done = 0;
    while done < options.offers {
        let size = BATCH.min(options.offers - done);
        // Publications go per publishing organization, as each source's client would send them.
        let mut by_publisher: Vec<(uuid::Uuid, Vec<Submission>)> = Vec::new();
        for _ in 0..size {
            for (publisher, submission) in generator.next_offer()? {
                match by_publisher.iter_mut().find(|(id, _)| *id == publisher) {
                    Some((_, submissions)) => submissions.push(submission),
                    None => by_publisher.push((publisher, vec![submission])),
                }
            }
        }
        for (publisher, submissions) in by_publisher {
            store.run_blocking(|conn| publish(conn, &context, publisher, submissions))?;
        }
        done += size;
        // The de-duplication reads use the partial indexes only once the planner knows the
        // tables are no longer empty: statistics are refreshed as they grow (autovacuum may be
        // off or late).
        if store.backend() == plateforme_store::Backend::Postgres && (done == size || done % 100_000 < size) {
            store.run_blocking(|conn| {
                use diesel::RunQueryDsl;
                diesel::sql_query("ANALYZE offers, offer_sources").execute(conn)?;
                Ok(())
            })?;
        }
        progress(Progress { phase: "offers", done, total: options.offers, elapsed: started.elapsed() });
    }
    Ok(done)
}

struct OfferGenerator<'a> {
    network: &'a Network,
    rng: Rng,
    rome: WeightedTable,
    publishers: Vec<uuid::Uuid>,
    count: u64,
    today: DateTime<Utc>,
}

impl<'a> OfferGenerator<'a> {
    fn new(network: &'a Network, seed: u64) -> Result<OfferGenerator<'a>, DatasetError> {
        let rome = rome_table()?;
        let today = Utc::now().date_naive().and_hms_opt(0, 0, 0).map(|time| time.and_utc()).unwrap_or_default();
        let publishers: Vec<uuid::Uuid> = network
            .organizations
            .iter()
            .filter(|organization| organization.fields.kind == OrganizationKind::FranceTravail)
            .take(PUBLISHERS)
            .map(|organization| organization.id)
            .collect();
        if publishers.is_empty() {
            return Err(DatasetError::Invalid("no France Travail agency to publish offers".into()));
        }
        Ok(OfferGenerator { network, rng: Rng::new(seed, "offers"), rome, publishers, count: 0, today })
    }

    /// One job: its first publication, and sometimes a second source's copy.
    fn next_offer(&mut self) -> Result<Vec<(uuid::Uuid, Submission)>, DatasetError> {
        self.count += 1;
        let commune_index = self.network.residence(&mut self.rng);
        let commune = &communes()[commune_index];
        // A few national publishers, as job boards and France Travail's regional systems send
        // their offers in large batches.
        let publisher =
            self.publishers[(fnv1a(commune.departement.as_bytes()) % self.publishers.len() as u64) as usize];
        let fields = self.fields(commune_index)?;
        let location = OfferLocation {
            commune_name: commune.name.clone(),
            departement: commune.departement.clone(),
            region: commune.region.clone(),
            latitude: fields.workplace.latitude.or(commune.latitude),
            longitude: fields.workplace.longitude.or(commune.longitude),
            precise: fields.workplace.latitude.is_some(),
        };
        let reference = format!("O-{}", self.count);
        let mut submissions = vec![(
            publisher,
            Submission {
                source: SourceRef { system: "dataset-agence".into(), reference: reference.clone() },
                fields: fields.clone(),
                location: location.clone(),
            },
        )];
        if fields.employer.siret.is_some() && self.rng.chance(0.1) {
            let mut copy = fields;
            copy.description = format!("{}\n\nOffre relayée par un site partenaire.", copy.description);
            submissions.push((
                publisher,
                Submission {
                    source: SourceRef { system: "dataset-jobboard".into(), reference },
                    fields: copy,
                    location,
                },
            ));
        }
        Ok(submissions)
    }

    fn fields(&mut self, commune_index: usize) -> Result<OfferFields, DatasetError> {
        let rng = &mut self.rng;
        let commune = &communes()[commune_index];
        let rome = &rome_codes()[self.rome.draw(rng)];
        let label = job_title(rome).to_owned();
        let contract_type = rng.weighted(CONTRACTS);
        let contract_months = match contract_type {
            ContractType::Cdi => None,
            ContractType::Apprenticeship | ContractType::Professionalisation => Some(rng.between(12, 36) as u32),
            _ => Some(rng.between(1, 18) as u32),
        };
        let named = rng.chance(0.85);
        let employer_name = format!("{} {}", rng.pick(TRADES), rng.pick(TOWNS_OF_NAMES));
        let employer = if named {
            let unit = (fnv1a(employer_name.as_bytes()) % 9_000_000) as u32;
            Employer {
                name: Some(employer_name.clone()),
                siret: Some(siret(DATASET_SIRENS, unit, (commune_index % 9_000) as u32)?),
                naf: None,
                size_band: Some(*rng.pick(&[
                    SizeBand::Micro,
                    SizeBand::Small,
                    SizeBand::Medium,
                    SizeBand::Intermediate,
                ])),
            }
        } else {
            Employer::default()
        };
        let salary = rng.chance(0.7).then(|| {
            let min = rng.between(1_800, 3_200) as f64;
            Salary { min: Some(min), max: Some(min + rng.between(0, 800) as f64), period: SalaryPeriod::Month }
        });
        let skills: Vec<String> = (0..rng.between(0, 5)).map(|_| (*rng.pick(SKILLS)).to_owned()).collect();
        let precise = rng.chance(0.3);
        let published_at = self.today - Duration::days(rng.between(0, 50)) + Duration::minutes(rng.between(0, 1439));
        let expires_at = published_at + Duration::days(rng.between(60, 90));
        let employer_name = if named { employer_name.as_str() } else { "Notre entreprise" };
        let description = description(rng, employer_name, &label, commune);
        Ok(OfferFields {
            title: label,
            description,
            rome_code: RomeCode::parse(&rome.code).map_err(|error| DatasetError::Invalid(error.to_string()))?,
            contract_type,
            contract_months,
            weekly_hours: Some(if rng.chance(0.8) { 35.0 } else { rng.between(10, 30) as f64 }),
            salary,
            positions: if rng.chance(0.9) { 1 } else { rng.between(2, 5) as u32 },
            workplace: Workplace {
                commune: CommuneCode::parse(&commune.code).map_err(|error| DatasetError::Invalid(error.to_string()))?,
                latitude: commune
                    .latitude
                    .filter(|_| precise)
                    .map(|latitude| latitude + rng.between(-50, 50) as f64 / 10_000.0),
                longitude: commune
                    .longitude
                    .filter(|_| precise)
                    .map(|longitude| longitude + rng.between(-50, 50) as f64 / 10_000.0),
            },
            employer,
            skills,
            qualification_level: rng.chance(0.6).then(|| rng.between(3, 7) as u8),
            experience: Some(Experience {
                level: *rng.pick(&[
                    ExperienceLevel::BeginnerAccepted,
                    ExperienceLevel::Desired,
                    ExperienceLevel::Required,
                ]),
                months: None,
            }),
            remote_work: if rng.chance(0.1) { RemoteWork::Partial } else { RemoteWork::None },
            inclusive_hiring: InclusiveHiring {
                disability_committed: rng.chance(0.15),
                without_cv: rng.chance(0.05),
                open_to_iae: rng.chance(0.08),
            },
            published_at: Some(published_at),
            expires_at: Some(expires_at),
        })
    }
}
