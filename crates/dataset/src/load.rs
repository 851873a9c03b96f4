//! Writing the generated records in bulk through `plateforme_store::bulk`, which builds the
//! rows the store's queries would have written (the record, a history row and a change event
//! per version) with the store's own row builders, a batch per transaction.

use chrono::{DateTime, Utc};
use plateforme_model::codes::{CommuneCode, PostalCode};
use plateforme_model::organization::Organization;
use plateforme_model::person::Address;
use plateforme_model::site::{Accessibility, OpeningSlot, Position, Site, Weekday};
use plateforme_store::bulk;
use plateforme_store::dossier::contracts::StoredContract;
use plateforme_store::dossier::diagnostics::StoredDiagnostic;
use plateforme_store::dossier::persons::StoredPerson;
use plateforme_store::{DbConnection, StoreError};
use uuid::Uuid;

use super::network::GeneratedOrganization;
use super::people::{GeneratedPerson, Version};
use super::{DATASET_CLIENT, DatasetError};

pub use plateforme_store::bulk::Counts;

/// Records to write in one transaction, by the dataset's client.
pub struct Batch(bulk::Batch);

impl Default for Batch {
    fn default() -> Self {
        Batch(bulk::Batch::new(DATASET_CLIENT))
    }
}

/// The versions as the store records them, each by the organization that wrote it.
fn versions_of(versions: &[Version]) -> Vec<bulk::Version> {
    versions
        .iter()
        .map(|version| bulk::Version { at: version.at, by: Some(version.by), changes: version.changes.clone() })
        .collect()
}

/// When the first and the last version were written.
fn span(versions: &[Version]) -> (DateTime<Utc>, DateTime<Utc>) {
    let first = versions.first().map(|version| version.at).unwrap_or_default();
    let last = versions.last().map(|version| version.at).unwrap_or_default();
    (first, last)
}

fn count(versions: &[Version]) -> i64 {
    i64::try_from(versions.len()).unwrap_or(i64::MAX)
}

/// The reception site of an organization with a seat: at its seat commune's town hall, open on
/// weekdays, step-free. Its id follows the organization's (the last bit flipped), so the generator
/// draws nothing more and every other record comes out as before.
fn reception_site(organization: &GeneratedOrganization) -> Result<Option<Site>, DatasetError> {
    let Some(seat) = organization.seat else { return Ok(None) };
    let commune = &plateforme_reference_data::communes()[seat];
    let (Some((latitude, longitude)), Some(postal_code)) = (commune.position(), commune.postal_codes.first()) else {
        return Ok(None);
    };
    let invalid = |error: plateforme_model::CodeError| DatasetError::Invalid(error.to_string());
    let weekday = |day| {
        [("09:00", "12:30"), ("13:30", "16:30")].map(|(opens, closes)| OpeningSlot {
            day,
            opens: opens.to_owned(),
            closes: closes.to_owned(),
        })
    };
    let days = [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday];
    Ok(Some(Site {
        id: Uuid::from_u128(organization.id.as_u128() ^ 1),
        organization_id: organization.id,
        name: organization.fields.name.clone(),
        address: Address {
            line: format!("Accueil, {}", commune.name),
            postal_code: PostalCode::parse(postal_code).map_err(invalid)?,
            commune: CommuneCode::parse(&commune.code).map_err(invalid)?,
        },
        position: Position { latitude, longitude },
        position_given: false,
        opening_hours: days.into_iter().flat_map(weekday).collect(),
        accessibility: Accessibility { wheelchair: true, ..Accessibility::default() },
        version: 1,
        created_at: organization.created_at,
        updated_at: organization.created_at,
    }))
}

impl Batch {
    pub fn add_organization(&mut self, organization: &GeneratedOrganization) -> Result<(), DatasetError> {
        let fields = organization.fields.clone();
        let created = Organization {
            id: organization.id,
            kind: fields.kind,
            name: fields.name,
            siret: fields.siret,
            territory: fields.territory,
            version: 1,
            created_at: organization.created_at,
            updated_at: organization.created_at,
        };
        let changes = serde_json::to_value(&organization.fields).map_err(DatasetError::json)?;
        // Organizations are written by no organization in particular (the operator's seed).
        let version = bulk::Version { at: organization.created_at, by: None, changes };
        self.0.add_organization(&created, &[version])?;
        if let Some(site) = reception_site(organization)? {
            let changes = serde_json::to_value(site.fields()).map_err(DatasetError::json)?;
            let version = bulk::Version { at: organization.created_at, by: None, changes };
            self.0.add_site(&site, &[version])?;
        }
        Ok(())
    }

    pub fn add_person(&mut self, person: &GeneratedPerson) -> Result<(), DatasetError> {
        let (created_at, updated_at) = span(&person.versions);
        let stored = StoredPerson {
            id: person.id,
            record: person.record.clone(),
            has_nir: person.nir_hash.is_some(),
            version: count(&person.versions),
            created_at,
            updated_at,
            limited_at: None,
        };
        self.0.add_person(&stored, person.nir_hash.clone(), &versions_of(&person.versions))?;
        if let Some(diagnostic) = &person.diagnostic {
            let (created_at, updated_at) = span(&diagnostic.versions);
            let stored = StoredDiagnostic {
                person_id: person.id,
                record: diagnostic.record.clone(),
                version: count(&diagnostic.versions),
                created_at,
                updated_at,
            };
            self.0.add_diagnostic(&stored, &versions_of(&diagnostic.versions))?;
        }
        if let Some(contract) = &person.contract {
            let (created_at, updated_at) = span(&contract.versions);
            let stored = StoredContract {
                id: contract.id,
                person_id: person.id,
                record: contract.record.clone(),
                version: count(&contract.versions),
                created_at,
                updated_at,
            };
            self.0.add_contract(&stored, &versions_of(&contract.versions))?;
        }
        Ok(())
    }

    /// Writes the batch in one transaction (see `plateforme_store::bulk::Batch::write`).
    pub fn write(self, conn: &mut DbConnection) -> Result<Counts, StoreError> {
        self.0.write(conn)
    }
}
