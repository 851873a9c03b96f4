//! The persons of the dataset and their dossiers, built with the model's types so that they are
//! what the API would have recorded: registration (by the France Travail agency of their
//! commune, or a mission locale, or the département), orientation (a mission locale for most
//! under-26s, Cap emploi for many RQTH holders, the département for RSA beneficiaries on a
//! social path, France Travail otherwise), diagnostic and contract of reciprocal commitments.
//!
//! Persons are generated in registration order over the three years before the reference
//! date, so that their UUIDv7 ids grow as the application's would.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use plateforme_model::codes::{CommuneCode, Email, Nir, Phone, PostalCode, RomeCode};
use plateforme_model::merge_patch::leaf_paths;
use plateforme_model::person::contract::{
    ActionOwner, ContractAction, ContractKind, ContractRecord, ContractStatus, Obligation, ObligationKind,
};
use plateforme_model::person::diagnostic::{
    AutonomyLevel, Constraint, DiagnosticRecord, ProfessionalDiagnostic, QualificationLevel, Severity, SocialDiagnostic,
};
use plateforme_model::person::names::normalize;
use plateforme_model::person::{
    Address, Contact, Identity, Orientation, OrientationBasis, PathType, PersonRecord, Provenance,
    RSA_ORIENTATION_DELAY_DAYS, Registration, RegistrationChannel, RsaSource, RsaStatus, Statuses,
};
use plateforme_reference_data::{communes, rome_codes};
use serde_json::{Value, json};
use uuid::Uuid;

use super::names::{
    ACTIONS, BIRTH_COUNTRIES, CONSTRAINT_NOTES, EMAIL_DOMAINS, FAMILY_NAMES, GIVEN_NAMES_F, GIVEN_NAMES_M, OBJECTIVES,
    SKILLS, STREET_KINDS, STREET_NAMES,
};
use super::network::Network;
use super::rng::{Rng, WeightedTable, fnv1a};
use super::{DATASET_CLIENT, DatasetError};

/// How far back registrations go.
const REGISTRATION_DAYS: i64 = 3 * 365;

