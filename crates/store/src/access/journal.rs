//! The access journal: every read or write of a person's data. Entries are only ever added;
//! they are forgotten past their retention (`purge_before`), and an erasure of the dossier
//! clears the callers' stated purposes of its entries (`dossier::erasure`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use plateforme_model::ids::{new_id, now};
use uuid::Uuid;

use std::sync::{OnceLock, mpsc};

use diesel::r2d2::Pool;
use tokio::sync::oneshot;

use crate::bulk::{self, insert_all};
use crate::connection::Manager;
use crate::pagination::page_by_key;
use crate::schema::access_journal;
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, Page, PageRequest, Store, StoreError};

pub use plateforme_model::journal::{Access, JournalRecord};

#[derive(Queryable, Insertable)]
#[diesel(table_name = access_journal, treat_none_as_default_value = false)]
struct JournalRow {
    id: String,
    occurred_at: NaiveDateTime,
    client_id: String,
    organization_id: Option<String>,
    person_id: String,
    section: String,
    action: String,
    request_id: Option<String>,
    purpose: Option<String>,
    stated_purpose: Option<String>,
    counsellor: Option<String>,
    acting_for: Option<String>,
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct JournalFilter {
    pub person_id: Option<Uuid>,
    pub client_id: Option<String>,
    /// Only the accesses made by this organization's clients.
    pub organization_id: Option<Uuid>,
}

/// Records accesses, in one statement (and one commit, outside a transaction) when they fit
/// in one. Call it inside the write transaction for writes; reads go through
/// [`append_durably`], so that no access is answered without its entry.
pub fn append(conn: &mut DbConnection, accesses: &[Access]) -> Result<(), StoreError> {
    let time = to_db(now());
    let rows: Vec<JournalRow> = accesses.iter().map(|access| row_of(access, time)).collect();
    if rows.len() <= bulk::ROWS_PER_STATEMENT {
        insert_all!(conn, access_journal::table, rows);
        return Ok(());
    }
    conn.transaction(|conn| {
        insert_all!(conn, access_journal::table, rows);
        Ok(())
    })
}

fn row_of(access: &Access, time: NaiveDateTime) -> JournalRow {
    JournalRow {
        id: new_id().to_string(),
        occurred_at: time,
        client_id: access.client_id.clone(),
        organization_id: access.organization_id.map(|id| id.to_string()),
        person_id: access.person_id.to_string(),
        section: access.section.clone(),
        action: access.action.clone(),
        request_id: access.request_id.clone(),
        purpose: access.purpose.clone(),
        stated_purpose: access.stated_purpose.clone(),
        counsellor: access.counsellor.clone(),
        acting_for: access.acting_for.map(|id| id.to_string()),
    }
}

/// Records the accesses of a read and returns once they are durable (committed), sharing the
/// commit with the reads journaled at the same time (group commit). If the journal cannot be
/// written the read must fail: the error is [`StoreError::JournalUnavailable`].
pub async fn append_durably(store: &Store, accesses: Vec<Access>) -> Result<(), StoreError> {
    if accesses.is_empty() {
        return Ok(());
    }
    store.journal().append(accesses).await
}

/// The journal's group commit: one thread takes the entries of every read waiting to be
/// journaled, writes them in one multi-row insert — one commit — and answers each read once
/// that commit is done. A read's wait is bounded: at most the batch being committed when it
/// arrives, then its own, of at most [`bulk::ROWS_PER_STATEMENT`] entries. Nothing is delayed
/// on purpose: the entries that queue up while a batch commits make the next batch, so a lone
/// read waits for its own commit only, and concurrent reads share theirs.
pub(crate) struct GroupCommit {
    pool: Pool<Manager>,
    /// Started with the first read, so a store that serves none (a CLI command) has no thread;
    /// it stops when the store is dropped (the sender with it).
    queue: OnceLock<mpsc::Sender<Waiting>>,
}

/// Accesses waiting for their commit, and the read waiting for them.
struct Waiting {
    accesses: Vec<Access>,
    durable: oneshot::Sender<Result<(), String>>,
}

impl GroupCommit {
    pub(crate) fn new(pool: Pool<Manager>) -> GroupCommit {
        GroupCommit { pool, queue: OnceLock::new() }
    }

