//! Publishing offers once for all: an upsert by source (publishing organization, system,
//! reference), and the de-duplication rule across sources (`plateforme_model::offer::dedup`).
//!
//! For each publication, in order:
//! - the source is known and sends the same document again: `unchanged`, nothing written;
//! - the source is known and its document changed: the offer is `updated` (refused when filled
//!   or cancelled, and when the publisher does not own the offer; an expired offer published
//!   with a later expiry reopens);
//! - the source is new and a live offer has the same de-duplication key: the source is added to
//!   that offer, `merged`; the offer's document stays the owner's — unless the publisher is the
//!   employer the offer names, which takes the offer over with its document;
//! - otherwise a new offer is `created`, owned by the publisher.
//!
//! Ownership (docs/offers.md): merging never gives a stranger control of an offer. A unique
//! index on the fingerprint of live offers makes the de-duplication hold under concurrency: a
//! batch that loses the race to create an offer is decided again, and joins it.
//!
//! A batch is decided in memory from three reads (the sources already known, the live offers
//! sharing a key, those offers' sources), then written in multi-row statements: this is where
//! bulk publication gets its speed. Each decision is a version with its change event, as if the
//! lines had been published one by one.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text, Timestamp};
use plateforme_model::ids::{new_id, now};
use plateforme_model::merge_patch;
use plateforme_model::offer::dedup::DedupKeys;
use plateforme_model::offer::{OfferFields, OfferLocation, OfferSource, OfferStatus, SourceRef};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{OfferDocument, OfferRow, SourceRow, StoredOffer, offer_sources, offers, sources_of};
use crate::timestamps::to_db;
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, StoreError};

/// One offer as a source sends it, its workplace already placed by the caller.
#[derive(Debug, Clone)]
pub struct Submission {
    pub source: SourceRef,
    /// The fields as sent (defaults not applied: publishing the same document again must
    /// compare equal).
    pub fields: OfferFields,
    pub location: OfferLocation,
}

impl Submission {
    fn content_hash(&self) -> Result<String, StoreError> {
        let json = serde_json::to_vec(&self.fields).map_err(StoreError::corrupt)?;
        Ok(hex(&Sha256::digest(&json)))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Merged,
    Updated,
    Unchanged,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Merged => "merged",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
        }
    }
}

/// What became of one publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub outcome: Outcome,
    pub offer_id: Uuid,
    pub version: i64,
}

/// Who publishes: the organization, and the SIRET it speaks for when it is the employer itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub organization_id: Uuid,
    /// An employer organization's own SIRET: it owns the offers naming it (docs/offers.md).
    pub employer_siret: Option<String>,
}

impl Publisher {
    /// A publisher that is not the employer of what it publishes (job board, network, partner).
    pub fn organization(organization_id: Uuid) -> Publisher {
        Publisher { organization_id, employer_siret: None }
    }

    /// Whether it speaks for the employer an offer names.
    fn is_employer_of(&self, fields: &OfferFields) -> bool {
        let named = fields.employer.siret.as_ref().map(ToString::to_string);
        self.employer_siret.is_some() && self.employer_siret == named
    }
}

/// A publication the state of its offer refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The source's offer is filled or cancelled: it takes no more changes.
    Final { offer_id: Uuid, status: OfferStatus },
    /// The source's document changed, but another organization owns the offer: a merged source
    /// does not rewrite it.
    NotOwner { offer_id: Uuid, owner: Uuid },
    /// The changed document is the job of another live offer.
    Twin { offer_id: Uuid, twin_id: Uuid },
}

impl Refusal {
    /// The offer the refused publication is a source of.
    pub fn offer_id(&self) -> Uuid {
        match self {
            Self::Final { offer_id, .. } | Self::NotOwner { offer_id, .. } | Self::Twin { offer_id, .. } => *offer_id,
        }
    }
}

pub type Answer = Result<Published, Refusal>;

/// Tries of a batch that met a concurrent writer (the same new source, the same new job, or an
/// offer changed meanwhile): the batch is decided again from what is then committed. Each
/// round lets at least one of the writers contending for an offer through, so this bounds how
/// many publications of one job may arrive at the same instant and all succeed.
const TRIES: usize = 16;

