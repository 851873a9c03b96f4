//! Running an export: every record of each type the feed has events of, judged and represented
//! as the feed's `embed=resource` would (`judge`, `embed`), read in one snapshot whose cut of
//! the feed becomes the export's cursor. Files are written in chunks on another connection as
//! they are read, so neither the files nor the list of records is ever held whole.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::access::journal;
use plateforme_store::changes::ChangeEvent;
use plateforme_store::exports::{self, Cut, StoredExport};
use plateforme_store::{Action, DbConnection, Store, StoreError};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::DELETED_FILE;
use crate::cursor::FeedCursor;
use crate::embed::{self, Embedded};
use crate::event_type::{EventType, Happened};
use crate::judge;

/// Records read at a time; at most twice as many lines in a chunk.
const BATCH: i64 = 1000;
/// How long a run holds its export without renewing: past it, the upkeep fails it as
/// interrupted (its replica stopped).
const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// Runs the export `id` of `caller`, in the background of the request that asked for it.
pub async fn run(store: Store, caller: Caller, id: Uuid) {
    let runner = store.clone();
    let outcome = store
        .run(move |conn| {
            if !exports::claim(conn, id, Utc::now() + LEASE)? {
                return Ok(None);
            }
            let now = plateforme_model::ids::now();
            let export = exports::find(conn, id, caller.client_id(), now)?.ok_or(StoreError::NotFound)?;
            exports::in_snapshot(conn, |conn, cut| {
                let counts = write_files(conn, &runner, &caller, &export, cut)?;
                Ok(Some((cut.clone(), counts)))
            })
        })
        .await;
    let done = match outcome {
        Ok(None) => Ok(()),
        Ok(Some((cut, counts))) => {
            let cursor = FeedCursor::of_export(cut.position, cut.snapshot, Utc::now()).seal();
            store.run(move |conn| exports::finish(conn, id, &cursor, cut.transaction_time, &counts)).await
        }
        Err(error) => {
            tracing::error!(%error, export = %id, "an export failed");
            let reason = "an unexpected error stopped the export; ask for a new one";
            store.run(move |conn| exports::fail(conn, id, reason)).await
        }
    };
    if let Err(error) = done {
        tracing::error!(%error, export = %id, "an export's end could not be recorded");
    }
}

/// Upkeep: forgets the exports past their 7 days, fails those whose run was interrupted or
/// never started (a lease's time after they were asked for).
pub async fn forget_expired(store: &Store) -> Result<usize, StoreError> {
    store.run(|conn| exports::forget_expired(conn, Utc::now(), LEASE)).await
}

/// A line of a type's file.
#[derive(Serialize)]
struct RecordLine<'a> {
    id: Uuid,
    version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    person_id: Option<Uuid>,
    resource: &'a Value,
}

/// A line of the file `deleted`.
#[derive(Serialize)]
struct DeletedLine<'a> {
    #[serde(rename = "type")]
    resource_type: &'a str,
    id: Uuid,
    version: i64,
    reason: &'static str,
}

/// One file being written: lines gather in a chunk, written when full.
struct FileWriter {
    name: String,
    chunk: String,
    lines_in_chunk: i64,
    chunks: i64,
    count: i64,
}

impl FileWriter {
    fn new(name: &str) -> FileWriter {
        FileWriter { name: name.to_owned(), chunk: String::new(), lines_in_chunk: 0, chunks: 0, count: 0 }
    }

    fn push(&mut self, line: &impl Serialize) -> Result<(), StoreError> {
        let text = serde_json::to_string(line).map_err(|error| StoreError::Corrupt(error.to_string()))?;
        self.chunk.push_str(&text);
        self.chunk.push('\n');
        self.lines_in_chunk += 1;
        self.count += 1;
        Ok(())
    }

    /// Writes the chunk if it is full (`all`: if it holds anything).
    fn flush(&mut self, store: &Store, id: Uuid, all: bool) -> Result<(), StoreError> {
        if self.lines_in_chunk == 0 || (!all && self.lines_in_chunk < BATCH) {
            return Ok(());
        }
        let (number, lines) = (self.chunks, std::mem::take(&mut self.chunk));
        store.run_blocking(|conn| exports::append_chunk(conn, id, &self.name, number, &lines))?;
        self.chunks += 1;
        self.lines_in_chunk = 0;
        Ok(())
    }
}

