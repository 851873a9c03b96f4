//! The employment committees' counts of orientation decisions (issue 16, item 1): a small
//! population built by hand, its expected counts written here, the secrecy of every table
//! attacked with its totals, and the misuses refused.

use chrono::{Days, Utc};
use plateforme_model::indicators::{Breakdown, Level};
use plateforme_model::organization::OrganizationKind::*;
use plateforme_server::config::Config;
use plateforme_store::indicators::orientation_decisions::{self, CountRequest};
use serde_json::{Value, json};

use crate::dossier::{get_as, person, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, json};
use crate::on_both_backends;

on_both_backends!(with super::committee_config();
    orientation_decisions_are_counted_per_territory_under_secrecy,
    the_feed_refuses_what_it_cannot_answer,
);

/// Small thresholds, so that a dozen persons make a table: committees 3, the public 6.
pub fn committee_config() -> Config {
    Config { indicators_committee_threshold: 3, indicators_public_threshold: 6, ..Config::default() }
}

pub const SCOPES: &[&str] = &["dossier:read", "dossier:write", "indicators:read"];

/// The communes of the population: Lyon (69, région 84), Grenoble (38, région 84), Paris (75,
/// région 11).
const LYON: (&str, &str) = ("69123", "69002");
const GRENOBLE: (&str, &str) = ("38185", "38000");
const PARIS: (&str, &str) = ("75056", "75001");

struct Decision {
    commune: (&'static str, &'static str),
    path: &'static str,
    registered_days_ago: u64,
    criteria: Option<Value>,
}

fn decision(commune: (&'static str, &'static str), path: &'static str) -> Decision {
    Decision { commune, path, registered_days_ago: 40, criteria: None }
}

/// The population: Lyon 4 emploi (two registered 10 days ago), 2 socio-professionnel, 1 social;
/// Grenoble 3 emploi; Paris 2 social. Three in Lyon had their criteria assessed.
fn population() -> Vec<Decision> {
    let assessed = |difficulties: Value| {
        Some(json!({"employment_situation": "unemployed_over_12_months", "qualification": "cap_bep",
            "aspiration": "employment", "difficulties": difficulties}))
    };
    vec![
        Decision {
            registered_days_ago: 10,
            criteria: assessed(json!(["mobility", "childcare"])),
            ..decision(LYON, "emploi")
        },
        Decision { registered_days_ago: 10, criteria: assessed(json!(["mobility"])), ..decision(LYON, "emploi") },
        Decision { criteria: assessed(json!(["mobility", "housing"])), ..decision(LYON, "emploi") },
        decision(LYON, "emploi"),
        decision(LYON, "socio_professionnel"),
        decision(LYON, "socio_professionnel"),
        decision(LYON, "social"),
        decision(GRENOBLE, "emploi"),
        decision(GRENOBLE, "emploi"),
        decision(GRENOBLE, "emploi"),
        decision(PARIS, "social"),
        decision(PARIS, "social"),
    ]
}

/// Registers and orients the population; answers the persons registered, in its order.
pub async fn orient_population(app: &TestApp, ft: &TestClient, referent: &TestClient) -> Vec<Value> {
    let mut persons = Vec::new();
    for (n, decision) in population().into_iter().enumerate() {
        let mut body = person(&format!("Indicateur{n}"), false);
        body["contact"]["address"] = json!({"line": "1 place de la Mairie", "postal_code": decision.commune.1,
            "commune": decision.commune.0});
        body["registration"]["registered_on"] = json!(days_ago(decision.registered_days_ago));
        let registered = register_person(app, ft, &body).await;
        let mut orientation = json!({"path_type": decision.path, "referent_organization_id": referent.organization_id,
            "decided_on": days_ago(0)});
        if let Some(criteria) = decision.criteria {
            orientation["criteria"] = criteria;
        }
        let response = orient(app, ft, &registered, &orientation).await;
        assert_eq!(response.status().as_u16(), 200, "orient {n}: {}", response.text().await.unwrap_or_default());
        persons.push(registered);
    }
    persons
}