/// Publishes offers for `organization_id` (not the employer itself), in one transaction,
/// answering each in order.
pub fn publish(
    conn: &mut DbConnection,
    context: &WriteContext,
    organization_id: Uuid,
    submissions: Vec<Submission>,
) -> Result<Vec<Answer>, StoreError> {
    publish_as(conn, context, &Publisher::organization(organization_id), submissions)
}

/// Publishes offers for `publisher`, in one transaction, answering each in order.
pub fn publish_as(
    conn: &mut DbConnection,
    context: &WriteContext,
    publisher: &Publisher,
    submissions: Vec<Submission>,
) -> Result<Vec<Answer>, StoreError> {
    // Each publication's keys, once: they are read, decided on and written (SHA-256 digests).
    let keys: Vec<DedupKeys> = submissions.iter().map(|submission| DedupKeys::of(&submission.fields)).collect();
    let mut tries = 0;
    loop {
        tries += 1;
        let attempt = write::transaction(conn, |conn| {
            let mut batch = Batch::load(conn, publisher, &submissions, &keys, now())?;
            let answers = submissions
                .iter()
                .zip(&keys)
                .map(|(submission, keys)| batch.decide(submission, keys))
                .collect::<Result<Vec<_>, _>>()?;
            batch.write(conn, context)?;
            Ok(answers)
        });
        match attempt {
            Err(error) if tries < TRIES && is_race(&error) => continue,
            // Still a second live offer of one job after every try: a duplicate from before the
            // unique index (docs/offers.md, Known gaps).
            result => return result.map_err(super::lifecycle::twin_conflict),
        }
    }
}

fn is_race(error: &StoreError) -> bool {
    error.is_unique_violation() || matches!(error, StoreError::VersionMismatch { .. })
}

/// An offer the batch reads or writes, as it stands after the decisions so far.
struct Held {
    offer: StoredOffer,
    /// The version committed before this batch (for the optimistic check), `None` if new.
    committed_version: Option<i64>,
    sources: Vec<OfferSource>,
    /// Whether its row must be written.
    changed: bool,
    /// Whether its document changed (else only its version and time moved: a source joined).
    rewritten: bool,
    /// The de-duplication keys of its document when a publication of this batch wrote it (else
    /// computed from the document when its row is written).
    keys: Option<DedupKeys>,
}

impl Held {
    fn row(&self) -> Result<OfferRow, StoreError> {
        match &self.keys {
            Some(keys) => OfferRow::with_keys(&self.offer, keys.clone()),
            None => OfferRow::of(&self.offer),
        }
    }
}

/// A source's copy as the batch knows it.
struct KnownSource {
    offer_id: Uuid,
    hash: String,
    /// Whether its row exists in the database (else it is inserted by this batch).
    committed: bool,
    changed: bool,
}

/// The state a batch decides from, and what it will write.
struct Batch {
    publisher: Publisher,
    time: DateTime<Utc>,
    sources: HashMap<(String, String), KnownSource>,
    offers: HashMap<Uuid, Held>,
    by_siret: HashMap<String, Uuid>,
    by_name: HashMap<String, Uuid>,
    created: Vec<Uuid>,
    mutations: Vec<Mutation>,
}

