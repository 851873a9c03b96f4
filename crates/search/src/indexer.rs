//! Keeps one kind's index in step with the database, on a thread of its own: it follows the
//! change feed in order, loads the records the events name as they now stand, and commits
//! their documents together with the feed position they reflect. On start it catches up from
//! the position its index recorded, or rebuilds the index from the database when it is missing
//! or of another schema (progress in the log). Each replica runs its own, over its own folder.
//!
//! Read-your-writes: [`Indexer::caught_up`] waits, bounded, for a pass of the indexer that
//! started after the call; that pass loads the records the caller wrote as they stand (the feed
//! may hold their events back a moment while an older transaction of the database server is
//! open), so a write committed before the call is then searchable on this replica.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use plateforme_store::{DbConnection, Store, StoreError};
use tokio::sync::watch;
use uuid::Uuid;

use crate::engine::{Engine, Writer};
use crate::schema::{Document, Kind};
use crate::{SearchError, feed};

/// What a domain gives the indexer: its kind, and its records as documents.
pub trait Source: Send + Sync + 'static {
    fn kind(&self) -> Kind;

    /// The documents of these records as they stand now: `None` for a record that is not to
    /// be found (deleted, or not searchable in its state).
    fn load(&self, conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<(Uuid, Option<Document>)>, StoreError>;

    /// Up to `limit` searchable records after `after`, in id order: a rebuild reads them all.
    fn page(&self, conn: &mut DbConnection, after: Option<Uuid>, limit: usize) -> Result<Vec<Document>, StoreError>;
}

#[derive(Debug, Clone)]
pub struct IndexerOptions {
    /// How often the feed is read when nothing asks sooner (other replicas' writes).
    pub poll: Duration,
    /// Events read per step.
    pub events_per_read: i64,
    /// Records read per step of a rebuild.
    pub rebuild_page: usize,
}

impl Default for IndexerOptions {
    fn default() -> Self {
        IndexerOptions { poll: Duration::from_millis(500), events_per_read: 5_000, rebuild_page: 5_000 }
    }
}

/// Where an indexer stands, for the readiness probe and the metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub kind: &'static str,
    /// Rebuilding from the database: searches see part of the records.
    pub rebuilding: bool,
    /// Documents searchable now.
    pub documents: u64,
    /// The feed position the index reflects (opaque).
    pub position: String,
    /// How long since the index last reflected the whole feed, in seconds: bounds how stale a
    /// search is on this replica.
    pub lag_seconds: f64,
    /// Why the last step failed, while it has not succeeded since.
    pub error: Option<String>,
    /// Documents written to the index (upserted or deleted) since the start: each write of a
    /// record should count once, however its writer and the feed reported it.
    pub written: u64,
}

/// A running indexer: its engine (to search) and the handle to ask it to catch up. Its thread
/// stops once the last handle is dropped (the server that used it stopped), letting go of the
/// index folder and of its database connections.
#[derive(Clone)]
pub struct Indexer {
    engine: Arc<Engine>,
    shared: Arc<Shared>,
    _stop_when_dropped: Arc<StopWhenDropped>,
}

/// Tells the indexer's thread to stop when dropped (with the last [`Indexer`] handle).
struct StopWhenDropped(Arc<Shared>);

impl Drop for StopWhenDropped {
    fn drop(&mut self) {
        self.0.stopped.store(true, Ordering::Release);
        let _wake = lock(&self.0.wake);
        self.0.ring.notify_all();
    }
}

struct Shared {
    /// Set when the last handle is dropped: the thread ends after its current step.
    stopped: AtomicBool,
    wake: Mutex<u64>,
    /// The records written by this replica whose writers wait for the index to hold them: the
    /// next pass loads them as they stand, whether or not the feed serves their events yet (it
    /// holds an event back while any older transaction of the database server is open).
    written: Mutex<BTreeSet<Uuid>>,
    ring: Condvar,
    /// The last request number a pass has served (it started after the request and read the
    /// feed to its end).
    served: watch::Sender<u64>,
    state: Mutex<State>,
    /// Documents upserted or deleted since the start.
    documents_written: AtomicU64,
}