pub fn days_ago(days: u64) -> chrono::NaiveDate {
    Utc::now().date_naive().checked_sub_days(Days::new(days)).expect("date")
}

pub fn this_month() -> String {
    Utc::now().format("%Y-%m").to_string()
}

pub fn this_quarter() -> String {
    use chrono::Datelike;
    let today = Utc::now().date_naive();
    format!("{}-Q{}", today.year(), today.month().div_ceil(3))
}

pub async fn orient(app: &TestApp, by: &TestClient, person: &Value, body: &Value) -> reqwest::Response {
    let path = format!("/v1/persons/{}/orientation", person["id"].as_str().expect("id"));
    app.put_as(&by.token, &path, Some(&format!("\"{}\"", person["version"])), body).await
}

/// Reads a table and attacks it with the others of its breakdown; `complete` when the client
/// reads every territory (one left out then counts nobody, as the attacker knows).
async fn table(app: &TestApp, client: &TestClient, complete: bool, query: &str) -> Value {
    let month = this_month();
    let response = get_as(app, client, &format!("/v1/orientation-decisions?from={month}&to={month}&{query}")).await;
    assert_eq!(response.status().as_u16(), 200, "{query}");
    let table = json(response).await;
    attack_every_level(app, client, complete, query).await;
    table
}

/// Reads every level, months and quarters, of the breakdown of `query` as `client` may, and
/// attacks them together (see [`attack`]).
async fn attack_every_level(app: &TestApp, client: &TestClient, complete: bool, query: &str) {
    let by: String = query.split('&').filter(|pair| pair.starts_with("by=")).collect();
    let month = this_month();
    let mut tables = Vec::new();
    for level in ["national", "region", "departement"] {
        for period in ["month", "quarter"] {
            let path = format!("/v1/orientation-decisions?from={month}&to={month}&level={level}&period={period}&{by}");
            let response = get_as(app, client, &path).await;
            assert_eq!(response.status().as_u16(), 200, "{path}");
            tables.push(json(response).await);
        }
    }
    attack(&tables, complete);
}

/// Attacks the tables a reader was given, together, with every sum between their cells (row
/// totals, quarters, régions and the nation), by solving each hidden cell's linear programs: no
/// published cell but an empty one counts fewer than the threshold, and each hidden cell stays
/// uncertain by at least the threshold.
pub fn attack(tables: &[Value], complete: bool) {
    use plateforme_model::secrecy::cube::{self, Entry};
    let threshold = tables[0]["threshold"].as_i64().expect("threshold");
    let cells: Vec<(String, &Value)> = tables
        .iter()
        .flat_map(|table| {
            let level = table["level"].as_str().expect("level").to_owned();
            table["cells"].as_array().expect("cells").iter().map(move |cell| (level.clone(), cell))
        })
        .collect();
    let text = |cell: &Value, member: &str| cell[member].as_str().expect(member).to_owned();
    let keys: Vec<[String; 3]> =
        cells.iter().map(|(_, cell)| [text(cell, "territory"), text(cell, "period"), text(cell, "category")]).collect();
    let entries: Vec<Entry<'_>> = cells
        .iter()
        .zip(&keys)
        .map(|((level, cell), [territory, period, category])| Entry {
            level,
            territory,
            period,
            category,
            units: cell["decisions"].as_i64().unwrap_or(0),
        })
        .collect();
    let hidden: Vec<bool> = cells.iter().map(|(_, cell)| cell["hidden"] == true).collect();
    let bounds = cube::attack_exactly(&entries, &hidden, complete);
    for ((entry, hidden), bounds) in entries.iter().zip(&hidden).zip(bounds) {
        if *hidden {
            assert!(bounds.width() >= threshold, "{entry:?} lies in [{}, {}]", bounds.low, bounds.high);
        } else {
            assert!(entry.units == 0 || entry.units >= threshold, "published under the threshold: {entry:?}");
        }
    }
}