impl Batch {
    /// Reads what the decisions need: the sources already known, the offers they publish, and
    /// the live offers sharing a de-duplication key with a publication.
    fn load(
        conn: &mut DbConnection,
        publisher: &Publisher,
        submissions: &[Submission],
        keys: &[DedupKeys],
        time: DateTime<Utc>,
    ) -> Result<Batch, StoreError> {
        let rows = known_sources(conn, publisher.organization_id, submissions)?;
        let mut sources = HashMap::new();
        let mut offer_ids = Vec::new();
        for row in rows {
            let offer_id: Uuid = row.offer_id.parse().map_err(StoreError::corrupt)?;
            offer_ids.push(row.offer_id.clone());
            let known = KnownSource { offer_id, hash: row.content_hash, committed: true, changed: false };
            sources.insert((row.system, row.reference), known);
        }
        let siret_keys: Vec<&String> = keys.iter().filter_map(|keys| keys.by_siret.as_ref()).collect();
        let name_keys: Vec<&String> = keys.iter().filter_map(|keys| keys.by_name.as_ref()).collect();
        // One read per key, each served by its partial index (an OR of both would scan).
        let live = [OfferStatus::Open.as_str(), OfferStatus::Suspended.as_str()];
        let mut twins: Vec<OfferRow> = offers::table
            .filter(offers::status.eq_any(live))
            .filter(offers::dedup_siret.eq_any(siret_keys))
            .select(OfferRow::as_select())
            .load(conn)?;
        twins.extend(
            offers::table
                .filter(offers::status.eq_any(live))
                .filter(offers::dedup_name.eq_any(name_keys))
                .select(OfferRow::as_select())
                .load::<OfferRow>(conn)?,
        );
        twins.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        twins.dedup_by(|a, b| a.id == b.id);
        let mut by_siret = HashMap::new();
        let mut by_name = HashMap::new();
        let mut stored: Vec<StoredOffer> = Vec::new();
        for twin in twins {
            let due = twin.expires_at <= to_db(time);
            let (siret_key, name_key) = (twin.dedup_siret.clone(), twin.dedup_name.clone());
            let offer = twin.into_stored()?;
            if due {
                // Past its expiry but not swept yet: it still holds the fingerprint the new
                // publication needs, so it expires now, as the sweep would have.
                stored.push(super::lifecycle::expire(conn, &offer, time)?);
                continue;
            }
            // Oldest first: the first offer met under a key keeps it.
            if let Some(key) = siret_key {
                by_siret.entry(key).or_insert(offer.id);
            }
            if let Some(key) = name_key {
                by_name.entry(key).or_insert(offer.id);
            }
            stored.push(offer);
        }
        let known: Vec<OfferRow> =
            offers::table.filter(offers::id.eq_any(&offer_ids)).select(OfferRow::as_select()).load(conn)?;
        for row in known {
            stored.push(row.into_stored()?);
        }
        let mut offers_held = HashMap::new();
        // An offer read twice (a twin and a known source's) keeps its first, freshest, reading.
        for offer in stored {
            let committed_version = Some(offer.version);
            offers_held.entry(offer.id).or_insert(Held {
                offer,
                committed_version,
                sources: Vec::new(),
                changed: false,
                rewritten: false,
                keys: None,
            });
        }
        let ids: Vec<Uuid> = offers_held.keys().copied().collect();
        for (id, offer_sources) in sources_of(conn, &ids)? {
            if let Some(held) = offers_held.get_mut(&id) {
                held.sources = offer_sources;
            }
        }
        Ok(Batch {
            publisher: publisher.clone(),
            time,
            sources,
            offers: offers_held,
            by_siret,
            by_name,
            created: Vec::new(),
            mutations: Vec::new(),
        })
    }

    fn decide(&mut self, submission: &Submission, keys: &DedupKeys) -> Result<Answer, StoreError> {
        let hash = submission.content_hash()?;
        let key = (submission.source.system.clone(), submission.source.reference.clone());
        if let Some(known) = self.sources.get(&key) {
            let (offer_id, same) = (known.offer_id, known.hash == hash);
            let version = self.held(offer_id)?.offer.version;
            if same {
                return Ok(Ok(Published { outcome: Outcome::Unchanged, offer_id, version }));
            }
            let owner = self.held(offer_id)?.offer.owner;
            if owner != self.publisher.organization_id {
                return Ok(Err(Refusal::NotOwner { offer_id, owner }));
            }
            return self.update(offer_id, key, submission, hash, keys);
        }
        let speaks_for_employer = self.publisher.is_employer_of(&submission.fields);
        let by_siret = keys.by_siret.as_ref().and_then(|key| self.by_siret.get(key));
        // The employer joins only an offer naming its SIRET: one sharing its name alone is
        // another publisher's reading of that name, which the employer cannot claim.
        let by_name = || keys.by_name.as_ref().and_then(|key| self.by_name.get(key));
        let twin = if speaks_for_employer { by_siret } else { by_siret.or_else(by_name) }
            .copied()
            .filter(|id| self.offers.get(id).is_some_and(|held| held.offer.status.is_live()));
        let owned_by_another =
            |id: &Uuid| self.offers.get(id).is_some_and(|held| held.offer.owner != self.publisher.organization_id);
        match twin {
            Some(offer_id) if speaks_for_employer && owned_by_another(&offer_id) => {
                self.take_over(offer_id, key, submission, hash, keys).map(Ok)
            }
            Some(offer_id) => self.merge(offer_id, key, &submission.source, hash).map(Ok),
            None => self.create(key, submission, hash, keys).map(Ok),
        }
    }