/// Writes every file of `export` from the snapshot `conn` reads in; answers the lines per file.
fn write_files(
    conn: &mut DbConnection,
    store: &Store,
    caller: &Caller,
    export: &StoredExport,
    cut: &Cut,
) -> Result<BTreeMap<String, i64>, StoreError> {
    tracing::info!(export = %export.id, position = %cut.position, "export cut");
    let mut counts = BTreeMap::new();
    let mut deleted = FileWriter::new(DELETED_FILE);
    let mut renewed = Utc::now();
    for resource_type in &export.types {
        let mut file = FileWriter::new(resource_type);
        let mut after = None;
        loop {
            let ids = exports::record_ids(conn, resource_type, after, export.since, BATCH)?;
            let Some(last) = ids.last() else { break };
            after = Some(*last);
            let events = exports::events_of_records(conn, resource_type, &ids, None)?;
            let embedded = write_batch(conn, caller, export.since, &events, &mut file, &mut deleted)?;
            if !embedded.is_empty() {
                store.run_blocking(|conn| journal::append(conn, &journal_entries(caller, &embedded)))?;
            }
            file.flush(store, export.id, false)?;
            deleted.flush(store, export.id, false)?;
            if Utc::now() - renewed > LEASE / 5 {
                renewed = Utc::now();
                store.run_blocking(|conn| exports::renew(conn, export.id, renewed + LEASE))?;
            }
        }
        file.flush(store, export.id, true)?;
        counts.insert(resource_type.clone(), file.count);
    }
    if export.since.is_some() {
        deleted.flush(store, export.id, true)?;
        counts.insert(DELETED_FILE.to_owned(), deleted.count);
    }
    Ok(counts)
}

/// Writes the lines of one batch of records (`events`: all of theirs, in each record's version
/// order); answers the persons whose dossier's parts were read, and whether a social part was.
fn write_batch(
    conn: &mut DbConnection,
    caller: &Caller,
    since: Option<DateTime<Utc>>,
    events: &[ChangeEvent],
    file: &mut FileWriter,
    deleted: &mut FileWriter,
) -> Result<BTreeMap<Uuid, bool>, StoreError> {
    // Each record's last event in the snapshot: its state there, judged as the feed judges it.
    let mut last: BTreeMap<Uuid, &ChangeEvent> = BTreeMap::new();
    for event in events {
        last.insert(event.resource_id, event);
    }
    let lasts: Vec<ChangeEvent> = last.values().map(|event| (*event).clone()).collect();
    let judged = judge::judge(conn, caller, &lasts)?;
    let mut embedded = BTreeMap::new();
    let mut absent = BTreeSet::new();
    for (event, judged) in lasts.iter().zip(judged) {
        if judged.is_some_and(present) {
            let (resource, kind) = embed::representation(conn, caller, event)?;
            if let Some(resource) = resource {
                if let (Embedded::Dossier { social }, Some(person_id)) = (kind, event.subject_id) {
                    *embedded.entry(person_id).or_default() |= social;
                }
                let person_id = event.subject_id.filter(|_| matches!(kind, Embedded::Dossier { .. }));
                file.push(&RecordLine {
                    id: event.resource_id,
                    version: event.version,
                    person_id,
                    resource: &resource,
                })?;
                continue;
            }
        }
        absent.insert(event.resource_id);
    }
    if let Some(since) = since {
        gone_since(conn, caller, since, events, &absent, deleted)?;
    }
    Ok(embedded)
}

/// With `since`: the records not exported that the caller could see and lost since then — one
/// of their events since was a deletion it receives, or their departure from its remit.
fn gone_since(
    conn: &mut DbConnection,
    caller: &Caller,
    since: DateTime<Utc>,
    events: &[ChangeEvent],
    absent: &BTreeSet<Uuid>,
    deleted: &mut FileWriter,
) -> Result<(), StoreError> {
    let recent: Vec<ChangeEvent> = events
        .iter()
        .filter(|event| absent.contains(&event.resource_id) && event.occurred_at >= since)
        .cloned()
        .collect();
    let judged = judge::judge(conn, caller, &recent)?;
    let mut gone: BTreeMap<Uuid, (&ChangeEvent, &'static str)> = BTreeMap::new();
    for (event, judged) in recent.iter().zip(judged) {
        let reason = match judged.map(|kind| kind.happened) {
            Some(Happened::Written(Action::Deleted)) => "deleted",
            Some(Happened::LeftRemit) => "left_remit",
            _ => continue,
        };
        gone.insert(event.resource_id, (event, reason));
    }
    for (event, reason) in gone.into_values() {
        deleted.push(&DeletedLine {
            resource_type: &event.resource_type,
            id: event.resource_id,
            version: event.version,
            reason,
        })?;
    }
    Ok(())
}

fn present(event_type: EventType) -> bool {
    matches!(event_type.happened, Happened::Written(Action::Created | Action::Updated))
}

/// One journal entry per person whose dossier's part was exported, one more where the social
/// part was: as the feed's `embed=resource` journals its reads.
fn journal_entries(caller: &Caller, embedded: &BTreeMap<Uuid, bool>) -> Vec<plateforme_model::journal::Access> {
    let mut entries = Vec::new();
    for (person_id, social) in embedded {
        entries.push(caller.access(*person_id, JournalSection::ChangeFeed, Operation::Read));
        if *social {
            entries.push(caller.access(*person_id, JournalSection::DiagnosticSocial, Operation::Read));
        }
    }
    entries
}
