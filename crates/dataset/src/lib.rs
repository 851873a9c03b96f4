//! A deterministic dataset at national scale, for benchmarks and demonstrations
//! (`plateforme seed --persons N --offers M --seed S`).
//!
//! - **Organizations** ([`network`]): the network across every département — about 900
//!   France Travail agencies and 440 missions locales placed on the real communes by population,
//!   a Cap emploi and a conseil départemental per département, a conseil régional per région —
//!   with SIRETs that pass the Luhn check.
//! - **Persons** ([`people`]): residence communes weighted by population, ages, RSA and RQTH in
//!   the proportions of France Travail's registered jobseekers, NIRs consistent with the birth
//!   date and place (stored as the application stores them: their keyed hash under the
//!   configured key), registration, orientation, diagnostic and contract.
//! - **Offers** ([`offers`]): published through the store's publication path, de-duplication
//!   included, about one in ten sent again by a second source.
//!
//! Same seed, same data: every id, date and choice comes from a seeded generator ([`rng`]), not
//! from the clock. Each record gets what the application's writes would have written beside
//! it: one history row per version and one change event per version, numbered from the change
//! feed's counter. The access journal gets nothing: nobody has read these dossiers yet.
//! Consents and reviews are not generated.
//!
//! Rows are written in batches, a transaction each (`COPY … (FORMAT binary)` on PostgreSQL,
//! prepared inserts on SQLite), while the next batch is generated on another thread.

mod load;
mod names;
pub mod network;
pub mod offers;
pub mod people;
pub mod rng;
// Training catalogue (issue 15, item 6): an LHEO document for the import benchmark.
pub mod trainings;

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use plateforme_store::{Backend, Store, StoreError, organizations};

use load::Batch;
pub use load::Counts;
use network::Network;
use people::PersonGenerator;

/// The client id recorded as the author of generated records (history, change feed,
/// provenance), so that they are told apart from the work of real clients.
pub const DATASET_CLIENT: &str = "dataset-seed";

/// The day the generated dataset describes: registrations span the three years before it.
/// Fixed, so that a seed gives the same data whatever the day it runs.
pub const REFERENCE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 10, 31) {
    Some(date) => date,
    None => panic!("the reference date is a date"),
};

/// When the generated organizations were created (their UUIDv7 ids carry it).
pub fn organizations_epoch() -> DateTime<Utc> {
    DateTime::from_timestamp(1_640_995_200, 0).unwrap_or_default() // 2022-01-01T00:00:00Z
}

#[derive(Debug, Clone)]
pub struct DatasetOptions {
    pub persons: u64,
    /// Job offers to generate.
    pub offers: u64,
    pub seed: u64,
    /// Persons per transaction.
    pub batch_size: usize,
}

impl Default for DatasetOptions {
    fn default() -> Self {
        DatasetOptions { persons: 0, offers: 0, seed: 1, batch_size: 5_000 }
    }
}

/// Where the generation stands, for a progress line.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
    /// Since the phase started.
    pub elapsed: Duration,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct DatasetSummary {
    pub counts: Counts,
    pub offers: u64,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("dataset generator: {0}")]
    Invalid(String),
    #[error(
        "this database holds a generated dataset already (organization with SIRET {siret}); generate into a fresh database"
    )]
    AlreadyGenerated { siret: String },
}

impl DatasetError {
    pub(crate) fn json(error: serde_json::Error) -> DatasetError {
        DatasetError::Invalid(format!("JSON: {error}"))
    }
}

/// Generates the dataset into `store`, whose schema is up to date. `nir_key` is the key of the
/// NIR hash the server runs with (`Config::nir_key`), so that generated persons can be found
/// by their NIR. Refuses a database that holds a generated dataset already.
pub fn generate(
    store: &Store,
    options: &DatasetOptions,
    nir_key: &[u8],
    progress: &mut dyn FnMut(Progress),
) -> Result<DatasetSummary, DatasetError> {
    let started = Instant::now();
    let network = Network::build(options.seed, organizations_epoch())?;
    let first = network.organizations.first().ok_or_else(|| DatasetError::Invalid("no organization".into()))?;
    let siret = first.fields.siret.to_string();
    if store.run_blocking(|conn| organizations::find_by_siret(conn, &siret))?.is_some() {
        return Err(DatasetError::AlreadyGenerated { siret });
    }
    let mut counts = Counts::default();

    let phase = Instant::now();
    let total = network.organizations.len() as u64;
    let mut batch = Batch::default();
    for organization in &network.organizations {
        batch.add_organization(organization)?;
    }
    counts.add(store.run_blocking(|conn| batch.write(conn))?);
    progress(Progress { phase: "organizations", done: total, total, elapsed: phase.elapsed() });

    if options.persons > 0 {
        counts.add(load_persons(store, &network, options, nir_key, progress)?);
    }
    let offers = offers::generate(store, &network, options, progress)?;

    if store.backend() == Backend::Postgres {
        // Fresh statistics, so that the planner knows the tables' new sizes at once.
        let phase = Instant::now();
        progress(Progress { phase: "analyze", done: 0, total: 1, elapsed: Duration::ZERO });
        store.run_blocking(|conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query("ANALYZE").execute(conn)?;
            Ok(())
        })?;
        progress(Progress { phase: "analyze", done: 1, total: 1, elapsed: phase.elapsed() });
    }
    Ok(DatasetSummary { counts, offers, elapsed: started.elapsed() })
}

/// Generates the persons on a thread of their own and writes them batch by batch.
fn load_persons(
    store: &Store,
    network: &Network,
    options: &DatasetOptions,
    nir_key: &[u8],
    progress: &mut dyn FnMut(Progress),
) -> Result<Counts, DatasetError> {
    let started = Instant::now();
    let total = options.persons;
    let batch_size = options.batch_size.max(1) as u64;
    let mut counts = Counts::default();
    std::thread::scope(|scope| {
        // Two batches ahead at most: generation and writing overlap, memory stays bounded.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<Batch, DatasetError>>(2);
        // The batches seal the sensitive values as they are built: under the store's KEKs.
        scope.spawn(move || {
            store.with_key_encryption_in_scope(|| {
                let mut generator = match PersonGenerator::new(network, options.seed, nir_key, REFERENCE_DATE, total) {
                    Ok(generator) => generator,
                    Err(error) => {
                        let _ = sender.send(Err(error));
                        return;
                    }
                };
                let mut made = 0;
                while made < total {
                    let size = batch_size.min(total - made);
                    let mut batch = Batch::default();
                    let filled = (0..size).try_for_each(|_| {
                        let person = generator.next_person()?;
                        batch.add_person(&person)
                    });
                    made += size;
                    let message = filled.map(|()| batch);
                    let failed = message.is_err();
                    // A closed channel means the writer stopped on an error: stop too.
                    if sender.send(message).is_err() || failed {
                        return;
                    }
                }
            })
        });
        for batch in receiver {
            let batch = batch?;
            let written = store.run_blocking(|conn| batch.write(conn))?;
            counts.add(written);
            progress(Progress { phase: "persons", done: counts.persons, total, elapsed: started.elapsed() });
        }
        Ok::<_, DatasetError>(())
    })?;
    Ok(counts)
}
