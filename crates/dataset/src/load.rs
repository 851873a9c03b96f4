//! Writing the generated records in bulk: the rows the store's queries would have written —
//! the record, a history row per version, a change event per version — a batch per
//! transaction. PostgreSQL gets them by `COPY … FROM STDIN (FORMAT binary)`; SQLite by
//! prepared single-row inserts inside the transaction, which is as fast as SQLite goes.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::connection::Connection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use plateforme_model::person::contract::ContractStatus;
use plateforme_store::contracts::contracts;
use plateforme_store::diagnostics::diagnostics;
use plateforme_store::schema::{changes, history, organizations, persons};
use plateforme_store::{DbConnection, StoreError};
use uuid::Uuid;

use super::network::GeneratedOrganization;
use super::people::{GeneratedPerson, Version};
use super::{DATASET_CLIENT, DatasetError};

#[derive(QueryableByName)]
struct LastSeq {
    #[diesel(sql_type = BigInt)]
    last_seq: i64,
}

/// Takes `count` sequence numbers from the change feed's counter; the first of them.
macro_rules! reserve {
    ($conn:expr, $count:expr) => {{
        let count = $count as i64;
        let sql = format!("UPDATE change_sequence SET last_seq = last_seq + {count} WHERE id = 1 RETURNING last_seq");
        let reserved: LastSeq = diesel::sql_query(sql).get_result($conn)?;
        reserved.last_seq - count + 1
    }};
}

/// `COPY table FROM STDIN (FORMAT binary)` of the rows; nothing for no rows.
macro_rules! copy {
    ($conn:expr, $table:expr, $rows:expr) => {
        if !$rows.is_empty() {
            diesel::copy_from($table).from_insertable($rows).execute($conn)?;
        }
    };
}

#[derive(Insertable)]
#[diesel(table_name = organizations, treat_none_as_default_value = false)]
struct OrganizationRow {
    id: String,
    kind: String,
    name: String,
    siret: String,
    territory: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    created_by: String,
    updated_by: String,
}

#[derive(Insertable)]
#[diesel(table_name = persons, treat_none_as_default_value = false)]
struct PersonRow {
    id: String,
    nir_hash: Option<String>,
    match_key: String,
    identity_key: String,
    registered_by: String,
    registered_on: String,
    oriented_to: Option<String>,
    rsa_beneficiary: bool,
    residence_departement: Option<String>,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = diagnostics, treat_none_as_default_value = false)]
struct DiagnosticRow {
    person_id: String,
    professional: String,
    social: Option<String>,
    provenance: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = contracts, treat_none_as_default_value = false)]
struct ContractRow {
    id: String,
    person_id: String,
    organization_id: String,
    status: String,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = history, treat_none_as_default_value = false)]
struct HistoryRow {
    resource_type: String,
    resource_id: String,
    version: i64,
    action: String,
    actor: String,
    actor_organization: Option<String>,
    request_id: Option<String>,
    changed_at: NaiveDateTime,
    changes: String,
}

#[derive(Insertable)]
#[diesel(table_name = changes, treat_none_as_default_value = false)]
struct ChangeRow {
    seq: i64,
    resource_type: String,
    resource_id: String,
    version: i64,
    action: String,
    actor: String,
    actor_organization: Option<String>,
    occurred_at: NaiveDateTime,
    subject_id: Option<String>,
}

/// Records to write in one transaction.
#[derive(Default)]
pub struct Batch {
    organizations: Vec<OrganizationRow>,
    persons: Vec<PersonRow>,
    diagnostics: Vec<DiagnosticRow>,
    contracts: Vec<ContractRow>,
    history: Vec<HistoryRow>,
    /// Change events in order; their sequence numbers are taken when the batch is written.
    changes: Vec<ChangeRow>,
}

/// What a batch held, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub organizations: u64,
    pub persons: u64,
    pub diagnostics: u64,
    pub contracts: u64,
    pub history: u64,
    pub changes: u64,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.organizations += other.organizations;
        self.persons += other.persons;
        self.diagnostics += other.diagnostics;
        self.contracts += other.contracts;
        self.history += other.history;
        self.changes += other.changes;
    }
}