/// One version of a resource: what the history records of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub at: DateTime<Utc>,
    /// The organization that wrote it.
    pub by: Uuid,
    /// The whole document on creation, then a JSON Merge Patch.
    pub changes: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedPerson {
    pub id: Uuid,
    pub record: PersonRecord,
    pub nir_hash: Option<String>,
    pub versions: Vec<Version>,
    pub diagnostic: Option<GeneratedDiagnostic>,
    pub contract: Option<GeneratedContract>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedDiagnostic {
    pub record: DiagnosticRecord,
    pub versions: Vec<Version>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedContract {
    pub id: Uuid,
    pub record: ContractRecord,
    pub versions: Vec<Version>,
}

/// Generates persons one after the other; the same seed gives the same persons.
pub struct PersonGenerator<'a> {
    network: &'a Network,
    rng: Rng,
    nir_key: Vec<u8>,
    reference: NaiveDate,
    start: DateTime<Utc>,
    /// Milliseconds between two registrations.
    step_ms: f64,
    generated: u64,
    identities: HashSet<u64>,
    nirs: HashSet<u64>,
    family_names: WeightedTable,
    given_f: WeightedTable,
    given_m: WeightedTable,
    rome: WeightedTable,
}

/// Zipf-like weights: the item of rank r weighs 1/r^0.8.
fn zipf(len: usize) -> Option<WeightedTable> {
    WeightedTable::new((1..=len).map(|rank| (1_000_000.0 / (rank as f64).powf(0.8)) as u64))
}

impl<'a> PersonGenerator<'a> {
    /// A generator of `total` persons registered over the three years before `reference`.
    pub fn new(
        network: &'a Network,
        seed: u64,
        nir_key: &[u8],
        reference: NaiveDate,
        total: u64,
    ) -> Result<PersonGenerator<'a>, DatasetError> {
        let missing = || DatasetError::Invalid("empty name tables".into());
        let mut rng = Rng::new(seed, "persons");
        // Some jobs are sought far more than others: a Zipf law over the ROME codes in an order
        // of the seed's choosing.
        let mut order: Vec<usize> = (0..rome_codes().len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.index(i + 1));
        }
        let mut rome_weights = vec![0u64; order.len()];
        for (rank, &code) in order.iter().enumerate() {
            rome_weights[code] = (1_000_000.0 / ((rank + 1) as f64).powf(0.9)) as u64;
        }
        let start = reference.and_hms_opt(0, 0, 0).ok_or_else(missing)?.and_utc() - Duration::days(REGISTRATION_DAYS);
        Ok(PersonGenerator {
            network,
            rng,
            nir_key: nir_key.to_vec(),
            reference,
            start,
            step_ms: (REGISTRATION_DAYS * 86_400_000) as f64 / total.max(1) as f64,
            generated: 0,
            identities: HashSet::new(),
            nirs: HashSet::new(),
            family_names: zipf(FAMILY_NAMES.len()).ok_or_else(missing)?,
            given_f: zipf(GIVEN_NAMES_F.len()).ok_or_else(missing)?,
            given_m: zipf(GIVEN_NAMES_M.len()).ok_or_else(missing)?,
            rome: WeightedTable::new(rome_weights).ok_or_else(missing)?,
        })
    }

    pub fn next_person(&mut self) -> Result<GeneratedPerson, DatasetError> {
        // Registered at an even pace, in order, to the microsecond.
        let offset_ms = (self.generated as f64 + self.rng.unit() * 0.9) * self.step_ms;
        let registered_at = self.start + Duration::microseconds((offset_ms * 1000.0) as i64);
        self.generated += 1;
        let registered_on = registered_at.date_naive();
        let network = self.network;
        let rng = &mut self.rng;
        let id = rng.uuid_v7(registered_at.timestamp_millis());

        let residence = network.residence(rng);
        let commune = &communes()[residence];
        let age = rng.weighted(&[
            ((16, 17), 1),
            ((18, 25), 17),
            ((26, 29), 9),
            ((30, 39), 23),
            ((40, 49), 21),
            ((50, 59), 21),
            ((60, 66), 8),
        ]);
        let age = rng.between(age.0, age.1);
        let female = rng.chance(0.5);
        let rqth = rng.chance(0.09);
        let rsa_beneficiary = if age >= 25 { rng.chance(0.2) } else { rng.chance(0.02) };
        let (identity, nir_place) = self.identity(registered_on, age, female, residence)?;
        let rng = &mut self.rng;
        let nir_hash = match nir_place {
            Some(place) if rng.chance(0.9) => Some(self.nir(female, identity.birth_date, &place)?),
            _ => None,
        };
        let rng = &mut self.rng;
        let contact = contact(rng, &identity, commune)?;

        let under_26 = age < 26;
        let agency = network.agency(rng, residence)?;
        let channel = rng.weighted(&[
            (RegistrationChannel::Online, 65),
            (RegistrationChannel::Counter, 25),
            (RegistrationChannel::Partner, 10),
        ]);
        let registered_by = match channel {
            RegistrationChannel::Partner if under_26 => network.mission_locale(rng, residence)?,
            RegistrationChannel::Partner if rsa_beneficiary => network.departement(residence)?,
            _ => agency,
        };
        let registration =
            Registration { registered_on, channel, registered_by: network.id(registered_by), on_behalf_of: None };
        let mut record = PersonRecord {
            identity,
            contact,
            statuses: Statuses { rsa_beneficiary, rqth },
            registration,
            orientation: None,
            provenance: BTreeMap::new(),
            // The CAF's feed, as France Travail receives it, since the registration.
            rsa_status: rsa_beneficiary.then(|| RsaStatus {
                source: RsaSource::Caf,
                since: registered_on,
                recorded_by: network.id(agency),
            }),
        };
        let document = json!({"identity": record.identity, "contact": record.contact, "statuses": record.statuses,
            "registration": record.registration});
        stamp(&mut record.provenance, &document, "", network.id(registered_by), registered_at);
        let created = serde_json::to_value(&record).map_err(DatasetError::json)?;
        let mut versions = vec![Version { at: registered_at, by: network.id(registered_by), changes: created }];

        // Most people are oriented within a month; the most recent registrations may wait.
        let days_left = (self.reference - registered_on).num_days();
        let oriented = if days_left < 45 { rng.chance(0.5) } else { rng.chance(0.92) };
        let mut diagnostic = None;
        let mut contract = None;
        if oriented {
            let decided_on = self.later(registered_on, 0, 30);
            let rng = &mut self.rng;
            let (path_type, referent, decided_by) = if rsa_beneficiary {
                let decider = if rng.chance(0.5) { network.departement(residence)? } else { agency };
                match rng.weighted(&[
                    (PathType::Social, 35),
                    (PathType::SocioProfessionnel, 25),
                    (PathType::Emploi, 40),
                ]) {
                    PathType::Social => (PathType::Social, network.departement(residence)?, decider),
                    PathType::SocioProfessionnel if under_26 => {
                        (PathType::SocioProfessionnel, network.mission_locale(rng, residence)?, decider)
                    }
                    PathType::SocioProfessionnel => {
                        (PathType::SocioProfessionnel, network.departement(residence)?, decider)
                    }
                    _ => (PathType::Emploi, agency, decider),
                }
            } else if under_26 && rng.chance(0.65) {
                let path = if rng.chance(0.6) { PathType::SocioProfessionnel } else { PathType::Emploi };
                (path, network.mission_locale(rng, residence)?, registered_by)
            } else if rqth && rng.chance(0.55) {
                (PathType::Emploi, network.cap_emploi(residence)?, registered_by)
            } else {
                let path = if rng.chance(0.8) { PathType::Emploi } else { PathType::SocioProfessionnel };
                (path, agency, registered_by)
            };
            let intensive = if under_26 { rng.chance(0.6) } else { rng.chance(0.2) };
            let referent_counsellor = if rng.chance(0.7) { Some(self.counsellor()) } else { None };
            let rng = &mut self.rng;
            let (decided_by, decided_on, basis) = orientation_ground(
                rsa_beneficiary.then_some(network.departement(residence)?),
                decided_by,
                agency,
                registered_on,
                decided_on,
                self.reference,
            );
            let orientation = Orientation {
                path_type,
                intensive,
                referent_organization_id: network.id(referent),
                referent_counsellor,
                decided_on,
                decided_by: network.id(decided_by),
                basis: Some(basis),
                delegation_id: None,
                on_behalf_of: None,
                requested_on: None,
            };
            let decided_at = instant(rng, decided_on).max(registered_at + Duration::seconds(1));
            let changes = json!({"orientation": orientation});
            record.orientation = Some(orientation);
            stamp(&mut record.provenance, &json!({}), "orientation", network.id(decided_by), decided_at);
            versions.push(Version { at: decided_at, by: network.id(decided_by), changes });

            let mut last_date = decided_on;
            let mut last_at = decided_at;
            if rng.chance(0.7) {
                let on = self.later(decided_on, 0, 20);
                let at = instant(&mut self.rng, on).max(last_at + Duration::seconds(1));
                let social_first = path_type != PathType::Emploi || rsa_beneficiary;
                diagnostic = Some(self.diagnostic(age, social_first, network.id(referent), at)?);
                (last_date, last_at) = (on, at);
            }
            let rng = &mut self.rng;
            let accompanied = intensive || rsa_beneficiary || path_type != PathType::Emploi;
            if accompanied && rng.chance(0.55) {
                let kind = ContractKind::default_for(network.kind(referent), rsa_beneficiary);
                contract = Some(self.contract(last_date, last_at, intensive, network.id(referent), kind)?);
            }
        }
        let person = GeneratedPerson { id, record, nir_hash, versions, diagnostic, contract };
        Ok(person)
    }

    /// A date `min..=max` days after `date`, but not after the reference date.
    fn later(&mut self, date: NaiveDate, min: i64, max: i64) -> NaiveDate {
        (date + Duration::days(self.rng.between(min, max))).min(self.reference).max(date)
    }

    /// An identity no other generated person has (the identity key is unique in the
    /// network), and the place its NIR encodes: the birth commune's code, or 99 and the
    /// country's code.
    fn identity(
        &mut self,
        registered_on: NaiveDate,
        age: i64,
        female: bool,
        residence: usize,
    ) -> Result<(Identity, Option<String>), DatasetError> {
        let abroad = self.rng.chance(0.13);
        let country = if abroad {
            let index = self
                .rng
                .weighted(&BIRTH_COUNTRIES.iter().enumerate().map(|(i, (_, _, w))| (i, *w)).collect::<Vec<_>>());
            Some(BIRTH_COUNTRIES[index])
        } else {
            None
        };
        let birth_commune = (!abroad).then(|| self.network.birth_commune(&mut self.rng, residence));
        for attempt in 0.. {
            let rng = &mut self.rng;
            let family_name = FAMILY_NAMES[self.family_names.draw(rng)];
            let given = if female { (GIVEN_NAMES_F, &self.given_f) } else { (GIVEN_NAMES_M, &self.given_m) };
            let mut given_names = given.0[given.1.draw(rng)].to_owned();
            for _ in 0..rng.weighted(&[(0, 50), (1, 40), (2, 10)]) {
                given_names.push(' ');
                given_names.push_str(given.0[given.1.draw(rng)]);
            }
            // Born `age` years before the registration, on any day of that year of life.
            let birthday = registered_on - Duration::days(rng.between(0, 364));
            let birth_date =
                birthday.with_year(birthday.year() - age as i32).unwrap_or(birthday - Duration::days(age * 365));
            let identity = Identity {
                family_name: family_name.to_owned(),
                given_names,
                birth_date,
                birth_commune: birth_commune.map(|c| code(CommuneCode::parse(&communes()[c].code))).transpose()?,
                birth_country: country.map(|(iso, _, _)| iso.to_owned()),
            };
            if self.identities.insert(fnv1a(identity.identity_key().as_bytes())) {
                let place = match (birth_commune, country) {
                    (Some(c), _) => communes()[c].code.clone(),
                    (None, Some((_, insee, _))) => format!("99{insee}"),
                    (None, None) => String::new(),
                };
                return Ok((identity, Some(place)));
            }
            if attempt > 1_000 {
                break;
            }
        }
        Err(DatasetError::Invalid("could not draw a new identity in 1,000 attempts".into()))
    }

    /// A NIR no other generated person has, and its keyed hash as the application stores it.
    fn nir(&mut self, female: bool, birth_date: NaiveDate, place: &str) -> Result<String, DatasetError> {
        let sex = if female { 2 } else { 1 };
        let (year, month) = (birth_date.year() % 100, birth_date.month());
        for _ in 0..1_000 {
            let order = self.rng.between(1, 999);
            let body = format!("{sex}{year:02}{month:02}{place}{order:03}");
            if body.len() != 13 || !self.nirs.insert(fnv1a(body.as_bytes())) {
                continue;
            }
            let numeric = body.replacen("2A", "19", 1).replacen("2B", "18", 1);
            let number: u64 = numeric.parse().map_err(|_| DatasetError::Invalid(format!("NIR body {body}")))?;
            let nir = Nir::parse(&format!("{body}{:02}", 97 - number % 97))
                .map_err(|error| DatasetError::Invalid(format!("generated NIR: {error}")))?;
            return Ok(nir.keyed_hash(&self.nir_key).as_str().to_owned());
        }
        Err(DatasetError::Invalid("could not draw a new NIR in 1,000 attempts".into()))
    }

    fn counsellor(&mut self) -> String {
        let rng = &mut self.rng;
        let given =
            if rng.chance(0.6) { GIVEN_NAMES_F[self.given_f.draw(rng)] } else { GIVEN_NAMES_M[self.given_m.draw(rng)] };
        format!("{given} {}", FAMILY_NAMES[self.family_names.draw(rng)])
    }

    fn diagnostic(
        &mut self,
        age: i64,
        social_first: bool,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<GeneratedDiagnostic, DatasetError> {
        let rng = &mut self.rng;
        let mut targets: Vec<RomeCode> = Vec::new();
        for _ in 0..rng.weighted(&[(1, 50), (2, 35), (3, 15)]) {
            let rome = code(RomeCode::parse(&rome_codes()[self.rome.draw(rng)].code))?;
            if !targets.contains(&rome) {
                targets.push(rome);
            }
        }
        let mut skills: Vec<String> = Vec::new();
        for _ in 0..rng.between(0, 5) {
            let skill = (*rng.pick(SKILLS)).to_owned();
            if !skills.contains(&skill) {
                skills.push(skill);
            }
        }
        let qualification_level = rng.weighted(&[
            (QualificationLevel::None, 20),
            (QualificationLevel::CapBep, 25),
            (QualificationLevel::Bac, 25),
            (QualificationLevel::BacPlus2, 13),
            (QualificationLevel::Licence, 9),
            (QualificationLevel::Master, 7),
            (QualificationLevel::Doctorat, 1),
        ]);
        let working_years = (age - 17).max(0) as f64;
        let experience_months = ((working_years * 12.0 * rng.unit() * 0.8) as i32).min(600);
        let autonomy_level =
            rng.weighted(&[(AutonomyLevel::Low, 25), (AutonomyLevel::Medium, 45), (AutonomyLevel::High, 30)]);
        let professional = ProfessionalDiagnostic {
            target_rome_codes: targets,
            skills,
            qualification_level,
            experience_months,
            autonomy_level,
        };
        let social = if rng.chance(if social_first { 0.8 } else { 0.3 }) {
            let constraint = |rng: &mut Rng| {
                rng.chance(0.5).then(|| Constraint {
                    severity: rng.weighted(&[
                        (Severity::None, 35),
                        (Severity::Low, 25),
                        (Severity::Medium, 25),
                        (Severity::High, 15),
                    ]),
                    note: rng.chance(0.4).then(|| (*rng.pick(CONSTRAINT_NOTES)).to_owned()),
                })
            };
            Some(SocialDiagnostic {
                mobility: constraint(rng),
                housing: constraint(rng),
                health: constraint(rng),
                childcare: constraint(rng),
                illiteracy: constraint(rng),
                digital_exclusion: constraint(rng),
                finances: constraint(rng),
            })
        } else {
            None
        };
        let provenance =
            Provenance { organization_id: Some(by), client_id: DATASET_CLIENT.to_owned(), at, system: None };
        let mut parts = BTreeMap::from([("professional".to_owned(), provenance.clone())]);
        if social.is_some() {
            parts.insert("social".to_owned(), provenance);
        }
        let record = DiagnosticRecord { professional, social, provenance: parts };
        let changes = json!({"professional": record.professional, "social": record.social});
        Ok(GeneratedDiagnostic { record, versions: vec![Version { at, by, changes }] })
    }

    /// A contract drafted after `after`; signed, suspended or closed ones carry the versions
    /// that took them there.
    fn contract(
        &mut self,
        after: NaiveDate,
        after_at: DateTime<Utc>,
        intensive: bool,
        by: Uuid,
        kind: ContractKind,
    ) -> Result<GeneratedContract, DatasetError> {
        let drafted_on = self.later(after, 0, 15);
        let rng = &mut self.rng;
        let drafted_at = instant(rng, drafted_on).max(after_at + Duration::seconds(1));
        let id = rng.uuid_v7(drafted_at.timestamp_millis());
        let mut objectives: Vec<String> = Vec::new();
        for _ in 0..rng.between(1, 3) {
            let objective = (*rng.pick(OBJECTIVES)).to_owned();
            if !objectives.contains(&objective) {
                objectives.push(objective);
            }
        }
        let actions = (0..rng.between(1, 4))
            .map(|_| ContractAction {
                description: (*rng.pick(ACTIONS)).to_owned(),
                owner: if rng.chance(0.7) { ActionOwner::Person } else { ActionOwner::Organization(by) },
                due_on: rng.chance(0.8).then(|| drafted_on + Duration::days(rng.between(7, 90))),
                done: false,
            })
            .collect();
        let weekly_hours =
            if intensive { rng.between(15, 20) as i32 } else { rng.weighted(&[(15, 70), (10, 15), (5, 15)]) };
        // The duties agreed follow from the hours: no draw, so the persons come out as before.
        let mut obligations = vec![Obligation {
            kind: ObligationKind::Attendance,
            description: "Se présenter aux rendez-vous de suivi".to_owned(),
            weekly_hours: None,
            due_on: None,
        }];
        if weekly_hours > 0 {
            obligations.push(Obligation {
                kind: ObligationKind::ActivityHours,
                description: "Activités d'insertion de la semaine".to_owned(),
                weekly_hours: Some(weekly_hours),
                due_on: None,
            });
        }
        let draft = ContractRecord {
            kind: Some(kind),
            obligations,
            status: ContractStatus::Draft,
            objectives,
            actions,
            weekly_hours,
            drafted_on,
            next_review_on: Some(drafted_on + Duration::days(rng.between(30, 90))),
            person_signed_on: None,
            organization_signed_on: None,
            signing_organization_id: None,
            organization_id: by,
        };
        let status = rng.weighted(&[
            (ContractStatus::Draft, 15),
            (ContractStatus::Signed, 65),
            (ContractStatus::Suspended, 5),
            (ContractStatus::Closed, 15),
        ]);
        let mut documents = vec![(drafted_at, draft.clone())];
        if status != ContractStatus::Draft {
            let signed_on = self.later(drafted_on, 0, 7);
            let rng = &mut self.rng;
            let signed_at = instant(rng, signed_on).max(drafted_at + Duration::seconds(1));
            let signed = ContractRecord {
                status: ContractStatus::Signed,
                person_signed_on: Some(signed_on),
                organization_signed_on: Some(signed_on),
                signing_organization_id: Some(by),
                ..draft
            };
            documents.push((signed_at, signed.clone()));
            if status != ContractStatus::Signed {
                let on = self.later(signed_on, 7, 120);
                let at = instant(&mut self.rng, on).max(signed_at + Duration::seconds(1));
                documents.push((at, ContractRecord { status, ..signed }));
            }
        }
        let mut versions = Vec::with_capacity(documents.len());
        let mut previous: Option<Value> = None;
        for (at, document) in &documents {
            let value = serde_json::to_value(document).map_err(DatasetError::json)?;
            let changes = match &previous {
                None => value.clone(),
                Some(before) => plateforme_model::merge_patch::diff(before, &value),
            };
            versions.push(Version { at: *at, by, changes });
            previous = Some(value);
        }
        let record =
            documents.pop().map(|(_, record)| record).ok_or_else(|| DatasetError::Invalid("no contract".into()))?;
        Ok(GeneratedContract { id, record, versions })
    }
}