    fn held(&mut self, id: Uuid) -> Result<&mut Held, StoreError> {
        self.offers.get_mut(&id).ok_or_else(|| StoreError::corrupt(format!("offer {id} of a known source")))
    }

    fn source(&self, source: &SourceRef) -> OfferSource {
        OfferSource {
            organization_id: self.publisher.organization_id,
            system: source.system.clone(),
            reference: source.reference.clone(),
            first_published_at: self.time,
            last_changed_at: self.time,
        }
    }

    fn create(
        &mut self,
        key: (String, String),
        submission: &Submission,
        hash: String,
        keys: &DedupKeys,
    ) -> Result<Published, StoreError> {
        let offer = StoredOffer {
            id: new_id(),
            status: OfferStatus::Open,
            document: OfferDocument {
                fields: submission.fields.clone().with_dates(self.time),
                location: submission.location.clone(),
                status_reason: None,
            },
            owner: self.publisher.organization_id,
            version: 1,
            created_at: self.time,
            updated_at: self.time,
        };
        let id = offer.id;
        let sources = vec![self.source(&submission.source)];
        let created = serde_json::to_value(offer.clone().into_offer(sources.clone())).map_err(StoreError::corrupt)?;
        self.mutations.push(mutation(id, 1, Action::Created, created));
        self.sources.insert(key, KnownSource { offer_id: id, hash, committed: false, changed: true });
        if let Some(key) = &keys.by_siret {
            self.by_siret.entry(key.clone()).or_insert(id);
        }
        if let Some(key) = &keys.by_name {
            self.by_name.entry(key.clone()).or_insert(id);
        }
        let held =
            Held { offer, committed_version: None, sources, changed: true, rewritten: true, keys: Some(keys.clone()) };
        self.offers.insert(id, held);
        self.created.push(id);
        Ok(Published { outcome: Outcome::Created, offer_id: id, version: 1 })
    }

    fn merge(
        &mut self,
        offer_id: Uuid,
        key: (String, String),
        source: &SourceRef,
        hash: String,
    ) -> Result<Published, StoreError> {
        let new_source = self.source(source);
        let time = self.time;
        let held = self.held(offer_id)?;
        held.sources.push(new_source);
        held.offer.version += 1;
        held.offer.updated_at = time;
        held.changed = true;
        let version = held.offer.version;
        let changes = serde_json::json!({ "sources": held.sources });
        self.mutations.push(mutation(offer_id, version, Action::Updated, changes));
        self.sources.insert(key, KnownSource { offer_id, hash, committed: false, changed: true });
        Ok(Published { outcome: Outcome::Merged, offer_id, version })
    }

    /// The employer the offer names joins it: it becomes the owner, and its document replaces
    /// the one held (whoever published the job first does not speak for the employer).
    fn take_over(
        &mut self,
        offer_id: Uuid,
        key: (String, String),
        submission: &Submission,
        hash: String,
        keys: &DedupKeys,
    ) -> Result<Published, StoreError> {
        let new_source = self.source(&submission.source);
        let (time, owner) = (self.time, self.publisher.organization_id);
        let held = self.held(offer_id)?;
        let current = held.offer.clone();
        let before =
            serde_json::to_value(current.clone().into_offer(held.sources.clone())).map_err(StoreError::corrupt)?;
        let published_at = current.document.fields.published_at.unwrap_or(current.created_at);
        held.sources.push(new_source);
        held.offer = StoredOffer {
            document: OfferDocument {
                fields: submission.fields.clone().with_dates(published_at),
                location: submission.location.clone(),
                status_reason: current.document.status_reason.clone(),
            },
            owner,
            version: current.version + 1,
            updated_at: time,
            ..current
        };
        held.changed = true;
        held.rewritten = true;
        held.keys = Some(keys.clone());
        let after =
            serde_json::to_value(held.offer.clone().into_offer(held.sources.clone())).map_err(StoreError::corrupt)?;
        let version = held.offer.version;
        self.mutations.push(mutation(offer_id, version, Action::Updated, merge_patch::diff(&before, &after)));
        self.sources.insert(key, KnownSource { offer_id, hash, committed: false, changed: true });
        Ok(Published { outcome: Outcome::Merged, offer_id, version })
    }