/// The cells of a table as `territory/category` → count (`None` when hidden).
pub fn cells(table: &Value) -> Vec<(String, Option<i64>)> {
    table["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|cell| {
            let key = format!(
                "{}/{}",
                cell["territory"].as_str().expect("territory"),
                cell["category"].as_str().expect("category")
            );
            assert_eq!(cell["hidden"], cell["decisions"].is_null(), "{cell}");
            (key, cell["decisions"].as_i64())
        })
        .collect()
}

async fn orientation_decisions_are_counted_per_territory_under_secrecy(app: TestApp) {
    let ft = app.register(FranceTravail, SCOPES).await;
    let ml = app.register(MissionLocale, SCOPES).await;
    orient_population(&app, &ft, &ml).await;

    // The counts before secrecy, per département and path: the population, as written above.
    let month = this_month();
    let request = CountRequest {
        level: Level::Departement,
        breakdown: Breakdown::PathType,
        from_month: month.clone(),
        to_month: month.clone(),
        region: None,
        departement: None,
    };
    let mut counted: Vec<(String, String, i64)> = app
        .store
        .run_blocking(move |conn| orientation_decisions::count(conn, &request))
        .expect("count")
        .into_iter()
        .map(|count| (count.territory, count.category, count.decisions))
        .collect();
    counted.sort();
    let expected = [
        ("38", "emploi", 3),
        ("69", "emploi", 4),
        ("69", "social", 1),
        ("69", "socio_professionnel", 2),
        ("75", "social", 2),
    ];
    assert_eq!(counted, expected.map(|(territory, path, count)| (territory.to_owned(), path.to_owned(), count)));

    // France Travail (the CNE's operator), threshold 3. Every total below the nation's counts
    // fewer than 3 + 9 decisions (9: the most categories a breakdown has), so it is hidden, in
    // every breakdown alike. The nation's 12 stays; its paths go hidden with Paris' 2, which the
    // nation's social 3 less the Rhône's at least 1 would otherwise pin within [1, 2].
    let national = table(&app, &ft, true, "").await;
    assert_eq!(national["threshold"], 3);
    let only_the_total = |categories: &[&str]| -> Vec<(String, Option<i64>)> {
        let mut cells: Vec<_> = categories.iter().map(|category| (format!("FR/{category}"), None)).collect();
        cells.push(("FR/total".to_owned(), Some(12)));
        cells
    };
    assert_eq!(cells(&national), only_the_total(&["emploi", "social", "socio_professionnel"]));
    assert_eq!(national["cells"][0]["period"], this_month());

    // Per département, the Rhône's emploi 4 is published (its row's total hidden, its 1 and 2
    // stay 3 wide); every other non-empty cell is hidden, the empty ones stay. Per région, only
    // the empty ones.
    let departements = table(&app, &ft, true, "level=departement").await;
    let published: Vec<(String, Option<i64>)> =
        cells(&departements).into_iter().filter(|(_, count)| count.is_some()).collect();
    let zero = |key: &str| (key.to_owned(), Some(0));
    let mut expected = ["38/social", "38/socio_professionnel"].map(zero).to_vec();
    expected.push(("69/emploi".to_owned(), Some(4)));
    expected.extend(["75/emploi", "75/socio_professionnel"].map(zero));
    assert_eq!(published, expected);
    // `region` and `departement` cut the same table: the same cells, only theirs.
    let in_84 = table(&app, &ft, true, "level=departement&region=84").await;
    let of_84: Vec<_> =
        cells(&departements).into_iter().filter(|(key, _)| key.starts_with("38/") || key.starts_with("69/")).collect();
    assert_eq!(cells(&in_84), of_84);
    let of_rhone = table(&app, &ft, true, "level=region&departement=69").await;
    assert!(cells(&of_rhone).iter().all(|(key, _)| key.starts_with("84/")), "{of_rhone}");
    assert!(!cells(&of_rhone).is_empty());
    let regions = table(&app, &ft, true, "level=region").await;
    let published: Vec<_> = cells(&regions).into_iter().filter(|(_, count)| count.is_some()).collect();
    assert_eq!(published, ["11/emploi", "11/socio_professionnel"].map(zero).to_vec());

    // Decided within 30 days of the registration (2, hidden, and the 10 later with them); the
    // criteria (3 assessed, 9 not recorded: the 3 all in the Rhône, whose total is hidden).
    let delay = table(&app, &ft, true, "by=within_30_days").await;
    assert_eq!(cells(&delay), only_the_total(&["later", "within_30_days"]));
    let situation = table(&app, &ft, true, "by=employment_situation").await;
    assert_eq!(cells(&situation), only_the_total(&["not_recorded", "unemployed_over_12_months"]));
    // The difficulties, counted apart without a total: mobility 3 (all in the région 84)
    // published at both levels, childcare and housing 1 hidden.
    let difficulties = table(&app, &ft, true, "by=difficulty").await;
    assert_eq!(
        cells(&difficulties),
        vec![("FR/childcare".to_owned(), None), ("FR/housing".to_owned(), None), ("FR/mobility".to_owned(), Some(3))]
    );
    let by_region = table(&app, &ft, true, "by=difficulty&level=region").await;
    assert_eq!(
        cells(&by_region),
        vec![("84/childcare".to_owned(), None), ("84/housing".to_owned(), None), ("84/mobility".to_owned(), Some(3))]
    );
    // Who decided and who accompanies: France Travail decided all 12, the mission locale is
    // referent of all 12; a quarter is read whole.
    let deciding = table(&app, &ft, true, "by=deciding_kind").await;
    assert_eq!(cells(&deciding), vec![("FR/france_travail".to_owned(), Some(12)), ("FR/total".to_owned(), Some(12))]);
    let referents = table(&app, &ft, true, "by=referent_kind&period=quarter").await;
    assert_eq!(cells(&referents), vec![("FR/mission_locale".to_owned(), Some(12)), ("FR/total".to_owned(), Some(12))]);
    assert_eq!(referents["cells"][0]["period"], this_quarter());
    assert!(
        referents["from"].as_str().is_some_and(|from| from.ends_with("-01")
            || from.ends_with("-04")
            || from.ends_with("-07")
            || from.ends_with("-10")),
        "{referents}"
    );

    // The Rhône's committee (CDPE) sees its département only, with the same numbers.
    let rhone = app.register(Departement, SCOPES).await;
    let own = table(&app, &rhone, false, "level=departement").await;
    let lyon: Vec<_> = cells(&departements).into_iter().filter(|(key, _)| key.starts_with("69/")).collect();
    assert_eq!(cells(&own), lyon);
    assert_problem(
        get_as(
            &app,
            &rhone,
            &format!("/v1/orientation-decisions?from={}&to={}&departement=38", this_month(), this_month()),
        )
        .await,
        403,
        "forbidden",
    )
    .await;

    // A partner reads as the public (threshold 6): the nation's 12 is fewer than 6 + 9, hidden
    // with everything else.
    let partner = app.register(Partner, &["indicators:read"]).await;
    let public = table(&app, &partner, true, "").await;
    assert_eq!(public["threshold"], 6);
    assert!(cells(&public).iter().all(|(_, count)| count.is_none()), "{public}");
}

