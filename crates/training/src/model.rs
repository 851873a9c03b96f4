//! The catalogue's records in LHEO's own terms: a *formation* (what is taught), its *actions*
//! (where, how and for whom it is given) and their *sessions* (when). docs/training.md maps each
//! LHEO element to its field here.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::lheo::date::LheoDate;

/// A formation of the catalogue, with its actions and sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Training {
    pub id: Uuid,
    /// `active`, or `closed` when the last full import of its publisher no longer had it.
    #[schema(example = "active")]
    pub status: String,
    /// The organization that published it (whose imports update it).
    pub publisher_organization_id: Uuid,
    /// INSEE code of the région the formation is placed in: its first training site's, else
    /// the publisher's.
    #[schema(example = "84")]
    pub region: String,
    #[serde(flatten)]
    pub formation: Formation,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An LHEO `formation`, as imported.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Formation {
    /// LHEO `@numero` of the formation: with the publisher, its key.
    #[schema(example = "F-2027-0042")]
    pub numero: String,
    /// `intitule-formation`.
    #[schema(example = "Boulanger - CAP")]
    pub title: String,
    /// `objectif-formation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    /// `resultats-attendus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_results: Option<String>,
    /// `contenu-formation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// `certifiante` (1: the formation leads to a certification).
    pub certifying: bool,
    /// `domaine-formation`.
    pub domain: Domain,
    /// `certification` elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<Certification>,
    /// `organisme-formation-responsable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible_organization: Option<ResponsibleOrganization>,
    pub actions: Vec<Action>,
    /// `extras` kept as they came (not interpreted), given back by the export.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub extras: Vec<XmlNode>,
    /// Data-quality warnings of the last import: what was odd but kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// `domaine-formation`: up to 5 FORMACODE, 3 NSF and 5 ROME codes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Domain {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formacode: Vec<Coded>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nsf: Vec<Coded>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rome: Vec<Coded>,
}

/// A code with the version of its nomenclature (LHEO's `@ref`, e.g. `V14` for FORMACODE).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Coded {
    #[schema(example = "21538")]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "V14")]
    pub version: Option<String>,
}

/// A `certification`: its RNCP, RS and Certif Info codes (at least one).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct Certification {
    /// `code-RNCP`, digits only (`RNCP` prefix removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "37859")]
    pub rncp: Option<String>,
    /// `code-RS`, digits only (`RS` prefix removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rs: Option<String>,
    /// `code-CERTIFINFO`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certifinfo: Option<String>,
}

/// `organisme-formation-responsable`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct ResponsibleOrganization {
    /// Its `@numero`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numero: Option<String>,
    /// `numero-activite` (déclaration d'activité).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_number: Option<String>,
    /// `SIRET-organisme-formation/SIRET`, as given (a placeholder is kept, with a warning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    /// `raison-sociale`, else `nom-organisme`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// How it is taught (`modalites-enseignement`: 0, 1, 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TeachingMode {
    /// 0: entirely in person.
    Presential,
    /// 1: mixed.
    Mixed,
    /// 2: entirely at a distance.
    Distance,
}

/// When learners enter and leave (`modalites-entrees-sorties`: 0, 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Entries {
    /// 0: at fixed dates.
    Fixed,
    /// 1: permanent entries and exits.
    Permanent,
}

/// An LHEO `action`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Action {
    pub id: Uuid,
    /// LHEO `@numero` of the action, unique within its formation.
    #[schema(example = "A-1")]
    pub numero: String,
    /// `code-public-vise` codes (FORMACODE of publics).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_publics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teaching_mode: Option<TeachingMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<Entries>,
    /// `nombre-heures-centre`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_in_centre: Option<u32>,
    /// `nombre-heures-entreprise`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_in_company: Option<u32>,
    /// `prix-total-TTC`, in euros, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "4800.00")]
    pub total_price: Option<String>,
    /// `organisme-financeur` elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funders: Vec<Funder>,
    /// `lieu-de-formation` elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<Site>,
    /// `acces-handicapes`: how disabled people are welcomed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability_access: Option<String>,
    /// `organisme-formateur/SIRET-formateur/SIRET`, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_siret: Option<String>,
    pub sessions: Vec<Session>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub extras: Vec<XmlNode>,
}

/// An `organisme-financeur`: its `code-financeur` and `nb-places-financees`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Funder {
    #[schema(example = "2")]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<u32>,
}

/// A `lieu-de-formation` (its `coordonnees`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = TrainingSite)]
pub struct Site {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub address: Address,
}

/// An LHEO `adresse`, placed on the map.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = TrainingAddress)]
pub struct Address {
    /// `ligne` elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// `ville`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town: Option<String>,
    /// The current INSEE commune (`code-INSEE-commune`, or derived from the postal code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "69123")]
    pub commune: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Whether the position is the one given (`geolocalisation`) rather than the commune's.
    #[serde(default)]
    pub precise: bool,
}

/// Where recruitment stands (`etat-recrutement`: 1, 2, 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recruitment {
    Open,
    Closed,
    Suspended,
}

/// An LHEO `session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub id: Uuid,
    /// LHEO `@numero` of the session, unique within its action.
    #[schema(example = "S-2027-01")]
    pub numero: String,
    /// `periode/debut`.
    pub start: LheoDate,
    /// `periode/fin`.
    pub end: LheoDate,
    /// `adresse-inscription/adresse`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recruitment: Option<Recruitment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub extras: Vec<XmlNode>,
}

/// A data-quality warning kept on the record: where, which rule, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Warning {
    /// Path of the element, e.g. `action[A-1]/lieu-de-formation[0]/adresse/code-INSEE-commune`.
    pub element: String,
    #[schema(example = "commune.postal_code_given")]
    pub rule: String,
    pub message: String,
}

/// An XML element kept as it came (the `extras`): its name, attributes, text and children.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct XmlNode {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<XmlNode>,
    /// Line of its start tag in the document read (not kept).
    #[serde(skip)]
    pub line: u64,
}

impl XmlNode {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&XmlNode> {
        self.children.iter().find(|child| child.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlNode> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// The trimmed text of the first child named `name`, when not empty.
    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|child| child.text.trim().to_owned()).filter(|text| !text.is_empty())
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

impl Session {
    /// The first day the session may start on, when known.
    pub fn earliest_start(&self) -> Option<NaiveDate> {
        self.start.earliest()
    }
}