fn db_time(time: DateTime<Utc>) -> NaiveDateTime {
    time.naive_utc()
}

fn json(value: &impl serde::Serialize) -> Result<String, DatasetError> {
    serde_json::to_string(value).map_err(DatasetError::json)
}

impl Batch {
    pub fn counts(&self) -> Counts {
        Counts {
            organizations: self.organizations.len() as u64,
            persons: self.persons.len() as u64,
            diagnostics: self.diagnostics.len() as u64,
            contracts: self.contracts.len() as u64,
            history: self.history.len() as u64,
            changes: self.changes.len() as u64,
        }
    }

    /// The versions of one resource: a history row and a change event each.
    fn versions(&mut self, resource_type: &str, id: Uuid, subject: Option<Uuid>, versions: &[Version]) {
        for (index, version) in versions.iter().enumerate() {
            let number = index as i64 + 1;
            let action = if index == 0 { "created" } else { "updated" };
            self.history.push(HistoryRow {
                resource_type: resource_type.to_owned(),
                resource_id: id.to_string(),
                version: number,
                action: action.to_owned(),
                actor: DATASET_CLIENT.to_owned(),
                actor_organization: Some(version.by.to_string()),
                request_id: None,
                changed_at: db_time(version.at),
                changes: version.changes.to_string(),
            });
            self.changes.push(ChangeRow {
                seq: 0,
                resource_type: resource_type.to_owned(),
                resource_id: id.to_string(),
                version: number,
                action: action.to_owned(),
                actor: DATASET_CLIENT.to_owned(),
                actor_organization: Some(version.by.to_string()),
                occurred_at: db_time(version.at),
                subject_id: subject.map(|id| id.to_string()),
            });
        }
    }

    pub fn add_organization(&mut self, organization: &GeneratedOrganization) -> Result<(), DatasetError> {
        let fields = &organization.fields;
        let at = db_time(organization.created_at);
        self.organizations.push(OrganizationRow {
            id: organization.id.to_string(),
            kind: fields.kind.as_str().to_owned(),
            name: fields.name.clone(),
            siret: fields.siret.to_string(),
            territory: json(&fields.territory)?,
            version: 1,
            created_at: at,
            updated_at: at,
            created_by: DATASET_CLIENT.to_owned(),
            updated_by: DATASET_CLIENT.to_owned(),
        });
        let changes = serde_json::to_value(fields).map_err(DatasetError::json)?;
        // Organizations are written by no organization in particular (the operator's seed).
        self.history.push(HistoryRow {
            resource_type: plateforme_store::organizations::RESOURCE_TYPE.to_owned(),
            resource_id: organization.id.to_string(),
            version: 1,
            action: "created".to_owned(),
            actor: DATASET_CLIENT.to_owned(),
            actor_organization: None,
            request_id: None,
            changed_at: at,
            changes: changes.to_string(),
        });
        self.changes.push(ChangeRow {
            seq: 0,
            resource_type: plateforme_store::organizations::RESOURCE_TYPE.to_owned(),
            resource_id: organization.id.to_string(),
            version: 1,
            action: "created".to_owned(),
            actor: DATASET_CLIENT.to_owned(),
            actor_organization: None,
            occurred_at: at,
            subject_id: None,
        });
        Ok(())
    }