/// Contact details: an address in the commune of residence, and most often an email address
/// and a mobile phone.
fn contact(
    rng: &mut Rng,
    identity: &Identity,
    commune: &plateforme_reference_data::Commune,
) -> Result<Contact, DatasetError> {
    let slug = |name: &str| normalize(name).to_ascii_lowercase().replace(' ', "-");
    let first = identity.given_names.split(' ').next().unwrap_or_default();
    let email = if rng.chance(0.85) {
        let number = if rng.chance(0.5) { rng.between(1, 999).to_string() } else { String::new() };
        let address = format!("{}.{}{number}@{}", slug(first), slug(&identity.family_name), rng.pick(EMAIL_DOMAINS));
        Some(code(Email::parse(&address))?)
    } else {
        None
    };
    let phone = if rng.chance(0.9) {
        let prefix = match commune.departement.as_str() {
            "971" => "0690",
            "972" => "0696",
            "973" => "0694",
            "974" => "0692",
            "976" => "0639",
            _ if rng.chance(0.7) => "06",
            _ => "07",
        };
        let digits = 10 - prefix.len();
        let number = rng.below(10u64.pow(digits as u32));
        Some(code(Phone::parse(&format!("{prefix}{number:0digits$}")))?)
    } else {
        None
    };
    let line = format!("{} {} {}", rng.between(1, 150), rng.pick(STREET_KINDS), rng.pick(STREET_NAMES));
    let address = Address {
        line,
        postal_code: code(PostalCode::parse(rng.pick::<String>(&commune.postal_codes)))?,
        commune: code(CommuneCode::parse(&commune.code))?,
    };
    Ok(Contact { email, phone, address: Some(address) })
}