struct State {
    rebuilding: bool,
    position: String,
    /// When a pass last read the feed to its end (`None` before the first since the start).
    caught_up_at: Option<Instant>,
    started_at: Instant,
    error: Option<String>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere cannot leave these small values half-written: go on with them.
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Indexer {
    /// Opens the kind's index under `folder` and starts following the feed (after a rebuild
    /// when the index must be made anew), on a thread of its own.
    pub fn start(
        folder: &Path,
        store: Store,
        source: impl Source,
        options: IndexerOptions,
    ) -> Result<Indexer, SearchError> {
        let kind = source.kind();
        let opened = Engine::open(&folder.join(kind.name), kind)?;
        let engine = Arc::new(opened.engine);
        // Taken here, so that a folder another process holds stops the start.
        let writer_engine = engine.clone();
        let shared = Arc::new(Shared {
            stopped: AtomicBool::new(false),
            wake: Mutex::new(0),
            written: Mutex::new(BTreeSet::new()),
            ring: Condvar::new(),
            served: watch::Sender::new(0),
            state: Mutex::new(State {
                rebuilding: opened.position.is_none(),
                position: opened.position.clone().unwrap_or_else(feed::start),
                caught_up_at: None,
                started_at: Instant::now(),
                error: None,
            }),
            documents_written: AtomicU64::new(0),
        });
        let stopper = Arc::new(StopWhenDropped(shared.clone()));
        let indexer = Indexer { engine, shared: shared.clone(), _stop_when_dropped: stopper };
        let lock_check = writer_engine.writer(1)?;
        lock_check.close()?;
        std::thread::Builder::new()
            .name(format!("search-{}", writer_engine.kind().name))
            .spawn(move || {
                let follower = Follower {
                    engine: &writer_engine,
                    store,
                    source,
                    options,
                    shared,
                    indexed: RefCell::new(Indexed::default()),
                };
                follower.run(opened.position);
            })
            .map_err(|error| SearchError::Io(folder.to_owned(), error))?;
        Ok(indexer)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Waits until a pass that started after this call has read the feed to its end and made
    /// what it read searchable, or `timeout` passed; answers whether it did.
    pub async fn caught_up(&self, written: &[Uuid], timeout: Duration) -> bool {
        let ticket = {
            let mut requested = lock(&self.shared.wake);
            lock(&self.shared.written).extend(written.iter().copied());
            *requested += 1;
            *requested
        };
        self.shared.ring.notify_one();
        let mut served = self.shared.served.subscribe();
        matches!(tokio::time::timeout(timeout, served.wait_for(|served| *served >= ticket)).await, Ok(Ok(_)))
    }

    pub fn progress(&self) -> Progress {
        let state = lock(&self.shared.state);
        Progress {
            kind: self.engine.kind().name,
            rebuilding: state.rebuilding,
            documents: self.engine.documents(),
            position: state.position.clone(),
            lag_seconds: state.caught_up_at.unwrap_or(state.started_at).elapsed().as_secs_f64(),
            error: state.error.clone(),
            written: self.shared.documents_written.load(Ordering::Relaxed),
        }
    }
}

/// How many records [`Indexed`] remembers at most: beyond, the oldest is forgotten (its event,
/// when the feed serves it, indexes the record once more: harmless).
const INDEXED_REMEMBERED: usize = 100_000;

/// The versions of the records this replica's writers made the indexer load, until the feed
/// serves their events: the index already holds them, so those events are skipped instead of
/// loading and committing the same documents again (a bulk import would index each offer
/// twice). Kept in memory only: after a restart the events index them again, which is harmless.
#[derive(Default)]
struct Indexed {
    versions: HashMap<Uuid, i64>,
    /// In the order remembered, to forget the oldest first.
    order: VecDeque<(Uuid, i64)>,
}

impl Indexed {
    fn remember(&mut self, id: Uuid, version: i64) {
        let known = self.versions.entry(id).or_insert(version);
        *known = (*known).max(version);
        self.order.push_back((id, version));
        while self.order.len() > INDEXED_REMEMBERED {
            // Forgotten unless remembered since at a later version.
            if let Some((id, version)) = self.order.pop_front()
                && self.versions.get(&id) == Some(&version)
            {
                self.versions.remove(&id);
            }
        }
    }

    /// Whether the index already holds this event's version of its record. The feed serves a
    /// record's versions in order: once its remembered version is served, nothing older follows.
    fn holds(&mut self, event: &feed::FeedEvent) -> bool {
        let Some(&known) = self.versions.get(&event.resource_id) else { return false };
        if event.version == known {
            self.versions.remove(&event.resource_id);
        }
        event.version <= known
    }
}

/// The indexer's thread.
struct Follower<'a, S> {
    engine: &'a Engine,
    store: Store,
    source: S,
    options: IndexerOptions,
    shared: Arc<Shared>,
    /// Only this thread reads and writes it.
    indexed: RefCell<Indexed>,
}

impl<S: Source> Follower<'_, S> {
    fn stopped(&self) -> bool {
        self.shared.stopped.load(Ordering::Acquire)
    }