    pub fn add_person(&mut self, person: &GeneratedPerson) -> Result<(), DatasetError> {
        let record = &person.record;
        let first = person.versions.first().map(|version| version.at).unwrap_or_default();
        let last = person.versions.last().map(|version| version.at).unwrap_or_default();
        self.persons.push(PersonRow {
            id: person.id.to_string(),
            nir_hash: person.nir_hash.clone(),
            match_key: record.identity.match_key(),
            identity_key: record.identity.identity_key(),
            registered_by: record.registration.registered_by.to_string(),
            registered_on: record.registration.registered_on.to_string(),
            oriented_to: record.orientation.as_ref().map(|o| o.referent_organization_id.to_string()),
            rsa_beneficiary: record.statuses.rsa_beneficiary,
            residence_departement: record.contact.residence_departement().map(|code| code.to_string()),
            record: json(record)?,
            version: person.versions.len() as i64,
            created_at: db_time(first),
            updated_at: db_time(last),
        });
        self.versions(plateforme_store::persons::RESOURCE_TYPE, person.id, Some(person.id), &person.versions);
        if let Some(diagnostic) = &person.diagnostic {
            let record = &diagnostic.record;
            let first = diagnostic.versions.first().map(|version| version.at).unwrap_or_default();
            let last = diagnostic.versions.last().map(|version| version.at).unwrap_or_default();
            self.diagnostics.push(DiagnosticRow {
                person_id: person.id.to_string(),
                professional: json(&record.professional)?,
                social: record.social.as_ref().map(json).transpose()?,
                provenance: json(&record.provenance)?,
                version: diagnostic.versions.len() as i64,
                created_at: db_time(first),
                updated_at: db_time(last),
            });
            self.versions(
                plateforme_store::diagnostics::RESOURCE_TYPE,
                person.id,
                Some(person.id),
                &diagnostic.versions,
            );
        }
        if let Some(contract) = &person.contract {
            let first = contract.versions.first().map(|version| version.at).unwrap_or_default();
            let last = contract.versions.last().map(|version| version.at).unwrap_or_default();
            self.contracts.push(ContractRow {
                id: contract.id.to_string(),
                person_id: person.id.to_string(),
                organization_id: contract.record.organization_id.to_string(),
                status: ContractStatus::as_str(contract.record.status).to_owned(),
                record: json(&contract.record)?,
                version: contract.versions.len() as i64,
                created_at: db_time(first),
                updated_at: db_time(last),
            });
            self.versions(plateforme_store::contracts::RESOURCE_TYPE, contract.id, Some(person.id), &contract.versions);
        }
        Ok(())
    }

    /// Writes the batch in one transaction, taking its change sequence numbers from the feed's
    /// counter in that same transaction (so they follow any event written before, and the
    /// counter's lock orders this batch among concurrent writers, as `write::record` does).
    pub fn write(mut self, conn: &mut DbConnection) -> Result<Counts, StoreError> {
        let counts = self.counts();
        match conn {
            DbConnection::Postgres(pg) => pg.transaction(|pg| {
                let first = reserve!(pg, self.changes.len());
                self.number_changes(first);
                copy!(pg, organizations::table, &self.organizations);
                copy!(pg, persons::table, &self.persons);
                copy!(pg, diagnostics::table, &self.diagnostics);
                copy!(pg, contracts::table, &self.contracts);
                copy!(pg, history::table, &self.history);
                copy!(pg, changes::table, &self.changes);
                Ok::<_, StoreError>(())
            })?,
            DbConnection::Sqlite(sqlite) => sqlite.immediate_transaction(|sqlite| {
                let first = reserve!(sqlite, self.changes.len());
                self.number_changes(first);
                for row in &self.organizations {
                    diesel::insert_into(organizations::table).values(row).execute(sqlite)?;
                }
                for row in &self.persons {
                    diesel::insert_into(persons::table).values(row).execute(sqlite)?;
                }
                for row in &self.diagnostics {
                    diesel::insert_into(diagnostics::table).values(row).execute(sqlite)?;
                }
                for row in &self.contracts {
                    diesel::insert_into(contracts::table).values(row).execute(sqlite)?;
                }
                for row in &self.history {
                    diesel::insert_into(history::table).values(row).execute(sqlite)?;
                }
                for row in &self.changes {
                    diesel::insert_into(changes::table).values(row).execute(sqlite)?;
                }
                Ok::<_, StoreError>(())
            })?,
        }
        Ok(counts)
    }

    /// Numbers the events `first`, `first + 1`… in order.
    fn number_changes(&mut self, first: i64) {
        for (offset, change) in self.changes.iter_mut().enumerate() {
            change.seq = first + offset as i64;
        }
    }
}
