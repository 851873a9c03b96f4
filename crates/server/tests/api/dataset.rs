//! The dataset generator (`plateforme seed --persons N`): the same seed gives the same data,
//! another seed other data, and what it writes reads back through the API as valid records,
//! with their history; on both backends.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use plateforme_dataset::{self as dataset, DATASET_CLIENT, DatasetError, DatasetOptions, DatasetSummary};
use plateforme_model::organization::OrganizationKind;
use plateforme_server::config::Config;
use plateforme_store::contracts::contracts;
use plateforme_store::diagnostics::diagnostics;
use plateforme_store::schema::{changes, history, organizations, persons};
use plateforme_store::{Backend, Store, StoreError, StoreOptions};

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

type PersonDump = (String, Option<String>, String, String, String, Option<String>, bool, Option<String>, String, i64);
type Times = (NaiveDateTime, NaiveDateTime);
type OrganizationDump = (String, String, String, String, String, NaiveDateTime);
type HistoryDump = (String, String, i64, String, Option<String>, NaiveDateTime, String);
type ChangeDump = (String, String, i64, String, NaiveDateTime, Option<String>);

/// Everything the generator wrote, in a stable order; change events without their sequence
/// numbers, which depend on what the database held before.
#[derive(Debug, PartialEq)]
struct Dump {
    organizations: Vec<OrganizationDump>,
    persons: Vec<(PersonDump, Times)>,
    diagnostics: Vec<(String, String, Option<String>, String, i64)>,
    contracts: Vec<(String, String, String, String, String, i64)>,
    history: Vec<HistoryDump>,
    changes: Vec<ChangeDump>,
}

fn dump(store: &Store) -> Dump {
    store
        .run_blocking(|conn| {
            Ok(Dump {
                organizations: organizations::table
                    .filter(organizations::created_by.eq(DATASET_CLIENT))
                    .order(organizations::id)
                    .select((
                        organizations::id,
                        organizations::kind,
                        organizations::name,
                        organizations::siret,
                        organizations::territory,
                        organizations::created_at,
                    ))
                    .load(conn)?,
                persons: persons::table
                    .order(persons::id)
                    .select((
                        (
                            persons::id,
                            persons::nir_hash,
                            persons::match_key,
                            persons::identity_key,
                            persons::registered_by,
                            persons::oriented_to,
                            persons::rsa_beneficiary,
                            persons::residence_departement,
                            persons::record,
                            persons::version,
                        ),
                        (persons::created_at, persons::updated_at),
                    ))
                    .load(conn)?,
                diagnostics: diagnostics::table
                    .order(diagnostics::person_id)
                    .select((
                        diagnostics::person_id,
                        diagnostics::professional,
                        diagnostics::social,
                        diagnostics::provenance,
                        diagnostics::version,
                    ))
                    .load(conn)?,
                contracts: contracts::table
                    .order(contracts::id)
                    .select((
                        contracts::id,
                        contracts::person_id,
                        contracts::organization_id,
                        contracts::status,
                        contracts::record,
                        contracts::version,
                    ))
                    .load(conn)?,
                history: history::table
                    .filter(history::actor.eq(DATASET_CLIENT))
                    .order((history::resource_type, history::resource_id, history::version))
                    .select((
                        history::resource_type,
                        history::resource_id,
                        history::version,
                        history::action,
                        history::actor_organization,
                        history::changed_at,
                        history::changes,
                    ))
                    .load(conn)?,
                changes: changes::table
                    .filter(changes::actor.eq(DATASET_CLIENT))
                    .order(changes::seq)
                    .select((
                        changes::resource_type,
                        changes::resource_id,
                        changes::version,
                        changes::action,
                        changes::occurred_at,
                        changes::subject_id,
                    ))
                    .load(conn)?,
            })
        })
        .expect("read what the generator wrote")
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
    assert!(counts.diagnostics > 0 && counts.contracts > 0, "{counts:?}");
    let written = dump(&app.store);
    assert_eq!(written.persons.len() as u64, PERSONS);
    assert_eq!(written.history.len() as u64, counts.history);
    assert_eq!(written.changes.len() as u64, counts.changes);
    let versions: i64 = written.persons.iter().map(|(person, _)| person.9).sum::<i64>()
        + written.diagnostics.iter().map(|diagnostic| diagnostic.4).sum::<i64>()
        + written.contracts.iter().map(|contract| contract.5).sum::<i64>()
        + written.organizations.len() as i64;
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
    let sequence: i64 = app
        .store
        .run_blocking(|conn| {
            Ok::<_, StoreError>(
                plateforme_store::schema::change_sequence::table
                    .select(plateforme_store::schema::change_sequence::last_seq)
                    .first(conn)?,
            )
        })
        .expect("the feed's counter");
    let last: Option<i64> = app
        .store
        .run_blocking(|conn| Ok::<_, StoreError>(changes::table.select(diesel::dsl::max(changes::seq)).first(conn)?))
        .expect("the last event");
    assert_eq!(Some(sequence), last, "the feed's counter follows the generated events");

    // Read back through the API by France Travail, which sees every dossier, sensitive parts
    // included: each record deserializes and validates on its way out.
    let reader = app.register(OrganizationKind::FranceTravail, &["dossier:read", "dossier.social:read"]).await;
    let get = |path: String| {
        let request = app.client.get(app.url(&path)).bearer_auth(&reader.token);
        async move { request.send().await.expect("GET") }
    };
    for ((id, nir_hash, .., version), _) in written.persons.iter().step_by(7) {
        let response = get(format!("/v1/persons/{id}")).await;
        assert_eq!(response.status().as_u16(), 200, "/v1/persons/{id}");
        let person = json(response).await;
        assert_eq!(person["id"], id.as_str());
        assert_eq!(person["version"], *version);
        assert_eq!(person["has_nir"], nir_hash.is_some());
        let history = json(get(format!("/v1/persons/{id}/history")).await).await;
        assert_eq!(history["items"].as_array().map(Vec::len), Some(*version as usize), "{history}");
        let contracts = json(get(format!("/v1/persons/{id}/contracts")).await).await;
        let expected = written.contracts.iter().filter(|contract| &contract.1 == id).count();
        assert_eq!(contracts["items"].as_array().map(Vec::len), Some(expected), "{contracts}");
    }
    for (person_id, ..) in written.diagnostics.iter().step_by(5) {
        let response = get(format!("/v1/persons/{person_id}/diagnostic")).await;
        assert_eq!(response.status().as_u16(), 200);
        assert!(json(response).await["professional"]["target_rome_codes"].as_array().is_some_and(|c| !c.is_empty()));
    }
    for (id, person_id, ..) in written.contracts.iter().step_by(3) {
        let response = get(format!("/v1/persons/{person_id}/contracts/{id}")).await;
        assert_eq!(response.status().as_u16(), 200, "contract {id}");
    }
    let page = json(app.get("/v1/organizations?limit=100&kind=cap_emploi").await).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(100), "a Cap emploi per département: {page}");
}

on_both_backends!(the_generator_is_deterministic_and_its_records_are_valid);