    /// Another live offer than `offer_id` holding `fingerprint`, if the batch knows one. The
    /// fingerprint is a key by SIRET or by name, so the offer first met under that key is the
    /// one to look at (a look-up, not a scan: batches update hundreds of offers).
    fn live_twin(&self, offer_id: Uuid, fingerprint: Option<&String>) -> Option<Uuid> {
        let fingerprint = fingerprint?;
        let holds_it = |id: &&Uuid| {
            **id != offer_id
                && self.offers.get(id).is_some_and(|held| {
                    held.offer.status.is_live()
                        && DedupKeys::of(&held.offer.document.fields).fingerprint() == Some(fingerprint)
                })
        };
        self.by_siret
            .get(fingerprint)
            .filter(holds_it)
            .or_else(|| self.by_name.get(fingerprint).filter(holds_it))
            .copied()
    }

    fn update(
        &mut self,
        offer_id: Uuid,
        key: (String, String),
        submission: &Submission,
        hash: String,
        keys: &DedupKeys,
    ) -> Result<Answer, StoreError> {
        let time = self.time;
        let current = self.held(offer_id)?.offer.clone();
        if current.status.is_final() {
            return Ok(Err(Refusal::Final { offer_id, status: current.status }));
        }
        let published_at = current.document.fields.published_at.unwrap_or(current.created_at);
        let fields = submission.fields.clone().with_dates(published_at);
        let (_, expires_at) = fields.dates(published_at);
        // Published again with a later expiry, an expired offer reopens.
        let status = if current.status == OfferStatus::Expired && expires_at > time {
            OfferStatus::Open
        } else {
            current.status
        };
        // A live offer may not become the job another live offer already is (the unique index).
        // The keys do not read the dates `with_dates` set: the submission's are the document's.
        if let Some(twin_id) = self.live_twin(offer_id, keys.fingerprint()).filter(|_| status.is_live()) {
            return Ok(Err(Refusal::Twin { offer_id, twin_id }));
        }
        let held = self.held(offer_id)?;
        let updated = StoredOffer {
            status,
            document: OfferDocument {
                fields,
                location: submission.location.clone(),
                status_reason: current.document.status_reason.clone(),
            },
            version: current.version + 1,
            updated_at: time,
            ..current.clone()
        };
        let before = serde_json::to_value(current.into_offer(Vec::new())).map_err(StoreError::corrupt)?;
        let after = serde_json::to_value(updated.clone().into_offer(Vec::new())).map_err(StoreError::corrupt)?;
        let version = updated.version;
        held.offer = updated;
        held.changed = true;
        held.rewritten = true;
        held.keys = Some(keys.clone());
        if let Some(source) = held.sources.iter_mut().find(|source| source.system == key.0 && source.reference == key.1)
        {
            source.last_changed_at = time;
        }
        self.mutations.push(mutation(offer_id, version, Action::Updated, merge_patch::diff(&before, &after)));
        if let Some(known) = self.sources.get_mut(&key) {
            known.hash = hash;
            known.changed = true;
        }
        Ok(Ok(Published { outcome: Outcome::Updated, offer_id, version }))
    }

    /// Writes the batch: new offers and sources in multi-row statements, changed ones one by
    /// one with their version check, then the history and the change events.
    fn write(self, conn: &mut DbConnection, context: &WriteContext) -> Result<(), StoreError> {
        let mut new_rows = Vec::new();
        for id in &self.created {
            if let Some(held) = self.offers.get(id) {
                new_rows.push(held.row()?);
            }
        }
        crate::bulk::insert_all!(conn, offers::table, new_rows.as_slice());
        let mut moved = Vec::new();
        for held in self.offers.values().filter(|held| held.changed) {
            let Some(committed_version) = held.committed_version else { continue };
            if !held.rewritten {
                moved.push(Move { id: held.offer.id, committed_version, version: held.offer.version });
                continue;
            }
            let row = held.row()?;
            let written = diesel::update(offers::table.find(&row.id))
                .filter(offers::version.eq(committed_version))
                .set(&row)
                .execute(conn)?;
            if written == 0 {
                return Err(StoreError::VersionMismatch { current: committed_version });
            }
        }
        // In id order, as concurrent batches then lock the rows they share.
        moved.sort_unstable_by_key(|moving| moving.id);
        move_versions(conn, &moved, self.time)?;
        self.write_sources(conn)?;
        write::record_all(conn, context, &self.mutations)?;
        Ok(())
    }