    fn run(self, position: Option<String>) {
        let mut writer = loop {
            if self.stopped() {
                return;
            }
            match self.engine.writer(1) {
                Ok(writer) => break writer,
                Err(error) => self.failed(&error),
            }
        };
        let mut position = position;
        while !self.stopped() {
            let current = match position.take() {
                Some(current) => current,
                None => match self.rebuild(&mut writer) {
                    Ok(current) => current,
                    Err(error) => {
                        self.failed(&error);
                        continue;
                    }
                },
            };
            position = self.follow(&mut writer, current);
        }
    }

    /// Logs a failed step and waits before the next try.
    fn failed(&self, error: &SearchError) {
        tracing::warn!(kind = self.engine.kind().name, %error, "search indexer: step failed; retrying");
        lock(&self.shared.state).error = Some(error.to_string());
        std::thread::sleep(self.options.poll.max(Duration::from_secs(1)));
    }

    /// Makes the index anew from every searchable record; answers the position it reflects.
    fn rebuild(&self, writer: &mut Writer<'_>) -> Result<String, SearchError> {
        let kind = self.engine.kind().name;
        let started = Instant::now();
        lock(&self.shared.state).rebuilding = true;
        // The feed's end before reading the records: what changes meanwhile is applied after.
        let position = self.store.run_blocking(feed::head)?;
        writer.clear()?;
        tracing::info!(kind, "search index: rebuilding from the database");
        let (mut after, mut count, mut logged) = (None, 0u64, Instant::now());
        loop {
            let page = self.store.run_blocking(|conn| self.source.page(conn, after, self.options.rebuild_page))?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for document in &page {
                writer.upsert(document)?;
            }
            self.shared.documents_written.fetch_add(page.len() as u64, Ordering::Relaxed);
            count += page.len() as u64;
            if logged.elapsed() >= Duration::from_secs(5) {
                logged = Instant::now();
                let seconds = started.elapsed().as_secs_f64();
                tracing::info!(kind, documents = count, seconds, "search index: rebuilding");
            }
        }
        writer.commit(&position)?;
        let seconds = started.elapsed().as_secs_f64();
        let bytes = self.engine.size_bytes();
        tracing::info!(kind, documents = count, seconds, bytes, "search index: rebuilt");
        let mut state = lock(&self.shared.state);
        state.rebuilding = false;
        state.position = position.clone();
        Ok(position)
    }

    /// Follows the feed from `position` until a step fails; answers the position reached
    /// (`None` when the index must be rebuilt: the position is not one the feed knows, as after
    /// a change of the feed's numbering).
    fn follow(&self, writer: &mut Writer<'_>, mut position: String) -> Option<String> {
        loop {
            let (ticket, written) = {
                let requested = lock(&self.shared.wake);
                (*requested, std::mem::take(&mut *lock(&self.shared.written)))
            };
            let pass = self.apply_written(writer, &position, written).and_then(|()| self.catch_up(writer, &position));
            match pass {
                Ok(reached) => {
                    position = reached;
                    let mut state = lock(&self.shared.state);
                    state.position = position.clone();
                    state.caught_up_at = Some(Instant::now());
                    state.error = None;
                    drop(state);
                    self.shared.served.send_if_modified(|served| {
                        let newer = ticket > *served;
                        *served = (*served).max(ticket);
                        newer
                    });
                }
                Err(SearchError::Store(StoreError::InvalidCursor)) => {
                    tracing::warn!(kind = self.engine.kind().name, position, "search index: unknown feed position");
                    return None;
                }
                Err(error) => {
                    self.failed(&error);
                    return Some(position);
                }
            }
            let requested = lock(&self.shared.wake);
            if self.stopped() {
                return Some(position);
            }
            if *requested == ticket {
                // Woken by a request, or by the poll: other replicas' writes.
                let _ = self.shared.ring.wait_timeout(requested, self.options.poll);
            }
        }
    }

