//! The indicators' definitions computed as vintages (issue 16, items 2, 3 and 5): each indicator
//! on the hand-built population of `indicators.rs`, its expected values written here; totals
//! that add up across levels; vintages that keep their hash and are revised, never overwritten;
//! open data under the public threshold, with the same numbers as the committees' feed.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use diesel::{Connection, PgConnection, RunQueryDsl};
use plateforme_indicators::compute::{compute_cells, compute_vintage, content_hash};
use plateforme_indicators::definitions::{Aggregation, DEFINITIONS};
use plateforme_model::codes::{DepartementCode, RegionCode};
use plateforme_model::organization::OrganizationKind::*;
use plateforme_store::indicators::vintages::{self, Cell, Published, Vintage};
use serde_json::{Value, json};

use crate::dossier::get_as;
use crate::helpers::{TestApp, TestClient, assert_problem, header, json};
use crate::indicators::{SCOPES, cells, days_ago, orient, orient_population, this_month};
use crate::on_both_backends;

on_both_backends!(with crate::indicators::committee_config();
    each_indicator_is_computed_on_a_hand_built_population,
    totals_add_up_across_levels,
    a_vintage_keeps_its_hash_and_a_revision_is_a_new_vintage,
    open_data_serves_the_latest_vintage_under_public_secrecy,
    the_committees_read_an_indicator_at_their_threshold_and_territories,
);

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn month_of(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

async fn compute(app: &TestApp, as_of: NaiveDate) -> (Vintage, Published) {
    app.compute_vintage(as_of).await.expect("compute")
}

async fn cells_of(app: &TestApp, vintage: &Vintage, indicator: &'static str) -> Vec<Cell> {
    let id = vintage.id.clone();
    app.store.run(move |conn| vintages::cells(conn, &id, indicator)).await.expect("cells")
}

/// `level/territory/period/category` → (units, value).
async fn table(app: &TestApp, vintage: &Vintage, indicator: &'static str) -> BTreeMap<String, (i64, f64)> {
    cells_of(app, vintage, indicator)
        .await
        .into_iter()
        .map(|cell| {
            (format!("{}/{}/{}/{}", cell.level, cell.territory, cell.period, cell.category), (cell.units, cell.value))
        })
        .collect()
}

/// The population of `indicators.rs` (12 persons oriented today by France Travail to a mission
/// locale: Lyon 4 emploi, 2 socio-professionnel, 1 social; Grenoble 3 emploi; Paris 2 social; two
/// in Lyon registered 10 days ago, the others 40), plus, for the first two persons of Lyon, a
/// contract signed today and, for the first, a review held today.
pub(crate) async fn population(app: &TestApp) -> (TestClient, Vec<Value>) {
    let ft = app.register(FranceTravail, SCOPES).await;
    let ml = app.register(MissionLocale, SCOPES).await;
    let persons = orient_population(app, &ft, &ml).await;
    for (n, person) in persons.iter().take(2).enumerate() {
        let path = format!("/v1/persons/{}/contracts", person["id"].as_str().expect("id"));
        let body = json!({"objectives": ["Trouver un emploi"], "weekly_hours": 15, "next_review_on": today()});
        let drafted = app.client.post(app.url(&path)).bearer_auth(&ml.token).json(&body).send().await.expect("POST");
        assert_eq!(drafted.status().as_u16(), 201, "draft {n}: {}", drafted.text().await.unwrap_or_default());
        let contract = header(&drafted, "location").expect("Location");
        let signatures = json!({"person_signed_on": today(), "organization_signed_on": today(), "status": "signed"});
        let signed = app.patch_as(&ml.token, &contract, Some("\"1\""), &signatures).await;
        assert_eq!(signed.status().as_u16(), 200, "sign {n}");
        if n == 0 {
            let review = json!({"held_on": today(), "participants": [{"name": "Léa", "role": "personne accompagnée"}],
                "outcome": "CV finalisé.", "next_steps": ["Candidatures"]});
            let held = app
                .client
                .post(app.url(&format!("{contract}/reviews")))
                .bearer_auth(&ml.token)
                .json(&review)
                .send()
                .await
                .expect("POST");
            assert_eq!(held.status().as_u16(), 201, "review");
        }
    }
    (ft, persons)
}

async fn each_indicator_is_computed_on_a_hand_built_population(app: TestApp) {
    population(&app).await;
    let (vintage, published) = compute(&app, today()).await;
    assert_eq!(published, Published::New);
    assert_eq!(vintage.id, format!("{}.r1", today()));
    let (now, earlier, later) = (this_month(), month_of(days_ago(40)), month_of(days_ago(10)));

    // Registrations: 10 persons 40 days ago, 2 ten days ago (the same month or not).
    let registrations = table(&app, &vintage, "inscriptions").await;
    let mut expected_registrations: BTreeMap<String, i64> = BTreeMap::new();
    *expected_registrations.entry(earlier.clone()).or_default() += 10;
    *expected_registrations.entry(later.clone()).or_default() += 2;
    for (month, persons) in &expected_registrations {
        assert_eq!(registrations[&format!("national/FR/{month}/total")], (*persons, *persons as f64));
    }
    assert_eq!(registrations[&format!("departement/75/{earlier}/total")].0, 2, "Paris");

    // Time to orientation: first orientations this month, 10 after 40 days and 2 after 10: a
    // mean of 420 / 12 = 35 days; 2 of 12 within 30 days: 16.7 %.
    assert_eq!(table(&app, &vintage, "delai_orientation").await[&format!("national/FR/{now}/total")], (12, 35.0));
    let within = table(&app, &vintage, "part_orientes_30_jours").await;
    assert_eq!(within[&format!("national/FR/{now}/total")], (12, 16.7));
    assert_eq!(within[&format!("departement/69/{now}/total")], (7, 28.6), "2 of Lyon's 7");
    assert_eq!(within[&format!("commune/38185/{now}/total")], (3, 0.0), "none of Grenoble's 3");

    // Orientations by path, with the total, at every level down to the commune.
    let paths = table(&app, &vintage, "orientations_par_parcours").await;
    for (key, decisions) in [
        ("national/FR/{now}/emploi", 7),
        ("national/FR/{now}/socio_professionnel", 2),
        ("national/FR/{now}/social", 3),
        ("national/FR/{now}/total", 12),
        ("region/84/{now}/total", 10),
        ("region/11/{now}/social", 2),
        ("departement/69/{now}/emploi", 4),
        ("commune/69123/{now}/total", 7),
    ] {
        let key = key.replace("{now}", &now);
        assert_eq!(paths[&key], (decisions, decisions as f64), "{key}");
    }
    let quarter = crate::indicators::this_quarter();
    assert_eq!(paths[&format!("national/FR/{quarter}/total")].0, 12, "the quarter adds its months");
    let referents = table(&app, &vintage, "orientations_par_referent").await;
    assert_eq!(referents[&format!("national/FR/{now}/mission_locale")].0, 12);
    assert_eq!(referents[&format!("national/FR/{now}/total")].0, 12);
    let intensive = table(&app, &vintage, "part_accompagnement_intensif").await;
    assert_eq!(intensive[&format!("national/FR/{now}/total")], (12, 0.0));

    // Contracts: two in Lyon signed today, 10 days after the registration.
    assert_eq!(table(&app, &vintage, "contrats_signes").await[&format!("departement/69/{now}/total")], (2, 2.0));
    assert_eq!(table(&app, &vintage, "delai_signature_contrat").await[&format!("national/FR/{now}/total")], (2, 10.0));
    assert_eq!(table(&app, &vintage, "points_etape").await[&format!("region/84/{now}/total")], (1, 1.0));

    // Persons by situation today: 2 with a contract in force, 10 oriented without one.
    let situations = table(&app, &vintage, "personnes_par_situation").await;
    assert_eq!(situations[&format!("national/FR/{now}/contract_in_force")].0, 2);
    assert_eq!(situations[&format!("national/FR/{now}/oriented")].0, 10);
    assert_eq!(situations[&format!("national/FR/{now}/total")].0, 12);
    assert_eq!(situations.get(&format!("national/FR/{now}/not_oriented")), None, "no such person");

    // No offer was published: no cell, not a zero made up.
    for indicator in ["offres_publiees", "taux_pourvoi", "offres_pourvues", "delai_pourvoi"] {
        assert!(cells_of(&app, &vintage, indicator).await.is_empty(), "{indicator}");
    }
    // A declared indicator is computed nowhere.
    assert!(cells_of(&app, &vintage, "retours_emploi").await.is_empty());
}

async fn totals_add_up_across_levels(app: TestApp) {
    population(&app).await;
    let (vintage, _) = compute(&app, today()).await;
    for definition in DEFINITIONS.iter().filter(|definition| definition.is_computed()) {
        let Some(computation) = definition.computation else { continue };
        if computation.aggregation != Aggregation::Count {
            continue;
        }
        let cells = cells_of(&app, &vintage, definition.code).await;
        // Per (period, category): each level's sum; per région, its départements' sum.
        let mut per_level: BTreeMap<(String, String, String), i64> = BTreeMap::new();
        let mut regions: BTreeMap<(String, String, String), i64> = BTreeMap::new();
        let mut departements_per_region: BTreeMap<(String, String, String), i64> = BTreeMap::new();
        for cell in &cells {
            let key = (cell.level.clone(), cell.period.clone(), cell.category.clone());
            *per_level.entry(key).or_default() += cell.units;
            match cell.level.as_str() {
                "region" => {
                    regions.insert((cell.territory.clone(), cell.period.clone(), cell.category.clone()), cell.units);
                }
                "departement" => {
                    let region = DepartementCode::parse(&cell.territory)
                        .map_or("unknown".to_owned(), |code| RegionCode::of_departement(&code).as_str().to_owned());
                    *departements_per_region
                        .entry((region, cell.period.clone(), cell.category.clone()))
                        .or_default() += cell.units;
                }
                _ => {}
            }
        }
        assert!(!per_level.is_empty() || definition.code.starts_with("offres") || definition.code == "taux_pourvoi");
        for ((level, period, category), units) in &per_level {
            let national = per_level[&("national".to_owned(), period.clone(), category.clone())];
            assert_eq!(*units, national, "{}: {level} {period} {category}", definition.code);
        }
        assert_eq!(regions, departements_per_region, "{}: each région is its départements", definition.code);
    }
}

async fn a_vintage_keeps_its_hash_and_a_revision_is_a_new_vintage(app: TestApp) {
    let (ft, persons) = population(&app).await;
    let (first, published) = compute(&app, today()).await;
    assert_eq!(published, Published::New);
    assert_eq!(first.content_hash.len(), 64);

    // The same records as of the same date: the same hash, no new vintage.
    let (again, published) = compute(&app, today()).await;
    assert_eq!(published, Published::Unchanged);
    assert_eq!(again, first);

    // What is kept reads back as computed: every cell of every indicator, in the order of the key.
    // The vintage counts the measures of one table in one pass; `compute_cells` one by one.
    let date = today();
    assert_kept_as_computed_measure_by_measure(&app, &first, date).await;

    // As of another date, another vintage (yesterday: none of today's decisions).
    let (yesterday, _) = compute(&app, days_ago(1)).await;
    assert_ne!(yesterday.content_hash, first.content_hash);
    assert!(table(&app, &yesterday, "orientations_par_parcours").await.is_empty());

    // A late decision for today: recomputing as of today is a revision, beside the first.
    // Intensive, and a re-orientation (not a first one) to another kind of referent than the
    // population's, in the same commune and month as their decisions.
    let body = json!({"path_type": "social", "intensive": true, "referent_organization_id": ft.organization_id,
        "decided_on": today()});
    let person = &persons[11];
    let current = json(get_as(&app, &ft, &format!("/v1/persons/{}", person["id"].as_str().expect("id"))).await).await;
    let response = orient(&app, &ft, &current, &body).await;
    assert_eq!(response.status().as_u16(), 200, "{}", response.text().await.unwrap_or_default());
    let (revised, published) = compute(&app, today()).await;
    assert_eq!(published, Published::New);
    assert_eq!(revised.id, format!("{}.r2", today()));
    assert_eq!(revised.revision, 2);
    assert_ne!(revised.content_hash, first.content_hash);
    assert_kept_as_computed_measure_by_measure(&app, &revised, date).await;
    // Paris: its 2 first orientations 40 days after the registration, and now 3 decisions, 1 intensive.
    let paris = format!("departement/75/{}/total", this_month());
    assert_eq!(table(&app, &revised, "delai_orientation").await[&paris], (2, 40.0), "first orientations only");
    assert_eq!(table(&app, &revised, "part_accompagnement_intensif").await[&paris], (3, 33.3));
    assert_eq!(
        table(&app, &revised, "orientations_par_referent").await[&paris.replace("total", "france_travail")].0,
        1
    );
    let now = this_month();
    let key = format!("national/FR/{now}/total");
    assert_eq!(table(&app, &first, "orientations_par_parcours").await[&key].0, 12, "the first vintage is kept");
    assert_eq!(table(&app, &revised, "orientations_par_parcours").await[&key].0, 13);
    let of_today = app.store.run(move |conn| vintages::of_date(conn, date)).await.expect("vintages");
    assert_eq!(of_today.iter().map(|vintage| vintage.revision).collect::<Vec<_>>(), vec![1, 2]);
    let latest = app.store.run(vintages::latest).await.expect("latest");
    assert_eq!(latest, Some(revised));
}

/// Every cell `vintage` keeps equals the cell counted measure by measure (`compute_cells`), in
/// the same order.
async fn assert_kept_as_computed_measure_by_measure(app: &TestApp, vintage: &Vintage, as_of: NaiveDate) {
    let computed = app.store.run(move |conn| compute_cells(conn, as_of)).await.expect("cells");
    assert_eq!(computed.len() as i64, vintage.cell_count);
    // On PostgreSQL the vintage's measures were counted on two connections, coming in another
    // order: the hash, over the cells in the catalogue's order, is the same.
    assert_eq!(vintage.content_hash, content_hash(&computed), "the hash of the cells counted measure by measure");
    let mut kept = Vec::new();
    for definition in DEFINITIONS.iter().filter(|definition| definition.is_computed()) {
        kept.extend(cells_of(app, vintage, definition.code).await);
    }
    assert_eq!(kept, computed);
}

/// PostgreSQL counts on two connections at once: when one fails (here the one counting the
/// persons, killed while it waits for a lock on their table, which the decisions' connection
/// does not read), the computation fails with its error and publishes nothing; the next one
/// publishes, on the pool's connections that remain or new ones.
#[actix_web::test]
async fn a_failure_on_one_of_the_two_connections_publishes_nothing() {
    let Some(app) = TestApp::postgres_with(crate::indicators_live::not_following()).await else { return };
    population(&app).await;
    let mut locker = PgConnection::establish(&app.database_url).expect("a connection of the test's own");
    diesel::sql_query("BEGIN").execute(&mut locker).expect("begin");
    diesel::sql_query("LOCK TABLE persons IN ACCESS EXCLUSIVE MODE").execute(&mut locker).expect("lock");

    let store = app.store.clone();
    let computing = tokio::task::spawn_blocking(move || compute_vintage(&store, today()));
    // On another connection: a transaction sees the activity of the others as of its start.
    let mut killer = PgConnection::establish(&app.database_url).expect("a connection of the test's own");
    let killed = kill_the_query_waiting_for(&mut killer, "SELECT departement, month, situation%").await;
    diesel::sql_query("ROLLBACK").execute(&mut locker).expect("release the lock");
    assert_eq!(killed, 1, "the persons' pass waited for the lock");
    let failed = computing.await.expect("the computation's thread");
    assert!(failed.is_err(), "the computation fails: {failed:?}");
    let date = today();
    assert_eq!(app.store.run(move |conn| vintages::of_date(conn, date)).await.expect("vintages"), vec![]);

    let (vintage, published) = compute(&app, today()).await;
    assert_eq!((published, vintage.revision), (Published::New, 1));
    assert_kept_as_computed_measure_by_measure(&app, &vintage, date).await;
}

/// Terminates the backend whose query, like `pattern`, waits for a lock, once there is one
/// (within 30 s); answers how many it terminated.
async fn kill_the_query_waiting_for(conn: &mut PgConnection, pattern: &str) -> usize {
    #[derive(diesel::QueryableByName)]
    struct Terminated {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        #[expect(dead_code, reason = "the rows are counted")]
        done: bool,
    }
    for _ in 0..600 {
        let terminated: Vec<Terminated> = diesel::sql_query(
            "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1",
        )
        .bind::<diesel::sql_types::Text, _>(pattern)
        .load(conn)
        .expect("terminate the waiting query");
        if !terminated.is_empty() {
            return terminated.len();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    0
}

async fn open_data_serves_the_latest_vintage_under_public_secrecy(app: TestApp) {
    let get = |path: &str| app.client.get(app.url(path)).send();
    // Before any computation: the catalogue says so, a file is not found.
    let empty = json(get("/v1/open-data/indicators").await.expect("GET")).await;
    assert_eq!(empty["vintage"], Value::Null);
    assert_problem(get("/v1/open-data/indicators/inscriptions.csv").await.expect("GET"), 404, "not_found").await;

    population(&app).await;
    let (vintage, _) = compute(&app, today()).await;

    // The catalogue, public: every definition, the vintage, the licence; cached by ETag.
    let response = get("/v1/open-data/indicators").await.expect("GET");
    assert_eq!(response.status().as_u16(), 200);
    let tag = header(&response, "etag").expect("ETag");
    assert!(header(&response, "cache-control").is_some_and(|value| value.contains("public")));
    let catalogue = json(response).await;
    assert_eq!(catalogue["licence"]["id"], "etalab-2.0");
    assert_eq!(catalogue["vintage"]["id"], vintage.id);
    assert_eq!(catalogue["vintage"]["content_hash"], vintage.content_hash);
    assert_eq!(catalogue["threshold"], 6);
    let entries = catalogue["indicators"].as_array().expect("indicators");
    assert_eq!(entries.len(), DEFINITIONS.len());
    let declared = entries.iter().find(|entry| entry["code"] == "retours_emploi").expect("declared");
    assert_eq!(declared["computed"], false);
    assert_eq!(declared["files"], Value::Null);
    let unchanged = app.client.get(app.url("/v1/open-data/indicators")).header("if-none-match", &tag).send().await;
    assert_eq!(unchanged.expect("GET").status().as_u16(), 304);

    // A file in JSON: its definition, vintage, licence and Table Schema; no cell under 6.
    let response = get("/v1/open-data/indicators/orientations_par_parcours.json").await.expect("GET");
    assert_eq!(response.status().as_u16(), 200);
    let file_tag = header(&response, "etag").expect("ETag");
    let file = json(response).await;
    assert_eq!(file["indicator"]["label"], "Orientations par parcours");
    assert_eq!(file["vintage"]["content_hash"], vintage.content_hash);
    assert_eq!(file["licence"]["id"], "etalab-2.0");
    assert_eq!(file["schema"]["primaryKey"], json!(["level", "territory", "period", "category"]));
    // The schema's levels are those published: the communes are counted, published to nobody.
    let levels = json!(["national", "region", "departement"]);
    assert_eq!(file["schema"]["fields"][0]["constraints"]["enum"], levels);
    assert_eq!(file["indicator"]["levels"], levels);
    let data = file["data"].as_array().expect("data");
    for cell in data {
        assert!(levels.as_array().is_some_and(|levels| levels.contains(&cell["level"])), "{cell}");
        assert_eq!(cell["hidden"], cell["value"].is_null(), "{cell}");
        if let Some(units) = cell["units"].as_i64() {
            assert!(units == 0 || units >= 6, "published under the threshold: {cell}");
        }
    }
    let unchanged = app
        .client
        .get(app.url("/v1/open-data/indicators/orientations_par_parcours.json"))
        .header("if-none-match", &file_tag)
        .send()
        .await;
    assert_eq!(unchanged.expect("GET").status().as_u16(), 304);

    // The same numbers as the committees' feed read at the public threshold (a partner, who
    // reads the national level).
    let partner = app.register(Partner, &["indicators:read"]).await;
    let month = this_month();
    for level in ["national"] {
        let path = format!("/v1/orientation-decisions?from={month}&to={month}&level={level}");
        let feed = json(get_as(&app, &partner, &path).await).await;
        let open: Vec<(String, Option<i64>)> = data
            .iter()
            .filter(|cell| cell["level"] == level && cell["period"] == month.as_str() && cell["territory"] != "unknown")
            .map(|cell| {
                (
                    format!(
                        "{}/{}",
                        cell["territory"].as_str().expect("territory"),
                        cell["category"].as_str().expect("c")
                    ),
                    cell["value"].as_i64(),
                )
            })
            .collect();
        agree(&open, &cells(&feed));
    }

    // The CSV: its header, the same cells, a link to the JSON description; cached by ETag.
    let response = get("/v1/open-data/indicators/orientations_par_parcours.csv").await.expect("GET");
    assert_eq!(response.status().as_u16(), 200);
    assert!(header(&response, "content-type").is_some_and(|value| value.starts_with("text/csv")));
    assert!(header(&response, "link").is_some_and(|value| value.contains("orientations_par_parcours.json")));
    let csv_tag = header(&response, "etag").expect("ETag");
    assert_ne!(csv_tag, file_tag);
    let text = response.text().await.expect("body");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("level,territory,period,category,value,units,hidden"));
    assert_eq!(lines.count(), data.len());
    // The nation's 12 decisions are fewer than the public threshold plus room for the categories
    // (6 + 9): hidden, and said so.
    assert!(text.contains(&format!("national,FR,{month},total,,,true")), "{text}");

    // What is not a computed indicator's file is not found.
    for path in ["retours_emploi.csv", "nothing.json", "inscriptions.xml", "inscriptions"] {
        let response = get(&format!("/v1/open-data/indicators/{path}")).await.expect("GET");
        assert_problem(response, 404, "not_found").await;
    }
}

/// The cells published in both tables have the same number; answers how many there are.
fn agree(one: &[(String, Option<i64>)], other: &[(String, Option<i64>)]) -> usize {
    let mut both = 0;
    for (key, count) in one {
        if let (Some(count), Some((_, Some(theirs)))) = (count, other.iter().find(|(their, _)| their == key)) {
            assert_eq!(count, theirs, "{key}");
            both += 1;
        }
    }
    both
}

async fn the_committees_read_an_indicator_at_their_threshold_and_territories(app: TestApp) {
    let (ft, _) = population(&app).await;
    let path = "/v1/indicators/orientations_par_parcours";
    assert_problem(get_as(&app, &ft, path).await, 404, "not_found").await;
    compute(&app, today()).await;
    let month = this_month();
    let of_month = |table: &Value| -> Vec<(String, Option<i64>)> {
        table["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .filter(|cell| cell["period"] == month.as_str() && cell["territory"] != "unknown")
            .map(|cell| {
                let key =
                    format!("{}/{}", cell["territory"].as_str().expect("t"), cell["category"].as_str().expect("c"));
                (key, cell["value"].as_i64())
            })
            .collect()
    };

    // France Travail reads at the committees' threshold (3): what its feed publishes too has the
    // same number (the two tables are protected each on its own: the feed has no communes).
    for level in ["national", "departement"] {
        let table = json(get_as(&app, &ft, &format!("{path}?level={level}")).await).await;
        assert_eq!(table["threshold"], 3);
        let feed_path = format!("/v1/orientation-decisions?from={month}&to={month}&level={level}");
        let feed = json(get_as(&app, &ft, &feed_path).await).await;
        let both = agree(&of_month(&table), &cells(&feed));
        assert!(level != "national" || both > 0, "the nation's total is published in both");
    }

    // The Rhône's committee reads its département only; another one is refused.
    let rhone = app.register(Departement, SCOPES).await;
    let own = json(get_as(&app, &rhone, &format!("{path}?level=departement")).await).await;
    let territories: std::collections::BTreeSet<&str> =
        own["cells"].as_array().expect("cells").iter().filter_map(|cell| cell["territory"].as_str()).collect();
    assert_eq!(territories.into_iter().collect::<Vec<_>>(), vec!["69"]);
    assert_problem(get_as(&app, &rhone, &format!("{path}?level=departement&departement=38")).await, 403, "forbidden")
        .await;

    // A partner reads at the public threshold, as open data.
    let partner = app.register(Partner, &["indicators:read"]).await;
    let public = json(get_as(&app, &partner, path).await).await;
    assert_eq!(public["threshold"], 6);
    let open = json(
        app.client.get(app.url("/v1/open-data/indicators/orientations_par_parcours.json")).send().await.expect("GET"),
    )
    .await;
    let open_national = json!({"cells": open["data"].as_array().expect("data").iter()
        .filter(|cell| cell["level"] == "national").cloned().collect::<Vec<_>>()});
    assert_eq!(of_month(&public), of_month(&open_national));

    // Bad input, no scope, no token, a declared indicator.
    let problem =
        assert_problem(get_as(&app, &ft, &format!("{path}?departement=999")).await, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["rule"], "departement.unknown");
    assert_problem(get_as(&app, &ft, &format!("{path}?level=commune")).await, 400, "invalid_query").await;
    assert_problem(get_as(&app, &ft, "/v1/indicators/retours_emploi").await, 404, "not_found").await;
    let writer = app.register(FranceTravail, &["dossier:read"]).await;
    assert_problem(get_as(&app, &writer, path).await, 403, "forbidden").await;
    let anonymous = app.client.get(app.url(path)).send().await.expect("GET");
    assert_eq!(anonymous.status().as_u16(), 401);
}