/// A moment of a working day (8:00 to 18:00 UTC) on `date`.
fn instant(rng: &mut Rng, date: NaiveDate) -> DateTime<Utc> {
    let seconds = rng.between(8 * 3600, 18 * 3600);
    date.and_hms_opt(0, 0, 0).map(|midnight| midnight.and_utc()).unwrap_or_default() + Duration::seconds(seconds)
}

/// The provenance of every field a change touched, as the dossier records it: the leaf paths of
/// the change, under `prefix` (an empty object is one leaf: `orientation`).
fn stamp(provenance: &mut BTreeMap<String, Provenance>, changes: &Value, prefix: &str, by: Uuid, at: DateTime<Utc>) {
    for path in leaf_paths(changes, prefix) {
        provenance.insert(
            path,
            Provenance { organization_id: Some(by), client_id: DATASET_CLIENT.to_owned(), at, system: None },
        );
    }
}

/// A code the generator built from the referentials: a refusal is a bug of the generator.
fn code<T>(parsed: Result<T, plateforme_model::CodeError>) -> Result<T, DatasetError> {
    parsed.map_err(|error| DatasetError::Invalid(format!("generated code: {error}")))
}

/// Who decided an orientation, when, and on what ground, as the law has it: the département of
/// residence for an RSA beneficiary (`departement`: `Some` for them), or France Travail by default
/// once the département's delay has lapsed — so France Travail's decisions move to the end of the
/// delay, and fall back to the département when the reference date comes first. Others decide
/// within their remit. No draw from the generator: the same persons come out as before.
fn orientation_ground(
    departement: Option<usize>,
    decided_by: usize,
    agency: usize,
    registered_on: NaiveDate,
    decided_on: NaiveDate,
    reference: NaiveDate,
) -> (usize, NaiveDate, OrientationBasis) {
    let Some(departement) = departement else { return (decided_by, decided_on, OrientationBasis::Remit) };
    let delay_over = registered_on + Duration::days(RSA_ORIENTATION_DELAY_DAYS as i64);
    if decided_by == agency && delay_over <= reference {
        (agency, decided_on.max(delay_over), OrientationBasis::DefaultAfterDelay)
    } else {
        (departement, decided_on, OrientationBasis::Departement)
    }
}

