//! The dataset generator (`plateforme seed --persons N`): the same seed gives the same data,
//! another seed other data, and what it writes reads back through the API as valid records,
//! with their history; on both backends.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};
use plateforme_dataset::{self as dataset, DATASET_CLIENT, DatasetError, DatasetOptions, DatasetSummary};
use plateforme_model::organization::OrganizationKind;
use plateforme_server::config::Config;
use plateforme_store::connection::MultiBackend;
use plateforme_store::sensitive::{self, Place};
use plateforme_store::{Backend, DbConnection, Store, StoreError, StoreOptions};

use crate::helpers::{FreshDatabase, TestApp, json};
use crate::on_both_backends;

const PERSONS: u64 = 120;

fn options(seed: u64) -> DatasetOptions {
    // Small batches, so that several transactions (and change-number reservations) are made.
    DatasetOptions { persons: PERSONS, offers: 0, seed, batch_size: 50 }
}

async fn generate(store: &Store, options: DatasetOptions) -> Result<DatasetSummary, DatasetError> {
    let store = store.clone();
    // The key the test server hashes NIRs with.
    let nir_key = Config::default().nir_key();
    actix_web::rt::task::spawn_blocking(move || dataset::generate(&store, &options, &nir_key, &mut |_| {}))
        .await
        .expect("the generator's task")
}

// What the generator wrote, read with plain SQL: the store's schema is private to it, and
// these columns are the very facts under test.
#[derive(Debug, PartialEq, QueryableByName)]
struct OrganizationDump {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    siret: String,
    #[diesel(sql_type = Text)]
    territory: String,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct PersonDump {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Nullable<Text>)]
    nir_hash: Option<String>,
    #[diesel(sql_type = Text)]
    match_key: String,
    #[diesel(sql_type = Text)]
    identity_key: String,
    #[diesel(sql_type = Text)]
    registered_by: String,
    #[diesel(sql_type = Nullable<Text>)]
    oriented_to: Option<String>,
    #[diesel(sql_type = Bool)]
    rsa_beneficiary: bool,
    #[diesel(sql_type = Nullable<Text>)]
    residence_departement: Option<String>,
    #[diesel(sql_type = Text)]
    record: String,
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    updated_at: NaiveDateTime,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct DiagnosticDump {
    #[diesel(sql_type = Text)]
    person_id: String,
    #[diesel(sql_type = Text)]
    professional: String,
    #[diesel(sql_type = Nullable<Text>)]
    social: Option<String>,
    #[diesel(sql_type = Text)]
    provenance: String,
    #[diesel(sql_type = BigInt)]
    version: i64,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct ContractDump {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    person_id: String,
    #[diesel(sql_type = Text)]
    organization_id: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    record: String,
    #[diesel(sql_type = BigInt)]
    version: i64,
}

/// Which version of which resource a history row or a change event is about, and how it came.
#[derive(Debug, PartialEq, QueryableByName)]
struct VersionDump {
    #[diesel(sql_type = Text)]
    resource_type: String,
    #[diesel(sql_type = Text)]
    resource_id: String,
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Text)]
    action: String,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct HistoryDump {
    #[diesel(embed)]
    which: VersionDump,
    #[diesel(sql_type = Nullable<Text>)]
    actor_organization: Option<String>,
    #[diesel(sql_type = Timestamp)]
    changed_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    changes: String,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct ChangeDump {
    #[diesel(embed)]
    which: VersionDump,
    #[diesel(sql_type = Timestamp)]
    occurred_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Text>)]
    subject_id: Option<String>,
}

#[derive(QueryableByName)]
struct Seq {
    #[diesel(sql_type = Nullable<BigInt>)]
    seq: Option<i64>,
}

/// Everything the generator wrote, in a stable order; change events without their sequence
/// numbers, which depend on what the database held before.
#[derive(Debug, PartialEq)]
struct Dump {
    organizations: Vec<OrganizationDump>,
    persons: Vec<PersonDump>,
    diagnostics: Vec<DiagnosticDump>,
    contracts: Vec<ContractDump>,
    history: Vec<HistoryDump>,
    changes: Vec<ChangeDump>,
}