async fn the_feed_refuses_what_it_cannot_answer(app: TestApp) {
    let ft = app.register(FranceTravail, SCOPES).await;
    let month = this_month();
    let refused = |query: String, rule: &'static str| {
        let (app, ft) = (&app, &ft);
        async move {
            let response = get_as(app, ft, &format!("/v1/orientation-decisions?{query}")).await;
            let problem = assert_problem(response, 400, "invalid_query").await;
            assert_eq!(problem["errors"][0]["rule"], rule, "{query}: {problem}");
        }
    };
    refused(format!("to={month}"), "required").await;
    refused(format!("from=2026-13&to={month}"), "month.format").await;
    refused("from=2026-05&to=2026-04".to_owned(), "month.range").await;
    refused("from=2020-01&to=2026-01".to_owned(), "month.range").await;
    refused(format!("from={month}&to={month}&region=84&departement=75"), "departement.region").await;
    refused(format!("from={month}&to={month}&departement=999"), "departement.unknown").await;
    let unknown = get_as(&app, &ft, &format!("/v1/orientation-decisions?from={month}&to={month}&person=1")).await;
    assert_problem(unknown, 400, "invalid_query").await;
    let bad_level =
        get_as(&app, &ft, &format!("/v1/orientation-decisions?from={month}&to={month}&level=commune")).await;
    assert_problem(bad_level, 400, "invalid_query").await;

    // Without the scope, 403; without a token, 401.
    let writer = app.register(FranceTravail, &["dossier:read", "dossier:write"]).await;
    let response = get_as(&app, &writer, &format!("/v1/orientation-decisions?from={month}&to={month}")).await;
    assert_problem(response, 403, "forbidden").await;
    let anonymous = app
        .client
        .get(app.url(&format!("/v1/orientation-decisions?from={month}&to={month}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(anonymous.status().as_u16(), 401);

    // A decision whose criteria list a difficulty twice, or asked for after it was decided, or
    // before the registration, writes nothing: neither the dossier nor a count.
    let registered = register_person(&app, &ft, &person("Critères", false)).await;
    let base =
        json!({"path_type": "social", "referent_organization_id": ft.organization_id, "decided_on": days_ago(0)});
    let with = |member: &str, value: Value| {
        let mut body = base.clone();
        body[member] = value;
        body
    };
    let twice = with(
        "criteria",
        json!({"employment_situation": "never_worked", "qualification": "none",
        "aspiration": "undefined", "difficulties": ["health", "health"]}),
    );
    let problem = assert_problem(orient(&app, &ft, &registered, &twice).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "difficulties.duplicate");
    let late = with("requested_on", json!(Utc::now().date_naive().checked_add_days(Days::new(1))));
    let problem = assert_problem(orient(&app, &ft, &registered, &late).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "requested_on.after_decision");
    let early = with("requested_on", json!(days_ago(41)));
    let problem = assert_problem(orient(&app, &ft, &registered, &early).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["rule"], "requested_on.before_registration");
    let unknown =
        with("criteria", json!({"employment_situation": "retired", "qualification": "bac", "aspiration": "training"}));
    let problem = assert_problem(orient(&app, &ft, &registered, &unknown).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "criteria.employment_situation");
    let empty = table(&app, &ft, true, "").await;
    assert_eq!(cells(&empty), Vec::<(String, Option<i64>)>::new(), "nothing counted");

    // A valid one is counted, and the dossier keeps the request date but not the criteria.
    let valid = with("requested_on", json!(days_ago(5)));
    let valid = with_criteria(valid);
    let oriented = json(orient(&app, &ft, &registered, &valid).await).await;
    assert_eq!(oriented["orientation"]["requested_on"], json!(days_ago(5)));
    assert!(oriented["orientation"].get("criteria").is_none(), "{oriented}");
    let counted = table(&app, &ft, true, "").await;
    assert_eq!(cells(&counted), vec![("FR/social".to_owned(), None), ("FR/total".to_owned(), None)]);
}

fn with_criteria(mut body: Value) -> Value {
    body["criteria"] = json!({"employment_situation": "never_worked", "qualification": "none",
        "aspiration": "undefined", "difficulties": ["health"]});
    body
}