    /// Loads the records this replica's writers wait for as they stand now and commits them with
    /// the position already reached; their versions are remembered, so that their events, served
    /// later, do not load them again.
    fn apply_written(
        &self,
        writer: &mut Writer<'_>,
        position: &str,
        written: BTreeSet<Uuid>,
    ) -> Result<(), SearchError> {
        if written.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = written.into_iter().collect();
        let versions = self.apply(writer, &ids)?;
        writer.commit(position)?;
        // Only once committed: an index that failed to commit holds none of them.
        let mut indexed = self.indexed.borrow_mut();
        for (id, version) in versions {
            indexed.remember(id, version);
        }
        Ok(())
    }

    /// Upserts or deletes the documents of `ids` as the source holds them now; answers the
    /// versions of the documents upserted that have one.
    fn apply(&self, writer: &mut Writer<'_>, ids: &[Uuid]) -> Result<Vec<(Uuid, i64)>, SearchError> {
        let documents = self.store.run_blocking(|conn| self.source.load(conn, ids))?;
        self.shared.documents_written.fetch_add(documents.len() as u64, Ordering::Relaxed);
        let mut versions = Vec::new();
        for (id, document) in documents {
            match document {
                Some(document) => {
                    writer.upsert(&document)?;
                    versions.extend(document.version.map(|version| (id, version)));
                }
                None => writer.delete(id),
            }
        }
        Ok(versions)
    }

    /// Reads the feed to its end from `position`, applying what concerns this kind; answers
    /// the position reached. Each read's changes are committed with the position after them.
    fn catch_up(&self, writer: &mut Writer<'_>, position: &str) -> Result<String, SearchError> {
        let kind = self.engine.kind();
        let mut position = position.to_owned();
        loop {
            let limit = self.options.events_per_read;
            let (events, next) = self.store.run_blocking(|conn| feed::read(conn, &position, limit))?;
            let read = events.len();
            let ids: BTreeSet<Uuid> = {
                let mut indexed = self.indexed.borrow_mut();
                events
                    .into_iter()
                    .filter(|event| event.resource_type == kind.resource_type && !indexed.holds(event))
                    .map(|event| event.resource_id)
                    .collect()
            };
            if !ids.is_empty() {
                let ids: Vec<Uuid> = ids.into_iter().collect();
                self.apply(writer, &ids)?;
                writer.commit(&next)?;
            }
            position = next;
            if (read as i64) < limit {
                return Ok(position);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: Uuid, version: i64) -> feed::FeedEvent {
        feed::FeedEvent { resource_type: "offer".into(), resource_id: id, version }
    }

    #[test]
    fn events_up_to_the_version_loaded_are_skipped_once_then_forgotten() {
        let (id, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut indexed = Indexed::default();
        indexed.remember(id, 2);
        assert!(!indexed.holds(&event(other, 1)), "a record not loaded for a writer is indexed");
        assert!(indexed.holds(&event(id, 1)));
        assert!(indexed.holds(&event(id, 2)), "the version loaded is in the index");
        assert!(!indexed.holds(&event(id, 2)), "once its event is served, the record is forgotten");
        indexed.remember(id, 3);
        assert!(!indexed.holds(&event(id, 4)), "a later version is indexed");
    }

    #[test]
    fn it_remembers_a_bounded_number_of_records_the_oldest_forgotten_first() {
        let mut indexed = Indexed::default();
        for n in 0..=INDEXED_REMEMBERED as u128 {
            indexed.remember(Uuid::from_u128(n), 1);
        }
        assert_eq!(indexed.versions.len(), INDEXED_REMEMBERED);
        assert_eq!(indexed.order.len(), INDEXED_REMEMBERED);
        assert!(!indexed.holds(&event(Uuid::from_u128(0), 1)), "the oldest is forgotten");
        assert!(indexed.holds(&event(Uuid::from_u128(INDEXED_REMEMBERED as u128), 1)));
    }
}