#[cfg(test)]
mod tests {
    use plateforme_model::Validate;
    use plateforme_model::person::contract::ContractFields;
    use plateforme_model::person::diagnostic::DiagnosticInput;
    use plateforme_model::person::{NewPerson, OrientationInput, RegistrationInput};

    use super::*;
    use crate::{REFERENCE_DATE, organizations_epoch};

    fn generate(seed: u64, count: u64) -> Vec<GeneratedPerson> {
        let network = Network::build(seed, organizations_epoch()).expect("network");
        let mut generator =
            PersonGenerator::new(&network, seed, b"a key of at least thirty-two bytes!!", REFERENCE_DATE, count)
                .expect("generator");
        (0..count).map(|_| generator.next_person().expect("a person")).collect()
    }

    #[test]
    fn persons_are_valid_for_the_model() {
        let persons = generate(11, 3_000);
        let today = REFERENCE_DATE;
        for person in &persons {
            let record = &person.record;
            let new = NewPerson {
                identity: record.identity.clone(),
                nir: None,
                contact: record.contact.clone(),
                statuses: record.statuses,
                registration: RegistrationInput {
                    registered_on: record.registration.registered_on,
                    channel: record.registration.channel,
                },
            };
            new.check(today).unwrap_or_else(|e| panic!("{:?}: {e:?}", record.identity));
            if let Some(orientation) = &record.orientation {
                assert!(orientation.decided_on >= record.registration.registered_on);
                let input = OrientationInput {
                    path_type: orientation.path_type,
                    intensive: orientation.intensive,
                    referent_organization_id: orientation.referent_organization_id,
                    referent_counsellor: orientation.referent_counsellor.clone(),
                    decided_on: orientation.decided_on,
                    requested_on: None,
                    criteria: None,
                };
                input.validate().expect("orientation");
            }
            if let Some(diagnostic) = &person.diagnostic {
                let input = DiagnosticInput {
                    professional: diagnostic.record.professional.clone(),
                    social: Some(diagnostic.record.social.clone()),
                };
                input.validate().expect("diagnostic");
            }
            if let Some(contract) = &person.contract {
                let record = &contract.record;
                let fields: ContractFields = record.fields();
                fields.check(today).expect("contract fields");
                plateforme_model::person::contract::check_intensive_hours(
                    record.weekly_hours,
                    person.record.orientation.as_ref(),
                )
                .expect("hours");
                plateforme_model::person::contract::check_next_review(record.next_review_on, record.drafted_on)
                    .expect("next review");
            }
            let times: Vec<_> = person.versions.iter().map(|version| version.at).collect();
            assert!(times.windows(2).all(|w| w[0] < w[1]), "versions in order");
        }
        let keys: HashSet<String> = persons.iter().map(|p| p.record.identity.identity_key()).collect();
        assert_eq!(keys.len(), persons.len(), "identity keys are unique");
        let hashes: Vec<&String> = persons.iter().filter_map(|p| p.nir_hash.as_ref()).collect();
        assert_eq!(hashes.iter().collect::<HashSet<_>>().len(), hashes.len(), "NIR hashes are unique");
        assert!(persons.windows(2).all(|w| w[0].id < w[1].id), "ids in registration order");
    }

