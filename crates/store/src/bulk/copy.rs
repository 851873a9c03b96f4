//! Loading prepared records in bulk, as the dataset generator does: each record with the
//! rows the store's own writes would have written beside it (one history row and one change
//! event per version), a batch per transaction. The rows are built by the same functions the
//! normal insert paths use (`row_of` of each module), so a table's row is declared once.
//!
//! PostgreSQL gets them by `COPY … FROM STDIN (FORMAT binary)`; SQLite by prepared single-row
//! inserts inside one immediate transaction, which is as fast as SQLite goes.

use chrono::{DateTime, Utc};
use diesel::connection::Connection;
use diesel::prelude::*;
use plateforme_model::organization::Organization;
use plateforme_model::site::Site;
use serde_json::Value;
use uuid::Uuid;

use crate::changes::{self, ChangeRow};
use crate::dossier::contracts::{self, ContractRow, StoredContract};
use crate::dossier::diagnostics::{self, DiagnosticRow, StoredDiagnostic};
use crate::dossier::persons::{self, PersonRow, StoredPerson};
use crate::history::{self, HistoryRow};
use crate::organizations::{self, OrganizationRow};
use crate::schema;
use crate::sites::{self, SiteRow};
use crate::timestamps::to_db;
use crate::write::{Action, Actor, Mutation, WriteContext};
use crate::{DbConnection, StoreError};

/// `COPY table FROM STDIN (FORMAT binary)` of the rows; nothing for no rows.
macro_rules! copy {
    ($conn:expr, $table:expr, $rows:expr) => {
        if !$rows.is_empty() {
            diesel::copy_from($table).from_insertable($rows).execute($conn)?;
        }
    };
}

/// One prepared insert per row (SQLite caches the statement).
macro_rules! insert_each {
    ($conn:expr, $table:expr, $rows:expr) => {
        for row in $rows {
            diesel::insert_into($table).values(row).execute($conn)?;
        }
    };
}

/// Numbers the batch's events with `$numbers` (the backend's way: `changes::numbers_from_…`)
/// and writes its tables, parents before the rows that name them, each with `$write` (`copy`
/// or `insert_each`: the backend's fastest way). One list of the tables, so that both backends
/// load the same rows in the same order.
macro_rules! write_tables {
    ($numbers:path, $write:ident, $conn:expr, $batch:expr) => {{
        let numbers = $numbers($conn, $batch.changes.len())?;
        $batch.number_changes(&numbers);
        $write!($conn, schema::organizations::table, &$batch.organizations);
        $write!($conn, schema::organization_sites::table, &$batch.sites);
        $write!($conn, schema::persons::table, &$batch.persons);
        $write!($conn, schema::diagnostics::table, &$batch.diagnostics);
        $write!($conn, schema::contracts::table, &$batch.contracts);
        $write!($conn, schema::history::table, &$batch.history);
        $write!($conn, schema::changes::table, &$batch.changes);
        Ok::<_, StoreError>(())
    }};
}

/// One version of a loaded record: when it was made, by which organization (none for the
/// operator's own records), and what it changed (the whole document for the first).
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub at: DateTime<Utc>,
    pub by: Option<Uuid>,
    pub changes: Value,
}

/// How many rows of each table a batch held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub organizations: u64,
    pub sites: u64,
    pub persons: u64,
    pub diagnostics: u64,
    pub contracts: u64,
    pub history: u64,
    pub changes: u64,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.organizations += other.organizations;
        self.sites += other.sites;
        self.persons += other.persons;
        self.diagnostics += other.diagnostics;
        self.contracts += other.contracts;
        self.history += other.history;
        self.changes += other.changes;
    }
}

/// Records to write in one transaction, all by one client (`actor`), with their versions.
/// Each record's `version` is expected to be the number of its versions.
pub struct Batch {
    actor: String,
    organizations: Vec<OrganizationRow>,
    sites: Vec<SiteRow>,
    persons: Vec<PersonRow>,
    diagnostics: Vec<DiagnosticRow>,
    contracts: Vec<ContractRow>,
    history: Vec<HistoryRow>,
    /// Change events in order; their sequence numbers are taken when the batch is written.
    changes: Vec<ChangeRow>,
}