    async fn append(&self, accesses: Vec<Access>) -> Result<(), StoreError> {
        let (durable, committed) = oneshot::channel();
        let queue = self.queue.get_or_init(|| {
            let (queue, waiting) = mpsc::channel();
            let pool = self.pool.clone();
            std::thread::Builder::new()
                .name("journal-commit".into())
                .spawn(move || commit_batches(&pool, &waiting))
                .map(|_| queue)
                // Without the thread the queue's receiver is dropped: every read then fails
                // with the error below, rather than being answered unjournaled.
                .unwrap_or_else(|_| mpsc::channel().0)
        });
        let unavailable = || StoreError::JournalUnavailable("the journal's writer has stopped".into());
        queue.send(Waiting { accesses, durable }).map_err(|_| unavailable())?;
        committed.await.map_err(|_| unavailable())?.map_err(StoreError::JournalUnavailable)
    }
}

/// The writer's loop: a batch of what is waiting, one insert, then the answers.
fn commit_batches(pool: &Pool<Manager>, waiting: &mpsc::Receiver<Waiting>) {
    while let Ok(first) = waiting.recv() {
        let mut batch = vec![first];
        let mut entries = batch[0].accesses.len();
        while entries < bulk::ROWS_PER_STATEMENT {
            let Ok(next) = waiting.try_recv() else { break };
            entries += next.accesses.len();
            batch.push(next);
        }
        let accesses: Vec<Access> =
            batch.iter_mut().flat_map(|waiting| std::mem::take(&mut waiting.accesses)).collect();
        let written = pool
            .get()
            .map_err(StoreError::Pool)
            .and_then(|mut conn| append(&mut conn, &accesses))
            .map_err(|error| error.to_string());
        if let Err(error) = &written {
            tracing::error!(%error, entries, "the access journal could not be written: the reads waiting for it fail");
        }
        for waiting in batch {
            // A read whose request was dropped meanwhile no longer listens: its entry stands.
            let _ = waiting.durable.send(written.clone());
        }
    }
}

/// Forgets the entries written before `before`; answers how many. Ids are UUIDv7, whose text
/// orders as their time: the bound is the smallest id of `before`'s millisecond, so the purge
/// walks the primary key instead of scanning the whole journal for `occurred_at`.
pub fn purge_before(conn: &mut DbConnection, before: chrono::DateTime<chrono::Utc>) -> Result<usize, StoreError> {
    // A time before 1970 bounds nothing: no entry is older.
    let millis = u128::try_from(before.timestamp_millis()).unwrap_or(0);
    let bound = Uuid::from_u128((millis << 80) | (0x7 << 76));
    Ok(diesel::delete(access_journal::table.filter(access_journal::id.lt(bound.to_string()))).execute(conn)?)
}

/// Entries in time order (ids are UUIDv7).
pub fn list(
    conn: &mut DbConnection,
    filter: &JournalFilter,
    page: &PageRequest,
) -> Result<Page<JournalRecord>, StoreError> {
    let mut query = access_journal::table.into_boxed();
    if let Some(person_id) = filter.person_id {
        query = query.filter(access_journal::person_id.eq(person_id.to_string()));
    }
    if let Some(client_id) = &filter.client_id {
        query = query.filter(access_journal::client_id.eq(client_id));
    }
    if let Some(organization_id) = filter.organization_id {
        query = query.filter(access_journal::organization_id.eq(organization_id.to_string()));
    }
    page_by_key!(conn, query, page, access_journal::id, JournalRow, entry_of_row)
}

fn entry_of_row(row: JournalRow) -> Result<JournalRecord, StoreError> {
    Ok(JournalRecord {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        occurred_at: from_db(row.occurred_at),
        access: Access {
            client_id: row.client_id,
            organization_id: row.organization_id.map(|id| id.parse()).transpose().map_err(StoreError::corrupt)?,
            person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
            section: row.section,
            action: row.action,
            request_id: row.request_id,
            purpose: row.purpose,
            stated_purpose: row.stated_purpose,
            counsellor: row.counsellor,
            acting_for: row.acting_for.map(|id| id.parse()).transpose().map_err(StoreError::corrupt)?,
        },
    })
}