/// The rows of `sql` written by the dataset's client, named `:client` in it.
fn rows_by_dataset<T: QueryableByName<MultiBackend> + 'static>(
    conn: &mut DbConnection,
    sql: &str,
) -> Result<Vec<T>, StoreError> {
    rows(conn, &sql.replace(":client", &format!("'{DATASET_CLIENT}'")))
}

fn rows<T: QueryableByName<MultiBackend> + 'static>(conn: &mut DbConnection, sql: &str) -> Result<Vec<T>, StoreError> {
    Ok(diesel::sql_query(sql).load(conn)?)
}

fn dump(store: &Store) -> Dump {
    store
        .run_blocking(|conn| {
            opened(Dump {
                organizations: rows_by_dataset(
                    conn,
                    "SELECT id, kind, name, siret, territory, created_at FROM organizations \
                     WHERE created_by = :client ORDER BY id",
                )?,
                persons: rows(
                    conn,
                    "SELECT id, nir_hash, match_key, identity_key, registered_by, oriented_to, rsa_beneficiary, \
                     residence_departement, record, version, created_at, updated_at FROM persons ORDER BY id",
                )?,
                diagnostics: rows(
                    conn,
                    "SELECT person_id, professional, social, provenance, version FROM diagnostics ORDER BY person_id",
                )?,
                contracts: rows(
                    conn,
                    "SELECT id, person_id, organization_id, status, record, version FROM contracts ORDER BY id",
                )?,
                history: rows_by_dataset(
                    conn,
                    "SELECT resource_type, resource_id, version, action, actor_organization, changed_at, changes \
                     FROM history WHERE actor = :client ORDER BY resource_type, resource_id, version",
                )?,
                changes: rows_by_dataset(
                    conn,
                    "SELECT resource_type, resource_id, version, action, occurred_at, subject_id \
                     FROM changes WHERE actor = :client ORDER BY seq",
                )?,
            })
        })
        .expect("read what the generator wrote")
}

/// The dump with its sealed values opened: they are sealed under a fresh nonce each time, so
/// the same seed gives the same values, not the same ciphertexts.
fn opened(mut dump: Dump) -> Result<Dump, StoreError> {
    for person in &mut dump.persons {
        let place = Place::Row { resource_type: "person", resource_id: &person.id };
        person.record = sensitive::opened(&person.record, place)?.to_string();
    }
    for diagnostic in &mut dump.diagnostics {
        if let Some(social) = &diagnostic.social {
            let stored = serde_json::from_str(social).map_err(|error| StoreError::Corrupt(error.to_string()))?;
            diagnostic.social = Some(sensitive::open_social(stored, &diagnostic.person_id)?.to_string());
        }
    }
    for version in &mut dump.history {
        let which = &version.which;
        let place = Place::History {
            resource_type: &which.resource_type,
            resource_id: &which.resource_id,
            version: which.version,
        };
        version.changes = sensitive::opened(&version.changes, place)?.to_string();
    }
    Ok(dump)
}

/// A fresh, migrated database of the same backend as `app`'s.
fn fresh_like(app: &TestApp) -> (FreshDatabase, Store) {
    let database = match app.store.backend() {
        Backend::Sqlite => FreshDatabase::sqlite(),
        Backend::Postgres => FreshDatabase::postgres().expect("the app runs on PostgreSQL, so DATABASE_URL is set"),
    };
    let store = Store::connect(&database.url, &StoreOptions { max_connections: 2, ..StoreOptions::default() })
        .expect("open the second database");
    store.migrate().expect("migrate the second database");
    (database, store)
}