impl Batch {
    /// An empty batch whose records are written by the client `actor`.
    pub fn new(actor: &str) -> Batch {
        Batch {
            actor: actor.to_owned(),
            organizations: Vec::new(),
            sites: Vec::new(),
            persons: Vec::new(),
            diagnostics: Vec::new(),
            contracts: Vec::new(),
            history: Vec::new(),
            changes: Vec::new(),
        }
    }

    pub fn counts(&self) -> Counts {
        let count = |rows: usize| rows as u64;
        Counts {
            organizations: count(self.organizations.len()),
            sites: count(self.sites.len()),
            persons: count(self.persons.len()),
            diagnostics: count(self.diagnostics.len()),
            contracts: count(self.contracts.len()),
            history: count(self.history.len()),
            changes: count(self.changes.len()),
        }
    }

    pub fn add_organization(&mut self, organization: &Organization, versions: &[Version]) -> Result<(), StoreError> {
        self.organizations.push(organizations::row_of(organization, &self.actor, &self.actor)?);
        self.add_versions(organizations::RESOURCE_TYPE, organization.id, None, versions)?;
        Ok(())
    }

    /// A reception site of an organization of this batch or an earlier one.
    pub fn add_site(&mut self, site: &Site, versions: &[Version]) -> Result<(), StoreError> {
        self.sites.push(sites::row_of(site)?);
        self.add_versions(sites::RESOURCE_TYPE, site.id, None, versions)?;
        Ok(())
    }

    /// A person, with the keyed hash of their NIR when they have one.
    pub fn add_person(
        &mut self,
        person: &StoredPerson,
        nir_hash: Option<String>,
        versions: &[Version],
    ) -> Result<(), StoreError> {
        self.persons.push(persons::row_of(person, nir_hash)?);
        self.add_versions(persons::RESOURCE_TYPE, person.id, Some(person.id), versions)?;
        Ok(())
    }

    pub fn add_diagnostic(&mut self, diagnostic: &StoredDiagnostic, versions: &[Version]) -> Result<(), StoreError> {
        self.diagnostics.push(diagnostics::row_of(diagnostic)?);
        let person_id = diagnostic.person_id;
        self.add_versions(diagnostics::RESOURCE_TYPE, person_id, Some(person_id), versions)?;
        Ok(())
    }

    pub fn add_contract(&mut self, contract: &StoredContract, versions: &[Version]) -> Result<(), StoreError> {
        self.contracts.push(contracts::row_of(contract)?);
        self.add_versions(contracts::RESOURCE_TYPE, contract.id, Some(contract.person_id), versions)?;
        Ok(())
    }

    /// A history row and a change event per version, as `write::record` writes them.
    fn add_versions(
        &mut self,
        resource_type: &'static str,
        id: Uuid,
        subject_id: Option<Uuid>,
        versions: &[Version],
    ) -> Result<(), StoreError> {
        for (number, version) in (1..).zip(versions) {
            let context = WriteContext::of(Actor { client_id: self.actor.clone(), organization_id: version.by });
            let action = if number == 1 { Action::Created } else { Action::Updated };
            let mutation =
                Mutation { subject_id, ..Mutation::new(resource_type, id, number, action, version.changes.clone()) };
            let at = to_db(version.at);
            self.history.push(history::row_of(&context, &mutation, at)?);
            // Numbered when the batch is written.
            self.changes.push(changes::row_of(&context, &mutation, 0, at)?);
        }
        Ok(())
    }

    /// Writes the batch in one transaction, numbering its change events in that same
    /// transaction as `write::record` does (so the feed serves them once it committed).
    pub fn write(mut self, conn: &mut DbConnection) -> Result<Counts, StoreError> {
        let counts = self.counts();
        match conn {
            DbConnection::Postgres(pg) => {
                pg.transaction(|pg| write_tables!(changes::numbers_from_sequence, copy, pg, self))?
            }
            DbConnection::Sqlite(sqlite) => sqlite.immediate_transaction(|sqlite| {
                write_tables!(changes::numbers_from_counter, insert_each, sqlite, self)
            })?,
        }
        changes::announce_appended();
        Ok(counts)
    }

    /// Numbers the events `first`, `first + 1`… in order.
    fn number_changes(&mut self, numbers: &[i64]) {
        for (change, seq) in self.changes.iter_mut().zip(numbers) {
            change.seq = *seq;
        }
    }
}