    fn write_sources(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        let organization_id = self.publisher.organization_id.to_string();
        let time = to_db(self.time);
        let mut new_rows = Vec::new();
        for ((system, reference), known) in self.sources.iter().filter(|(_, known)| known.changed) {
            if known.committed {
                diesel::update(offer_sources::table.find((&organization_id, system, reference)))
                    .set((offer_sources::content_hash.eq(&known.hash), offer_sources::last_changed_at.eq(time)))
                    .execute(conn)?;
            } else {
                new_rows.push(SourceRow {
                    organization_id: organization_id.clone(),
                    system: system.clone(),
                    reference: reference.clone(),
                    offer_id: known.offer_id.to_string(),
                    content_hash: known.hash.clone(),
                    first_published_at: time,
                    last_changed_at: time,
                });
            }
        }
        crate::bulk::insert_all!(conn, offer_sources::table, new_rows.as_slice());
        Ok(())
    }
}

/// The sources of `submissions` this organization already publishes: one primary-key probe
/// per (system, reference) pair. Two lists (`system = ANY(…) AND reference = ANY(…)`) would
/// make the index condition probe every pair of the two, and read a system's row for another
/// system's reference: the pairs are joined as pairs.
fn known_sources(
    conn: &mut DbConnection,
    organization_id: Uuid,
    submissions: &[Submission],
) -> Result<Vec<SourceRow>, StoreError> {
    let mut pairs: Vec<(&str, &str)> = submissions
        .iter()
        .map(|submission| (submission.source.system.as_str(), submission.source.reference.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    const COLUMNS: &str = "s.organization_id, s.system, s.reference, s.offer_id, s.content_hash, \
                           s.first_published_at, s.last_changed_at";
    let organization_id = organization_id.to_string();
    match conn {
        DbConnection::Postgres(pg) => {
            let (systems, references): (Vec<&str>, Vec<&str>) = pairs.into_iter().unzip();
            let sql = format!(
                "SELECT {COLUMNS} FROM unnest($2::text[], $3::text[]) AS pairs(system, reference) \
                 JOIN offer_sources s ON s.organization_id = $1 \
                 AND s.system = pairs.system AND s.reference = pairs.reference"
            );
            Ok(diesel::sql_query(sql)
                .bind::<Text, _>(organization_id)
                .bind::<Array<Text>, _>(systems)
                .bind::<Array<Text>, _>(references)
                .load(pg)?)
        }
        DbConnection::Sqlite(sqlite) => {
            // SQLite has no arrays: the pairs as a row-value `IN (VALUES …)`, which it answers
            // with one probe of the primary key per pair; within its bound-parameter limit.
            let mut rows = Vec::new();
            for chunk in pairs.chunks(crate::bulk::ROWS_PER_STATEMENT) {
                let values = vec!["(?, ?)"; chunk.len()].join(", ");
                let sql = format!(
                    "SELECT {COLUMNS} FROM offer_sources s WHERE s.organization_id = ? \
                     AND (s.system, s.reference) IN (VALUES {values})"
                );
                let mut query = diesel::sql_query(sql).into_boxed().bind::<Text, _>(organization_id.clone());
                for (system, reference) in chunk {
                    query = query.bind::<Text, _>(*system).bind::<Text, _>(*reference);
                }
                rows.extend(query.load::<SourceRow>(sqlite)?);
            }
            Ok(rows)
        }
    }
}

/// An offer whose document stays as it is, moving from the version the batch read to a later one.
struct Move {
    id: Uuid,
    committed_version: i64,
    version: i64,
}

/// Moves these offers to their new version at `time`, each only if it is still at the version
/// the batch read. On PostgreSQL one statement for them all (merges come by hundreds in a bulk
/// import; rewriting each whole row, its generated `tsvector` and its indexes cost far more).
fn move_versions(conn: &mut DbConnection, moves: &[Move], time: DateTime<Utc>) -> Result<(), StoreError> {
    if moves.is_empty() {
        return Ok(());
    }
    let moved: HashSet<Uuid> = match conn {
        DbConnection::Postgres(pg) => {
            let ids: Vec<String> = moves.iter().map(|moving| moving.id.to_string()).collect();
            let committed: Vec<i64> = moves.iter().map(|moving| moving.committed_version).collect();
            let versions: Vec<i64> = moves.iter().map(|moving| moving.version).collect();
            let rows: Vec<MovedRow> = diesel::sql_query(
                "UPDATE offers SET version = moves.version, updated_at = $1 \
                 FROM unnest($2::text[], $3::int8[], $4::int8[]) AS moves(id, committed, version) \
                 WHERE offers.id = moves.id AND offers.version = moves.committed \
                 RETURNING offers.id",
            )
            .bind::<Timestamp, _>(to_db(time))
            .bind::<Array<Text>, _>(ids)
            .bind::<Array<BigInt>, _>(committed)
            .bind::<Array<BigInt>, _>(versions)
            .load(pg)?;
            rows.into_iter().map(|row| row.id.parse().map_err(StoreError::corrupt)).collect::<Result<_, _>>()?
        }
        DbConnection::Sqlite(_) => {
            // In-process: a statement per offer costs no round trip.
            let mut moved = HashSet::with_capacity(moves.len());
            for moving in moves {
                if move_version(conn, moving.id, moving.committed_version, moving.version, time)? {
                    moved.insert(moving.id);
                }
            }
            moved
        }
    };
    // An offer not moved changed meanwhile: the batch is decided again.
    match moves.iter().find(|moving| !moved.contains(&moving.id)) {
        Some(stale) => Err(StoreError::VersionMismatch { current: stale.committed_version }),
        None => Ok(()),
    }
}

#[derive(QueryableByName)]
struct MovedRow {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Moves an offer to its next version without changing its document (a source came or went).
pub(crate) fn bump_version(
    conn: &mut DbConnection,
    offer: &StoredOffer,
    time: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let version = offer.version + 1;
    if !move_version(conn, offer.id, offer.version, version, time)? {
        return Err(StoreError::VersionMismatch { current: offer.version });
    }
    Ok(version)
}

/// Moves an offer from version `from` to `to` at `time`, its document unchanged; false when it
/// is no longer at `from` (another write came first).
fn move_version(
    conn: &mut DbConnection,
    id: Uuid,
    from: i64,
    to: i64,
    time: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let written = diesel::update(offers::table.find(id.to_string()))
        .filter(offers::version.eq(from))
        .set((offers::version.eq(to), offers::updated_at.eq(to_db(time))))
        .execute(conn)?;
    Ok(written > 0)
}

pub(crate) fn mutation(id: Uuid, version: i64, action: Action, changes: serde_json::Value) -> Mutation {
    Mutation::new(super::RESOURCE_TYPE, id, version, action, changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(siret: Option<&str>) -> OfferFields {
        let mut employer = serde_json::json!({"name": "Boulangerie des Pentes"});
        if let Some(siret) = siret {
            employer["siret"] = serde_json::json!(siret);
        }
        serde_json::from_value(serde_json::json!({
            "title": "Boulanger", "description": "Au fournil.", "rome_code": "D1102",
            "contract_type": "cdi", "workplace": {"commune": "69266"}, "employer": employer
        }))
        .expect("offer fields")
    }

    #[test]
    fn an_employer_speaks_for_its_own_siret_only() {
        let employer = Publisher { organization_id: Uuid::nil(), employer_siret: Some("90000000600008".into()) };
        assert!(employer.is_employer_of(&fields(Some("90000000600008"))));
        assert!(!employer.is_employer_of(&fields(Some("90000000500000"))));
        assert!(!employer.is_employer_of(&fields(None)), "a name alone is not the employer's word");
        let job_board = Publisher::organization(Uuid::nil());
        assert!(!job_board.is_employer_of(&fields(Some("90000000600008"))));
    }
}