async fn the_generator_is_deterministic_and_its_records_are_valid(app: TestApp) {
    let summary = generate(&app.store, options(42)).await.expect("generate");
    let counts = summary.counts;
    assert_eq!(counts.persons, PERSONS);
    assert!(counts.organizations > 1_400, "{counts:?}");
    // Every agency, mission locale, Cap emploi and département receives people somewhere.
    assert!(counts.sites > 1_200 && counts.sites < counts.organizations, "{counts:?}");
    assert!(counts.diagnostics > 0 && counts.contracts > 0, "{counts:?}");
    let written = dump(&app.store);
    assert_eq!(written.persons.len() as u64, PERSONS);
    assert_eq!(written.history.len() as u64, counts.history);
    assert_eq!(written.changes.len() as u64, counts.changes);
    let versions: i64 = written.persons.iter().map(|person| person.version).sum::<i64>()
        + written.diagnostics.iter().map(|diagnostic| diagnostic.version).sum::<i64>()
        + written.contracts.iter().map(|contract| contract.version).sum::<i64>()
        + written.organizations.len() as i64
        + counts.sites as i64;
    assert_eq!(versions as u64, counts.history, "one history row and one change event per version");

    // Same seed, another database: the same data. Another seed: other data.
    let (_same_database, same) = fresh_like(&app);
    generate(&same, options(42)).await.expect("generate again");
    assert!(dump(&same) == written, "the same seed gives the same data");
    let (_other_database, other) = fresh_like(&app);
    generate(&other, options(43)).await.expect("generate with another seed");
    let different = dump(&other);
    assert_ne!(different.persons, written.persons);
    // A second dataset in the same database is refused, and writes nothing.
    let again = generate(&app.store, options(42)).await;
    assert!(matches!(again, Err(DatasetError::AlreadyGenerated { .. })), "{again:?}");
    assert!(dump(&app.store) == written);
    // The feed serves every generated event once, numbered after the events written before.
    crate::change_feed::settle(&app).await;
    let served = app
        .store
        .run_blocking(|conn| {
            plateforme_store::changes::read(conn, plateforme_store::changes::FeedPosition::START, i64::MAX)
        })
        .expect("the feed");
    let stored: Vec<Seq> =
        app.store.run_blocking(|conn| rows(conn, "SELECT COUNT(*) AS seq FROM changes")).expect("the events");
    assert_eq!(Some(served.len() as i64), stored.first().and_then(|row| row.seq), "the feed serves every event");
    assert!(served.windows(2).all(|pair| pair[0].position < pair[1].position), "once each, in order");

    // Read back through the API by France Travail, which sees every dossier, sensitive parts
    // included: each record deserializes and validates on its way out.
    let reader = app.register(OrganizationKind::FranceTravail, &["dossier:read", "dossier.social:read"]).await;
    let get = |path: String| {
        let request = app.client.get(app.url(&path)).bearer_auth(&reader.token);
        async move { request.send().await.expect("GET") }
    };
    for PersonDump { id, nir_hash, version, .. } in written.persons.iter().step_by(7) {
        let response = get(format!("/v1/persons/{id}")).await;
        assert_eq!(response.status().as_u16(), 200, "/v1/persons/{id}");
        let person = json(response).await;
        assert_eq!(person["id"], id.as_str());
        assert_eq!(person["version"], *version);
        assert_eq!(person["has_nir"], nir_hash.is_some());
        let history = json(get(format!("/v1/persons/{id}/history")).await).await;
        assert_eq!(history["items"].as_array().map(Vec::len), Some(*version as usize), "{history}");
        let contracts = json(get(format!("/v1/persons/{id}/contracts")).await).await;
        let expected = written.contracts.iter().filter(|contract| &contract.person_id == id).count();
        assert_eq!(contracts["items"].as_array().map(Vec::len), Some(expected), "{contracts}");
    }
    for DiagnosticDump { person_id, .. } in written.diagnostics.iter().step_by(5) {
        let response = get(format!("/v1/persons/{person_id}/diagnostic")).await;
        assert_eq!(response.status().as_u16(), 200);
        assert!(json(response).await["professional"]["target_rome_codes"].as_array().is_some_and(|c| !c.is_empty()));
    }
    for ContractDump { id, person_id, .. } in written.contracts.iter().step_by(3) {
        let response = get(format!("/v1/persons/{person_id}/contracts/{id}")).await;
        assert_eq!(response.status().as_u16(), 200, "contract {id}");
    }
    let page = json(app.get("/v1/organizations?limit=100&kind=cap_emploi").await).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(100), "a Cap emploi per département: {page}");
}

on_both_backends!(the_generator_is_deterministic_and_its_records_are_valid);