    #[test]
    fn distributions_look_like_the_network() {
        let persons = generate(5, 5_000);
        let share = |test: &dyn Fn(&GeneratedPerson) -> bool| {
            persons.iter().filter(|p| test(p)).count() as f64 / persons.len() as f64
        };
        let rsa = share(&|p| p.record.statuses.rsa_beneficiary);
        assert!((0.12..0.22).contains(&rsa), "RSA {rsa}");
        let oriented = share(&|p| p.record.orientation.is_some());
        assert!((0.85..0.95).contains(&oriented), "oriented {oriented}");
        let with_nir = share(&|p| p.nir_hash.is_some());
        assert!((0.85..0.95).contains(&with_nir), "NIR {with_nir}");
        let diagnosed = share(&|p| p.diagnostic.is_some());
        assert!((0.5..0.75).contains(&diagnosed), "diagnosed {diagnosed}");
        let contracts = share(&|p| p.contract.is_some());
        assert!((0.1..0.5).contains(&contracts), "contracts {contracts}");
        // Paris is the most populous commune: more residents than any other.
        let in_paris = share(&|p| p.record.contact.address.as_ref().is_some_and(|a| a.commune.as_str() == "75056"));
        assert!((0.02..0.05).contains(&in_paris), "Paris {in_paris}");
    }

    #[test]
    fn the_same_seed_gives_the_same_persons() {
        assert_eq!(generate(3, 200), generate(3, 200));
        assert_ne!(generate(3, 50), generate(4, 50));
    }
}
